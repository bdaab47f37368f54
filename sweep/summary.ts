// What the sweep prints: one line per outcome, and the summary at the end.
import type { BenchmarkResults } from "../loadtest/results";
import { stackName } from "./plan";
import { recordKey, type SetupOutcome, type SweepRecord, type Teardown } from "./record";

export function formatDuration(seconds: number): string {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m ${String(s).padStart(2, "0")}s` : `${s}s`;
}

/** "ok: 32,877 RPS, netperf mean 260.7 µs" from saved results. */
function headline(results: BenchmarkResults | undefined): string {
    if (!results) return "";
    const rps = results.wrk.rps ? `${Math.round(results.wrk.rps.median).toLocaleString("en-US")} RPS` : "no RPS";
    const lat = results.netperf.latencyMicros ? `netperf mean ${results.netperf.latencyMicros.mean.toFixed(1)} µs` : "no netperf latency";
    const why = results.reasons.length > 0 ? ` (${results.reasons.join("; ")})` : "";
    return `: ${rps}, ${lat}${why}`;
}

export function outcomeText(outcome: SetupOutcome, results?: BenchmarkResults): string {
    switch (outcome.kind) {
        case "measured": return `measured, status ${outcome.status}${headline(results)}`;
        case "resumed": return `results saved earlier, status ${outcome.status}${headline(results)}`;
        case "failed": return `FAILED at ${outcome.stage}: ${outcome.reason}`;
        case "not run": return `not run: ${outcome.reason}`;
    }
}

const teardownText = (t: Teardown): string =>
    t.kind === "failed" ? `DESTROY FAILED: ${t.reason}` : t.kind === "residue" ? `destroyed, but LEFT RESIDUE: ${t.residue.join("; ")}` : t.kind;

/** Whether each of `stacks` ended with results worth reporting, and nothing was left up by failure. */
export function sweepSucceeded(record: SweepRecord, stacks: readonly string[]): boolean {
    return record.finished && record.stopped === undefined && record.setups.filter((s) => stacks.includes(s.stack)).every((s) =>
        (s.outcome.kind === "measured" || s.outcome.kind === "resumed") && s.outcome.status !== "failed" && s.teardown.kind !== "failed" && s.teardown.kind !== "residue");
}

/** The summary printed at the end; `stacks` limits it to this invocation's setups. */
export function summaryLines(
    record: SweepRecord, resultsDir: string, stacks: readonly string[],
    resultsOf: (stack: string) => BenchmarkResults | undefined,
): string[] {
    const setups = record.setups.filter((s) => stacks.includes(s.stack));
    const width = Math.max(...setups.map((s) => recordKey(s).length), 5);
    const lines = [
        "",
        `sweep ${record.runId}: ${setups.length} setup(s)${record.stopped ? `, stopped: ${record.stopped}` : ""}`,
        ...setups.map((s) => `  ${recordKey(s).padEnd(width)}  ${outcomeText(s.outcome, resultsOf(recordKey(s)))}; ${teardownText(s.teardown)}`),
        ...record.skipped.map((s) =>
            `  ${(s.mtls === undefined ? s.mesh : stackName(s.mesh, s.mtls)).padEnd(width)}  skipped: ${s.reason}`),
    ];
    const leftUp = [...new Set(setups.filter((s) => s.teardown.kind === "failed" || s.teardown.kind === "kept").map((s) => s.stack))];
    if (leftUp.length > 0) {
        lines.push(`STILL UP: ${leftUp.join(", ")}; tear down with: npm run sweep -- ${leftUp.map((s) => `--destroy ${s}`).join(" ")}`);
    }
    lines.push(`results: ${resultsDir}`, `report:  npm run report -- ${resultsDir}`);
    return lines;
}
