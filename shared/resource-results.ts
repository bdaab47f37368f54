// The results' `resources` section: CPU and working set of the benchmark pods, the mesh's
// node agents and its control plane, read from the kubelets around each repetition of a tool
// (`resources`: wrk's; each netperf result's own: TCP_RR's and TCP_CRR's).
// Part of the results schema (shared/results.ts re-exports it).
import type { MeasuredTime } from "./results";

/** Whose use is read. The data plane is apps, proxies and the agents on the client and server nodes. */
export const RESOURCE_GROUPS = ["apps", "proxies", "clientNodeAgents", "serverNodeAgents", "controlPlane"] as const;
export type ResourceGroup = (typeof RESOURCE_GROUPS)[number];

/** One container over one repetition, from its node's kubelet. */
export interface ContainerUsage {
    readonly group: ResourceGroup;
    readonly node: string;
    readonly namespace: string;
    readonly pod: string;
    readonly container: string;
    /** Mean cores between the two CPU samples, by their own timestamps; absent when unmeasured. */
    readonly cpuCores?: number;
    /** Working set at the read after the repetition, bytes; absent when unmeasured. */
    readonly memoryBytes?: number;
    /** The kubelet's timestamps of the two CPU samples the mean spans. */
    readonly window?: MeasuredTime;
    /** Why this container has no numbers (the read failed, no new sample, the counter went back). */
    readonly unmeasured?: string;
}

/** A group's sums. Absent when the group is empty or any of its containers is unmeasured: never a partial sum. */
export interface GroupUsage {
    readonly containers: number;
    readonly cpuCores?: number;
    readonly memoryBytes?: number;
}

export interface ResourceRepetition {
    /** The tool's repetition, 1-based. */
    readonly repetition: number;
    /** When the runner saw the repetition begin and end (the tool's markers), its own clock. */
    readonly measured: MeasuredTime;
    /** The least share of the repetition that a data-plane container's sample window covers (kubelet clocks against the runner's). */
    readonly windowCoverage?: number;
    readonly groups: Readonly<Record<ResourceGroup, GroupUsage>>;
    /** Data plane core-seconds per 1,000 of this repetition's requests (wrk's, or netperf's transactions); absent when a data-plane group or the count is. */
    readonly dataPlaneCpuPer1kRequests?: number;
    /** Mean working set of the sidecar containers, bytes; absent when the mesh has none. */
    readonly memoryPerSidecarBytes?: number;
    /** Mean over the client and server nodes of each node's agents' working set, bytes; absent when the mesh has none. */
    readonly memoryPerNodeAgentsBytes?: number;
    readonly containers: ContainerUsage[];
}

export interface ResourceResult {
    /** measured: every repetition's data plane has numbers; partial: some; unmeasured: none (reason says why). */
    readonly status: "measured" | "partial" | "unmeasured";
    readonly reason?: string;
    readonly source: string;
    readonly repetitions: ResourceRepetition[];
    /** Medians over the repetitions that have the number. */
    readonly median: {
        readonly groups: Partial<Record<ResourceGroup, { readonly cpuCores?: number; readonly memoryBytes?: number }>>;
        readonly dataPlaneCpuPer1kRequests?: number;
        readonly memoryPerSidecarBytes?: number;
        readonly memoryPerNodeAgentsBytes?: number;
    };
}
