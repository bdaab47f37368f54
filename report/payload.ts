// A run of several response sizes (the sweep's --response-bytes): the report's other
// sections show one size, the default when the run has it, and this one shows every size,
// each setup against the baseline at the same size, and what a KiB more of body costs. Pure.
import type { BenchmarkResults } from "../loadtest/results";
import { formatChange, formatCount, formatMicros, markdownTable, MISSING } from "./format";
import type { LoadedRun } from "./load";
import type { Observation } from "./paired";
import { reportRows } from "./pooled";
import { baselineRow, overhead, type SetupRow } from "./summarize";

/** The size the other sections show when the run has it: the body meshbench always served. */
export const DEFAULT_RESPONSE_BYTES = 10;

export const responseBytesOf = (r: BenchmarkResults): number => r.wrk.settings.responseBytes;

/** The run's response sizes, smallest first. */
export const responseSizes = (observations: readonly Observation[]): number[] =>
    [...new Set(observations.map((o) => responseBytesOf(o.results)))].sort((a, b) => a - b);

/** The size the report's other sections show: the default if measured, else the smallest. */
export function primarySize(observations: readonly Observation[]): number | undefined {
    const sizes = responseSizes(observations);
    return sizes.includes(DEFAULT_RESPONSE_BYTES) ? DEFAULT_RESPONSE_BYTES : sizes[0];
}

/** The run with only the results of one response size. */
export function atSize(run: LoadedRun, bytes: number | undefined): LoadedRun {
    if (bytes === undefined) return run;
    const observations = run.observations.filter((o) => responseBytesOf(o.results) === bytes);
    return { ...run, observations, results: observations.map((o) => o.results) };
}

const sizeText = (bytes: number): string => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`);

/** How long one connection waits per request, in µs: in wrk's closed loop, connections ÷ RPS (Little's law). */
const microsPerRequest = (row: SetupRow): number | undefined =>
    row.rps === undefined || row.status === "failed" ? undefined : (row.results.wrk.settings.connections / row.rps.median) * 1e6;

const setupKey = (r: SetupRow) => `${r.mesh}/${r.mtls}`;

/** The section, or nothing when the run has one size. */
export function payloadSection(observations: readonly Observation[]): string[] {
    const sizes = responseSizes(observations);
    if (sizes.length < 2) return [];
    const rowsAt = new Map(sizes.map((bytes) => [bytes, reportRows(observations.filter((o) => responseBytesOf(o.results) === bytes))]));

    const byRow = sizes.flatMap((bytes) => {
        const rows = rowsAt.get(bytes)!;
        const baseline = baselineRow(rows);
        return rows.map((r) => {
            const usable = r.status !== "failed" ? r.rps : undefined;
            const vsBaseline = baseline && r !== baseline ? formatChange(overhead(r, baseline).rps) : r === baseline ? "(baseline)" : MISSING;
            return [sizeText(bytes), r.label, r.status, formatCount(usable?.median), vsBaseline,
                usable ? ((usable.median * bytes) / 1e6).toFixed(2) : MISSING, formatMicros(microsPerRequest(r))];
        });
    });

    // What a KiB more of body costs each setup, from the smallest size to the largest.
    const [small, large] = [sizes[0], sizes[sizes.length - 1]];
    const kib = (large - small) / 1024;
    const perKib = new Map<string, number>();
    for (const r of rowsAt.get(large)!) {
        const before = rowsAt.get(small)!.find((s) => setupKey(s) === setupKey(r));
        const [t0, t1] = [before && microsPerRequest(before), microsPerRequest(r)];
        if (t0 !== undefined && t1 !== undefined) perKib.set(setupKey(r), (t1 - t0) / kib);
    }
    const baselineSlope = [...perKib].find(([k]) => k.startsWith("none/"))?.[1];
    const slopes = rowsAt.get(large)!.filter((r) => perKib.has(setupKey(r))).map((r) => {
        const slope = perKib.get(setupKey(r))!;
        return [r.label, slope.toFixed(3), r.mesh === "none" || baselineSlope === undefined ? MISSING : (slope - baselineSlope).toFixed(3)];
    });

    return [
        "## Response size",
        "",
        `This run measured the HTTP server's response body at ${sizes.map(sizeText).join(", ")}. The other sections show the `
            + `${sizeText(primarySize(observations)!)} runs; here every size, each setup against the baseline at the same size. `
            + "Body throughput: RPS × body size, in MB/s (10⁶ bytes). µs per request: connections ÷ RPS, the time one of wrk's "
            + "connections waits per request in its closed loop.",
        "",
        markdownTable(["size", "setup", "status", "RPS (median)", "RPS vs baseline", "body MB/s", "µs per request"], byRow,
            ["l", "l", "l", "r", "r", "r", "r"]),
        "",
        `What a KiB more of body costs, from ${sizeText(small)} to ${sizeText(large)}: the change of µs per request, per KiB; `
            + "against the baseline: what the mesh adds per KiB beyond the baseline's own.",
        "",
        markdownTable(["setup", "µs per KiB", "µs per KiB against the baseline"], slopes, ["l", "r", "r"]),
    ];
}
