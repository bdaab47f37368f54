// The bench command's pure parts: its options, and the plan it takes from a stack's results.
import * as assert from "assert";
import { parseBenchArgs, planFromResults } from "../../runner/bench";
import { runBenchmark } from "../../runner/run";
import { none } from "../../meshes/none";
import { FakeKube } from "../helpers/fake-kube";
import { healthyCluster, PLAN } from "../helpers/runner-plan";

describe("bench command", () => {
    it("reads --stack, --repetitions and --out", () => {
        assert.deepStrictEqual(parseBenchArgs(["--stack", "istio-mtls-on", "--repetitions", "9"]), { stack: "istio-mtls-on", repetitions: 9, out: undefined });
        assert.deepStrictEqual(parseBenchArgs(["--stack", "s", "--out", "runs/x"]), { stack: "s", repetitions: undefined, out: "runs/x" });
    });

    it("refuses what it cannot use, naming the option, the value and what is allowed", () => {
        assert.strictEqual(parseBenchArgs(["--repetitions", "0", "--stack", "s"]), '--repetitions: got "0"; allowed: an integer from 1 to 50');
        assert.strictEqual(parseBenchArgs([]), "--stack is required; usage: npm run bench -- --stack NAME [--repetitions N] [--out DIR]");
        assert.strictEqual(parseBenchArgs(["--stack"]), "--stack: needs a value; usage: npm run bench -- --stack NAME [--repetitions N] [--out DIR]");
        assert.strictEqual(parseBenchArgs(["--stak", "s"]), 'unknown option "--stak"; usage: npm run bench -- --stack NAME [--repetitions N] [--out DIR]');
    });

    it("takes the plan from the stack's last results, with the repetitions asked for, and reruns it", async () => {
        const last = await runBenchmark(PLAN, new FakeKube(healthyCluster()), none, { sleep: async () => undefined });
        const plan = planFromResults(last);
        assert.deepStrictEqual(plan.inputs, PLAN.inputs, "the same plan as the run that made the results");
        const more = planFromResults(last, 7);
        assert.deepStrictEqual([more.inputs.wrk.repetitions, more.inputs.netperf.repetitions], [7, 7]);
        const kube = new FakeKube(healthyCluster());
        await runBenchmark(more, kube, none, { sleep: async () => undefined });
        assert.ok(kube.calls.some((c) => c.includes("env MESHBENCH_REPETITIONS=7 sh /meshbench/wrk-client.sh")), "the clients are told the new count");
    });
});
