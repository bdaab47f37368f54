// What a cluster stack (role cluster) exports for the setup stacks that run on it, and the
// check a setup applies to it. Pure: the component that reads it is cluster/referenced.ts.
// The kubeconfig is not in here: it is its own stack output, a secret (see index.ts).
import * as pulumi from "@pulumi/pulumi";
import type { ClusterCni } from "./roles";
import type { TargetName } from "./settings";
import type { ClusterHandle } from "./types";

/** The stack output `cluster` of a cluster stack. Never secret. */
export interface ClusterHandoff {
    readonly target: TargetName;
    /** installed: the cluster brought its CNI; mesh: it has none, for a mesh that is the CNI. */
    readonly cni: ClusterCni;
    /** The meshes the cluster was prepared for (kernel modules, webhook ports). */
    readonly meshes: string[];
    readonly requestedKubernetesVersion?: string;
    readonly storageClassName?: string;
    /** The cluster's provenance and pins (AMI, containerd, CNI and storage charts, ...), as the results record them. */
    readonly provenance: Record<string, string>;
    /** Each node's name and role, as the cluster stack made them. */
    readonly nodes: { readonly name: string; readonly role: string }[];
}

/** The handoff of a cluster meshbench made; undefined for a cluster it was given (no cluster stack then). */
export function clusterHandoff(handle: ClusterHandle, cni: ClusterCni | undefined, meshes: readonly string[]): pulumi.Output<ClusterHandoff> | undefined {
    if (!handle.outputs) return undefined;
    return pulumi.all([handle.provenance, handle.outputs.report]).apply(([provenance, report]) => ({
        target: handle.target, cni: cni ?? "installed", meshes: [...meshes],
        ...(handle.requestedKubernetesVersion ? { requestedKubernetesVersion: handle.requestedKubernetesVersion } : {}),
        ...(handle.storageClassName ? { storageClassName: handle.storageClassName } : {}),
        provenance,
        nodes: report.nodes.map((n) => ({ name: n.name, role: n.role })),
    }));
}

/** What a setup stack expects of the cluster it references. */
export interface SetupExpectation {
    /** meshbench:clusterStack, for the messages. */
    readonly clusterStack: string;
    readonly target: TargetName;
    readonly mesh: string;
    readonly providesCni: boolean;
    /** The setup's kubernetesVersion (with its target's default): recorded as requested, so it must be the cluster's. */
    readonly kubernetesVersion?: string;
}

/** Why a referenced stack's `cluster` output cannot serve this setup (key, value, allowed), or undefined when it can. */
export function handoffProblem(handoff: unknown, expected: SetupExpectation): string | undefined {
    const got = (what: string) => `meshbench:clusterStack: got ${JSON.stringify(expected.clusterStack)} (${what}); allowed: `;
    const h = handoff as Partial<ClusterHandoff> | undefined;
    if (h === undefined || h === null || typeof h !== "object" || typeof h.target !== "string" || typeof h.cni !== "string") {
        return got("a stack without the output \"cluster\"") + "a cluster stack (role cluster) that is up (pulumi up on it first)";
    }
    if (h.target !== expected.target) {
        return got(`a cluster of target ${h.target}`) + `a cluster stack of target ${expected.target}, this stack's target`;
    }
    const wanted: ClusterCni = expected.providesCni ? "mesh" : "installed";
    if (h.cni !== wanted) {
        return got(h.cni === "mesh" ? "a cluster without a CNI, for a mesh that is the CNI" : "a cluster with its own CNI")
            + `a cluster stack with clusterCni ${wanted} for mesh ${expected.mesh}`;
    }
    if (expected.kubernetesVersion !== undefined && h.requestedKubernetesVersion !== undefined && h.requestedKubernetesVersion !== expected.kubernetesVersion) {
        return `meshbench:kubernetesVersion: got ${JSON.stringify(expected.kubernetesVersion)}; allowed: ${h.requestedKubernetesVersion}, `
            + `the version of cluster stack ${expected.clusterStack} (the results record it as requested)`;
    }
    if (Array.isArray(h.meshes) && !h.meshes.includes(expected.mesh)) {
        return got(`a cluster prepared for ${h.meshes.join(", ") || "no mesh"}`) + `a cluster stack prepared for mesh ${expected.mesh}`;
    }
    return undefined;
}
