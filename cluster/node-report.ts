// What a cluster meshbench made turned out to be: each node as asked for (role, instance
// type, AMI, zone) joined with what the node itself reports (kubelet, kernel, OS), read
// with the same node reader the results use (shared/kube-api.ts nodeFacts).
import * as pulumi from "@pulumi/pulumi";
import { nodeFacts, type RawNode } from "../shared/kube-api";
import type { NodeFacts } from "../shared/results";
import { kubectlStep, splitKubectlOutput } from "./kubectl";
import type { ClusterAccess, NodeReport } from "./types";

/** The node list as JSON, read with the same node reader the results use (shared/kube-api.ts). */
const NODE_QUERY = ["get", "nodes", "-o", "json"];

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
    try {
        const list = JSON.parse(call.lines.join("\n")) as { items?: RawNode[] };
        return { nodes: (list.items ?? []).map(nodeFacts) };
    } catch {
        return { nodes: [], problem: `reading nodes: kubectl printed no node list: ${call.lines.join(" ").trim().slice(0, 200)}` };
    }
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
