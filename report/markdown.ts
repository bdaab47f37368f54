// The report as Markdown: our numbers, each mesh's overhead against this run's baseline,
// the paper beside them, and everything that was not ok, with why.
import * as path from "path";
import type { NetperfSettings, WrkSettings } from "../loadtest/results";
import { formatChange, formatCount, formatMicros, formatPercent, markdownTable, MISSING } from "./format";
import type { LoadedRun } from "./load";
import { openLoopSection } from "./open-loop";
import { pairedSection, splitSection } from "./paired-markdown";
import { resourceSection } from "./resources";
import { PAPER } from "../sweep/paper";
import { recordKey } from "../sweep/record";
import { baselineRow, overhead, paperComparisons, setupLabel, type PaperComparison, type SetupRow } from "./summarize";

export interface ChartFiles {
    readonly rps: string;
    readonly latency: string;
    /** The mTLS split's chart, when some mesh was measured in both modes. */
    readonly split?: string;
    /** Latency against rate, when some setup has open-loop numbers. */
    readonly openLoop?: string;
}

const wrkText = (s: WrkSettings) =>
    `wrk ${s.threads} threads, ${s.connections} connections, ${s.responseBytes}-byte response bodies, ${s.repetitions} × ${s.durationSeconds} s after a ${s.warmupSeconds} s warm-up`;
const netperfText = (s: NetperfSettings) =>
    `netperf TCP_RR, then TCP_CRR, ${s.requestSize}-byte requests, ${s.responseSize}-byte responses, ${s.repetitions} × ${s.durationSeconds} s after a ${s.warmupSeconds} s warm-up`;

/** One line per distinct load setting; a run whose setups differ says which setup had which. */
function settingsLines(rows: readonly SetupRow[]): string[] {
    const groups = new Map<string, string[]>();
    for (const r of rows) {
        const text = `${wrkText(r.results.wrk.settings)}; ${netperfText(r.results.netperf.settings)}`;
        groups.set(text, [...(groups.get(text) ?? []), r.label]);
    }
    if (groups.size <= 1) return [...groups.keys()].map((t) => `**Load**: ${t}.`);
    return ["**Load settings differ between setups; their numbers are not comparable:**",
        ...[...groups].map(([t, labels]) => `- ${labels.join(", ")}: ${t}`)];
}

function resultsTable(rows: readonly SetupRow[]): string {
    return markdownTable(
        ["setup", "status", "mTLS probe", "RPS (median)", "RPS CV", "wrk p50 µs", "wrk p90 µs", "wrk p99 µs",
            "netperf mean µs", "netperf p50 µs", "netperf p90 µs", "netperf p99 µs", "TCP_CRR mean µs", "TCP_CRR p99 µs"],
        rows.map((r) => [r.label, r.status, r.mtlsVerdict, formatCount(r.rps?.median), formatPercent(r.rps?.cvPercent),
            formatMicros(r.wrkLatency?.p50), formatMicros(r.wrkLatency?.p90), formatMicros(r.wrkLatency?.p99),
            formatMicros(r.netperfLatency?.mean), formatMicros(r.netperfLatency?.p50), formatMicros(r.netperfLatency?.p90),
            formatMicros(r.netperfLatency?.p99), formatMicros(r.crrLatency?.mean), formatMicros(r.crrLatency?.p99)]),
        ["l", "l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    );
}

function overheadSection(rows: readonly SetupRow[]): string[] {
    const baseline = baselineRow(rows);
    if (!baseline) return ["No baseline (mesh none) with numbers in this run, so no overheads: include `none` in the sweep."];
    const others = rows.filter((r) => r !== baseline);
    const lines = [
        `Change against the ${baseline.label} of this run, in %: a negative RPS change and a positive latency change are what the mesh costs.`
            + (baseline.runs ? " Pooled over lanes and rounds: the medians over runs, compared unpaired; the paired ratios with intervals follow." : ""),
        "",
        markdownTable(["setup", "RPS", "netperf mean", "netperf p99", "TCP_CRR mean", "TCP_CRR p99"],
            others.map((r) => {
                const o = overhead(r, baseline);
                return [r.label, formatChange(o.rps), formatChange(o.netperfMean), formatChange(o.netperfP99), formatChange(o.crrMean), formatChange(o.crrP99)];
            }), ["l", "r", "r", "r", "r", "r"]),
        "",
        "Latency here is netperf's, one transaction at a time: TCP_RR over one connection, TCP_CRR with a new connection "
            + "(and, with mTLS, a new handshake) per transaction. wrk's percentiles are not in this table: wrk runs a closed loop "
            + "and corrects its histogram with made-up samples, so they are not per-request latency "
            + "(meshbench's docs/latency.md).",
    ];
    if (baseline.status === "saturated") {
        lines.push("", "The baseline's wrk client was CPU-bound (status saturated): its RPS is a lower bound, so the RPS overheads above are too.");
    }
    return lines;
}

/** Difference between two changes, in percentage points. */
const pointsApart = (ours: number | undefined, paper: number | undefined): string =>
    ours === undefined || paper === undefined ? MISSING : `${ours - paper > 0 ? "+" : ""}${(ours - paper).toFixed(1)} pp`;

function paperSection(rows: readonly SetupRow[]): string[] {
    const comparisons = paperComparisons(rows);
    const label = (c: PaperComparison) => setupLabel(c.paper.mesh, c.paper.mtls);
    const header = (what: string) => ["setup", `${what}: paper`, `${what}: ours`, "ours vs paper", "change vs baseline: paper", "change: ours", "difference"];
    const align = ["l", "r", "r", "r", "r", "r", "r"] as const;
    const throughput = markdownTable(header("RPS"), comparisons.map((c) => [label(c), formatCount(c.paper.rps),
        c.row ? formatCount(c.row.rps?.median) : "not in this run", formatChange(c.rpsDelta),
        formatChange(c.paperRpsChange), formatChange(c.ourRpsChange), pointsApart(c.ourRpsChange, c.paperRpsChange)]), align);
    const latency = markdownTable(header("latency µs"), comparisons.map((c) => [label(c), String(c.paper.latencyMicros),
        c.row ? formatMicros(c.row.netperfLatency?.mean) : "not in this run", formatChange(c.latencyDelta),
        formatChange(c.paperLatencyChange), formatChange(c.ourLatencyChange), pointsApart(c.ourLatencyChange, c.paperLatencyChange)]), align);
    const versions = markdownTable(["setup", "paper ran", "this run pinned"],
        comparisons.map((c) => [label(c), c.paper.version ?? MISSING,
            c.row ? c.row.pins.map((p) => `${p.name} ${p.version}`).join(", ") || MISSING : "not in this run"]));
    return [
        `${PAPER.citation}, on Kubernetes ${PAPER.kubernetesVersion}. Absolute numbers follow the hardware; `
            + "the change against each side's own baseline is what a reproduction should match (difference in percentage points). "
            + "The paper's latency is compared with netperf's mean: the paper does not say which statistic it reports.",
        "",
        throughput,
        "",
        latency,
        "",
        versions,
    ];
}

/** Setups that did not give clean numbers: not-ok results, and what the sweep recorded as failed or not run. */
export function notOkSetups(run: LoadedRun, rows: readonly SetupRow[]): string[] {
    const lines = rows.filter((r) => r.status !== "ok").map((r) => `${r.label}: ${r.status}: ${r.reasons.join("; ") || "no reason given"}`);
    for (const r of rows.filter((row) => row.status === "ok")) lines.push(...(r.failedRuns ?? []).map((f) => `${r.label}: failed in ${f}`));
    // A record names its lane and round when the sweep had lanes; older records are lane 1, round 1.
    const measured = new Set(run.observations.map((o) => `${o.results.mesh}/${o.results.mtls.requested}/${o.lane}/${o.round}`));
    for (const s of run.record?.setups ?? []) {
        if (s.teardown.kind === "residue") {
            lines.push(`${setupLabel(s.mesh, s.mtls)}${s.lane === undefined ? "" : ` (lane ${s.lane}, round ${s.round})`}: its destroy left residue, so its lane stopped: ${s.teardown.residue.join("; ")}`);
        }
        // By file name when the run was read from a folder: setup, lane and round alone do not tell a run's response sizes apart.
        if (run.files ? run.files.includes(recordKey(s)) : measured.has(`${s.mesh}/${s.mtls}/${s.lane ?? 1}/${s.round ?? 1}`)) continue;
        const what = s.outcome.kind === "failed" ? `failed at ${s.outcome.stage}: ${s.outcome.reason}`
            : s.outcome.kind === "not run" ? `not run: ${s.outcome.reason}` : `${s.outcome.kind}, but its results file is missing or unreadable`;
        const where = s.lane === undefined ? "" : ` (lane ${s.lane}, round ${s.round})`;
        lines.push(`${setupLabel(s.mesh, s.mtls)}${where}: ${what}${s.teardown.kind === "failed" ? `; DESTROY FAILED: ${s.teardown.reason}` : ""}`);
    }
    return lines;
}

/** Everything not ok: the setups, what the sweep skipped, files the report could not read, an unfinished sweep. */
function problemLines(run: LoadedRun, rows: readonly SetupRow[]): string[] {
    const lines = notOkSetups(run, rows).map((l) => `- ${l}`);
    for (const s of run.record?.skipped ?? []) {
        lines.push(`- ${s.mtls === undefined ? s.mesh : setupLabel(s.mesh, s.mtls)}: skipped: ${s.reason}`);
    }
    for (const f of run.skipped) lines.push(`- file \`${path.basename(f.file)}\` left out of this report: ${f.problem}`);
    if (run.record && !run.record.finished) lines.push(`- the sweep did not finish${run.record.stopped ? `: ${run.record.stopped}` : ""}`);
    return lines;
}

function provenanceLines(rows: readonly SetupRow[]): string[] {
    const nodes = new Map<string, string[]>();
    for (const r of rows) {
        for (const n of r.results.provenance.nodes) {
            nodes.set(JSON.stringify(n), [n.name, n.kubeletVersion, n.kernelVersion, n.osImage, n.containerRuntime, n.instanceType ?? MISSING, n.zone ?? MISSING]);
        }
    }
    const cluster = new Set(rows.flatMap((r) => Object.entries(r.results.provenance.cluster).map(([k, v]) => `${k}: ${v}`)));
    const targets = [...new Set(rows.map((r) => r.results.provenance.target))].join(", ");
    return [
        `Target: ${targets}. Every results file holds the full provenance (pins, image digests, placement, fairness profile).`,
        ...[...cluster].map((c) => `- ${c}`),
        "",
        markdownTable(["node", "kubelet", "kernel", "OS", "runtime", "instance type", "zone"], [...nodes.values()]),
    ];
}

/** `sizes`: the section of a run of several response sizes (report/payload.ts), empty otherwise. */
export function renderMarkdown(run: LoadedRun, rows: readonly SetupRow[], charts: ChartFiles, sizes: readonly string[] = []): string {
    const problems = problemLines(run, rows);
    return [
        `# meshbench report: run ${run.runId}`,
        "",
        `${rows.length} setup(s) with results in \`${run.dir}\`.`,
        ...(run.results.length > 0 && run.results.every((r) => r.provenance.cluster.fixture !== undefined)
            ? ["", "**Invented fixture data, not a measurement**: every result here says so in `provenance.cluster.fixture`."] : []),
        "",
        ...settingsLines(rows),
        "",
        "## Results",
        "",
        resultsTable(rows),
        "",
        (rows.some((r) => r.runs !== undefined)
            ? "Pooled over lanes and rounds: each run counts once, by the median over its repetitions; RPS: the median over runs; "
                + "CV: the runs' standard deviation (n−1) over their mean. wrk and netperf latencies: the median over runs of each statistic, in µs; "
            : "RPS: median over the repetitions; CV: their standard deviation (n−1) over their mean. "
                + "wrk and netperf latencies: the median over the repetitions of each statistic, in µs; ")
            + "wrk's are of its closed loop at a fixed number of connections, not per-request latency (docs/latency.md). "
            + "mTLS probe: the in-cluster check that traffic was (or was not) mutual TLS.",
        "",
        "## Overhead against the baseline",
        "",
        ...overheadSection(rows),
        "",
        "## Resource cost",
        "",
        ...resourceSection(run.results, rows),
        "",
        ...(sizes.length > 0 ? [...sizes, ""] : []),
        "## Paired overheads, with confidence intervals",
        "",
        ...pairedSection(run.observations),
        "",
        "## What mTLS costs, apart from the mesh",
        "",
        ...splitSection(run.observations, charts.split),
        "",
        "## Beside the paper",
        "",
        ...paperSection(rows),
        "",
        "## Latency against rate (open loop)",
        "",
        ...openLoopSection(run.results, charts.openLoop),
        "",
        "## Charts",
        "",
        `![Requests per second](${charts.rps})`,
        "",
        `![Latency](${charts.latency})`,
        "",
        rows.some((r) => r.runs !== undefined) ? "Bars: median over runs; whiskers: the lowest and highest run; diamonds: the paper."
            : "Bars: median over the repetitions; whiskers: the lowest and highest repetition; diamonds: the paper.",
        ...(problems.length > 0 ? ["", "## Not ok", "", ...problems] : []),
        "",
        "## Provenance",
        "",
        ...provenanceLines(rows),
        "",
    ].join("\n");
}
