// Paired overheads: each setup against the baseline measured in the same lane and round
// (so on the same nodes, minutes apart), as ratios with a bootstrap interval over the
// lanes × rounds; which meshes can be told apart; and, for meshes measured with mTLS on
// and off, the split of their cost into the data path and mTLS itself. Pure.
//
// One observation is one run of one setup: its numbers are the medians over its
// repetitions, which are not independent replicates (see report/bootstrap.ts).
import type { BenchmarkResults } from "../loadtest/results";
import { MESH_NAMES, type MeshName } from "../meshes/types";
import { bootstrapRatio, excludesOne, type RatioEstimate } from "./bootstrap";

/** One run of one setup, and where it ran. Runs without lanes are lane 1, round 1. */
export interface Observation {
    readonly lane: number;
    readonly round: number;
    readonly results: BenchmarkResults;
}

export interface PairedMetric {
    readonly label: string;
    /** throughput: lower is a cost; latency and resource: higher is a cost. */
    readonly kind: "throughput" | "latency" | "resource";
    /** The run's number, or undefined when it did not measure one (never zero). */
    readonly value: (r: BenchmarkResults) => number | undefined;
}

/**
 * The figures compared: throughput, netperf's latency (one connection, and a new
 * connection per transaction), and the data plane's CPU per 1,000 requests and per 1,000
 * TCP_CRR connections (each with its handshake). Not wrk's
 * percentiles: they are of a closed loop, not per-request latency (docs/latency.md).
 */
export const PAIRED_METRICS = {
    rps: { label: "RPS", kind: "throughput", value: (r) => r.wrk.rps?.median },
    netperfMean: { label: "netperf mean", kind: "latency", value: (r) => r.netperf.latencyMicros?.mean },
    netperfP99: { label: "netperf p99", kind: "latency", value: (r) => r.netperf.latencyMicros?.p99 },
    crrMean: { label: "TCP_CRR mean", kind: "latency", value: (r) => r.netperfCrr?.latencyMicros?.mean },
    cpuPer1k: { label: "CPU / 1,000 requests", kind: "resource", value: (r) => r.resources?.median.dataPlaneCpuPer1kRequests },
    cpuPer1kConnections: { label: "CPU / 1,000 connections", kind: "resource", value: (r) => r.netperfCrr?.resources?.median.dataPlaneCpuPer1kRequests },
} as const satisfies Record<string, PairedMetric>;

export type MetricName = keyof typeof PAIRED_METRICS;
export const METRIC_NAMES = Object.keys(PAIRED_METRICS) as MetricName[];

/** A setup, as the paired tables name it. */
export interface SetupKey {
    readonly mesh: MeshName;
    readonly mtls: boolean;
}

const BASELINE: SetupKey = { mesh: "none", mtls: false };
const same = (a: SetupKey, b: SetupKey) => a.mesh === b.mesh && a.mtls === b.mtls;
const keyOf = (o: Observation): SetupKey => ({ mesh: o.results.mesh as MeshName, mtls: o.results.mtls.requested });
const slot = (o: Observation) => `${o.lane}/${o.round}`;

/** The value of `metric` of `setup` in each lane/round; failed runs give none. */
function valuesBySlot(observations: readonly Observation[], setup: SetupKey, metric: MetricName): Map<string, number> {
    const out = new Map<string, number>();
    for (const o of observations) {
        if (!same(keyOf(o), setup) || o.results.status === "failed") continue;
        const v = PAIRED_METRICS[metric].value(o.results);
        if (v !== undefined && v > 0) out.set(slot(o), v);
    }
    return out;
}

/** The ratios `a / b` of each lane and round where both were measured, in slot order. */
export function pairedRatios(observations: readonly Observation[], a: SetupKey, b: SetupKey, metric: MetricName): number[] {
    const left = valuesBySlot(observations, a, metric);
    const right = valuesBySlot(observations, b, metric);
    return [...left.keys()].filter((k) => right.has(k)).sort().map((k) => left.get(k)! / right.get(k)!);
}

export const pairedRatio = (observations: readonly Observation[], a: SetupKey, b: SetupKey, metric: MetricName): RatioEstimate | undefined =>
    bootstrapRatio(pairedRatios(observations, a, b, metric));

/** Setups of the observations but the baseline, in the registry's order, mTLS off before on. */
export function setupKeys(observations: readonly Observation[]): SetupKey[] {
    const keys = new Map<string, SetupKey>();
    for (const o of observations) keys.set(`${o.results.mesh}/${o.results.mtls.requested}`, keyOf(o));
    return [...keys.values()].sort((x, y) => (MESH_NAMES.indexOf(x.mesh) * 2 + Number(x.mtls)) - (MESH_NAMES.indexOf(y.mesh) * 2 + Number(y.mtls)));
}

export interface SetupOverhead {
    readonly setup: SetupKey;
    readonly ratios: Partial<Record<MetricName, RatioEstimate>>;
}

/** Each setup's ratio to the baseline of its own lane and round, per metric. */
export function pairedOverheads(observations: readonly Observation[]): SetupOverhead[] {
    return setupKeys(observations).filter((s) => !same(s, BASELINE)).map((setup) => ({
        setup,
        ratios: Object.fromEntries(METRIC_NAMES.flatMap((m) => {
            const e = pairedRatio(observations, setup, BASELINE, m);
            return e ? [[m, e]] : [];
        })),
    }));
}

export interface Separation {
    readonly a: SetupKey;
    readonly b: SetupKey;
    /** a / b, paired by lane and round. */
    readonly estimate: RatioEstimate;
    /** true: the interval of a / b leaves out 1; false: it includes 1, so they can't be told apart; undefined: one pair, no interval. */
    readonly apart?: boolean;
}

/** Every pair of non-baseline setups on `metric`, compared directly (a / b in the same lane and round). */
export function separations(observations: readonly Observation[], metric: MetricName): Separation[] {
    const setups = setupKeys(observations).filter((s) => !same(s, BASELINE));
    const out: Separation[] = [];
    for (const [i, a] of setups.entries()) {
        for (const b of setups.slice(i + 1)) {
            const estimate = pairedRatio(observations, a, b, metric);
            if (estimate) out.push({ a, b, estimate, apart: excludesOne(estimate) });
        }
    }
    return out;
}

export interface MtlsSplit {
    readonly mesh: MeshName;
    readonly metric: MetricName;
    /** mTLS off against the baseline: the proxies, without encryption. */
    readonly dataPath: RatioEstimate;
    /** mTLS on against off, same lane and round: what mTLS itself costs. */
    readonly mtls: RatioEstimate;
    /** mTLS on against the baseline: the paper's single number. */
    readonly total?: RatioEstimate;
}

/** The split, for each mesh with both mTLS modes measured. */
export function mtlsSplits(observations: readonly Observation[], metric: MetricName): MtlsSplit[] {
    const meshes = [...new Set(setupKeys(observations).map((s) => s.mesh))];
    return meshes.flatMap((mesh) => {
        const off = { mesh, mtls: false };
        const on = { mesh, mtls: true };
        const dataPath = pairedRatio(observations, off, BASELINE, metric);
        const mtls = pairedRatio(observations, on, off, metric);
        if (mesh === BASELINE.mesh || !dataPath || !mtls) return [];
        return [{ mesh, metric, dataPath, mtls, total: pairedRatio(observations, on, BASELINE, metric) }];
    });
}

/**
 * The split as two stacked parts, in % of the baseline: the cost of the data path and
 * the cost mTLS adds on top of it. For throughput, the share of the baseline's RPS lost;
 * for latency, the latency added. The two add up to the total's cost: 1 − d·m = (1 − d) + d(1 − m).
 */
export function splitParts(split: MtlsSplit): { dataPath: number; mtls: number } {
    const d = split.dataPath.ratio;
    const m = split.mtls.ratio;
    const sign = PAIRED_METRICS[split.metric].kind === "throughput" ? -1 : 1;
    return { dataPath: sign * (d - 1) * 100, mtls: sign * d * (m - 1) * 100 };
}
