// The shape of the `results` stack output. The sweep and the report read it, so it is
// versioned; a field that a run did not measure is absent, never zero. A bottom module:
// it imports nothing of ours, so the runner, the sweep and the report all read one schema.
// Mesh and target are plain strings here; their closed lists live with the meshes and the
// cluster targets, which validate them at preview.

import type { OpenLoopResult } from "./open-loop-results";
import type { ResourceResult } from "./resource-results";

export * from "./open-loop-results";
export * from "./resource-results";

/** The netperf tests the clients can run. */
export const NETPERF_TESTS = ["TCP_RR", "TCP_CRR"] as const;
export type NetperfTest = (typeof NETPERF_TESTS)[number];

/** A chart, image or other pinned artefact that changes the numbers; exported with the results. */
export interface Pin {
    readonly kind: "chart" | "image" | "manifest";
    readonly name: string;
    readonly version: string;
    /** Chart repository or image registry. */
    readonly source: string;
}

/**
 * 2: the saturation guard reads the client node and wrk's threads (`wrk.saturation`),
 * netperf TCP_CRR beside TCP_RR (`netperfCrr`), netperf's RT_LATENCY (`roundTrip`),
 * when each part was measured (`measured`), the resource cost (`resources`) and fortio's
 * open-loop latency (`openLoop`).
 */
export const RESULTS_SCHEMA_VERSION = 2;

/** When something was measured: ISO 8601 UTC times of the runner's clock, from the start of its exec to its end. */
export interface MeasuredTime {
    readonly start: string;
    readonly end: string;
}

/** ok: measured and trustworthy. saturated: measured, but the client was the bottleneck. failed: no numbers. */
export type RunStatus = "ok" | "saturated" | "failed";

export interface LatencyMicros {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
}

export interface WrkErrors {
    readonly connect: number;
    readonly read: number;
    readonly write: number;
    readonly timeout: number;
    /** wrk counts responses outside 2xx and 3xx. */
    readonly non2xx3xx: number;
}

export interface WrkRepetition {
    readonly requestsPerSecond: number;
    readonly requests: number;
    readonly durationSeconds: number;
    readonly latencyMicros: LatencyMicros & { readonly avg: number; readonly p75: number };
    readonly errors: WrkErrors;
    /** CPU the wrk container used, in cores; absent if the cgroup could not be read. */
    readonly clientCpuCores?: number;
    /** Share of the client node's whole CPU that was busy during the run (softirq and steal included); absent if unread. */
    readonly clientNodeBusyShare?: number;
    /** Share of one core the busiest wrk thread used during the run; absent if unread. */
    readonly busiestThreadShare?: number;
}

/**
 * The saturation guard: a repetition is saturated when the client node was busier than
 * nodeBusyLimit, or a wrk thread used at least threadBusyLimit of a core. Neither depends
 * on wrkCpu, so a wrkCpu below the thread count cannot make it fire or stay silent.
 */
export interface SaturationGuard {
    readonly nodeBusyLimit: number;
    readonly threadBusyLimit: number;
    /** The repetitions (1-based) found saturated. */
    readonly saturatedRepetitions: number[];
    /** Repetitions whose readings are missing, so the guard could not judge them; absent when none. */
    readonly unmeasuredRepetitions?: number[];
}

export interface WrkSettings {
    readonly url: string;
    readonly threads: number;
    readonly connections: number;
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly repetitions: number;
    /** Cores requested for the wrk container. */
    readonly cpu: number;
    /** Size of the body the HTTP server answers each request with, in bytes (config responseBytes). */
    readonly responseBytes: number;
}

export interface WrkResult {
    readonly status: RunStatus;
    readonly reason?: string;
    readonly settings: WrkSettings;
    readonly toolVersion?: string;
    /** When the client script ran; absent when it never ran. */
    readonly measured?: MeasuredTime;
    readonly rps?: { readonly perRepetition: number[]; readonly median: number };
    /** Median over repetitions of each statistic. */
    readonly latencyMicros?: LatencyMicros & { readonly avg: number };
    /** Summed over the measured repetitions. Present whenever the output could be read. */
    readonly errors?: WrkErrors;
    /** CPU the wrk container used per repetition, in cores (information: the guard is `saturation`). */
    readonly clientCpu?: { readonly coresPerRepetition: number[] };
    readonly saturation?: SaturationGuard;
    readonly repetitions?: WrkRepetition[];
}

/**
 * netperf's latencies, in µs. mean, p50, p90 and p99 come from the histogram of
 * individual transactions (`-j`; MEAN_LATENCY, P50_LATENCY...); roundTrip is RT_LATENCY,
 * the run time divided by the transactions completed. With one transaction in flight they
 * differ only by the histogram's bucketing (docs/latency.md).
 */
export type NetperfLatency = LatencyMicros & { readonly mean: number; readonly roundTrip: number };

export interface NetperfRepetition {
    readonly transactionsPerSecond: number;
    readonly latencyMicros: NetperfLatency;
}

export interface NetperfSettings {
    readonly host: string;
    readonly test: NetperfTest;
    readonly controlPort: number;
    readonly dataPort: number;
    readonly requestSize: number;
    readonly responseSize: number;
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly repetitions: number;
}

export interface NetperfResult {
    readonly status: Exclude<RunStatus, "saturated">;
    readonly reason?: string;
    readonly settings: NetperfSettings;
    readonly toolVersion?: string;
    /** When the client script ran; absent when it never ran. */
    readonly measured?: MeasuredTime;
    /** Median over repetitions of each statistic. */
    readonly latencyMicros?: NetperfLatency;
    readonly transactionsPerSecond?: number;
    readonly repetitions?: NetperfRepetition[];
    /**
     * The resource cost under this test's load, read as each of its repetitions begins and
     * ends: CPU per 1,000 transactions (TCP_CRR: per 1,000 connections, each with its
     * handshake). Absent only in results written before it was read.
     */
    readonly resources?: ResourceResult;
}

export interface NodeFacts {
    readonly name: string;
    readonly kubeletVersion: string;
    readonly kernelVersion: string;
    readonly osImage: string;
    readonly containerRuntime: string;
    readonly instanceType?: string;
    readonly zone?: string;
    /** The node's `meshbench.io/role` (system, server, client) on clusters meshbench made. */
    readonly role?: string;
}

export interface PodFacts {
    readonly app: string;
    readonly node: string;
    /** Image reference and the image ID (digest) the node actually ran, per container. */
    readonly containers: { readonly name: string; readonly image: string; readonly imageId: string }[];
}

export interface Provenance {
    readonly mesh: string;
    readonly mtls: boolean;
    readonly target: string;
    readonly runId: string;
    readonly kubernetes: { readonly requested?: string; readonly running: string[] };
    readonly pins: Pin[];
    readonly images: Readonly<Record<string, string>>;
    readonly fairness: Readonly<Record<string, string>>;
    readonly cluster: Readonly<Record<string, string>>;
    /** Node each benchmark pod ran on, by app name. */
    readonly placement: Readonly<Record<string, string>>;
    readonly pods: PodFacts[];
    readonly nodes: NodeFacts[];
}

/** What a plaintext client outside the mesh got from one server. */
export interface ProbeOutcome {
    /** accepted: plaintext was served; refused: it was not; error: the probe could not tell. */
    readonly result: "accepted" | "refused" | "error";
    readonly detail: string;
}

export interface MtlsResult {
    readonly requested: boolean;
    /**
     * verified: the probe and the mesh's evidence both agree with the request;
     * mismatch: either contradicts it; unverified: something could not be read.
     * Anything but verified fails the run.
     */
    readonly verdict: "verified" | "mismatch" | "unverified";
    /** Plaintext from a pod outside the mesh, to each server, before the runs. */
    readonly plaintext: { readonly http: ProbeOutcome; readonly netperf: ProbeOutcome };
    /** true when plaintext was refused by both servers, false when accepted by both. */
    readonly enforced?: boolean;
    /** The mesh's own evidence, read after the runs. */
    readonly evidence: { readonly source: string; readonly mtls?: boolean; readonly detail: string };
    /**
     * Traffic the mesh leaves outside mTLS by design, never the measured traffic (e.g. a
     * control port excluded from the proxies), and what the probe then can and cannot show.
     * Absent when there is none.
     */
    readonly exemptions?: readonly string[];
}

export interface BenchmarkResults {
    readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION;
    /** failed if anything failed; saturated if a measurement was client-bound; else ok. */
    readonly status: RunStatus;
    /** Every reason the run is not ok. Empty when ok. */
    readonly reasons: string[];
    readonly mesh: string;
    readonly mtls: MtlsResult;
    /** From the first step (the mesh's gates) to the last (the facts). */
    readonly measured: MeasuredTime;
    readonly wrk: WrkResult;
    /** netperf TCP_RR: one connection, request/response latency, as in the paper. */
    readonly netperf: NetperfResult;
    /** netperf TCP_CRR: a new connection per transaction, so each one pays the handshake (mTLS's included). */
    readonly netperfCrr: NetperfResult;
    /** CPU and memory of the benchmark pods, the mesh's node agents and control plane, per wrk repetition. */
    readonly resources: ResourceResult;
    /** fortio at fixed rates, after wrk and netperf: latency free of closed-loop coupling when the rate held. */
    readonly openLoop: OpenLoopResult;
    readonly provenance: Provenance;
}
