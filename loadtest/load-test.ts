// Runs the clients and turns what they printed into the `results` output: wrk first,
// then netperf (never both at once), then the facts about where they ran.
import * as pulumi from "@pulumi/pulumi";
import { createKubeObject, resourceName } from "../cluster/kube-objects";
import { kubectlStep } from "../cluster/kubectl";
import type { ClusterHandle } from "../cluster/types";
import type { Enrolment } from "../meshes/types";
import { HTTP_SERVICE, NETPERF_SERVICE, BENCH_NAMESPACE } from "../workloads/ports";
import { assembleResults, type ResultInputs } from "./assemble";
import { buildClients, clientScriptCommand, NETPERF_CLIENT, WRK_CLIENT, type ClientScript } from "./clients";
import { FACTS_INVOCATIONS } from "./facts";
import type { BenchmarkResults } from "./results";

export interface LoadTestArgs {
    readonly cluster: ClusterHandle;
    readonly enrolment: Enrolment;
    readonly wrkImage: string;
    readonly netperfImage: string;
    /** Settings, provenance and placement rules for the results (see ResultInputs). */
    readonly inputs: Omit<ResultInputs, "serverApps" | "clientApps" | "cluster">;
    /** The namespace and servers; the clients start after them. */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class LoadTest extends pulumi.ComponentResource {
    public readonly results: pulumi.Output<BenchmarkResults>;

    constructor(name: string, args: LoadTestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:loadtest:LoadTest", name, {}, opts);
        const { cluster, inputs } = args;
        const clients = buildClients({
            wrk: inputs.wrk, netperf: inputs.netperf, wrkImage: args.wrkImage, netperfImage: args.netperfImage,
            placement: cluster.clientPlacement, enrolment: args.enrolment,
        }).map((obj) => createKubeObject(resourceName(name, obj), obj, {
            parent: this, provider: cluster.provider, dependsOn: args.dependsOn,
        }));

        // Everything that would change the numbers reruns the load when it changes;
        // otherwise a second `pulumi up` keeps the results it has.
        const fingerprint = JSON.stringify(inputs);
        const exec = (step: string, app: string, container: string, script: ClientScript,
            after: pulumi.Resource[], triggers: pulumi.Input<unknown>[]) => kubectlStep(`${name}-${step}`, {
            access: cluster.access,
            invocations: [["-n", BENCH_NAMESPACE, "exec", `deploy/${app}`, "-c", container, "--", ...clientScriptCommand(script)]],
            triggers,
        }, { parent: this, dependsOn: after });

        // Each step names the one before in its triggers: it runs only after it, and
        // reruns whenever it does. So wrk and netperf never load the servers at once.
        const wrkRun = exec("wrk-run", WRK_CLIENT, "wrk", "wrk-client.sh", clients, [fingerprint]);
        const netperfRun = exec("netperf-run", NETPERF_CLIENT, "netperf", "netperf-client.sh", [wrkRun], [fingerprint, wrkRun.id]);
        const facts = kubectlStep(`${name}-facts`, {
            access: cluster.access, invocations: FACTS_INVOCATIONS, triggers: [fingerprint, netperfRun.id],
        }, { parent: this, dependsOn: [netperfRun] });

        // The kubeconfig reaches the steps through their environment, a secret input; were
        // that secrecy carried over to their stdout, the results would print as [secret].
        // What is parsed out of stdout holds nothing from the kubeconfig, so it is exported
        // in the clear.
        this.results = pulumi.unsecret(pulumi
            .all([wrkRun.stdout, netperfRun.stdout, facts.stdout, cluster.provenance])
            .apply(([wrk, netperf, factsOut, clusterFacts]) => assembleResults(
                {
                    ...inputs,
                    cluster: clusterFacts,
                    serverApps: [HTTP_SERVICE, NETPERF_SERVICE],
                    clientApps: [WRK_CLIENT, NETPERF_CLIENT],
                },
                { wrk, netperf, facts: factsOut },
            )));
        this.registerOutputs({ results: this.results });
    }
}
