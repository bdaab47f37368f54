// role setup: the cluster of a cluster stack, read through a StackReference. Nothing is
// created here but the provider: the setup installs its mesh, workloads and measurement on
// nodes the cluster stack made, and its `pulumi destroy` removes only those.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { handoffProblem, type ClusterHandoff } from "./handoff";
import { rolePlacement } from "./node-roles";
import type { ClusterHandle, ClusterSettings } from "./types";
import { EKS_STORAGE_CLASS, LOCAL_PATH_STORAGE_CLASS } from "./versions";

export interface ReferencedClusterArgs {
    /** Cluster settings from the stack config, already validated (role setup, clusterStack set). */
    readonly settings: ClusterSettings;
    /** The setup's mesh, and whether it is the CNI: the referenced cluster must have been made for it. */
    readonly mesh: { readonly name: string; readonly providesCni: boolean };
}

/** The StorageClass each cluster stack target makes (vms-cluster.ts, eks-cluster.ts). */
const STORAGE_CLASS = { vms: LOCAL_PATH_STORAGE_CLASS, eks: EKS_STORAGE_CLASS } as const;

export class ReferencedCluster extends pulumi.ComponentResource {
    public readonly handle: ClusterHandle;
    /** The cluster stack's `cluster` output, once checked against this setup. */
    public readonly handoff: pulumi.Output<ClusterHandoff>;

    constructor(name: string, args: ReferencedClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:cluster:ReferencedCluster", name, {}, opts);
        const { settings, mesh } = args;
        const target = settings.target;
        if (target === "kubeconfig" || settings.clusterStack === undefined) {
            // parseConfig refuses both (cluster/roles.ts); reaching here is a bug, not bad config.
            throw new Error(`ReferencedCluster: role setup needs target vms or eks and clusterStack (got ${target}, ${settings.clusterStack})`);
        }
        const clusterStack = settings.clusterStack;
        const reference = new pulumi.StackReference(`${name}-reference`, { name: clusterStack }, { parent: this });
        // Checked at preview, before the provider can reach anything: a setup on the wrong
        // cluster (another target, a CNI it does not expect) stops with the reason.
        this.handoff = reference.getOutput("cluster").apply((h) => {
            const problem = handoffProblem(h, { clusterStack, target, mesh: mesh.name, providesCni: mesh.providesCni,
                kubernetesVersion: settings.kubernetesVersion });
            if (problem) throw new pulumi.RunError(`invalid stack config:\n  - ${problem}`);
            return h as ClusterHandoff;
        });
        // getOutput keeps the referenced stack's secret a secret; pulumi.secret says so here
        // too, whatever the other stack recorded, and the provider waits for the check above.
        const kubeconfig = pulumi.secret(pulumi.all([this.handoff, reference.getOutput("kubeconfig")])
            .apply(([, k]) => {
                if (typeof k !== "string" || k === "") {
                    throw new pulumi.RunError(`invalid stack config:\n  - meshbench:clusterStack: got ${JSON.stringify(clusterStack)} `
                        + "(a stack without the output \"kubeconfig\"); allowed: a cluster stack (role cluster) that is up");
                }
                return k;
            }));
        const provider = new k8s.Provider(`${name}-provider`, { kubeconfig, deleteUnreachable: true }, { parent: this });

        this.handle = {
            target,
            provider,
            access: { kubeconfig },
            serverPlacement: rolePlacement("server"),
            clientPlacement: rolePlacement("client"),
            storageClassName: STORAGE_CLASS[target],
            // The cluster stack is up: its CNI (or none, for Cilium), storage and joins are done.
            ready: [],
            requestedKubernetesVersion: settings.kubernetesVersion,
            provenance: this.handoff.apply((h): Record<string, string> => ({ ...h.provenance, clusterStack })),
        };
        this.registerOutputs({});
    }
}
