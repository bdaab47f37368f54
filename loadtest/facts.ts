// Facts read back from the cluster after the runs: which node each benchmark pod ran on,
// which image digests ran, and what each node is (kubelet, kernel, OS, instance type).
// They go into the results' provenance and decide whether the placement was valid.
import { ROLE_KEY } from "../cluster/node-roles";
import { BENCH_NAMESPACE } from "../workloads/ports";
import type { NodeFacts, PodFacts } from "./results";

const SEP = "|";

const CONTAINERS = (field: string) =>
    `{range .status.${field}[*]} {.name}${SEP}{.image}${SEP}{.imageID}{end}`;

/** kubectl argument lists that print one POD line per benchmark pod and one NODE line per node. */
export const FACTS_INVOCATIONS: readonly (readonly string[])[] = [
    ["get", "pods", "-n", BENCH_NAMESPACE, "-o",
        `jsonpath={range .items[*]}POD {.metadata.labels.app\\.kubernetes\\.io/name}${SEP}{.spec.nodeName}` +
        `${CONTAINERS("initContainerStatuses")}${CONTAINERS("containerStatuses")}{"\\n"}{end}`],
    ["get", "nodes", "-o",
        "jsonpath={range .items[*]}NODE " +
        ["{.metadata.name}", "{.status.nodeInfo.kubeletVersion}", "{.status.nodeInfo.kernelVersion}",
            "{.status.nodeInfo.osImage}", "{.status.nodeInfo.containerRuntimeVersion}",
            "{.metadata.labels.node\\.kubernetes\\.io/instance-type}",
            "{.metadata.labels.topology\\.kubernetes\\.io/zone}",
            // The role meshbench's own clusters give each node.
            `{.metadata.labels.${ROLE_KEY.replace(/\./g, "\\.")}}`].join(SEP) +
        '{"\\n"}{end}'],
];

export interface ClusterFacts {
    readonly pods: PodFacts[];
    readonly nodes: NodeFacts[];
}

export function parseFacts(lines: readonly string[]): ClusterFacts {
    const pods: PodFacts[] = [];
    const nodes: NodeFacts[] = [];
    for (const line of lines) {
        if (line.startsWith("POD ")) {
            const [head, ...containers] = line.slice(4).split(" ").filter(Boolean);
            const [app, node] = head.split(SEP);
            pods.push({
                app, node: node ?? "",
                containers: containers.map((c) => {
                    const [name, image, imageId] = c.split(SEP);
                    return { name, image: image ?? "", imageId: imageId ?? "" };
                }),
            });
        } else if (line.startsWith("NODE ")) {
            const [name, kubeletVersion, kernelVersion, osImage, containerRuntime, instanceType, zone, role] =
                line.slice(5).split(SEP);
            nodes.push({
                name, kubeletVersion, kernelVersion, osImage, containerRuntime,
                instanceType: instanceType || undefined,
                zone: zone || undefined,
                ...(role ? { role } : {}),
            });
        }
    }
    return { pods, nodes };
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
