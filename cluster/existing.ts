// target: kubeconfig — an existing cluster (kind, k3d, or any other), reached through
// a kubeconfig. meshbench creates nothing but a provider here; the cluster is the user's.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterHandle, ClusterSettings, NodePlacement } from "./types";
import { readKubeconfig, resolveKubeconfigPath } from "./kubeconfig-file";

export interface ExistingClusterArgs {
    /** Cluster settings from the stack config. */
    readonly settings: ClusterSettings;
}

/** Pins a role to one named node when the user asked for it. */
export function placementOnNode(nodeName: string | undefined): NodePlacement {
    return nodeName === undefined ? {} : { nodeSelector: { "kubernetes.io/hostname": nodeName } };
}

export class ExistingCluster extends pulumi.ComponentResource {
    public readonly handle: ClusterHandle;

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:cluster:ExistingCluster", name, {}, opts);
        const { settings } = args;
        const kubeconfigPath = resolveKubeconfigPath(settings.kubeconfig);
        // The file's contents hold credentials: secret from the moment they are read.
        const kubeconfig = pulumi.secret(readKubeconfig(kubeconfigPath, settings.kubeconfig));

        const provider = new k8s.Provider(`${name}-provider`, {
            kubeconfig,
            context: settings.kubeContext,
            // If the user deletes the cluster first (kind delete), destroy still finishes.
            deleteUnreachable: true,
        }, { parent: this });

        this.handle = {
            target: "kubeconfig",
            provider,
            access: { kubeconfig, context: settings.kubeContext },
            serverPlacement: placementOnNode(settings.serverNodeName),
            clientPlacement: placementOnNode(settings.clientNodeName),
            ready: [],
            provenance: pulumi.output<Record<string, string>>({ kubeContext: settings.kubeContext ?? "(current context)" }),
        };
        this.registerOutputs({});
    }
}
