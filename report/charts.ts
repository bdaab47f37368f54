// The charts, like the paper's Figures 3 and 4: requests per second, and latency, one bar
// per setup (the median over repetitions), whiskers from the lowest to the highest
// repetition, and a diamond at the paper's number where the paper measured the setup.
// Pure: builds Vega-Lite specs; report/render.ts draws them.
import type { TopLevelSpec } from "vega-lite/build/index";
import { formatThousands } from "./format";
import { paperSetup } from "../sweep/paper";
import { BASELINE_MESH, type SetupRow } from "./summarize";

/** One bar. */
export interface ChartDatum {
    readonly setup: string;
    readonly mode: "baseline" | "mTLS off" | "mTLS on";
    readonly value: number;
    readonly low: number;
    readonly high: number;
    readonly label: string;
    readonly paper?: number;
}

const MODE_COLORS = { baseline: "#8c8c8c", "mTLS off": "#9ecae1", "mTLS on": "#2166ac" } as const;

const modeOf = (row: SetupRow): ChartDatum["mode"] =>
    row.mesh === BASELINE_MESH ? "baseline" : row.mtls ? "mTLS on" : "mTLS off";

/** Bars of the RPS chart: setups whose wrk run gave numbers. */
export function rpsData(rows: readonly SetupRow[]): ChartDatum[] {
    return rows.filter((r) => r.rps).map((r) => ({
        setup: r.label, mode: modeOf(r), value: r.rps!.median, low: r.rps!.min, high: r.rps!.max,
        label: `${formatThousands(r.rps!.median)}${r.status === "saturated" ? "*" : ""}`,
        paper: paperSetup(r.mesh, r.mtls)?.rps,
    }));
}

/** Bars of the latency chart: netperf's mean, as the paper's latency came from netperf. */
export function latencyData(rows: readonly SetupRow[]): ChartDatum[] {
    return rows.filter((r) => r.netperfLatency).map((r) => ({
        setup: r.label, mode: modeOf(r), value: r.netperfLatency!.mean,
        low: r.netperfMeanSpread?.min ?? r.netperfLatency!.mean, high: r.netperfMeanSpread?.max ?? r.netperfLatency!.mean,
        label: `${Math.round(r.netperfLatency!.mean)} µs`,
        paper: paperSetup(r.mesh, r.mtls)?.latencyMicros,
    }));
}

export interface ChartText {
    readonly title: string;
    /** Lines under the title. */
    readonly subtitle: string[];
    readonly axis: string;
    /** Axis labels in thousands ("50K"), as the paper writes RPS. */
    readonly thousands: boolean;
}

/** Fonts in the order a renderer should try them; report/render.ts loads the first it finds. */
export const CHART_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

const PAPER_KEY = "paper (Lee et al. 2025)";

export function barChartSpec(data: readonly ChartDatum[], text: ChartText): TopLevelSpec {
    // Setup names break before "mTLS", so that labels stay short enough to sit level.
    const x = {
        field: "setup", type: "nominal", sort: null, title: null,
        axis: { labelAngle: 0, labelExpr: "split(replace(datum.label, ', ', '\\n'), '\\n')", labelLineHeight: 14 },
    } as const;
    // Headroom above the tallest whisker or diamond, for the value labels.
    const top = Math.max(1, ...data.flatMap((d) => [d.high, d.paper ?? 0])) * 1.1;
    const y = (field: string) => ({
        field, type: "quantitative", title: text.axis, scale: { domainMax: top, nice: true },
        axis: { grid: true, tickCount: 6, labelExpr: text.thousands ? "datum.value == 0 ? '0' : format(datum.value / 1000, '~r') + 'K'" : undefined },
    }) as const;
    const modes = (Object.keys(MODE_COLORS) as ChartDatum["mode"][]).filter((m) => data.some((d) => d.mode === m));
    const hasPaper = data.some((d) => d.paper !== undefined);
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        width: { step: 100 },
        height: 300,
        background: "white",
        padding: 12,
        title: { text: text.title, subtitle: text.subtitle, anchor: "start", offset: 10 },
        data: { values: data.map((d) => ({ ...d })) },
        encoding: { x },
        layer: [
            {
                mark: { type: "bar", width: { band: 0.62 } },
                encoding: {
                    y: y("value"),
                    color: {
                        field: "mode", type: "nominal", title: null,
                        scale: { domain: modes, range: modes.map((m) => MODE_COLORS[m]) },
                        legend: { orient: "top", direction: "horizontal", symbolType: "square", offset: 6 },
                    },
                },
            },
            {
                mark: { type: "errorbar", ticks: { size: 10 }, thickness: 1.5, color: "#333333" },
                encoding: { y: y("low"), y2: { field: "high" } },
            },
            {
                mark: { type: "text", baseline: "bottom", dy: -4, fontSize: 11, color: "#222222" },
                encoding: { y: y("high"), text: { field: "label" } },
            },
            ...(hasPaper ? [{
                mark: { type: "point", filled: true, size: 90, color: PAPER_COLOR, opacity: 1, stroke: "white", strokeWidth: 1 },
                encoding: {
                    y: y("paper"),
                    shape: {
                        datum: PAPER_KEY, type: "nominal", title: null,
                        scale: { domain: [PAPER_KEY], range: ["diamond"] },
                        legend: { orient: "top", direction: "horizontal", offset: 6 },
                    },
                },
            } as const] : []),
        ],
        resolve: { legend: { color: "independent", shape: "independent" } },
        config: {
            font: CHART_FONT,
            view: { stroke: null },
            axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", domainColor: "#444444", tickColor: "#444444",
                labelColor: "#222222", titleColor: "#222222" },
            legend: { labelFontSize: 11, labelColor: "#222222", labelLimit: 320 },
            title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: "#444444", subtitleLineHeight: 15 },
        },
    } as TopLevelSpec;
}

const PAPER_COLOR = "#b2182b";

/** What a bar and its whiskers are: over one run's repetitions, or over runs pooled from lanes and rounds. */
function spreadText(rows: readonly SetupRow[], repetitions: number | undefined): string {
    const runs = Math.max(0, ...rows.map((r) => r.runs ?? 0));
    return runs > 0 ? `bars: median over up to ${runs} runs (lanes × rounds), each the median of its ${repetitions} repetitions · whiskers: lowest and highest run`
        : `bars: median of ${repetitions} repetitions · whiskers: lowest and highest repetition`;
}

export function rpsChartSpec(rows: readonly SetupRow[], runId: string): TopLevelSpec {
    const wrk = rows[0]?.results.wrk.settings;
    return barChartSpec(rpsData(rows), {
        title: "Requests per second",
        subtitle: [`run ${runId} · wrk, ${wrk?.threads} threads, ${wrk?.connections} connections, closed loop`,
            spreadText(rows, wrk?.repetitions)],
        axis: "requests per second",
        thousands: true,
    });
}

export function latencyChartSpec(rows: readonly SetupRow[], runId: string): TopLevelSpec {
    const netperf = rows[0]?.results.netperf.settings;
    return barChartSpec(latencyData(rows), {
        title: "Latency",
        subtitle: [`run ${runId} · netperf ${netperf?.test} mean latency, one connection`,
            spreadText(rows, netperf?.repetitions)],
        axis: "latency (µs)",
        thousands: false,
    });
}
