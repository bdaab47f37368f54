// Facts read back from the cluster after the runs: which node each benchmark pod ran on,
// which image digests ran, and what each node is (kubelet, kernel, OS, instance type).
// They go into the results' provenance and decide whether the placement was valid.
import { nodeFacts, type PodSummary, type RawNode } from "../shared/kube-api";
import { APP_LABEL } from "../shared/names";
import type { NodeFacts, PodFacts } from "../shared/results";

export interface ClusterFacts {
    readonly pods: PodFacts[];
    readonly nodes: NodeFacts[];
}

/** The benchmark pods (where each ran, and the image digests it ran) and the nodes. */
export function clusterFacts(pods: readonly PodSummary[], nodes: readonly RawNode[]): ClusterFacts {
    return {
        pods: pods.map((p) => ({ app: p.labels[APP_LABEL] ?? p.name, node: p.nodeName ?? "", containers: [...p.containerStatuses] })),
        nodes: nodes.map(nodeFacts),
    };
}

/**
 * Why the placement is not what the benchmark needs, or undefined if it is: each of the
 * given apps ran exactly one pod, and no client shared a node with a server.
 */
export function placementProblem(
    facts: ClusterFacts, servers: readonly string[], clients: readonly string[],
): string | undefined {
    const nodeOf = new Map<string, string[]>();
    for (const pod of facts.pods) nodeOf.set(pod.app, [...(nodeOf.get(pod.app) ?? []), pod.node]);
    for (const app of [...servers, ...clients]) {
        const nodes = nodeOf.get(app) ?? [];
        if (nodes.length !== 1 || !nodes[0]) return `expected one scheduled ${app} pod, found ${nodes.length}`;
    }
    for (const client of clients) {
        const clash = servers.find((s) => nodeOf.get(s)![0] === nodeOf.get(client)![0]);
        if (clash) return `${client} ran on ${nodeOf.get(client)![0]}, the node of ${clash}: clients and servers must not share a node`;
    }
    return undefined;
}
