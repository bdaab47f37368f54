// The numbers behind the report's tables, checked against values worked out by hand
// (Python's statistics module) from the fixture run's invented repetitions.
import * as assert from "assert";
import type { BenchmarkResults } from "../../loadtest/results";
import { mtlsProbeVerdict } from "../../report/mtls-verdict";
import {
    baselineRow, coefficientOfVariation, overhead, paperComparisons, percentChange, setupRows,
} from "../../report/summarize";
import { buildFixtureRun, withFailedWrk } from "../fixtures/results/build";

const RUN = buildFixtureRun();
const rows = () => setupRows(Object.values(RUN));
const row = (stack: string) => rows().find((r) => r.stack === stack)!;

describe("report numbers", () => {
    it("orders setups baseline first, then by mesh, mTLS off before on", () => {
        assert.deepStrictEqual(setupRows([RUN["kuma-mtls-on"], RUN["istio-mtls-on"], RUN["none-mtls-off"], RUN["istio-mtls-off"]]).map((r) => r.label),
            ["baseline (no mesh)", "istio, mTLS off", "istio, mTLS on", "kuma, mTLS on"]);
    });

    it("takes the RPS median from the results and computes the CV across repetitions (sample standard deviation)", () => {
        // statistics.stdev([32087.34, 33666.8, 32877.07, 32514.9, 33120.4]) / mean = 1.8231 %
        assert.deepStrictEqual(row("none-mtls-off").rps, { median: 32877.07, cvPercent: 1.82, min: 32087.34, max: 33666.8 });
        assert.strictEqual(row("istio-mtls-on").rps!.cvPercent, 1.58);
        assert.strictEqual(coefficientOfVariation([10, 10, 10]), 0);
        assert.strictEqual(coefficientOfVariation([90, 110]), 14.14);
        assert.strictEqual(coefficientOfVariation([100]), undefined, "one repetition has no spread");
    });

    it("computes each mesh's overhead against the baseline of the same run", () => {
        const rs = rows();
        const baseline = baselineRow(rs)!;
        assert.strictEqual(baseline.stack, "none-mtls-off");
        // (14055.6 − 32877.07) / 32877.07 = −57.25 %; (430.9 − 212.5) / 212.5 = +102.78 %
        // TCP_CRR: (2224.3 − 400.9) / 400.9 = +454.84 %; wrk's percentiles are no overhead (docs/latency.md).
        assert.deepStrictEqual(overhead(row("istio-mtls-on"), baseline),
            { rps: -57.2, netperfMean: 102.8, netperfP99: 117.3, crrMean: 454.8, crrP99: 494 });
        assert.strictEqual(percentChange(90, 100), -10);
        assert.strictEqual(percentChange(125, 100), 25);
    });

    it("has no baseline when the baseline failed", () => {
        const failedBaseline: BenchmarkResults = { ...RUN["none-mtls-off"], status: "failed", reasons: ["netperf client: kubectl printed nothing"] };
        assert.strictEqual(baselineRow(setupRows([failedBaseline, RUN["istio-mtls-on"]])), undefined);
    });

    it("leaves out numbers a failed tool did not measure", () => {
        const r = setupRows([withFailedWrk(RUN["kuma-mtls-on"], "wrk saw errors")])[0];
        assert.strictEqual(r.rps, undefined);
        assert.strictEqual(r.wrkLatency, undefined);
        assert.strictEqual(r.netperfLatency!.mean, 338.5, "netperf was measured and stays");
    });

    it("refuses two results for the same setup", () => {
        assert.throws(() => setupRows([RUN["istio-mtls-on"], RUN["istio-mtls-on"]]),
            { message: "more than one result for istio-mtls-on: a run holds one result per setup" });
    });

    it("puts the paper's numbers beside ours, with the deltas and each side's change against its own baseline", () => {
        const comparisons = paperComparisons(rows());
        assert.deepStrictEqual(comparisons.map((c) => `${c.paper.mesh}:${c.row?.stack}`),
            ["none:none-mtls-off", "istio:istio-mtls-on", "linkerd:linkerd-mtls-on", "consul:consul-mtls-on", "kuma:kuma-mtls-on"]);
        const istio = comparisons[1];
        // ours vs paper: (14055.6 − 21790) / 21790 = −35.50 %; (430.9 − 500) / 500 = −13.82 %
        // paper's own overhead: (21790 − 51240) / 51240 = −57.47 %; (500 − 260) / 260 = +92.31 %
        assert.deepStrictEqual(
            [istio.rpsDelta, istio.latencyDelta, istio.paperRpsChange, istio.ourRpsChange, istio.paperLatencyChange, istio.ourLatencyChange],
            [-35.5, -13.8, -57.5, -57.2, 92.3, 102.8]);
        assert.deepStrictEqual([comparisons[0].rpsDelta, comparisons[0].paperRpsChange], [-35.8, undefined], "the baseline has no change against itself");
    });

    it("marks a paper setup this run does not have", () => {
        const comparisons = paperComparisons(setupRows([RUN["none-mtls-off"], RUN["istio-mtls-off"]]));
        assert.strictEqual(comparisons.length, 5);
        assert.strictEqual(comparisons[1].row, undefined, "istio mTLS off is not the paper's istio setup");
        assert.strictEqual(comparisons[1].ourRpsChange, undefined);
    });

    it("shows the mTLS verdict, and what the probe saw when it is not verified", () => {
        assert.strictEqual(mtlsProbeVerdict(RUN["istio-mtls-on"]), "verified");
        const mtls = RUN["istio-mtls-on"].mtls;
        const mismatch = { ...RUN["istio-mtls-on"], mtls: { ...mtls, verdict: "mismatch", plaintext: { ...mtls.plaintext, http: { result: "accepted", detail: "" } } } } as BenchmarkResults;
        assert.strictEqual(mtlsProbeVerdict(mismatch), "mismatch (plaintext HTTP accepted, netperf refused)");
        assert.strictEqual(setupRows([mismatch])[0].mtlsVerdict, "mismatch (plaintext HTTP accepted, netperf refused)");
    });
});
