// Rows, tables and the split chart of a run of several lanes × rounds (the sweep fixture).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadRun } from "../../report/load";
import { notOkSetups } from "../../report/markdown";
import { formatRatio, pairedSection, splitSection } from "../../report/paired-markdown";
import { mtlsSplits, splitParts, type Observation } from "../../report/paired";
import { pooledRow, reportRows } from "../../report/pooled";
import { parseResultsName } from "../../report/results-name";
import { splitChartSpec, splitData } from "../../report/split-chart";
import { median } from "../../loadtest/stats";
import { buildFixtureRun, FIXTURE_SWEEP_DIR, withFailedWrk } from "../fixtures/results/build";

const SWEEP = loadRun(FIXTURE_SWEEP_DIR);
const runsOf = (mesh: string, mtls: boolean) => SWEEP.observations.filter((o) => o.results.mesh === mesh && o.results.mtls.requested === mtls);

describe("results file names", () => {
    it("carry the lane and round; a plain stack name is lane 1, round 1", () => {
        assert.deepStrictEqual(parseResultsName("istio-mtls-on.lane2.round3.json"), { stack: "istio-mtls-on", lane: 2, round: 3 });
        assert.deepStrictEqual(parseResultsName("istio-mtls-on.json"), { stack: "istio-mtls-on", lane: 1, round: 1 });
        assert.strictEqual(parseResultsName("istio-mtls-on.lane0.round1.json"), undefined);
        assert.strictEqual(parseResultsName("notes.txt"), undefined);
    });

    it("a second result for one setup, lane and round is skipped and named, not counted twice", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-names-"));
        try {
            const istio = JSON.stringify(buildFixtureRun()["istio-mtls-on"]);
            fs.writeFileSync(path.join(dir, "istio-mtls-on.json"), istio);
            fs.writeFileSync(path.join(dir, "istio-mtls-on.lane1.round1.json"), istio);
            fs.writeFileSync(path.join(dir, "istio-mtls-on.lane2.round1.json"), istio);
            const run = loadRun(dir);
            assert.deepStrictEqual(run.observations.map((o) => [o.lane, o.round]), [[1, 1], [2, 1]]);
            assert.deepStrictEqual(run.skipped.map((s) => [path.basename(s.file), s.problem]),
                [["istio-mtls-on.lane1.round1.json", "a second result for istio mTLS on in lane 1 round 1 (the first: istio-mtls-on.json)"]]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("pooled rows", () => {
    it("give one row per setup, each run counted once by its median, with the lowest and highest run", () => {
        const rows = reportRows(SWEEP.observations);
        assert.strictEqual(rows.length, 7);
        const istio = rows.find((r) => r.stack === "istio-mtls-on")!;
        const medians = runsOf("istio", true).map((o) => o.results.wrk.rps!.median);
        assert.strictEqual(medians.length, 6);
        assert.strictEqual(istio.runs, 6);
        assert.deepStrictEqual([istio.rps!.median, istio.rps!.min, istio.rps!.max], [median(medians), Math.min(...medians), Math.max(...medians)]);
        assert.deepStrictEqual(rows.map((r) => r.label).slice(0, 3), ["baseline (no mesh)", "istio, mTLS off", "istio, mTLS on"]);
    });

    it("leave a failed run's numbers out, and say where it failed", () => {
        const runs = runsOf("kuma", true);
        const failed = [{ ...runs[0], results: withFailedWrk(runs[0].results, "wrk saw errors") }, ...runs.slice(1)];
        const row = pooledRow(failed);
        assert.strictEqual(row.status, "ok");
        assert.deepStrictEqual(row.failedRuns, ["lane 1 round 1: wrk saw errors"]);
        assert.strictEqual(row.rps!.median, median(runs.slice(1).map((o) => o.results.wrk.rps!.median)));
        assert.strictEqual(pooledRow(failed.slice(0, 1)).status, "failed");
    });

    it("list a step the sweep recorded as failed in its lane and round, though the setup has results elsewhere", () => {
        const failed = { stack: "kuma-mtls-on-lane2", setup: "kuma-mtls-on", lane: 2, round: 1, results: "kuma-mtls-on.lane2.round1", mesh: "kuma" as const, mtls: true,
            outcome: { kind: "failed" as const, stage: "up" as const, reason: "error: timed out" }, teardown: { kind: "destroyed" as const }, seconds: 60 };
        const measured = { ...failed, lane: 1, results: "kuma-mtls-on.lane1.round1", outcome: { kind: "measured" as const, status: "ok" as const } };
        const without = SWEEP.observations.filter((o) => !(o.lane === 2 && o.round === 1 && o.results.mesh === "kuma" && o.results.mtls.requested));
        const run = { ...SWEEP, observations: without, files: SWEEP.files!.filter((f) => f !== "kuma-mtls-on.lane2.round1"), record: { runId: "x", settings: {}, startedAt: "", updatedAt: "", finished: true, setups: [failed, measured], skipped: [] } };
        assert.deepStrictEqual(notOkSetups(run, reportRows(without)), ["kuma, mTLS on (lane 2, round 1): failed at up: error: timed out"]);
    });

    it("keep the single-run rows of a run without lanes", () => {
        const one: Observation[] = Object.values(buildFixtureRun()).map((results) => ({ lane: 1, round: 1, results }));
        assert.strictEqual(reportRows(one).every((r) => r.runs === undefined), true);
    });
});

describe("paired tables and the split chart", () => {
    it("tabulate each setup's ratio with its interval, and name the setups that can't be told apart", () => {
        const text = pairedSection(SWEEP.observations).join("\n");
        assert.match(text, /over 6 lane × round pair\(s\)/);
        assert.match(text, /not independent replicates/);
        // The sweep fixture is on vms, where each step makes its own cluster today: the text must not claim the same nodes.
        assert.match(text, /\(on the lane's cluster stack, so on the same nodes, minutes apart\)/);
        assert.match(text, /^\| istio, mTLS on \| 6 \| 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] \|/m);
        assert.match(text, /- netperf mean: \d+ of 15 pairs can't be told apart:/);
        assert.strictEqual(formatRatio({ ratio: 0.5, pairs: 1 }), "0.500 (1 run, no CI)");
    });

    it("say a run of one lane and round gives no intervals, so no two setups can be said to differ", () => {
        const one: Observation[] = Object.values(buildFixtureRun()).map((results) => ({ lane: 1, round: 1, results }));
        assert.match(pairedSection(one).join("\n"), /- RPS: one run per setup, so no intervals: no two setups can be said to differ/);
        assert.match(pairedSection(one).join("\n"), /same lane and round \(on the same cluster, minutes apart\)/, "kubeconfig: one cluster");
    });

    it("split istio and kuma, and chart the parts stacked, data path below mTLS", () => {
        const splits = mtlsSplits(SWEEP.observations, "rps");
        assert.deepStrictEqual(splits.map((s) => s.mesh), ["istio", "kuma"]);
        const data = splitData(SWEEP.observations).filter((d) => d.figure.startsWith("RPS") && d.mesh === "istio");
        const parts = splitParts(splits[0]);
        assert.deepStrictEqual(data.map((d) => [d.part, d.value, d.order]),
            [["data path (mTLS off vs baseline)", Number(parts.dataPath.toFixed(2)), 0], ["mTLS (on vs off)", Number(parts.mtls.toFixed(2)), 1]]);
        const spec = splitChartSpec(SWEEP.observations, "r") as { spec: { encoding: { y: { stack: string } } } };
        assert.strictEqual(spec.spec.encoding.y.stack, "zero");
        assert.match(splitSection(SWEEP.observations, "mtls-split.png").join("\n"), /^\| istio \| RPS \| 0\.\d{3} \[/m);
        assert.match(splitSection(SWEEP.observations.filter((o) => o.results.mtls.requested || o.results.mesh === "none")).join("\n"),
            /^No mesh was measured with mTLS both off and on/);
    });
});
