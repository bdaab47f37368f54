// The cluster targets. Each returns the same ClusterHandle; nothing downstream knows
// which one made the cluster.
import * as pulumi from "@pulumi/pulumi";
import type { ModeSupport, NodePort } from "../shared/support";
import { eks } from "./eks";
import { ExistingCluster } from "./existing";
import { keysOfOtherTargets, type TargetName } from "./settings";
import type { ClusterHandle, ClusterSettings } from "./types";
import { vms } from "./vms";

/** What the rest of the stack asks of the cluster. */
export interface ClusterNeeds {
    /** The mesh's name, for messages; the cluster knows no mesh by name. */
    readonly mesh: string;
    /** False when the mesh is itself the CNI (Cilium): the cluster then comes up without one. */
    readonly installCni: boolean;
    /** Kernel modules the mesh needs on every node (Mesh.nodeKernelModules), loaded by targets that prepare their nodes. Default: none. */
    readonly nodeKernelModules?: readonly string[];
    /** Ports the control plane must reach on the nodes for the mesh's webhooks (Mesh.webhookPorts). Default: none. */
    readonly webhookPorts?: readonly NodePort[];
}

export interface ClusterTarget {
    /** Kubernetes version when `kubernetesVersion` is unset; undefined for clusters meshbench does not create. */
    readonly defaultKubernetesVersion?: string;
    /** Whether the target can run a mesh, and why not; refused at preview and skipped by the sweep's plan. */
    meshSupport(needs: ClusterNeeds): ModeSupport;
    /** Target-specific config checks, run at preview before any resource exists. */
    validate(settings: ClusterSettings, needs: ClusterNeeds): string[];
    create(name: string, settings: ClusterSettings, needs: ClusterNeeds, opts?: pulumi.ComponentResourceOptions): ClusterHandle;
}

const existing: ClusterTarget = {
    // A given cluster already runs its network plugin, and its pods already use it: a
    // mesh that must be the CNI, installed before every workload, cannot go on top.
    meshSupport: (needs) => needs.installCni ? { supported: true } : {
        supported: false,
        reason: `${needs.mesh} must be the CNI, installed before any workload, and a cluster meshbench is given already ` +
            `has one; target vms is the supported path for ${needs.mesh} (pulumi config set target vms)`,
    },
    validate: (settings) => keysOfOtherTargets(settings, "kubeconfig"),
    create: (name, settings, _needs, opts) => new ExistingCluster(name, { settings }, opts).handle,
};

/** Every target; a missing one is a compile error. */
export const TARGETS: { readonly [K in TargetName]: ClusterTarget } = {
    kubeconfig: existing,
    vms,
    eks,
};

export { TARGET_NAMES } from "./settings";
export type { TargetName } from "./settings";
export type { ClusterHandle, ClusterSettings } from "./types";
