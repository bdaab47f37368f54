// One row per setup for a run of several lanes or rounds: each run counts once, by the
// median over its repetitions, and the row gives the median over runs, with the lowest
// and highest run as its spread. A run with one observation per setup keeps the rows of
// report/summarize.ts unchanged. Pure.
import type { RunStatus } from "../loadtest/results";
import { median, medianOf } from "../loadtest/stats";
import type { Observation } from "./paired";
import { coefficientOfVariation, setupRow, setupRows, type SetupRow, type Spread } from "./summarize";

const WORST: readonly RunStatus[] = ["failed", "saturated", "ok"];
const spread = (values: readonly number[]): Spread | undefined =>
    values.length === 0 ? undefined : { min: Math.min(...values), max: Math.max(...values) };
const where = (o: Observation) => `lane ${o.lane} round ${o.round}`;

/** A setup's runs as one row; the numbers come from the runs that did not fail. */
export function pooledRow(runs: readonly Observation[]): SetupRow {
    const sorted = [...runs].sort((a, b) => a.lane - b.lane || a.round - b.round);
    const usable = sorted.filter((o) => o.results.status !== "failed");
    const first = setupRow((usable[0] ?? sorted[0]).results);
    const rps = usable.flatMap((o) => (o.results.wrk.rps ? [o.results.wrk.rps.median] : []));
    const wrk = usable.flatMap((o) => (o.results.wrk.latencyMicros ? [o.results.wrk.latencyMicros] : []));
    const netperf = usable.flatMap((o) => (o.results.netperf.latencyMicros ? [o.results.netperf.latencyMicros] : []));
    const verdicts = [...new Set(sorted.map((o) => setupRow(o.results).mtlsVerdict))];
    const failed = sorted.filter((o) => o.results.status === "failed");
    const status = usable.length === 0 ? "failed" : WORST.find((s) => usable.some((o) => o.results.status === s))!;
    return {
        ...first,
        status,
        reasons: sorted.flatMap((o) => o.results.reasons.map((r) => `${where(o)}: ${r}`)),
        runs: sorted.length,
        failedRuns: failed.map((o) => `${where(o)}: ${o.results.reasons.join("; ") || "no reason given"}`),
        rps: rps.length > 0 ? { median: median(rps), cvPercent: coefficientOfVariation(rps), ...spread(rps)! } : undefined,
        wrkLatency: wrk.length > 0 ? medianOf(wrk, ["avg", "p50", "p90", "p99"]) : undefined,
        netperfLatency: netperf.length > 0 ? medianOf(netperf, ["mean", "p50", "p90", "p99"]) : undefined,
        netperfMeanSpread: spread(netperf.map((l) => l.mean)),
        mtlsVerdict: verdicts.join(", "),
    };
}

/** The report's rows: one per setup, pooled over lanes and rounds when there are several. */
export function reportRows(observations: readonly Observation[]): SetupRow[] {
    const bySetup = new Map<string, Observation[]>();
    for (const o of observations) {
        const key = `${o.results.mesh}/${o.results.mtls.requested}`;
        bySetup.set(key, [...(bySetup.get(key) ?? []), o]);
    }
    const single = [...bySetup.values()].every((runs) => runs.length === 1);
    if (single) return setupRows(observations.map((o) => o.results));
    const order = setupRows([...bySetup.values()].map((runs) => runs[0].results)).map((r) => r.stack);
    return [...bySetup.values()].map(pooledRow).sort((a, b) => order.indexOf(a.stack) - order.indexOf(b.stack));
}
