// The cluster targets. Each returns the same ClusterHandle; nothing downstream knows
// which one made the cluster.
import * as pulumi from "@pulumi/pulumi";
import { problemMessage } from "../config/fields";
import type { MeshName } from "../meshes/types";
import { eks } from "./eks";
import { ExistingCluster } from "./existing";
import { keysOfOtherTargets, type TargetName } from "./settings";
import type { ClusterHandle, ClusterSettings } from "./types";
import { vms } from "./vms";

/** What the rest of the stack asks of the cluster. */
export interface ClusterNeeds {
    readonly mesh: MeshName;
    /** False when the mesh is itself the CNI (Cilium): the cluster then comes up without one. */
    readonly installCni: boolean;
}

export interface ClusterTarget {
    /** Kubernetes version when `kubernetesVersion` is unset; undefined for clusters meshbench does not create. */
    readonly defaultKubernetesVersion?: string;
    /** Target-specific config checks, run at preview before any resource exists. */
    validate(settings: ClusterSettings, needs: ClusterNeeds): string[];
    create(name: string, settings: ClusterSettings, needs: ClusterNeeds, opts?: pulumi.ComponentResourceOptions): ClusterHandle;
}

const existing: ClusterTarget = {
    validate: (settings, needs) => [
        ...keysOfOtherTargets(settings, "kubeconfig"),
        // A given cluster already runs its network plugin, and its pods already use it: a
        // mesh that must be the CNI, installed before every workload, cannot go on top.
        ...(needs.installCni ? [] : [problemMessage("mesh", needs.mesh,
            `a mesh that runs on the cluster's own CNI on target kubeconfig: ${needs.mesh} must be the CNI, installed before ` +
            `any workload, and a cluster meshbench is given already has one; target vms is the supported path for ${needs.mesh} ` +
            "(pulumi config set target vms)")]),
    ],
    create: (name, settings, _needs, opts) => new ExistingCluster(name, { settings }, opts).handle,
};

/** Targets whose module has landed; the rest fail at preview with "not implemented yet". */
export const TARGETS: { readonly [K in TargetName]: ClusterTarget | undefined } = {
    kubeconfig: existing,
    vms,
    eks,
};

export { TARGET_NAMES } from "./settings";
export type { TargetName } from "./settings";
export type { ClusterHandle, ClusterSettings } from "./types";

/** The target that config validation has accepted. */
export function clusterTarget(name: TargetName): ClusterTarget {
    const target = TARGETS[name];
    if (!target) throw new Error(`target ${name} is not implemented yet`);
    return target;
}
