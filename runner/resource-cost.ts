// Turns the kubelet reads taken around each wrk repetition into the results' `resources`:
// per container the mean cores between its two CPU samples (by the samples' own
// timestamps) and the working set at the end, summed per group, and from them the data
// plane's CPU per 1,000 requests and the memory per proxy. Pure. What could not be read is
// unmeasured with the reason, never zero; a group with an unmeasured container has no sum.
import {
    RESOURCE_GROUPS, type ContainerUsage, type GroupUsage, type MeasuredTime, type ResourceGroup, type ResourceRepetition,
    type ResourceResult, type WrkRepetition,
} from "../shared/results";
import { mean, medianOrNone, round } from "../loadtest/stats";
import { optional } from "../shared/optional";
import type { ContainerSample, NodeResourceSample } from "./resource-usage";

/** Where a section's numbers come from, for the tool whose repetitions were read. */
export const resourceSource = (tool: string): string =>
    `kubelet /metrics/resource (cAdvisor) through the API server's node proxy, read as each ${tool} repetition begins and ends`;

/** A pod whose containers are read. "bench": a benchmark pod, whose sidecar is a proxy and the rest apps. */
export interface TargetPod {
    readonly group: Exclude<ResourceGroup, "apps" | "proxies"> | "bench";
    readonly node: string;
    readonly namespace: string;
    readonly pod: string;
    /** The containers its spec lists (injected sidecars included). */
    readonly containers: readonly string[];
    /** Why there is no such pod to read (e.g. no running ztunnel on a node): the group is then unmeasured. */
    readonly missing?: string;
}

/** One read of each node: what its kubelet served, or why it could not be read. */
export type NodeReads = Readonly<Record<string, NodeResourceSample | string>>;

export interface RepetitionReads {
    readonly repetition: number;
    readonly measured: MeasuredTime;
    readonly before: NodeReads;
    readonly after: NodeReads;
}

export interface ResourceReads {
    /** Why nothing could be read at all (the targets could not be listed), if so. */
    readonly failure?: string;
    readonly targets: readonly TargetPod[];
    /** The mesh's sidecar container, if it injects one. */
    readonly sidecar?: string;
    readonly repetitions: readonly RepetitionReads[];
}

/** What the CPU per 1,000 requests needs of a repetition: its requests (netperf: transactions) and its length. */
export type RequestCount = Pick<WrkRepetition, "requests" | "durationSeconds">;

const DATA_PLANE: readonly ResourceGroup[] = ["apps", "proxies", "clientNodeAgents", "serverNodeAgents"];

const iso = (ms: number): string => new Date(ms).toISOString();

function sampleOf(reads: NodeReads, node: string, pod: TargetPod, container: string): ContainerSample | string {
    const read = reads[node];
    if (read === undefined) return `node ${node} was not read`;
    if (typeof read === "string") return read;
    return read.containers.find((c) => c.namespace === pod.namespace && c.pod === pod.pod && c.container === container)
        ?? `the kubelet of ${node} served no sample of it`;
}

/**
 * The least share of its repetition a container's two samples must span. A read answered
 * late (seen on a busy testbed: 1.7 s, and once 5 s, after it was asked) gives a window
 * that misses much of the load, or lies after it; with cAdvisor's housekeeping a window is
 * at worst its repetition less 15 s (docs/measurement.md), half of a 30 s repetition.
 */
export const MIN_WINDOW_SHARE = 0.5;

/** Seconds between two ISO times. */
const secondsBetween = (t: MeasuredTime): number => (Date.parse(t.end) - Date.parse(t.start)) / 1000;

/** One container between the reads before and after a repetition that lasted `repetitionSeconds`. */
export function containerUsage(group: ResourceGroup, pod: TargetPod, container: string, reads: RepetitionReads, repetitionSeconds: number): ContainerUsage {
    const id = { group, node: pod.node, namespace: pod.namespace, pod: pod.pod, container };
    const before = sampleOf(reads.before, pod.node, pod, container);
    const after = sampleOf(reads.after, pod.node, pod, container);
    if (typeof before === "string") return { ...id, unmeasured: `before the repetition: ${before}` };
    if (typeof after === "string") return { ...id, unmeasured: `after the repetition: ${after}` };
    if (!before.cpu || !after.cpu || !after.memory) return { ...id, unmeasured: "the kubelet served no CPU or working set sample with a timestamp" };
    if (after.cpu.atMs <= before.cpu.atMs) {
        return { ...id, unmeasured: `no new CPU sample between the reads (both at ${iso(after.cpu.atMs)}): the kubelet samples every 10 to 15 s` };
    }
    if (after.cpu.seconds < before.cpu.seconds) return { ...id, unmeasured: "its CPU counter went back: the container restarted" };
    // Durations, not times: the kubelet's clock and the runner's need not agree, their rates do.
    const windowSeconds = (after.cpu.atMs - before.cpu.atMs) / 1000;
    if (windowSeconds < MIN_WINDOW_SHARE * repetitionSeconds) {
        return { ...id, unmeasured: `its samples are ${windowSeconds.toFixed(2)} s apart, under half of the ${repetitionSeconds.toFixed(2)} s repetition `
            + `(${iso(before.cpu.atMs)} to ${iso(after.cpu.atMs)}): a read was answered late, so they would not give the repetition's rate` };
    }
    return {
        ...id,
        cpuCores: round((after.cpu.seconds - before.cpu.seconds) / ((after.cpu.atMs - before.cpu.atMs) / 1000), 4),
        memoryBytes: after.memory.bytes,
        window: { start: iso(before.cpu.atMs), end: iso(after.cpu.atMs) },
    };
}

function groupUsage(containers: readonly ContainerUsage[]): GroupUsage {
    if (containers.length === 0 || containers.some((c) => c.unmeasured !== undefined)) return { containers: containers.length };
    return {
        containers: containers.length,
        cpuCores: round(containers.reduce((sum, c) => sum + c.cpuCores!, 0), 4),
        memoryBytes: containers.reduce((sum, c) => sum + c.memoryBytes!, 0),
    };
}

/** Share of the repetition inside the window [start, end]. */
const coverage = (window: MeasuredTime, rep: MeasuredTime): number => {
    const [ws, we, rs, re] = [window.start, window.end, rep.start, rep.end].map((t) => Date.parse(t));
    return re > rs ? Math.max(0, Math.min(we, re) - Math.max(ws, rs)) / (re - rs) : 0;
};

export function resourceRepetition(reads: ResourceReads, rep: RepetitionReads, wrk: RequestCount | undefined): ResourceRepetition {
    const containers: ContainerUsage[] = [];
    // As long as wrk says it ran, or the runner saw it run if its markers came late.
    const repetitionSeconds = Math.max(secondsBetween(rep.measured), wrk?.durationSeconds ?? 0);
    for (const pod of reads.targets) {
        if (pod.missing !== undefined) {
            const group = pod.group === "bench" ? "apps" : pod.group;
            containers.push({ group, node: pod.node, namespace: pod.namespace, pod: pod.pod, container: "", unmeasured: pod.missing });
            continue;
        }
        // Containers the spec lists, and any the kubelet shows beside them (native sidecars are init containers).
        const seen = [rep.before[pod.node], rep.after[pod.node]]
            .flatMap((r) => typeof r === "object" ? r.containers : [])
            .filter((c) => c.namespace === pod.namespace && c.pod === pod.pod).map((c) => c.container);
        for (const name of [...new Set([...pod.containers, ...seen])]) {
            const group = pod.group !== "bench" ? pod.group : name === reads.sidecar ? "proxies" : "apps";
            containers.push(containerUsage(group, pod, name, rep, repetitionSeconds));
        }
    }
    const groups = Object.fromEntries(RESOURCE_GROUPS.map((g) => [g, groupUsage(containers.filter((c) => c.group === g))])) as Record<ResourceGroup, GroupUsage>;

    const dataPlane = DATA_PLANE.map((g) => groups[g]);
    const dataPlaneCores = dataPlane.every((g) => g.containers === 0 || g.cpuCores !== undefined) && groups.apps.cpuCores !== undefined
        ? dataPlane.reduce((sum, g) => sum + (g.cpuCores ?? 0), 0) : undefined;
    const windows = containers.filter((c) => DATA_PLANE.includes(c.group) && c.window).map((c) => coverage(c.window!, rep.measured));
    const sidecars = containers.filter((c) => c.group === "proxies");
    const agents = containers.filter((c) => c.group === "clientNodeAgents" || c.group === "serverNodeAgents");
    const agentNodes = [...new Set(agents.map((c) => c.node))];
    return {
        repetition: rep.repetition,
        measured: rep.measured,
        ...(windows.length ? { windowCoverage: Math.min(...windows) } : {}),
        groups,
        ...(dataPlaneCores !== undefined && wrk && wrk.requests > 0
            ? { dataPlaneCpuPer1kRequests: round(dataPlaneCores * wrk.durationSeconds / (wrk.requests / 1000), 5) } : {}),
        ...(sidecars.length && groups.proxies.memoryBytes !== undefined ? { memoryPerSidecarBytes: Math.round(groups.proxies.memoryBytes / sidecars.length) } : {}),
        ...(agents.length && agents.every((c) => c.memoryBytes !== undefined)
            ? { memoryPerNodeAgentsBytes: Math.round(mean(agentNodes.map((n) => agents.filter((c) => c.node === n).reduce((s, c) => s + c.memoryBytes!, 0)))) }
            : {}),
        containers,
    };
}

/** A resource section from the reads and the tool's repetitions (matched by number): wrk's by default. */
export function resourceResult(reads: ResourceReads, wrk: readonly RequestCount[] | undefined, tool = "wrk"): ResourceResult {
    const source = resourceSource(tool);
    const empty = { source, repetitions: [], median: { groups: {} } };
    if (reads.failure !== undefined) return { status: "unmeasured", reason: reads.failure, ...empty };
    if (reads.repetitions.length === 0) return { status: "unmeasured", reason: `no ${tool} repetition began and ended`, ...empty };
    const repetitions = reads.repetitions.map((r) => resourceRepetition(reads, r, wrk?.[r.repetition - 1]));
    // Rounded as the repetitions' own figures are (the median of two is their mean: no float tails).
    const pick = (f: (r: ResourceRepetition) => number | undefined) => {
        const m = medianOrNone(repetitions.map(f).filter((v): v is number => v !== undefined));
        return m === undefined ? undefined : round(m, 6);
    };
    const groups = Object.fromEntries(RESOURCE_GROUPS.flatMap((g) => {
        const cpuCores = pick((r) => r.groups[g].cpuCores);
        const memoryBytes = pick((r) => r.groups[g].memoryBytes);
        return cpuCores === undefined && memoryBytes === undefined ? [] : [[g, { ...optional("cpuCores", cpuCores), ...optional("memoryBytes", memoryBytes) }]];
    }));
    const unmeasured = repetitions.flatMap((r) => r.containers.filter((c) => c.unmeasured)
        .map((c) => `repetition ${r.repetition}: ${c.namespace}/${c.pod || "?"}${c.container ? ` ${c.container}` : ""}: ${c.unmeasured}`));
    const measuredAll = unmeasured.length === 0 && repetitions.every((r) => r.dataPlaneCpuPer1kRequests !== undefined);
    const measuredNone = repetitions.every((r) => r.dataPlaneCpuPer1kRequests === undefined);
    return {
        status: measuredAll ? "measured" : measuredNone ? "unmeasured" : "partial",
        ...(measuredAll ? {} : {
            reason: unmeasured.length
                ? `${unmeasured.length} container reads unmeasured, e.g. ${unmeasured.slice(0, 2).join("; ")}`
                : `${tool}'s request count is missing for a repetition`,
        }),
        source,
        repetitions,
        median: {
            groups,
            ...optional("dataPlaneCpuPer1kRequests", pick((r) => r.dataPlaneCpuPer1kRequests)),
            ...optional("memoryPerSidecarBytes", pick((r) => r.memoryPerSidecarBytes)),
            ...optional("memoryPerNodeAgentsBytes", pick((r) => r.memoryPerNodeAgentsBytes)),
        },
    };
}
