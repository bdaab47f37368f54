import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BenchmarkResults } from "../../loadtest/results";
import { loadRun } from "../../report/load";
import { atSize, payloadSection, primarySize, responseSizes } from "../../report/payload";
import { writeReport } from "../../report/report";
import { buildFixtureRun } from "../fixtures/results/build";

const FIXTURES = buildFixtureRun();

/** A fixture result as if measured at another body size, its RPS scaled (invented, like the fixtures). */
function atBytes(stack: string, bytes: number, rpsScale: number): BenchmarkResults {
    const r = FIXTURES[stack];
    const perRepetition = r.wrk.rps!.perRepetition.map((x) => Math.round(x * rpsScale * 100) / 100);
    return {
        ...r,
        wrk: { ...r.wrk, settings: { ...r.wrk.settings, responseBytes: bytes },
            rps: { perRepetition, median: Math.round(r.wrk.rps!.median * rpsScale * 100) / 100 } },
    };
}

describe("report: several response sizes", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-payload-"));
        const files: Record<string, BenchmarkResults> = {
            "none-mtls-off-10b": FIXTURES["none-mtls-off"], "istio-mtls-on-10b": FIXTURES["istio-mtls-on"],
            "none-mtls-off-64k": atBytes("none-mtls-off", 65536, 0.5), "istio-mtls-on-64k": atBytes("istio-mtls-on", 65536, 0.4),
        };
        for (const [name, results] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(results));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads one result per setup and size, not the second size as a duplicate", () => {
        const run = loadRun(dir);
        assert.deepStrictEqual([run.results.length, run.skipped], [4, []]);
        assert.deepStrictEqual(responseSizes(run.observations), [10, 65536]);
        assert.strictEqual(primarySize(run.observations), 10);
        assert.deepStrictEqual(atSize(run, 65536).results.map((r) => r.wrk.settings.responseBytes), [65536, 65536]);
    });

    it("groups rows by size, each against the baseline at its size, with body throughput and the cost per KiB", () => {
        const none10 = FIXTURES["none-mtls-off"].wrk.rps!.median;
        const istio10 = FIXTURES["istio-mtls-on"].wrk.rps!.median;
        assert.deepStrictEqual([none10, istio10], [32877.07, 14055.6], "the fixtures' medians, which the numbers below follow from");
        const section = payloadSection(loadRun(dir).observations);
        assert.strictEqual(section[0], "## Response size");
        const table = section.join("\n").split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| size") && !l.startsWith("| setup") && !l.startsWith("| ---"));
        // 8 connections ÷ RPS: 8 / 32877.07 = 243.3 µs; 64 KiB: RPS 16438.54 (× 0.5), 486.7 µs, 16438.54 × 65536 / 10⁶ = 1077.32 MB/s;
        // istio 14055.6 → 569.2 µs, −57.2 %; at 64 KiB 5622.24 (× 0.4) → 1422.9 µs, −65.8 % against 16438.54, 368.46 MB/s.
        assert.deepStrictEqual(table.slice(0, 4), [
            "| 10 B | baseline (no mesh) | ok | 32,877 | (baseline) | 0.33 | 243.3 |",
            "| 10 B | istio, mTLS on | ok | 14,056 | -57.2% | 0.14 | 569.2 |",
            "| 64 KiB | baseline (no mesh) | ok | 16,439 | (baseline) | 1077.32 | 486.7 |",
            "| 64 KiB | istio, mTLS on | ok | 5,622 | -65.8% | 368.46 | 1422.9 |",
        ]);
        // Per KiB from 10 B to 64 KiB ((65536 − 10) / 1024 = 63.99 KiB): baseline (486.66 − 243.33) / 63.99 = 3.803;
        // istio (1422.92 − 569.17) / 63.99 = 13.342, 9.539 more than the baseline.
        assert.deepStrictEqual(table.slice(4), [
            "| baseline (no mesh) | 3.803 | — |",
            "| istio, mTLS on | 13.342 | 9.539 |",
        ]);
    });

    it("keeps the report's other sections to one size, and adds the section", async () => {
        const out = path.join(dir, "report");
        const files = await writeReport(dir, out);
        assert.strictEqual(files.rows.length, 2, "one row per setup at 10 B");
        assert.ok(files.rows.every((r) => r.results.wrk.settings.responseBytes === 10));
        const markdown = fs.readFileSync(files.markdown, "utf8");
        assert.match(markdown, /\*\*Load\*\*: wrk 8 threads, 8 connections, 10-byte response bodies, /);
        assert.match(markdown, /\n## Response size\n/);
        assert.doesNotMatch(markdown, /Load settings differ/);
        // The SMP export carries both sizes, each setup's size in its ids (but the default's) and labels.
        const smp = JSON.parse(fs.readFileSync(files.smp, "utf8")) as { service_mesh_configs: { id: string; labels: Record<string, string> }[] };
        assert.deepStrictEqual(smp.service_mesh_configs.map((m) => [m.id, m.labels.meshbench_response_bytes]).sort(), [
            ["fixture/istio-mtls-on-65536b/mesh", "65536"], ["fixture/istio-mtls-on/mesh", "10"],
            ["fixture/none-mtls-off-65536b/mesh", "65536"], ["fixture/none-mtls-off/mesh", "10"],
        ]);
    });

    it("adds nothing to a run of one size", () => {
        fs.rmSync(path.join(dir, "none-mtls-off-64k.json"));
        fs.rmSync(path.join(dir, "istio-mtls-on-64k.json"));
        assert.deepStrictEqual(payloadSection(loadRun(dir).observations), []);
    });
});

describe("report: a failed size of a run of several", () => {
    it("lists a setup whose up failed at one size, though the same setup was measured at another", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-payload-"));
        try {
            fs.writeFileSync(path.join(dir, "istio-mtls-on-10b.json"), JSON.stringify(FIXTURES["istio-mtls-on"]));
            fs.writeFileSync(path.join(dir, "none-mtls-off-10b.json"), JSON.stringify(FIXTURES["none-mtls-off"]));
            const setup = (stack: string, outcome: object) => ({ stack, mesh: stack.startsWith("none") ? "none" : "istio",
                mtls: !stack.startsWith("none"), outcome, teardown: { kind: "destroyed" }, seconds: 1 });
            fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify({ runId: "fixture", settings: {}, startedAt: "", updatedAt: "",
                finished: true, skipped: [], setups: [
                    setup("none-mtls-off-10b", { kind: "measured", status: "ok" }), setup("istio-mtls-on-10b", { kind: "measured", status: "ok" }),
                    setup("istio-mtls-on-64k", { kind: "failed", stage: "up", reason: "invented: the rollout timed out" }),
                ] }));
            const files = await writeReport(dir, path.join(dir, "report"));
            assert.match(fs.readFileSync(files.markdown, "utf8"), /\n- istio, mTLS on: failed at up: invented: the rollout timed out\n/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
