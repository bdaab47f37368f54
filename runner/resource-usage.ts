// Reads a kubelet's /metrics/resource (Prometheus text, through the API server's node
// proxy): each container's cumulative CPU and its working set, each with the sample's own
// timestamp. The timestamp is when cAdvisor last looked at the container (its housekeeping,
// every 10 to 15 s in kubelet v1.29: pkg/kubelet/cadvisor/cadvisor_linux.go), not when we
// asked, so a rate is only honest over the samples' timestamps. Pure.
import { parsePromSamples, type PromSample } from "../meshes/prometheus-text";

/** One container as its kubelet last sampled it. */
export interface ContainerSample {
    readonly namespace: string;
    readonly pod: string;
    readonly container: string;
    /** Core-seconds since the container started, and when cAdvisor sampled them (ms since the epoch). */
    readonly cpu?: { readonly seconds: number; readonly atMs: number };
    /** Working set in bytes, and when it was sampled. */
    readonly memory?: { readonly bytes: number; readonly atMs: number };
}

/** What one node's kubelet served. */
export interface NodeResourceSample {
    readonly containers: ContainerSample[];
    /** The whole node's core-seconds, and when they were sampled. */
    readonly nodeCpu?: { readonly seconds: number; readonly atMs: number };
}

const CPU = "container_cpu_usage_seconds_total";
const MEMORY = "container_memory_working_set_bytes";
const NODE_CPU = "node_cpu_usage_seconds_total";

const key = (s: PromSample): string => `${s.labels.namespace}/${s.labels.pod}/${s.labels.container}`;
const timed = (s: PromSample, value: number) => s.timestampMs === undefined ? undefined : { value, atMs: s.timestampMs };

/**
 * The containers of one /metrics/resource page. A page without a single container or node
 * CPU sample is not the kubelet's resource metrics (a proxy error page, another endpoint):
 * a string says so. A sample without its timestamp is left out, since no rate can use it.
 */
export function parseResourceMetrics(text: string): NodeResourceSample | string {
    const samples = parsePromSamples(text.split("\n"));
    const containers = new Map<string, { namespace: string; pod: string; container: string; cpu?: ContainerSample["cpu"]; memory?: ContainerSample["memory"] }>();
    let nodeCpu: NodeResourceSample["nodeCpu"];
    for (const s of samples) {
        if (s.name === NODE_CPU) {
            const t = timed(s, s.value);
            if (t) nodeCpu = { seconds: t.value, atMs: t.atMs };
            continue;
        }
        if (s.name !== CPU && s.name !== MEMORY) continue;
        const { namespace, pod, container } = s.labels;
        if (!namespace || !pod || !container) continue;
        const entry = containers.get(key(s)) ?? { namespace, pod, container };
        const t = timed(s, s.value);
        if (t && s.name === CPU) entry.cpu = { seconds: t.value, atMs: t.atMs };
        if (t && s.name === MEMORY) entry.memory = { bytes: t.value, atMs: t.atMs };
        containers.set(key(s), entry);
    }
    if (containers.size === 0 && !nodeCpu) {
        return `no ${CPU} or ${NODE_CPU} sample in the page: ${text.trim().slice(0, 120) || "(empty)"}`;
    }
    return { containers: [...containers.values()], ...(nodeCpu ? { nodeCpu } : {}) };
}
