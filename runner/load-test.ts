// The load test in the graph: the client pods and the plaintext probe's pods, then one
// Measurement resource (runner/measurement.ts) that runs the whole benchmark through the
// runner and keeps the `results`. Its inputs are the plan and the identity of what was
// deployed (content hashes of every object the servers, clients and probe are made of,
// the mesh's Helm revisions and policies); nothing else reruns it.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { createKubeObject, resourceName, type KubeObject } from "../cluster/kube-objects";
import type { ClusterHandle } from "../cluster/types";
import { buildClients } from "../loadtest/clients";
import type { Mesh, MeshContext } from "../meshes/types";
import type { BenchmarkResults } from "../shared/results";
import { buildProbe } from "../verify/probe";
import { stableJson } from "./provider";
import { Measurement } from "./measurement";
import type { BenchmarkPlan } from "./run";

/** The content hash of some objects: any change to a script, a config file or a pod spec changes it. */
export const contentHash = (objects: readonly unknown[]): string =>
    createHash("sha256").update(stableJson(objects)).digest("hex").slice(0, 16);

export interface LoadTestArgs {
    readonly cluster: ClusterHandle;
    readonly mesh: Mesh;
    readonly meshContext: MeshContext;
    readonly wrkImage: string;
    readonly netperfImage: string;
    readonly fortioImage: string;
    /** Settings, provenance and placement rules for the results (see ResultInputs), without the cluster's facts. */
    readonly inputs: Omit<BenchmarkPlan["inputs"], "cluster">;
    /** Identity of what the servers and the mesh deployed, by what it identifies (see Workloads.identity, MeshInstall.identity). */
    readonly deployed: Record<string, pulumi.Input<string>>;
    /** The namespace, the mesh and the servers; the clients start after them. */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class LoadTest extends pulumi.ComponentResource {
    public readonly results: pulumi.Output<BenchmarkResults>;

    constructor(name: string, args: LoadTestArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:runner:LoadTest", name, {}, opts);
        const { cluster, inputs, mesh, meshContext } = args;
        const create = (objects: KubeObject[], dependsOn: pulumi.Input<pulumi.Resource>[]) =>
            objects.map((obj) => createKubeObject(resourceName(name, obj), obj, { parent: this, provider: cluster.provider, dependsOn }));

        const clientObjects = buildClients({
            wrk: inputs.wrk, netperf: inputs.netperf, wrkImage: args.wrkImage, netperfImage: args.netperfImage,
            // No fortio container when the open-loop step is off (openLoopFractions none).
            ...(inputs.openLoop.rates.length > 0 ? { fortioImage: args.fortioImage } : {}),
            placement: cluster.clientPlacement, enrolment: mesh.enrolment(meshContext),
        });
        const clients = create(clientObjects, args.dependsOn);
        // The probe's objects go in order: its namespace first.
        const probeAll = buildProbe({
            wrk: inputs.wrk, netperf: inputs.netperf, wrkImage: args.wrkImage, netperfImage: args.netperfImage,
            placement: cluster.clientPlacement,
        });
        const [probeNamespace, ...probeObjects] = probeAll;
        // Its pods start after the mesh, as the clients do: with a mesh that is the CNI
        // (Cilium), no pod can start before it, and none is to be scheduled before it.
        const [namespace] = create([probeNamespace], cluster.ready);
        const probePods = create(probeObjects, [namespace, ...args.dependsOn]);

        const measurement = new Measurement(`${name}-measurement`, {
            plan: cluster.provenance.apply((clusterFacts): BenchmarkPlan => ({
                inputs: { ...inputs, cluster: clusterFacts }, meshContext,
            })),
            deployed: { ...args.deployed, clients: contentHash(clientObjects), probe: contentHash(probeAll) },
            kubeconfig: cluster.access.kubeconfig,
            context: cluster.access.context,
        }, { parent: this, dependsOn: [...clients, ...probePods] });

        // The kubeconfig is a secret input; the results carry nothing from it, so they are
        // exported in the clear.
        this.results = pulumi.unsecret(measurement.results);
        this.registerOutputs({ results: this.results });
    }
}
