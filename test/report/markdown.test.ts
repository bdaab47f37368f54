import * as assert from "assert";
import type { BenchmarkResults } from "../../loadtest/results";
import type { LoadedRun } from "../../report/load";
import { renderMarkdown } from "../../report/markdown";
import { setupRows } from "../../report/summarize";
import type { SweepRecord } from "../../sweep/record";
import { buildFixtureRun } from "../fixtures/results/build";

const RUN = buildFixtureRun();
const CHARTS = { rps: "rps.png", latency: "latency.png" };

function render(results: BenchmarkResults[], record?: SweepRecord): string {
    const run: LoadedRun = { dir: "results/r1", runId: "r1", results, observations: results.map((r) => ({ lane: 1, round: 1, results: r })), record, skipped: [] };
    return renderMarkdown(run, setupRows(results), CHARTS);
}

/** The lines of the section under a `## title`. */
function section(markdown: string, title: string): string[] {
    const lines = markdown.split("\n");
    const start = lines.indexOf(`## ${title}`);
    assert.ok(start >= 0, `no section ${title}`);
    const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
    return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe("report markdown", () => {
    const full = render(Object.values(RUN));

    it("says at the top when every result is invented fixture data, and not otherwise", () => {
        const banner = "**Invented fixture data, not a measurement**: every result here says so in `provenance.cluster.fixture`.";
        assert.strictEqual(full.split("\n")[4], banner);
        const measured = Object.values(RUN).map((r) => {
            const { fixture: _fixture, ...cluster } = r.provenance.cluster;
            return { ...r, provenance: { ...r.provenance, cluster } };
        });
        assert.ok(!render(measured).includes(banner));
        assert.ok(!render([...measured.slice(1), Object.values(RUN)[0]]).includes(banner), "one invented result among measured ones is no banner");
    });

    it("tabulates each setup's RPS median and CV, wrk and netperf percentiles, TCP_CRR, and the mTLS probe", () => {
        const table = section(full, "Results").filter((l) => l.startsWith("| "));
        assert.deepStrictEqual(table[0].split(" | ").length, 14);
        assert.ok(table.includes("| baseline (no mesh) | ok | verified | 32,877 | 1.82% | 229.0 | 262.0 | 410.0 | 212.5 | 206.0 | 234.0 | 329.0 | 400.9 | 746.0 |"), table.join("\n"));
        assert.ok(table.includes("| istio, mTLS on | ok | verified | 14,056 | 1.58% | 548.0 | 640.0 | 1012.0 | 430.9 | 418.0 | 474.0 | 715.0 | 2224.3 | 4431.0 |"));
        assert.strictEqual(table.length, 2 + 6);
    });

    it("gives each mesh's change against the run's baseline: RPS and netperf's latencies, never wrk's percentiles", () => {
        const overheads = section(full, "Overhead against the baseline");
        const table = overheads.filter((l) => l.startsWith("| "));
        assert.strictEqual(table[0], "| setup | RPS | netperf mean | netperf p99 | TCP_CRR mean | TCP_CRR p99 |");
        assert.ok(table.includes("| istio, mTLS on | -57.2% | +102.8% | +117.3% | +454.8% | +494.0% |"), table.join("\n"));
        assert.ok(overheads.some((l) => l.includes("wrk's percentiles are not in this table") && l.includes("docs/latency.md")));
        assert.ok(!table.some((l) => l.startsWith("| baseline")), "the baseline is not compared with itself");
    });

    it("puts the paper beside ours: absolute deltas, and the difference between the two overheads in points", () => {
        const lines = section(full, "Beside the paper");
        assert.ok(lines.includes("| istio, mTLS on | 21,790 | 14,056 | -35.5% | -57.5% | -57.2% | +0.3 pp |"), lines.join("\n"));
        assert.ok(lines.includes("| istio, mTLS on | 500 | 430.9 | -13.8% | +92.3% | +102.8% | +10.5 pp |"));
        assert.ok(lines.includes("| linkerd, mTLS on | edge-25.4.1 | linkerd-crds 2025.4.1, linkerd-control-plane 2025.4.1 |"));
    });

    it("links both charts and has no 'Not ok' section when everything was ok", () => {
        assert.ok(full.includes("![Requests per second](rps.png)") && full.includes("![Latency](latency.png)"));
        assert.ok(!full.includes("## Not ok"));
    });

    it("says which setups were not ok and why, including those the sweep could not measure", () => {
        const saturated: BenchmarkResults = { ...RUN["none-mtls-off"], status: "saturated",
            reasons: ["the wrk client used at least 7.2 cores in 2 of 5 repetitions: it, not the server, may have been the bottleneck"] };
        const record: SweepRecord = {
            runId: "r1", settings: {}, startedAt: "", updatedAt: "", finished: false, stopped: "Ctrl-C",
            setups: [
                { stack: "none-mtls-off", mesh: "none", mtls: false, outcome: { kind: "measured", status: "saturated" }, teardown: { kind: "destroyed" }, seconds: 1 },
                { stack: "kuma-mtls-on", mesh: "kuma", mtls: true, outcome: { kind: "failed", stage: "up", reason: "error: kuma-control-plane: timed out" },
                    teardown: { kind: "failed", reason: "error: destroy canceled" }, seconds: 1 },
            ],
            skipped: [{ mesh: "cilium", reason: "the target already has a CNI" }],
        };
        const md = render([saturated, RUN["istio-mtls-on"]], record);
        assert.deepStrictEqual(section(md, "Not ok").filter(Boolean), [
            `- baseline (no mesh): saturated: ${saturated.reasons[0]}`,
            "- kuma, mTLS on: failed at up: error: kuma-control-plane: timed out; DESTROY FAILED: error: destroy canceled",
            "- cilium: skipped: the target already has a CNI",
            "- the sweep did not finish: Ctrl-C",
        ]);
        assert.ok(section(md, "Overhead against the baseline").some((l) => l.startsWith("The baseline's wrk client was CPU-bound")));
        assert.ok(section(md, "Beside the paper").includes("| kuma, mTLS on | 24,420 | not in this run | — | -52.3% | — | — |"));
    });

    it("says there are no overheads without a baseline", () => {
        const md = render([RUN["istio-mtls-on"]]);
        assert.deepStrictEqual(section(md, "Overhead against the baseline").filter(Boolean),
            ["No baseline (mesh none) with numbers in this run, so no overheads: include `none` in the sweep."]);
    });

    it("warns when setups ran with different load settings", () => {
        const shorter: BenchmarkResults = { ...RUN["istio-mtls-on"], wrk: { ...RUN["istio-mtls-on"].wrk, settings: { ...RUN["istio-mtls-on"].wrk.settings, durationSeconds: 10 } } };
        const md = render([RUN["none-mtls-off"], shorter]);
        assert.ok(md.includes("**Load settings differ between setups; their numbers are not comparable:**"));
        assert.ok(md.includes("- istio, mTLS on: wrk 8 threads, 8 connections, 10-byte response bodies, 5 × 10 s after a 10 s warm-up;"));
    });
});
