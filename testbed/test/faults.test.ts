// The real tier's faults: what a user sees when things break in the middle of a run, on the
// real engine and the real cluster. Each must end in a failure that says why, and nothing
// may hang (every call here is bounded). Runs after baseline.test.ts, each on its own stack;
// the last one stops the API server, so it stays last.
import * as assert from "assert";
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import type { BenchmarkResults } from "../../loadtest/results";
import { assertOk, makeWorkspace, phaseTimes, pulumi, run, type PulumiWorkspace } from "./pulumi-cli";
import { baselineConfig, configureBaseline, env, kubectl } from "./stack-config";

/** Longer runs than the baseline's, so that a fault lands in the middle of one. */
const LONGER = { "meshbench:wrkDurationSeconds": "15", "meshbench:netperfDurationSeconds": "15" };

const resultsOf = async (ws: PulumiWorkspace): Promise<BenchmarkResults> => {
    const output = await pulumi(ws, ["stack", "output", "results", "--json"], 60);
    assertOk(output, "pulumi stack output");
    return JSON.parse(output.stdout) as BenchmarkResults;
};

/** An output watcher that calls `act` once, `delayMs` after the output first matches `marker`. */
const onceAfter = (marker: RegExp, delayMs: number, act: (child: ChildProcess) => void) => {
    let fired = false;
    return (soFar: string, child?: ChildProcess) => {
        if (fired || !marker.test(soFar)) return;
        fired = true;
        setTimeout(() => act(child!), delayMs);
    };
};

/** Polls until the wrk client pod runs, then calls `act` after `delayMs`; bounded. */
async function whenWrkClientRuns(delayMs: number, act: () => void, timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        let phase = "";
        try {
            phase = kubectl("-n", "meshbench", "get", "pods", "-l", "app.kubernetes.io/name=wrk-client", "-o", "jsonpath={.items[*].status.phase}");
        } catch { /* not there yet */ }
        if (phase === "Running") {
            await new Promise((r) => setTimeout(r, delayMs));
            act();
            return;
        }
        await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error("the wrk client never ran");
}

const benchNamespaces = () =>
    kubectl("get", "namespaces", "-o", "jsonpath={.items[*].metadata.name}").split(" ").filter((n) => n.startsWith("meshbench"));

after(() => {
    console.log("\n  phase times (s):");
    for (const { phase, seconds } of phaseTimes) console.log(`    ${phase.padEnd(32)} ${seconds.toFixed(1)}`);
});

describe("the real tier: faults in the middle of a run", function () {
    this.timeout(20 * 60_000);

    it("a sweep interrupted with Ctrl-C tears its stack down", async () => {
        const ws = makeWorkspace("none-mtls-off");
        const configArgs = Object.entries(baselineConfig(LONGER))
            .filter(([k]) => !["meshbench:target", "meshbench:mesh", "meshbench:repetitions"].includes(k))
            .flatMap(([k, v]) => ["--config", `${k.replace(/^meshbench:/, "")}=${v}`]);
        let sweepChild: ChildProcess | undefined;
        const interrupted = whenWrkClientRuns(10_000, () => sweepChild?.kill("SIGINT"));
        const sweep = await run(`${ws.projectDir}/node_modules/.bin/ts-node`, ["--transpile-only", "sweep/cli.ts", "--target", "kubeconfig",
            "--meshes", "none", "--repetitions", "2", "--run-id", "interrupted", "--results", `${ws.dir}/results`, ...configArgs],
            ws, 900, "sweep, interrupted", (_soFar, child) => { sweepChild = child; });
        await interrupted;
        assert.strictEqual(sweep.code, 130, `the sweep should exit 130 when interrupted:\n${sweep.stdout}\n${sweep.stderr}`);
        assert.deepStrictEqual(benchNamespaces(), [], "the interrupted setup's namespaces are gone");
        const exported = JSON.parse((await pulumi(ws, ["stack", "export"], 60)).stdout) as { deployment: { resources?: unknown[] } };
        assert.deepStrictEqual(exported.deployment.resources ?? [], [], "the interrupted stack is empty");
    });

    it("the HTTP server's pod deleted in the middle of wrk gives a failed run that names it, and the next up measures again", async () => {
        const ws = makeWorkspace("testbed-pod-deleted");
        await configureBaseline(ws, LONGER);
        const up = await pulumi(ws, ["up", "--yes", "--skip-preview"], 900, "up (server pod deleted)",
            onceAfter(/meshbench: wrk 1\/2/, 5000, () => kubectl("-n", "meshbench", "delete", "pod", "-l", "app.kubernetes.io/name=http-server", "--wait=false")));
        assertOk(up, "pulumi up");
        const results = await resultsOf(ws);
        // wrk may reconnect to the new pod without an error; the runner sees the pod replaced.
        assert.strictEqual(results.status, "failed", `reasons: ${results.reasons.join("; ")}`);
        assert.ok(results.reasons.some((r) => /http-server pod \S+ went away/.test(r)), `the reasons name the replaced pod: ${results.reasons.join("; ")}`);
        const preview = await pulumi(ws, ["preview", "--expect-no-changes"], 300, "preview after a failed run");
        assert.notStrictEqual(preview.code, 0, "a failed run must not settle: the next up measures again");
        assertOk(await pulumi(ws, ["destroy", "--yes", "--skip-preview"], 600, "destroy (pod deleted)"), "pulumi destroy");
    });

    it("the API server stopped in the middle of a run gives a failure that says why", async () => {
        const ws = makeWorkspace("testbed-apiserver-stopped");
        await configureBaseline(ws, LONGER);
        const apiserverPid = fs.readFileSync(`${env("MESHBENCH_TESTBED_STATE")}/pids/kube-apiserver`, "utf8").trim();
        const up = await pulumi(ws, ["up", "--yes", "--skip-preview"], 900, "up (API server stopped)",
            onceAfter(/meshbench: netperf TCP_RR 1\/2/, 3000, () => process.kill(Number(apiserverPid), "SIGKILL")));
        const said = up.stdout + up.stderr;
        // Gone, or a zombie its parent has not reaped yet: either way, no longer serving.
        const state = fs.existsSync(`/proc/${apiserverPid}/stat`) ? fs.readFileSync(`/proc/${apiserverPid}/stat`, "utf8").split(") ")[1]?.[0] : "gone";
        assert.ok(state === "gone" || state === "Z", `the API server was never stopped (state ${state}; no progress line matched?):\n${said}`);
        // Bounded well inside the exec's own time limit (about 7 min for these settings).
        assert.ok(up.seconds < 240, `pulumi up took ${up.seconds.toFixed(0)} s after the API server went away:\n${said}`);
        const results = up.code === 0 ? await resultsOf(ws) : undefined;
        if (results) {
            assert.strictEqual(results.status, "failed", `an up that went on must have failed results:\n${said}`);
            assert.ok(results.reasons.some((r) => /netperf client/.test(r) && /closed|refused/i.test(r)),
                `the reasons say the netperf client's connection went: ${results.reasons.join("; ")}`);
        } else {
            assert.match(said, /error: .*(closed|refused)/i, `the failure should say what broke:\n${said}`);
        }
    });
});
