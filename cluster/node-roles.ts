// The node roles of every cluster meshbench makes (vms and eks alike), and how pods find
// them. Three roles:
//  - system: hosts everything that is not the benchmark: the kubeadm control plane (vms),
//    CoreDNS, the storage provisioner and the mesh control planes. It is not tainted, so
//    any pod that asks for nothing lands here, and mesh control planes always have a home.
//  - server: the HTTP and netperf servers, tainted so that only pods placed there on
//    purpose (ClusterHandle.serverPlacement) and DaemonSets land on it.
//  - client: wrk and netperf clients, tainted the same way, so nothing else competes with
//    the load generators for CPU.
// DaemonSets (the CNI, kube-proxy, mesh node agents such as istio-cni, ztunnel, linkerd-cni,
// cilium) run on every node because they tolerate every NoSchedule taint; a node agent that
// does not must tolerate `meshbench.io/role` to reach the server and client nodes.
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import type { NodePlacement } from "./types";

export const NODE_ROLES = ["system", "server", "client"] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** Label and taint key (shared/names.ts); kubelets may set labels outside kubernetes.io on themselves. */
import { ROLE_KEY } from "../shared/names";

export { ROLE_KEY };

/** Labels a node of a role registers with. */
export const roleLabels = (role: NodeRole): Record<string, string> => ({ [ROLE_KEY]: role });

/** Taints a node of a role registers with: none on the system node. */
export function roleTaints(role: NodeRole): Taint[] {
    return role === "system" ? [] : [{ key: ROLE_KEY, value: role, effect: "NoSchedule" }];
}

/** Where pods of a role go: onto that role's nodes, tolerating their taint. */
export function rolePlacement(role: Exclude<NodeRole, "system">): NodePlacement {
    const tolerations: Toleration[] = roleTaints(role).map((t) => ({
        key: t.key, operator: "Equal", value: t.value, effect: t.effect,
    }));
    return { nodeSelector: roleLabels(role), tolerations };
}

/** kubelet's `--node-labels` value: comma-separated key=value, sorted for a stable rendering. */
export const nodeLabelsFlag = (labels: Readonly<Record<string, string>>): string =>
    Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(",");

/** kubelet's `--register-with-taints` value: key=value:Effect, comma-separated. */
export const nodeTaintsFlag = (taints: readonly Taint[]): string =>
    taints.map((t) => `${t.key}${t.value !== undefined ? `=${t.value}` : ""}:${t.effect}`).join(",");

/**
 * Labels every node carries besides its role: the well-known instance-type, zone and region
 * labels, which a cloud controller would set. meshbench runs none on vms, so the kubelet
 * registers them itself (NodeRestriction allows these keys); the results read them back.
 */
export function wellKnownLabels(instanceType: string, zone: string, region: string): Record<string, string> {
    return {
        "node.kubernetes.io/instance-type": instanceType,
        "topology.kubernetes.io/zone": zone,
        "topology.kubernetes.io/region": region,
    };
}
