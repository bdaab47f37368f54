// Turns a run's results into the rows every output of the report shares: one row per
// setup, the overhead of each against the run's own baseline, and the paper beside them.
import type { BenchmarkResults, RunStatus } from "../loadtest/results";
import { mean, round } from "../loadtest/stats";
import { MESH_NAMES, type MeshName, type Pin } from "../meshes/types";
import { stackName } from "../sweep/plan";
import { mtlsProbeVerdict } from "./mtls-verdict";
import { PAPER, paperSetup, type PaperSetup } from "../sweep/paper";

/** Every overhead is measured against this mesh, in the same run. */
export const BASELINE_MESH: MeshName = "none";

export interface Spread {
    readonly min: number;
    readonly max: number;
}

export interface SetupRow {
    readonly stack: string;
    readonly label: string;
    readonly mesh: MeshName;
    readonly mtls: boolean;
    readonly status: RunStatus;
    readonly reasons: string[];
    readonly repetitions: number;
    /** Runs pooled into this row (lanes × rounds); absent for a row of one run. */
    readonly runs?: number;
    /** Runs of this setup that failed, where and why; their numbers are left out. */
    readonly failedRuns?: string[];
    /** The median over repetitions; pooled: the median over runs, its CV and spread across runs. */
    readonly rps?: { readonly median: number; readonly cvPercent?: number } & Spread;
    readonly wrkLatency?: { readonly avg: number; readonly p50: number; readonly p90: number; readonly p99: number };
    readonly netperfLatency?: { readonly mean: number; readonly p50: number; readonly p90: number; readonly p99: number };
    /** Spread of the per-repetition netperf mean latency. */
    readonly netperfMeanSpread?: Spread;
    /** netperf TCP_CRR: a new connection, and handshake, per transaction. */
    readonly crrLatency?: { readonly mean: number; readonly p50: number; readonly p90: number; readonly p99: number };
    readonly mtlsVerdict: string;
    readonly pins: Pin[];
    readonly results: BenchmarkResults;
}

/**
 * Change against the baseline, in %: negative RPS and positive latency are costs. wrk's
 * percentiles are left out: closed-loop and corrected by wrk, they are not per-request
 * latency (docs/latency.md).
 */
export interface Overhead {
    readonly rps?: number;
    readonly netperfMean?: number;
    readonly netperfP99?: number;
    readonly crrMean?: number;
    readonly crrP99?: number;
}

export interface PaperComparison {
    readonly row?: SetupRow;
    readonly paper: PaperSetup;
    /** Ours against the paper's, in %. */
    readonly rpsDelta?: number;
    readonly latencyDelta?: number;
    /** Each side's change against its own baseline, in %. */
    readonly paperRpsChange?: number;
    readonly ourRpsChange?: number;
    readonly paperLatencyChange?: number;
    readonly ourLatencyChange?: number;
}

/** Sample coefficient of variation in % (standard deviation with n−1 over the mean); undefined below two values. */
export function coefficientOfVariation(values: readonly number[]): number | undefined {
    if (values.length < 2) return undefined;
    const average = mean(values);
    const variance = values.reduce((s, v) => s + (v - average) ** 2, 0) / (values.length - 1);
    return round((Math.sqrt(variance) / average) * 100, 2);
}

/** (value − base) / base in %, to one decimal. */
export const percentChange = (value: number, base: number): number => round(((value - base) / base) * 100, 1);

const spread = (values: readonly number[]): Spread | undefined =>
    values.length === 0 ? undefined : { min: Math.min(...values), max: Math.max(...values) };

export function setupLabel(mesh: MeshName, mtls: boolean): string {
    return mesh === BASELINE_MESH ? "baseline (no mesh)" : `${mesh}, mTLS ${mtls ? "on" : "off"}`;
}

export function setupRow(results: BenchmarkResults): SetupRow {
    const { wrk, netperf, netperfCrr } = results;
    const rpsValues = wrk.rps?.perRepetition ?? [];
    const rpsSpread = spread(rpsValues);
    // The schema (shared/results.ts) keeps the mesh a string; results files are checked on load.
    const mesh = results.mesh as MeshName;
    return {
        stack: stackName(mesh, results.mtls.requested),
        label: setupLabel(mesh, results.mtls.requested),
        mesh,
        mtls: results.mtls.requested,
        status: results.status,
        reasons: results.reasons,
        repetitions: wrk.settings.repetitions,
        rps: wrk.rps && rpsSpread ? { median: wrk.rps.median, cvPercent: coefficientOfVariation(rpsValues), ...rpsSpread } : undefined,
        wrkLatency: wrk.latencyMicros,
        netperfLatency: netperf.latencyMicros,
        netperfMeanSpread: spread((netperf.repetitions ?? []).map((r) => r.latencyMicros.mean)),
        crrLatency: netperfCrr.latencyMicros,
        mtlsVerdict: mtlsProbeVerdict(results),
        pins: results.provenance.pins,
        results,
    };
}

/** Rows in a fixed order: by mesh as the registry lists them (baseline first), mTLS off before on. */
export function setupRows(all: readonly BenchmarkResults[]): SetupRow[] {
    const rows = all.map(setupRow);
    const seen = new Map<string, number>();
    for (const r of rows) seen.set(r.stack, (seen.get(r.stack) ?? 0) + 1);
    const twice = [...seen].filter(([, n]) => n > 1).map(([s]) => s);
    if (twice.length > 0) throw new Error(`more than one result for ${twice.join(", ")}: a run holds one result per setup`);
    const order = (r: SetupRow) => MESH_NAMES.indexOf(r.mesh) * 2 + (r.mtls ? 1 : 0);
    return rows.sort((a, b) => order(a) - order(b));
}

/** The run's baseline row, if it has numbers to compare with. */
export function baselineRow(rows: readonly SetupRow[]): SetupRow | undefined {
    return rows.find((r) => r.mesh === BASELINE_MESH && r.status !== "failed");
}

const change = (value: number | undefined, base: number | undefined): number | undefined =>
    value === undefined || base === undefined ? undefined : percentChange(value, base);

export function overhead(row: SetupRow, baseline: SetupRow): Overhead {
    return {
        rps: change(row.rps?.median, baseline.rps?.median),
        netperfMean: change(row.netperfLatency?.mean, baseline.netperfLatency?.mean),
        netperfP99: change(row.netperfLatency?.p99, baseline.netperfLatency?.p99),
        crrMean: change(row.crrLatency?.mean, baseline.crrLatency?.mean),
        crrP99: change(row.crrLatency?.p99, baseline.crrLatency?.p99),
    };
}

/** Each setup the paper measured, with ours beside it when this run has it. */
export function paperComparisons(rows: readonly SetupRow[]): PaperComparison[] {
    const baseline = baselineRow(rows);
    const paperBaseline = paperSetup(BASELINE_MESH, false)!;
    return PAPER.setups.map((paper) => {
        const row = rows.find((r) => r.mesh === paper.mesh && r.mtls === paper.mtls);
        const ours = row?.status === "failed" ? undefined : row;
        if (paper === paperBaseline) {
            return { row, paper, rpsDelta: change(ours?.rps?.median, paper.rps), latencyDelta: change(ours?.netperfLatency?.mean, paper.latencyMicros) };
        }
        return {
            row,
            paper,
            rpsDelta: change(ours?.rps?.median, paper.rps),
            latencyDelta: change(ours?.netperfLatency?.mean, paper.latencyMicros),
            paperRpsChange: percentChange(paper.rps, paperBaseline.rps),
            ourRpsChange: change(ours?.rps?.median, baseline?.rps?.median),
            paperLatencyChange: percentChange(paper.latencyMicros, paperBaseline.latencyMicros),
            ourLatencyChange: change(ours?.netperfLatency?.mean, baseline?.netperfLatency?.mean),
        };
    });
}
