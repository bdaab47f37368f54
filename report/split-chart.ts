// The mTLS split as a stacked bar chart: for each mesh measured in both modes, the cost
// of its data path and the cost mTLS adds on top, in % of the baseline, one panel for
// RPS lost and one for netperf latency added. Pure: builds the Vega-Lite spec.
import type { TopLevelSpec } from "vega-lite/build/index";
import { CHART_FONT } from "./charts";
import { mtlsSplits, PAIRED_METRICS, splitParts, type Observation } from "./paired";
import { SPLIT_METRICS } from "./paired-markdown";

export interface SplitDatum {
    readonly mesh: string;
    readonly figure: string;
    readonly part: "data path (mTLS off vs baseline)" | "mTLS (on vs off)";
    /** % of the baseline. */
    readonly value: number;
    /** Stack order: the data path at the bottom. */
    readonly order: number;
}

const PANEL = { rps: "RPS lost, % of baseline", netperfMean: "netperf mean latency added, % of baseline" } as const;

export function splitData(observations: readonly Observation[]): SplitDatum[] {
    return SPLIT_METRICS.flatMap((metric) => mtlsSplits(observations, metric).flatMap((split) => {
        const parts = splitParts(split);
        const figure = PANEL[metric as keyof typeof PANEL] ?? PAIRED_METRICS[metric].label;
        return [
            { mesh: split.mesh, figure, part: "data path (mTLS off vs baseline)" as const, value: Number(parts.dataPath.toFixed(2)), order: 0 },
            { mesh: split.mesh, figure, part: "mTLS (on vs off)" as const, value: Number(parts.mtls.toFixed(2)), order: 1 },
        ];
    }));
}

export function splitChartSpec(observations: readonly Observation[], runId: string): TopLevelSpec {
    const slots = new Set(observations.map((o) => `${o.lane}/${o.round}`)).size;
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        background: "white",
        padding: 12,
        title: {
            text: "What mTLS costs, apart from the mesh",
            subtitle: [`run ${runId} · geometric means of ratios paired within each of ${slots} lane × round pair(s)`,
                "the intervals are in report.md"],
            anchor: "start", offset: 10,
        },
        data: { values: splitData(observations).map((d) => ({ ...d })) },
        facet: { column: { field: "figure", type: "nominal", title: null, sort: Object.values(PANEL) } },
        spec: {
            width: { step: 100 },
            height: 260,
            mark: { type: "bar", width: { band: 0.6 } },
            encoding: {
                x: { field: "mesh", type: "nominal", title: null, sort: null, axis: { labelAngle: 0 } },
                y: { field: "value", type: "quantitative", title: "% of baseline", stack: "zero", axis: { grid: true } },
                color: {
                    field: "part", type: "nominal", title: null,
                    scale: { domain: ["data path (mTLS off vs baseline)", "mTLS (on vs off)"], range: ["#9ecae1", "#2166ac"] },
                    legend: { orient: "top", direction: "horizontal", symbolType: "square" },
                },
                order: { field: "order", type: "quantitative" },
            },
        },
        resolve: { scale: { y: "independent" } },
        config: {
            font: CHART_FONT,
            view: { stroke: null },
            axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", labelColor: "#222222", titleColor: "#222222" },
            header: { labelFontSize: 12 },
            legend: { labelFontSize: 11, labelLimit: 320 },
            title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: "#444444" },
        },
    } as TopLevelSpec;
}
