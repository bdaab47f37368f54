// The report's sections on paired overheads: each setup's ratio to the baseline of its
// own lane and round with its interval, which setups can't be told apart, and the split
// of a mesh's cost into its data path and mTLS. Pure: markdown from observations.
import { BOOTSTRAP, type RatioEstimate } from "./bootstrap";
import { markdownTable, MISSING } from "./format";
import {
    METRIC_NAMES, mtlsSplits, PAIRED_METRICS, pairedOverheads, separations, splitParts,
    type MetricName, type MtlsSplit, type Observation, type SetupKey,
} from "./paired";
import { setupLabel } from "./summarize";

/** The metrics whose splits the report tables and charts: throughput, and the paper's latency. */
export const SPLIT_METRICS: readonly MetricName[] = ["rps", "netperfMean"];

const label = (s: SetupKey) => setupLabel(s.mesh, s.mtls);

/** "0.427 [0.419, 0.436]"; one pair: "0.427 (1 run, no CI)". */
export function formatRatio(e: RatioEstimate | undefined): string {
    if (!e) return MISSING;
    const r = (v: number) => v.toFixed(3);
    return e.ci ? `${r(e.ratio)} [${r(e.ci.low)}, ${r(e.ci.high)}]` : `${r(e.ratio)} (1 run, no CI)`;
}

const signed = (v: number) => `${v > 0 ? "+" : ""}${v.toFixed(1)}%`;

export function pairedSection(observations: readonly Observation[]): string[] {
    const overheads = pairedOverheads(observations);
    if (overheads.every((o) => Object.keys(o.ratios).length === 0)) {
        return ["No setup has a baseline (mesh none) measured in its own lane and round, so no paired overheads: include `none` in the sweep."];
    }
    const slots = new Set(observations.map((o) => `${o.lane}/${o.round}`)).size;
    // A sweep runs a lane's setups on one cluster: the user's (kubeconfig) or the lane's cluster stack (vms, eks).
    const where = observations.every((o) => o.results.provenance.target === "kubeconfig")
        ? "on the same cluster, minutes apart" : "on the lane's cluster stack, so on the same nodes, minutes apart";
    return [
        `Each setup against the baseline measured in the same lane and round (${where}), over ${slots} lane × round pair(s). `
            + "A run counts once, by the median of its repetitions: the repetitions of one run share a deployment and its placement, "
            + "so they are not independent replicates. Ratio: the geometric mean over the pairs of setup ÷ baseline; "
            + `in brackets its ${BOOTSTRAP.level * 100} % interval, a percentile bootstrap of the pairs (${BOOTSTRAP.resamples.toLocaleString("en-US")} resamples, seed ${BOOTSTRAP.seed}). `
            + "RPS below 1 and latency above 1 are what the mesh costs.",
        "",
        markdownTable(["setup", "pairs", ...METRIC_NAMES.map((m) => PAIRED_METRICS[m].label)],
            overheads.map((o) => [label(o.setup), String(Math.max(0, ...Object.values(o.ratios).map((e) => e!.pairs))),
                ...METRIC_NAMES.map((m) => formatRatio(o.ratios[m]))]),
            ["l", "r", ...METRIC_NAMES.map(() => "r" as const)]),
        "",
        "CPU / 1,000 requests: the data plane's CPU (benchmark pods, sidecars, the mesh's agents on the client and server nodes) "
            + "per 1,000 of wrk's requests, from the kubelets (the Resource cost section); above 1 is what the mesh costs.",
        "",
        ...apartLines(observations),
    ];
}

/** Which setups can and can't be told apart, on each metric. */
function apartLines(observations: readonly Observation[]): string[] {
    const lines = ["**Which setups can be told apart**, compared directly (one ÷ the other in the same lane and round): "
        + "two setups can't be told apart when the interval of their ratio holds 1.", ""];
    for (const metric of SPLIT_METRICS) {
        const pairs = separations(observations, metric);
        const what = PAIRED_METRICS[metric].label;
        if (pairs.length === 0) continue;
        if (pairs.every((p) => p.apart === undefined)) {
            lines.push(`- ${what}: one run per setup, so no intervals: no two setups can be said to differ (run more lanes or rounds).`);
            continue;
        }
        const tied = pairs.filter((p) => p.apart === false);
        lines.push(tied.length === 0 ? `- ${what}: every two setups can be told apart.`
            : `- ${what}: ${tied.length} of ${pairs.length} pairs can't be told apart:`);
        for (const p of tied) lines.push(`  - ${label(p.a)} and ${label(p.b)} can't be told apart: ${label(p.a)} ÷ ${label(p.b)} = ${formatRatio(p.estimate)}`);
    }
    return lines;
}

/** The split's table row: ratios with intervals, and the two parts in % of the baseline. */
function splitRow(split: MtlsSplit): string[] {
    const parts = splitParts(split);
    return [split.mesh, PAIRED_METRICS[split.metric].label, formatRatio(split.dataPath), formatRatio(split.mtls), formatRatio(split.total),
        signed(parts.dataPath), signed(parts.mtls)];
}

export function splitSection(observations: readonly Observation[], chart?: string): string[] {
    const splits = SPLIT_METRICS.flatMap((m) => mtlsSplits(observations, m));
    if (splits.length === 0) {
        return ["No mesh was measured with mTLS both off and on, so the cost of mTLS cannot be told from the cost of the mesh: "
            + "run the meshes that can do both (`--mtls both`)."];
    }
    return [
        "The paper compares each mesh with mTLS on against no mesh, which counts the proxies and mTLS as one cost. "
            + "For each mesh measured in both modes the cost splits in two, each paired within a lane and round: "
            + "the data path (mTLS off ÷ baseline) and mTLS itself (mTLS on ÷ mTLS off); the two multiply to the total (on ÷ baseline). "
            + "The costs in % of the baseline (RPS lost, or latency added; negative would be a gain) add up to the total's.",
        "",
        markdownTable(["mesh", "figure", "data path (off ÷ baseline)", "mTLS (on ÷ off)", "total (on ÷ baseline)",
            "data path's cost, % of baseline", "mTLS's cost, % of baseline"], splits.map(splitRow), ["l", "l", "r", "r", "r", "r", "r"]),
        ...(chart ? ["", `![What mTLS costs, apart from the mesh](${chart})`] : []),
    ];
}
