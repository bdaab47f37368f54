// The latency-against-rate section on the fixture run (INVENTED numbers; see
// test/fixtures/results/build.ts): rows per setup and rate, rates not held marked in the
// table and hollow in the chart, and the chart drawn for real.
import * as assert from "assert";
import { DOMParser } from "@xmldom/xmldom";
import { openLoopChartSpec, openLoopRows, openLoopSection } from "../../report/open-loop";
import { checkFont, renderChart } from "../../report/render";
import { buildFixtureRun, buildFixtureSweep } from "../fixtures/results/build";
import type { BenchmarkResults } from "../../shared/results";

const run = Object.values(buildFixtureRun());

describe("open-loop report", () => {
    it("gives each setup a row per rate, the median over its repetitions, and whether every repetition held", () => {
        const rows = openLoopRows(run);
        assert.strictEqual(rows.length, 6 * 3);
        const istio = rows.filter((r) => r.setup === "istio, mTLS on");
        assert.deepStrictEqual(istio.map((r) => [r.targetQps, r.heldRuns === r.runs]), [[12810, true], [25620, false], [38430, false]]);
        const fromResults = run.find((r) => r.mesh === "istio" && r.mtls.requested)!.openLoop.rates![0].latencyMicros;
        assert.deepStrictEqual(istio[0].latencyMicros, fromResults);
    });

    it("pools a sweep's runs: the median of each run's median, held only where every run held", () => {
        const rows = openLoopRows(Object.values(buildFixtureSweep()));
        const baseline = rows.find((r) => r.setup === "baseline (no mesh)" && r.targetQps === 12810)!;
        assert.strictEqual(baseline.runs, 6, "3 lanes × 2 rounds");
        assert.strictEqual(baseline.heldRuns, 6);
    });

    it("leaves out a failed rate, and marks a rate not held in the table with its numbers in parentheses", () => {
        const failed: BenchmarkResults[] = run.map((r) => r.mesh !== "linkerd" ? r : {
            ...r, openLoop: { ...r.openLoop, status: "failed", rates: r.openLoop.rates!.map((x) => ({ targetQps: x.targetQps, status: "failed", reason: "refused" })) },
        });
        const lines = openLoopSection(failed).join("\n");
        assert.ok(!lines.includes("| linkerd"), "a failed rate has no row");
        assert.match(lines, /^\| istio, mTLS on \| 25,620 \| 22,489 \| \(921\.8\) \| \(2563\.5\) \| \(6044\.2\) \| \(10879\.5\) \| \*\*no\*\* \|$/m);
        assert.match(lines, /^\| baseline \(no mesh\) \| 12,810 \| 12,804 \| 264\.2 \| 427\.1 \| 785\.8 \| 1414\.4 \| yes \|$/m);
        assert.match(lines, /at least 99 % of it and at most 0\.1 % of its sends were late, in every repetition/);
    });

    it("says when the step was off", () => {
        const off = run.map((r) => ({ ...r, openLoop: { ...r.openLoop, status: "off" as const, rates: undefined } }));
        assert.deepStrictEqual(openLoopSection(off), ["The open-loop step was off (openLoopFractions none)."]);
    });

    it("draws four panels, a point per setup and rate in each, hollow where the rate was not held", async function () {
        this.timeout(60_000);
        checkFont();
        const rows = openLoopRows(run);
        const chart = await renderChart(openLoopChartSpec(rows, "fixture", 32));
        const doc = new DOMParser().parseFromString(chart.svg, "image/svg+xml");
        const points = Array.from(doc.getElementsByTagName("path")).filter((e) => e.getAttribute("aria-roledescription") === "point");
        assert.strictEqual(points.length, rows.length * 4);
        const hollow = points.filter((p) => p.getAttribute("fill") === "white").length;
        assert.strictEqual(hollow, rows.filter((r) => r.heldRuns < r.runs).length * 4);
        assert.ok(chart.png.subarray(1, 4).toString() === "PNG");
    });
});
