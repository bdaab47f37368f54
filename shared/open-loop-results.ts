// The results' `openLoop` section: fortio at fixed rates, and when its numbers count as
// open-loop latency. Part of the results schema (shared/results.ts re-exports it).
import type { MeasuredTime } from "./results";

/** Open-loop latency at one rate, in µs: fortio's percentiles of its histogram of every request. */
export interface OpenLoopLatency {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly p999: number;
}

/**
 * When a fixed-rate repetition counts as open loop. fortio measures each request from its
 * actual send and, when it falls behind its schedule, sends late (docs/latency.md): so a
 * repetition holds its rate only when fortio achieved at least (1 - maxShortfall) of the
 * target rate and at most maxLateShare of its sends were late (its sleep-time histogram).
 */
export interface OpenLoopHoldCheck {
    readonly maxShortfall: number;
    readonly maxLateShare: number;
}

export interface OpenLoopSettings {
    readonly url: string;
    /** Rates are these fractions of capacityRps, rounded to whole requests per second. */
    readonly capacityRps: number;
    readonly fractions: number[];
    readonly rates: number[];
    readonly connections: number;
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly repetitions: number;
}

export interface OpenLoopRepetition {
    readonly achievedQps: number;
    readonly requests: number;
    readonly latencyMicros: OpenLoopLatency;
    /** Share of the scheduled sends fortio made late (at or after their time), from its sleep histogram. */
    readonly lateShare: number;
    readonly rateHeld: boolean;
    /** Share of the client node's whole CPU that was busy during the run; absent if unread. */
    readonly clientNodeBusyShare?: number;
}

/**
 * One rate. ok: every repetition held it, so the latencies are open-loop latencies.
 * notHeld: measured, but the schedule slipped in some repetition: the numbers are kept
 * for what they are (closed-loop-like), never shown as open-loop latency. failed: no numbers.
 */
export interface OpenLoopRate {
    readonly targetQps: number;
    readonly status: "ok" | "notHeld" | "failed";
    readonly reason?: string;
    readonly rateHeld?: boolean;
    readonly achievedQps?: { readonly perRepetition: number[]; readonly median: number };
    /** Median over repetitions of each percentile. */
    readonly latencyMicros?: OpenLoopLatency;
    readonly repetitions?: OpenLoopRepetition[];
}

/** fortio at fixed rates. off: the stack's openLoopFractions is empty; failed: the step gave no rate's numbers. */
export interface OpenLoopResult {
    readonly status: "ok" | "notHeld" | "failed" | "off";
    readonly reason?: string;
    readonly settings: OpenLoopSettings;
    readonly holdCheck: OpenLoopHoldCheck;
    readonly toolVersion?: string;
    /** When the client script ran; absent when it never ran. */
    readonly measured?: MeasuredTime;
    readonly rates?: OpenLoopRate[];
}
