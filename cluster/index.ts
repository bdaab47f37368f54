// The cluster targets. Each returns the same ClusterHandle; nothing downstream knows
// which one made the cluster.
import * as pulumi from "@pulumi/pulumi";
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
    validate: (settings) => keysOfOtherTargets(settings, "kubeconfig"),
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
