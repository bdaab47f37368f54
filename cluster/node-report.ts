// What a cluster meshbench made turned out to be: each node as asked for (role, instance
// type, AMI, zone) joined with what the node itself reports (kubelet, kernel, OS), read
// with the same node reader as the results (shared/kube-api.ts nodeFacts).
import * as pulumi from "@pulumi/pulumi";
import { nodeFacts } from "../shared/kube-api";
import { ROLE_KEY } from "../shared/names";
import type { NodeFacts } from "../shared/results";
import { kubectlStep, splitKubectlOutput } from "./kubectl";
import type { ClusterAccess, NodeReport } from "./types";

const SEP = "|";

/** kubectl's node query: one NODE line per node, the fields of the results' NodeFacts. */
const NODE_QUERY = ["get", "nodes", "-o",
    "jsonpath={range .items[*]}NODE " +
    ["{.metadata.name}", "{.status.nodeInfo.kubeletVersion}", "{.status.nodeInfo.kernelVersion}",
        "{.status.nodeInfo.osImage}", "{.status.nodeInfo.containerRuntimeVersion}",
        "{.metadata.labels.node\\.kubernetes\\.io/instance-type}",
        "{.metadata.labels.topology\\.kubernetes\\.io/zone}",
        `{.metadata.labels.${ROLE_KEY.replace(/\./g, "\\.")}}`].join(SEP) +
    '{"\\n"}{end}'];

/** The NODE lines of the query, as the results' node reader reads a node (shared/kube-api.ts nodeFacts). */
export function parseNodeLines(lines: readonly string[]): NodeFacts[] {
    return lines.filter((l) => l.startsWith("NODE ")).map((line) => {
        const [name, kubeletVersion, kernelVersion, osImage, containerRuntimeVersion, instanceType, zone, role] = line.slice(5).split(SEP);
        const labels: Record<string, string> = {
            "node.kubernetes.io/instance-type": instanceType ?? "", "topology.kubernetes.io/zone": zone ?? "", [ROLE_KEY]: role ?? "",
        };
        return nodeFacts({ metadata: { name, labels }, status: { nodeInfo: { kubeletVersion, kernelVersion, osImage, containerRuntimeVersion } } });
    });
}

/** A node meshbench asked for, before it is read back. */
export type PlannedNode = Omit<NodeReport, "kernelVersion" | "kubeletVersion" | "osImage" | "containerRuntime">;

export interface NodeReading {
    readonly nodes: NodeFacts[];
    /** Why the nodes could not be read, if they could not. */
    readonly problem?: string;
}

export function parseNodeReading(stdout: string): NodeReading {
    const [call] = splitKubectlOutput(stdout);
    if (!call || call.exitCode === undefined) return { nodes: [], problem: "reading nodes: kubectl printed nothing" };
    if (call.exitCode !== 0) {
        return { nodes: [], problem: `reading nodes: kubectl exited with ${call.exitCode}: ${call.lines.join(" ").trim()}` };
    }
    return { nodes: parseNodeLines(call.lines) };
}

/**
 * The planned nodes with what each reports. A planned node that is missing is reported
 * without the facts it could not give; a node nobody planned (eks names its nodes itself)
 * is reported from its labels, with `fallback` for what labels do not say.
 */
export function reportNodes(
    reading: NodeReading, planned: readonly PlannedNode[], fallback: Pick<NodeReport, "amiId" | "availabilityZone">,
): { nodes: NodeReport[]; problems: string[] } {
    const problems = reading.problem ? [reading.problem] : [];
    const byName = new Map(reading.nodes.map((n) => [n.name, n]));
    const read = (facts: NodeFacts | undefined) => facts === undefined ? {} : {
        kernelVersion: facts.kernelVersion, kubeletVersion: facts.kubeletVersion,
        osImage: facts.osImage, containerRuntime: facts.containerRuntime,
    };
    const nodes: NodeReport[] = planned.map((p) => {
        const facts = byName.get(p.name);
        if (!facts && !reading.problem) problems.push(`node ${p.name} is not in the cluster`);
        return { ...p, ...read(facts) };
    });
    const plannedNames = new Set(planned.map((p) => p.name));
    for (const facts of reading.nodes.filter((n) => !plannedNames.has(n.name))) {
        nodes.push({
            name: facts.name,
            role: facts.role ?? "unknown",
            instanceType: facts.instanceType ?? "unknown",
            availabilityZone: facts.zone ?? fallback.availabilityZone,
            amiId: fallback.amiId,
            ...read(facts),
        });
    }
    return { nodes, problems };
}

/**
 * A problem for each node that reports a container runtime other than `expected` (e.g.
 * containerd://1.7.34). The kubelet prints the CRI's version as parsed semver, without a
 * leading v (containerd itself says v1.7.34); either spelling is the same version.
 */
export const runtimeProblems = (nodes: readonly NodeReport[], expected: string): string[] =>
    nodes.filter((n) => n.containerRuntime !== undefined && n.containerRuntime.replace("://v", "://") !== expected.replace("://v", "://"))
        .map((n) => `node ${n.name} runs ${n.containerRuntime}, not the pinned ${expected}`);

/** The kubelet versions the nodes report, each once. */
export const runningVersions = (nodes: readonly NodeReport[]): string[] =>
    [...new Set(nodes.flatMap((n) => (n.kubeletVersion ? [n.kubeletVersion] : [])))].sort();

/** Reads the nodes once `after` is done, and again whenever a trigger changes. */
export function readNodes(
    name: string, access: ClusterAccess, after: pulumi.Resource[], triggers: pulumi.Input<unknown>[], parent: pulumi.Resource,
): pulumi.Output<NodeReading> {
    const step = kubectlStep(name, { access, invocations: [NODE_QUERY], triggers }, { parent, dependsOn: after });
    // The kubeconfig in the step's environment is secret; the node list it printed is not.
    return pulumi.unsecret(step.stdout.apply(parseNodeReading));
}
