// Stack roles: which part of a benchmark a stack holds. A `cluster` stack (vms or eks)
// makes only the cluster and exports what setups need (cluster/handoff.ts); a `setup`
// stack reads those outputs through a StackReference (cluster/referenced.ts) and installs
// and removes only its mesh, workloads and measurement, so that several setups in a row
// share the same nodes. `standalone` (the default) is one stack making its own cluster,
// as before; target kubeconfig is always standalone (the cluster is the user's).
import { enumField, patternField, problemMessage } from "../shared/fields";
import type { NodePort } from "../shared/support";
import type { TargetName } from "./settings";

export const STACK_ROLES = ["standalone", "cluster", "setup"] as const;
export type StackRole = (typeof STACK_ROLES)[number];

/** What pod network a cluster stack brings: its own (Flannel on vms, the VPC CNI on eks), or none for a mesh that is the CNI. */
export const CLUSTER_CNIS = ["installed", "mesh"] as const;
export type ClusterCni = (typeof CLUSTER_CNIS)[number];

/** A stack name as `pulumi stack` and StackReference take it: stack, project/stack or org/project/stack. */
const STACK_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/;

export const ROLE_FIELDS = {
    role: enumField("role", STACK_ROLES,
        "What the stack holds: standalone (its own cluster and one setup), cluster (only the cluster, for setup stacks) or setup (one setup on the cluster of clusterStack). Default: standalone.",
        "standalone"),
    clusterStack: patternField("clusterStack", STACK_PATH,
        "a stack name: stack, project/stack or organization/project/stack",
        "role setup: the cluster stack whose cluster the setup runs on. No default."),
    clusterCni: enumField("clusterCni", CLUSTER_CNIS,
        "role cluster: installed (the cluster brings its CNI, for every mesh that is not one) or mesh (no CNI: for a mesh that is the CNI, Cilium). Default: installed."),
} as const;

/** The role keys a stack gave, parsed. */
export interface RoleSettings {
    readonly role: StackRole;
    readonly clusterStack?: string;
    /** Undefined means installed. */
    readonly clusterCni?: ClusterCni;
}

/**
 * Keys that shape the cluster itself: on a setup stack the cluster stack has decided them,
 * so a value given there would be ignored without a word; refused instead.
 */
export const CLUSTER_STACK_KEYS = [
    "amiId", "availabilityZone", "podCidr", "sshPrivateKey",
    "systemInstanceType", "serverInstanceType", "clientInstanceType", "serverNodeCount", "clientNodeCount",
] as const;

/**
 * Combinations of role keys that cannot work, one message per problem (key, value, allowed).
 * `given` holds the keys the stack set (not at their Pulumi.yaml default); `clusterKeys`
 * the keys a cluster stack reads. Any other key (the mesh, mTLS, the load, the images, the
 * run's label) would be ignored by a cluster stack without a word, so it is refused there.
 */
export function roleProblems(settings: RoleSettings, target: TargetName, given: Readonly<Record<string, string | undefined>>,
    clusterKeys: ReadonlySet<string>): string[] {
    const problems: string[] = [];
    if (settings.role === "setup") {
        for (const key of CLUSTER_STACK_KEYS.filter((k) => given[k] !== undefined)) {
            const value = key === "sshPrivateKey" ? "[secret]" : given[key]!;
            problems.push(problemMessage(key, value, `nothing with role setup: the cluster stack ${settings.clusterStack ?? "(clusterStack)"} `
                + "made the cluster; set it there"));
        }
    }
    if (settings.role === "cluster") {
        for (const key of Object.keys(given).filter((k) => given[k] !== undefined && !clusterKeys.has(k))) {
            problems.push(problemMessage(key, given[key]!, "nothing with role cluster: a cluster stack makes only the cluster; "
                + "set it on each setup stack (role setup) that runs on it"));
        }
    }
    if (target === "kubeconfig" && settings.role !== "standalone") {
        problems.push(problemMessage("role", settings.role, "standalone with target kubeconfig (the cluster is yours: no cluster stack makes it)"));
    }
    if (settings.role === "setup" && settings.clusterStack === undefined) {
        problems.push("meshbench:clusterStack: missing; allowed: the name of a cluster stack (role cluster) of the same target, "
            + "required with role setup (pulumi config set clusterStack <org/project/stack>)");
    }
    if (settings.role !== "setup" && settings.clusterStack !== undefined) {
        problems.push(problemMessage("clusterStack", settings.clusterStack, `nothing with role ${settings.role}; it is read by role setup only`));
    }
    if (settings.role !== "cluster" && settings.clusterCni !== undefined) {
        problems.push(problemMessage("clusterCni", settings.clusterCni, `nothing with role ${settings.role}; it is read by role cluster only`));
    }
    return problems;
}

/** What meshes a cluster stack serves, and so what its nodes must be ready for. */
export interface MeshNeeds {
    readonly name: string;
    readonly providesCni: boolean;
    readonly nodeKernelModules?: readonly string[];
    readonly webhookPorts?: readonly NodePort[];
}

/**
 * A cluster stack's needs: the union over every mesh it can serve (those that are the CNI
 * for `mesh`, the others for `installed`), so that any of them can run on it in turn.
 */
export function clusterStackNeeds(given: ClusterCni | undefined, meshes: readonly MeshNeeds[]) {
    const cni = given ?? "installed";
    const served = meshes.filter((m) => m.providesCni === (cni === "mesh"));
    const ports = new Map<number, NodePort>();
    for (const p of served.flatMap((m) => m.webhookPorts ?? [])) if (!ports.has(p.port)) ports.set(p.port, p);
    return {
        mesh: cni === "mesh" ? `the cluster stack for ${served.map((m) => m.name).join(", ")}` : "the cluster stack",
        installCni: cni === "installed",
        nodeKernelModules: [...new Set(served.flatMap((m) => m.nodeKernelModules ?? []))].sort(),
        webhookPorts: [...ports.values()].sort((a, b) => a.port - b.port),
        meshes: served.map((m) => m.name),
    };
}
