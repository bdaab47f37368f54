// The runner against the fake cluster (test/helpers/fake-kube.ts): every step through
// KubeApi, with the captured client sessions and facts fixtures, and each way a step can
// fail (exec error, timeout, unreadable output) ending as a failed run with its reason.
import * as assert from "assert";
import { none } from "../../meshes/none";
import type { Mesh } from "../../meshes/types";
import { runBenchmark } from "../../runner/run";
import { FakeKube, fakePodName, printed, type FakeCluster } from "../helpers/fake-kube";
import { fixture } from "../helpers/mocks";
import { execKeys, healthyCluster, PLAN } from "../helpers/runner-plan";

const run = (cluster: FakeCluster, mesh: Mesh = none, lines: string[] = []) =>
    runBenchmark(PLAN, new FakeKube(cluster), mesh, { report: (l) => lines.push(l), sleep: async () => undefined });

describe("runner", () => {
    it("runs probe, wrk, netperf, evidence and facts through KubeApi and puts the numbers, placement and provenance together", async () => {
        const kube = new FakeKube(healthyCluster());
        const results = await runBenchmark(PLAN, kube, none, { sleep: async () => undefined });
        assert.strictEqual(results.status, "ok", results.reasons.join("; "));
        assert.deepStrictEqual(results.reasons, []);
        assert.strictEqual(results.wrk.rps!.median, 32877.07);
        assert.deepStrictEqual(results.netperf.latencyMicros, { mean: 9.585, roundTrip: 9.622, p50: 5, p90: 5, p99: 14 });
        assert.strictEqual(results.netperf.settings.test, "TCP_RR");
        assert.deepStrictEqual(results.netperfCrr.latencyMicros, { mean: 43.045, roundTrip: 43.118, p50: 22.5, p90: 33, p99: 235.5 });
        assert.strictEqual(results.netperfCrr.settings.test, "TCP_CRR");
        assert.deepStrictEqual(results.provenance.placement,
            { "http-server": "worker-1", "netperf-client": "worker-2", "netperf-server": "worker-1", "wrk-client": "worker-2" });
        assert.deepStrictEqual(results.provenance.kubernetes, { requested: undefined, running: ["v1.29.1"] });
        assert.strictEqual(results.provenance.nodes.length, 3);
        assert.strictEqual(results.mtls.verdict, "verified");
        assert.strictEqual(results.mtls.evidence.mtls, false);
        // fortio's captured session: 200/s held, 100/s not (late sends), which marks the section and not the run.
        assert.strictEqual(results.openLoop.status, "notHeld");
        assert.deepStrictEqual(results.openLoop.rates!.map((r) => [r.targetQps, r.rateHeld]), [[100, false], [200, true]]);
        assert.deepStrictEqual(results.openLoop.rates![1].latencyMicros, { p50: 309, p90: 633.75, p99: 1535, p999: 3517.15 });
        // In order: the probe before the load, wrk before netperf's TCP_RR, then TCP_CRR, then fortio, never two at once.
        const execs = kube.calls.filter((c) => c.startsWith("EXEC ")).map((c) => c.slice(5));
        assert.deepStrictEqual(execs, [execKeys.probeHttp, execKeys.probeNetperf, execKeys.wrk, execKeys.netperf, execKeys.netperfCrr, execKeys.openLoop]);
    });

    it("notes when each client ran and when the run began and ended, from its clock", async () => {
        let tick = 0;
        // Each reading of the clock is one minute after the last.
        const now = () => new Date(Date.UTC(2026, 0, 1, 0, tick++));
        const results = await runBenchmark(PLAN, new FakeKube(healthyCluster()), none, { sleep: async () => undefined, now });
        const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
        assert.deepStrictEqual(results.wrk.measured, { start: at(1), end: at(7) });
        // wrk's two repetitions, as the runner saw their markers go by (after the warm-up's end,
        // at minute 2): the kubelets are read then.
        assert.deepStrictEqual(results.resources.repetitions.map((r) => r.measured), [{ start: at(3), end: at(4) }, { start: at(5), end: at(6) }]);
        // netperf's the same way: TCP_RR's warm-up ends at minute 9, its repetitions at 10 to 13; TCP_CRR's at 16 to 19.
        assert.deepStrictEqual(results.netperf.measured, { start: at(8), end: at(14) });
        assert.deepStrictEqual(results.netperf.resources!.repetitions.map((r) => r.measured), [{ start: at(10), end: at(11) }, { start: at(12), end: at(13) }]);
        assert.deepStrictEqual(results.netperfCrr.measured, { start: at(15), end: at(21) });
        assert.deepStrictEqual(results.netperfCrr.resources!.repetitions.map((r) => r.measured), [{ start: at(17), end: at(18) }, { start: at(19), end: at(20) }]);
        assert.deepStrictEqual(results.openLoop.measured, { start: at(22), end: at(23) });
        assert.deepStrictEqual(results.measured, { start: at(0), end: at(24) });
    });

    it("fails the run when fortio is refused, with no open-loop numbers, keeping wrk's and netperf's", async () => {
        const results = await run(healthyCluster({ openLoop: printed(fixture("fortio/refused-session.txt")) }));
        assert.strictEqual(results.status, "failed");
        assert.strictEqual(results.wrk.status, "ok");
        assert.strictEqual(results.openLoop.status, "failed");
        assert.ok(results.openLoop.rates!.every((r) => r.status === "failed" && r.latencyMicros === undefined));
        assert.match(results.reasons.join("; "), /^open loop: 100 requests\/s: fortio run warmup exited with 1: /m);
    });

    it("skips fortio when openLoopFractions is none, and says so in the section", async () => {
        const plan = { ...PLAN, inputs: { ...PLAN.inputs, openLoop: { ...PLAN.inputs.openLoop, fractions: [], rates: [] } } };
        const kube = new FakeKube(healthyCluster());
        const results = await runBenchmark(plan, kube, none, { sleep: async () => undefined });
        assert.strictEqual(results.status, "ok");
        assert.deepStrictEqual([results.openLoop.status, results.openLoop.reason], ["off", "openLoopFractions is none"]);
        assert.ok(!kube.calls.some((c) => c.includes("fortio-client.sh")));
    });

    it("fails the run when TCP_CRR fails, keeping TCP_RR's numbers", async () => {
        const results = await run(healthyCluster({ netperfCrr: printed(fixture("netperf/refused-session.txt")) }));
        assert.strictEqual(results.status, "failed");
        assert.strictEqual(results.netperf.status, "ok");
        assert.strictEqual(results.netperfCrr.status, "failed");
        assert.strictEqual(results.netperfCrr.latencyMicros, undefined);
        assert.match(results.reasons.join("; "), /^TCP_CRR: netperf run warmup exited with 255: establish control: /);
    });

    it("reports each phase and repetition with the time left", async () => {
        const lines: string[] = [];
        await run(healthyCluster(), none, lines);
        assert.deepStrictEqual(lines, [
            // wrk: 1 s warm-up + 2 × 2 s; netperf TCP_RR, then TCP_CRR: each 10 s + 2 × 30 s; fortio at 2 rates,
            // each 1 s + 2 × 5 s; 30 s for the short steps.
            "plaintext probe, about 3 min left",
            "wrk warm-up, about 3 min left",
            "wrk 1/2, about 3 min left",
            "wrk 2/2, about 3 min left",
            "netperf TCP_RR warm-up, about 3 min left",
            "netperf TCP_RR 1/2, about 3 min left",
            "netperf TCP_RR 2/2, about 3 min left",
            "netperf TCP_CRR warm-up, about 2 min left",
            "netperf TCP_CRR 1/2, about 2 min left",
            "netperf TCP_CRR 2/2, about 82 s left",
            "fortio at 100, 200 requests/s, 2 repetitions each, about 52 s left",
            "mTLS evidence, about 0 s left",
            "done: ok",
        ]);
    });

    it("fails the run, without numbers, when the exec into the client fails", async () => {
        const results = await run(healthyCluster({ wrk: { apiError: 'container not found ("wrk")' } }));
        assert.strictEqual(results.status, "failed");
        assert.deepStrictEqual(results.reasons,
            [`wrk client: exec in meshbench/${fakePodName("wrk-client")} -c wrk: container not found ("wrk")`]);
        assert.deepStrictEqual(Object.keys(results.wrk).sort(), ["measured", "reason", "settings", "status"]);
        assert.strictEqual(results.netperf.status, "ok", "netperf was measured and stays");
    });

    it("fails the run when a client does not exit in time", async () => {
        const results = await run(healthyCluster({ netperf: { timeout: true } }));
        assert.strictEqual(results.status, "failed");
        assert.match(results.reasons[0], /^netperf client: exec in meshbench\/netperf-client-\S+ -c netperf: no exit after \d+ s$/);
        assert.strictEqual(results.netperf.transactionsPerSecond, undefined);
    });

    it("fails the run when a client's output cannot be read", async () => {
        const results = await run(healthyCluster({ wrk: printed("Segmentation fault\n") }));
        assert.strictEqual(results.status, "failed");
        assert.deepStrictEqual(results.reasons, ["wrk client did not finish (no MESHBENCH-DONE marker)"]);
        assert.strictEqual(results.wrk.rps, undefined);
    });

    it("fails the run when the client script exits non-zero", async () => {
        const results = await run(healthyCluster({ netperf: { stdout: "", stderr: "sh: /meshbench/netperf-client.sh: not found\n", exitCode: 127 } }));
        assert.deepStrictEqual(results.reasons, ["netperf client: exited with 127: sh: /meshbench/netperf-client.sh: not found"]);
    });

    it("leaves the mTLS verdict unverified when the probe cannot exec", async () => {
        const results = await run(healthyCluster({ probeHttp: { timeout: true } }));
        assert.strictEqual(results.mtls.verdict, "unverified");
        assert.strictEqual(results.mtls.plaintext.http.result, "error");
        assert.match(results.mtls.plaintext.http.detail, /^HTTP probe: exec in meshbench-probe\/\S+ -c wrk: no exit after 120 s$/);
    });

    it("fails the run when a client shared a node with a server", async () => {
        const facts = fixture("cluster-facts.txt").replace("POD wrk-client|worker-2", "POD wrk-client|worker-1");
        const results = await run(healthyCluster({}, facts));
        assert.deepStrictEqual(results.reasons,
            ["wrk-client ran on worker-1, the node of http-server: clients and servers must not share a node"]);
    });

    it("fails the run when a client pod is not running", async () => {
        const cluster = healthyCluster();
        const results = await run({ ...cluster, pods: cluster.pods.filter((p) => p.labels["app.kubernetes.io/name"] !== "netperf-client") });
        assert.ok(results.reasons.includes("netperf client: no running pod with app.kubernetes.io/name=netperf-client in meshbench"), results.reasons.join("\n"));
    });
});
