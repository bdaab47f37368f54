// Runs the benchmark and turns what it printed into the `results` output, in order:
// the plaintext probe, wrk, netperf (never at the same time as wrk), the mesh's mTLS
// evidence, then the facts about where everything ran.
import * as pulumi from "@pulumi/pulumi";
import { createKubeObject, resourceName, type KubeObject } from "../cluster/kube-objects";
import { kubectlStep, type KubectlInvocation } from "../cluster/kubectl";
import type { ClusterHandle } from "../cluster/types";
import type { Mesh, MeshContext } from "../meshes/types";
import { buildProbe, PROBE_INVOCATIONS } from "../verify/probe";
import { HTTP_SERVICE, NETPERF_SERVICE, BENCH_NAMESPACE } from "../workloads/ports";
import { assembleResults, type ResultInputs } from "./assemble";
import { buildClients, clientScriptCommand, NETPERF_CLIENT, WRK_CLIENT, type ClientScript } from "./clients";
import { FACTS_INVOCATIONS } from "./facts";
import type { BenchmarkResults } from "./results";

export interface LoadTestArgs {
    readonly cluster: ClusterHandle;
    readonly mesh: Mesh;
    readonly meshContext: MeshContext;
    readonly wrkImage: string;
    readonly netperfImage: string;
    /** Settings, provenance and placement rules for the results (see ResultInputs). */
    readonly inputs: Omit<ResultInputs, "serverApps" | "clientApps" | "cluster">;
    /** The namespace, the mesh and the servers; the clients start after them. */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

const exec = (app: string, container: string, script: ClientScript): KubectlInvocation =>
    ["-n", BENCH_NAMESPACE, "exec", `deploy/${app}`, "-c", container, "--", ...clientScriptCommand(script)];

export class LoadTest extends pulumi.ComponentResource {
    public readonly results: pulumi.Output<BenchmarkResults>;

    constructor(name: string, args: LoadTestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:loadtest:LoadTest", name, {}, opts);
        const { cluster, inputs, mesh, meshContext } = args;
        const create = (objects: KubeObject[], dependsOn: pulumi.Input<pulumi.Resource>[]) =>
            objects.map((obj) => createKubeObject(resourceName(name, obj), obj, { parent: this, provider: cluster.provider, dependsOn }));

        const clients = create(buildClients({
            wrk: inputs.wrk, netperf: inputs.netperf, wrkImage: args.wrkImage, netperfImage: args.netperfImage,
            placement: cluster.clientPlacement, enrolment: mesh.enrolment(meshContext),
        }), args.dependsOn);
        // The probe's objects go in order: its namespace first.
        const [probeNamespace, ...probeObjects] = buildProbe({
            wrk: inputs.wrk, netperf: inputs.netperf, wrkImage: args.wrkImage, netperfImage: args.netperfImage,
            placement: cluster.clientPlacement,
        });
        // Its pods start after the mesh, as the clients do: with a mesh that is the CNI
        // (Cilium), no pod can start before it, and none is to be scheduled before it.
        const [namespace] = create([probeNamespace], cluster.ready);
        const probePods = create(probeObjects, [namespace, ...args.dependsOn]);

        // Each step names the one before in its triggers: it runs only after it, and reruns
        // whenever it does. Everything that would change the numbers is in the fingerprint,
        // so a second `pulumi up` with the same config keeps the results it has.
        const fingerprint = JSON.stringify(inputs);
        let previous: pulumi.Resource[] = [...clients, ...probePods];
        let previousId: pulumi.Input<string> | undefined;
        const step = (stepName: string, invocations: readonly KubectlInvocation[]) => {
            const resource = kubectlStep(`${name}-${stepName}`, {
                access: cluster.access, invocations, triggers: previousId ? [fingerprint, previousId] : [fingerprint],
            }, { parent: this, dependsOn: previous });
            previous = [resource];
            previousId = resource.id;
            return resource;
        };
        const probe = step("probe", PROBE_INVOCATIONS);
        const wrk = step("wrk-run", [exec(WRK_CLIENT, "wrk", "wrk-client.sh")]);
        const netperf = step("netperf-run", [exec(NETPERF_CLIENT, "netperf", "netperf-client.sh")]);
        const evidence = step("mtls-evidence", [{ script: mesh.evidence.script(meshContext) }]);
        const facts = step("facts", FACTS_INVOCATIONS);

        // The kubeconfig reaches the steps through their environment, a secret input; were
        // that secrecy carried over to their stdout, the results would print as [secret].
        // What is parsed out of stdout holds nothing from the kubeconfig, so it is exported
        // in the clear.
        this.results = pulumi.unsecret(pulumi
            .all([probe.stdout, wrk.stdout, netperf.stdout, evidence.stdout, facts.stdout, cluster.provenance])
            .apply(([probeOut, wrkOut, netperfOut, evidenceOut, factsOut, clusterFacts]) => assembleResults(
                {
                    ...inputs,
                    cluster: clusterFacts,
                    serverApps: [HTTP_SERVICE, NETPERF_SERVICE],
                    clientApps: [WRK_CLIENT, NETPERF_CLIENT],
                },
                { probe: probeOut, wrk: wrkOut, netperf: netperfOut, evidence: evidenceOut, facts: factsOut },
                {
                    source: mesh.evidence.source,
                    parse: (lines) => mesh.evidence.parse(lines, meshContext),
                    exemptions: mesh.evidence.exemptions?.(meshContext),
                    probeRefusal: mesh.evidence.probeRefusal?.(meshContext),
                },
            )));
        this.registerOutputs({ results: this.results });
    }
}
