// Which cluster stacks a sweep on vms or eks uses, and the config of each. Pure.
//
// A lane has one cluster stack shared by its setups (`cluster-lane<L>`), and a second one
// with no CNI (`cluster-cni-lane<L>`) when the plan has a mesh that is the CNI (Cilium):
// such a mesh cannot go onto a cluster that already runs another CNI. Each setup stack then
// references its lane's cluster stack (role setup, cluster/roles.ts). A cluster stack is
// brought up before the first setup that needs it and destroyed after the last one of the
// lane (or when the lane stops), unless --keep.
import { CLUSTER_STACK_KEYS } from "../cluster/roles";
import { CLUSTER_KEYS } from "../cluster/settings";
import { MESHES, type MeshName } from "../meshes";
import type { RawConfig } from "../shared/fields";
import type { SweepStep } from "./lanes";
import type { PlannedSetup } from "./plan";
import { setupRawConfig } from "./stack-config";

/** installed: the cluster brings its CNI; mesh: no CNI, for a mesh that is the CNI (cluster/roles.ts). */
export type ClusterKind = "installed" | "mesh";

/** Whether a mesh is the CNI, and so needs the cluster stack without one. */
export const meshIsCni = (mesh: string): boolean => MESHES[mesh as MeshName]?.providesCni ?? false;

/** The kind of cluster stack a setup runs on, by whether its mesh is the CNI. */
export const clusterKind = (isCni: boolean): ClusterKind => (isCni ? "mesh" : "installed");

/** One cluster stack of a lane. */
export interface LaneClusterStack {
    readonly lane: number;
    readonly kind: ClusterKind;
    readonly stack: string;
}

export const clusterStackName = (kind: ClusterKind, lane: number): string =>
    kind === "mesh" ? `cluster-cni-lane${lane}` : `cluster-lane${lane}`;

/** The cluster stacks of each lane, in the order their first setup comes, with the index (in `steps`) of the last step that uses each. */
export function laneClusterStacks(steps: readonly SweepStep[], isCni: (mesh: string) => boolean):
    { readonly cluster: LaneClusterStack; readonly lastStep: number }[] {
    const found = new Map<string, { cluster: LaneClusterStack; lastStep: number }>();
    steps.forEach((step, index) => {
        const kind = clusterKind(isCni(step.setup.mesh));
        const stack = clusterStackName(kind, step.lane);
        found.set(stack, { cluster: found.get(stack)?.cluster ?? { lane: step.lane, kind, stack }, lastStep: index });
    });
    return [...found.values()];
}

const SHAPED_BY_CLUSTER_STACK = new Set<string>(CLUSTER_STACK_KEYS);

/**
 * A cluster stack's config: the sweep's shared keys that a cluster stack reads (it refuses
 * the other meshbench keys), other namespaces' keys (`aws:region`), and its role.
 */
export function clusterRawConfig(kind: ClusterKind, shared: RawConfig): RawConfig {
    const kept = Object.fromEntries(Object.entries(shared).filter(([k]) => k.includes(":") || CLUSTER_KEYS.has(k)));
    return { ...kept, role: "cluster", ...(kind === "mesh" ? { clusterCni: "mesh" } : {}) };
}

/**
 * A setup stack's config on a cluster stack: its own config without the keys that shaped
 * the cluster (the cluster stack got them; a setup refuses them), role setup, and the stack
 * it references.
 */
export function onClusterRawConfig(setup: RawConfig, clusterStack: string): RawConfig {
    const kept = Object.fromEntries(Object.entries(setup).filter(([k]) => !SHAPED_BY_CLUSTER_STACK.has(k)));
    return { ...kept, role: "setup", clusterStack };
}

/** A stack's config as the sweep writes it; `cluster` says which kind of cluster stack it is, if it is one. */
export interface WrittenConfig {
    readonly stack: string;
    readonly raw: RawConfig;
    readonly cluster?: ClusterKind;
}

/**
 * The config the sweep writes into each stack of lane 1 (other lanes' differ in stack names
 * only). On cluster stacks: each cluster stack the plan needs, then each setup on its
 * cluster stack; otherwise each setup on its own.
 */
export function writtenConfigs(setups: readonly PlannedSetup[], shared: RawConfig, runId: string, onClusterStacks: boolean): WrittenConfig[] {
    if (!onClusterStacks) return setups.map((setup) => ({ stack: setup.stack, raw: setupRawConfig(setup, shared, runId) }));
    const kindOf = (setup: PlannedSetup) => clusterKind(meshIsCni(setup.mesh));
    return [
        ...[...new Set(setups.map(kindOf))].map((kind) => ({ stack: clusterStackName(kind, 1), raw: clusterRawConfig(kind, shared), cluster: kind })),
        ...setups.map((setup) => ({
            stack: setup.stack, raw: onClusterRawConfig(setupRawConfig(setup, shared, runId), clusterStackName(kindOf(setup), 1)),
        })),
    ];
}
