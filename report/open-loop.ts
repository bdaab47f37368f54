// Latency against rate: fortio's p50, p90, p99 and p99.9 at each fixed rate, per setup,
// as a chart (one panel per percentile) and a table. A rate fortio did not hold is drawn
// hollow and marked in the table: its numbers are not open-loop latency (docs/latency.md).
// Pure: results in, rows, a Vega-Lite spec and Markdown out.
import type { TopLevelSpec } from "vega-lite/build/index";
import type { BenchmarkResults, OpenLoopLatency } from "../shared/results";
import { median } from "../loadtest/stats";
import type { MeshName } from "../meshes/types";
import { CHART_FONT } from "./charts";
import { formatCount, formatMicros, markdownTable, MISSING } from "./format";
import { setupLabel } from "./summarize";

/** One setup at one rate, over every run of it that measured the rate (a sweep has several). */
export interface OpenLoopRow {
    readonly setup: string;
    readonly targetQps: number;
    /** Runs that measured this rate, and how many of them held it. */
    readonly runs: number;
    readonly heldRuns: number;
    /** Median over runs of the achieved rate, and of each percentile (each run's own median over repetitions). */
    readonly achievedQps: number;
    readonly latencyMicros: OpenLoopLatency;
}

export const PERCENTILE_KEYS = [["p50", "p50"], ["p90", "p90"], ["p99", "p99"], ["p999", "p99.9"]] as const;

export function openLoopRows(results: readonly BenchmarkResults[]): OpenLoopRow[] {
    const groups = new Map<string, { setup: string; targetQps: number; rates: NonNullable<BenchmarkResults["openLoop"]["rates"]> }>();
    for (const r of results) {
        for (const rate of r.openLoop?.rates ?? []) {
            if (rate.status === "failed" || !rate.latencyMicros || !rate.achievedQps) continue;
            const setup = setupLabel(r.mesh as MeshName, r.mtls.requested);
            const key = `${setup}\u0000${rate.targetQps}`;
            const group = groups.get(key) ?? { setup, targetQps: rate.targetQps, rates: [] };
            group.rates.push(rate);
            groups.set(key, group);
        }
    }
    return [...groups.values()].map(({ setup, targetQps, rates }) => ({
        setup, targetQps, runs: rates.length, heldRuns: rates.filter((r) => r.rateHeld).length,
        achievedQps: median(rates.map((r) => r.achievedQps!.median)),
        latencyMicros: Object.fromEntries(PERCENTILE_KEYS.map(([k]) => [k, median(rates.map((r) => r.latencyMicros![k]))])) as unknown as OpenLoopLatency,
    })).sort((a, b) => a.setup.localeCompare(b.setup) || a.targetQps - b.targetQps);
}

const held = (row: OpenLoopRow) => row.heldRuns === row.runs;

/** Four panels, one per percentile: latency against the target rate, a line per setup; hollow points were not held. */
export function openLoopChartSpec(rows: readonly OpenLoopRow[], runId: string, connections?: number): TopLevelSpec {
    const values = rows.flatMap((r) => PERCENTILE_KEYS.map(([k, name]) => ({
        setup: r.setup, rate: r.targetQps, percentile: name, latency: r.latencyMicros[k], held: held(r) ? "held" : "not held",
    })));
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        background: "white",
        padding: 12,
        title: {
            text: "Latency against rate (open loop)", anchor: "start", offset: 10,
            subtitle: [`run ${runId} · fortio at fixed rates${connections ? `, ${connections} connections` : ""} · median over repetitions`,
                "hollow points: fortio did not hold the rate, so they are not open-loop latency"],
        },
        data: { values },
        facet: { field: "percentile", type: "nominal", sort: PERCENTILE_KEYS.map(([, n]) => n), title: null, header: { labelFontSize: 12 } },
        columns: 4,
        spec: {
            width: 220,
            height: 220,
            layer: [
                { mark: { type: "line", strokeWidth: 1.5 } },
                {
                    mark: { type: "point", size: 60, strokeWidth: 1.5 },
                    encoding: {
                        fill: { condition: { test: "datum.held == 'held'", field: "setup", type: "nominal" }, value: "white" },
                        shape: { value: "circle" },
                    },
                },
            ],
            encoding: {
                x: { field: "rate", type: "quantitative", title: "target requests per second", axis: { format: "~s", tickCount: 4 } },
                y: { field: "latency", type: "quantitative", title: "latency (µs)", scale: { type: "log" }, axis: { grid: true } },
                color: { field: "setup", type: "nominal", title: null, legend: { orient: "top", direction: "horizontal" } },
            },
        },
        resolve: { scale: { y: "independent" } },
        config: {
            font: CHART_FONT,
            view: { stroke: "#dddddd" },
            axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", labelColor: "#222222", titleColor: "#222222" },
            legend: { labelFontSize: 11, labelColor: "#222222", labelLimit: 320 },
            title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: "#444444", subtitleLineHeight: 15 },
        },
    } as TopLevelSpec;
}

/** The report's section: the table, the chart, and what "not held" means; a line saying why when there is nothing. */
export function openLoopSection(results: readonly BenchmarkResults[], chart?: string): string[] {
    const rows = openLoopRows(results);
    if (rows.length === 0) {
        const off = results.length > 0 && results.every((r) => r.openLoop?.status === "off");
        return [off ? "The open-loop step was off (openLoopFractions none)." : "No setup has open-loop numbers."];
    }
    const check = results.find((r) => r.openLoop?.holdCheck)?.openLoop.holdCheck;
    const table = markdownTable(
        ["setup", "target /s", "achieved /s", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "rate held"],
        rows.map((r) => [
            r.setup, formatCount(r.targetQps), formatCount(Math.round(r.achievedQps)),
            ...PERCENTILE_KEYS.map(([k]) => (held(r) ? formatMicros(r.latencyMicros[k]) : `(${formatMicros(r.latencyMicros[k])})`)),
            held(r) ? "yes" : r.heldRuns === 0 ? "**no**" : `**no** (${r.heldRuns} of ${r.runs} runs)`,
        ]),
        ["l", "r", "r", "r", "r", "r", "r", "l"],
    );
    return [
        table,
        "",
        "fortio at fixed rates, the same in every setup (fractions of one capacity); percentiles of fortio's histogram of every request, " +
            "the median over repetitions. " +
            (check ? `A rate is held when fortio achieved at least ${100 - check.maxShortfall * 100} % of it and at most ` +
                `${check.maxLateShare * 100} % of its sends were late, in every repetition. ` : "") +
            "Numbers in parentheses are of a rate not held: fortio fell behind its schedule and measured from the late send, " +
            `so they are not open-loop latency (docs/latency.md). ${MISSING}: not measured.`,
        ...(chart ? ["", `![Latency against rate](${chart})`] : []),
    ];
}
