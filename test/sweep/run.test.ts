// The sweep's plan, resume and teardown logic through the StackBackend interface. The
// fake below stands where the Automation API adapter stands; it records what the sweep
// asked for and fails or gets interrupted where a test says.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BenchmarkResults } from "../../loadtest/results";
import { SweepControl, type StackBackend } from "../../sweep/backend";
import type { Plan } from "../../sweep/plan";
import type { SweepRecord } from "../../sweep/record";
import { RunDirectory } from "../../sweep/run-directory";
import { runSweep, type SweepRun } from "../../sweep/run";
import type { ConfigEntry } from "../../sweep/stack-config";
import { summaryLines, sweepSucceeded } from "../../sweep/summary";
import { buildFixtureRun } from "../fixtures/results/build";

const FIXTURES = buildFixtureRun();

const PLAN: Plan = {
    setups: ["none-mtls-off", "istio-mtls-on", "linkerd-mtls-on"].map((stack) => {
        const [mesh, , mode] = stack.split("-");
        return { mesh: mesh as "none" | "istio" | "linkerd", mtls: mode === "on", stack };
    }),
    skipped: [{ mesh: "cilium", reason: "the target already has a CNI" }],
};

interface Script {
    /** Per stack: what `up` does instead of returning the stack's fixture results. */
    up?: Record<string, (signal: AbortSignal) => Promise<Record<string, unknown>>>;
    /** Per stack: errors `destroy` throws, one per call, before it succeeds. */
    destroyErrors?: Record<string, Error[]>;
    prepareError?: Record<string, Error>;
}

class FakeBackend implements StackBackend {
    readonly calls: string[] = [];
    readonly configs = new Map<string, readonly ConfigEntry[]>();
    readonly upSignals = new Map<string, AbortSignal>();

    constructor(private readonly script: Script = {}) {}

    async prepare(stack: string, config: readonly ConfigEntry[]): Promise<void> {
        this.calls.push(`prepare ${stack}`);
        const error = this.script.prepareError?.[stack];
        if (error) throw error;
        this.configs.set(stack, config);
    }

    async up(stack: string, onOutput: (text: string) => void, signal: AbortSignal): Promise<Record<string, unknown>> {
        this.calls.push(`up ${stack}`);
        this.upSignals.set(stack, signal);
        onOutput(`Updating (${stack})\n`);
        const scripted = this.script.up?.[stack];
        return scripted ? scripted(signal) : { results: FIXTURES[stack] };
    }

    async destroy(stack: string, onOutput: (text: string) => void): Promise<void> {
        this.calls.push(`destroy ${stack}`);
        onOutput(`Destroying (${stack})\n`);
        const error = this.script.destroyErrors?.[stack]?.shift();
        if (error) throw error;
    }
}

interface Swept {
    record: SweepRecord;
    backend: FakeBackend;
    directory: RunDirectory;
    control: SweepControl;
    lines: string[];
}

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-sweep-")); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function sweep(backend: FakeBackend, options: Partial<SweepRun> = {}, control = new SweepControl()): Promise<Swept> {
    const directory = new RunDirectory(path.join(tmp, "r1"));
    const lines: string[] = [];
    let clock = Date.parse("2026-01-15T14:00:00Z");
    const record = await runSweep(
        { runId: "r1", plan: PLAN, settings: { target: "kubeconfig" }, keep: false, ...options },
        { backend, directory, control, log: (l) => lines.push(l), now: () => new Date((clock += 1000)) },
    );
    return { record, backend, directory, control, lines };
}

const outcomes = (record: SweepRecord) => record.setups.map((s) => [s.stack, s.outcome.kind, s.teardown.kind]);

/** A failed operation as the Automation API's CommandError words it: code, Pulumi's stdout, its stderr. */
const pulumiError = (diagnostic: string) => new Error("code: 255\n stdout: Updating (stack)\n\nDiagnostics:\n"
    + `  kubernetes:helm.sh/v3:Release (mesh-istiod):\n    error: ${diagnostic}\n\nResources:\n    4 unchanged\n\n stderr: error: update failed\n`);

describe("sweep run", () => {
    it("runs each setup in order: prepare, up, save the results, destroy", async () => {
        const { record, backend, directory } = await sweep(new FakeBackend());
        assert.deepStrictEqual(backend.calls, [
            "prepare none-mtls-off", "up none-mtls-off", "destroy none-mtls-off",
            "prepare istio-mtls-on", "up istio-mtls-on", "destroy istio-mtls-on",
            "prepare linkerd-mtls-on", "up linkerd-mtls-on", "destroy linkerd-mtls-on",
        ]);
        assert.deepStrictEqual(outcomes(record), [
            ["none-mtls-off", "measured", "destroyed"], ["istio-mtls-on", "measured", "destroyed"], ["linkerd-mtls-on", "measured", "destroyed"],
        ]);
        assert.deepStrictEqual(directory.savedResults("istio-mtls-on"), FIXTURES["istio-mtls-on"]);
        assert.deepStrictEqual(backend.configs.get("istio-mtls-on")!.filter((e) => e.key.startsWith("meshbench:")).map((e) => `${e.key}=${e.value}`),
            ["meshbench:target=kubeconfig", "meshbench:mesh=istio", "meshbench:mtls=true", "meshbench:runId=r1"]);
        assert.match(fs.readFileSync(directory.logFile("istio-mtls-on"), "utf8"), /^Updating \(istio-mtls-on\)\nDestroying \(istio-mtls-on\)\n$/);
        assert.ok(record.finished && record.stopped === undefined);
        assert.deepStrictEqual(record.skipped, PLAN.skipped);
        assert.ok(sweepSucceeded(record, PLAN.setups.map((s) => s.stack)));
    });

    it("destroys a stack whose up failed, records the failure and goes on", async () => {
        const backend = new FakeBackend({ up: { "istio-mtls-on": async () => { throw pulumiError("timed out waiting for the condition"); } } });
        const { record, directory, lines } = await sweep(backend);
        assert.ok(backend.calls.includes("destroy istio-mtls-on"), "the failed stack is torn down");
        assert.ok(backend.calls.includes("up linkerd-mtls-on"), "the next setup runs");
        assert.deepStrictEqual(record.setups[1].outcome, {
            kind: "failed", stage: "up", reason: "error: timed out waiting for the condition | error: update failed",
        });
        assert.deepStrictEqual(outcomes(record)[2], ["linkerd-mtls-on", "measured", "destroyed"]);
        assert.strictEqual(directory.savedResults("istio-mtls-on"), undefined, "a failed up saves no results");
        assert.ok(lines.some((l) => l.startsWith("[2/3] istio-mtls-on: FAILED at up: ")));
        assert.ok(!sweepSucceeded(record, PLAN.setups.map((s) => s.stack)));
    });

    it("destroys a stack whose outputs hold no readable results", async () => {
        const backend = new FakeBackend({ up: { "none-mtls-off": async () => ({ results: { ...FIXTURES["none-mtls-off"], schemaVersion: 3 } }) } });
        const { record } = await sweep(backend);
        assert.deepStrictEqual(record.setups[0].outcome,
            { kind: "failed", stage: "results", reason: 'stack output "results": schemaVersion is 3; this meshbench reads 2' });
        assert.strictEqual(record.setups[0].teardown.kind, "destroyed");
    });

    it("goes on without a destroy when the stack could not even be prepared", async () => {
        const backend = new FakeBackend({ prepareError: { "none-mtls-off": new Error("incorrect passphrase") } });
        const { record } = await sweep(backend);
        assert.deepStrictEqual(backend.calls.filter((c) => c.endsWith("none-mtls-off")), ["prepare none-mtls-off"]);
        assert.deepStrictEqual(outcomes(record)[0], ["none-mtls-off", "failed", "not needed"]);
        assert.deepStrictEqual(record.setups[0].outcome, { kind: "failed", stage: "prepare", reason: "incorrect passphrase" });
        assert.strictEqual(outcomes(record)[1][1], "measured");
    });

    it("resumes: skips setups whose results are saved, runs again those that failed", async () => {
        const directory = new RunDirectory(path.join(tmp, "r1"));
        directory.saveResults("none-mtls-off", FIXTURES["none-mtls-off"]);
        const failed: BenchmarkResults = { ...FIXTURES["istio-mtls-on"], status: "failed", reasons: ["wrk client: kubectl printed nothing"] };
        directory.saveResults("istio-mtls-on", failed);
        fs.writeFileSync(directory.resultsFile("linkerd-mtls-on"), '{"schemaVersion": 1, "stat'); // cut off mid-write by a crash

        const { record, backend } = await sweep(new FakeBackend());
        assert.deepStrictEqual(backend.calls, [
            "prepare istio-mtls-on", "up istio-mtls-on", "destroy istio-mtls-on",
            "prepare linkerd-mtls-on", "up linkerd-mtls-on", "destroy linkerd-mtls-on",
        ]);
        assert.deepStrictEqual(outcomes(record), [
            ["none-mtls-off", "resumed", "not needed"], ["istio-mtls-on", "measured", "destroyed"], ["linkerd-mtls-on", "measured", "destroyed"],
        ]);
        assert.deepStrictEqual(directory.savedResults("istio-mtls-on"), FIXTURES["istio-mtls-on"], "the rerun replaces the failed results");
    });

    it("keeps what each stack last did across resumed sweeps", async () => {
        const first = await sweep(new FakeBackend({ up: { "linkerd-mtls-on": async () => { throw pulumiError("boom"); } } }));
        assert.strictEqual(first.record.setups[2].outcome.kind, "failed");
        const second = await sweep(new FakeBackend());
        assert.deepStrictEqual(outcomes(second.record), [
            ["none-mtls-off", "measured", "destroyed"], ["istio-mtls-on", "measured", "destroyed"], ["linkerd-mtls-on", "measured", "destroyed"],
        ], "the earlier measured records stay; resumed ones do not replace them");
        assert.strictEqual(second.record.startedAt, first.record.startedAt);
    });

    it("on Ctrl-C tears down the current stack and starts no other", async () => {
        const control = new SweepControl();
        // In a terminal, Pulumi gets the same SIGINT and cancels the update itself.
        const backend = new FakeBackend({ up: { "istio-mtls-on": async () => {
            control.requestStop("Ctrl-C", false);
            throw pulumiError("update canceled");
        } } });
        const { record, directory } = await sweep(backend, {}, control);
        assert.deepStrictEqual(backend.calls.slice(3), ["prepare istio-mtls-on", "up istio-mtls-on", "destroy istio-mtls-on"]);
        assert.strictEqual(backend.upSignals.get("istio-mtls-on")!.aborted, false, "no second SIGINT for Pulumi");
        assert.deepStrictEqual(outcomes(record), [
            ["none-mtls-off", "measured", "destroyed"], ["istio-mtls-on", "failed", "destroyed"], ["linkerd-mtls-on", "not run", "not needed"],
        ]);
        assert.match((record.setups[1].outcome as { reason: string }).reason, /^interrupted \(Ctrl-C\): /);
        assert.deepStrictEqual(record.setups[2].outcome, { kind: "not run", reason: "sweep stopped (Ctrl-C)" });
        assert.strictEqual(record.stopped, "Ctrl-C");
        assert.ok(directory.readRecord()!.finished);
    });

    it("keeps the results of an up that finished despite the interrupt, then tears down", async () => {
        const control = new SweepControl();
        const backend = new FakeBackend({ up: { "none-mtls-off": async () => {
            control.requestStop("Ctrl-C", false);
            return { results: FIXTURES["none-mtls-off"] };
        } } });
        const { record, directory } = await sweep(backend, {}, control);
        assert.deepStrictEqual(backend.calls, ["prepare none-mtls-off", "up none-mtls-off", "destroy none-mtls-off"]);
        assert.deepStrictEqual(outcomes(record)[0], ["none-mtls-off", "measured", "destroyed"]);
        assert.ok(directory.savedResults("none-mtls-off"));
    });

    it("on SIGTERM cancels the running up through its signal, then tears down", async () => {
        const control = new SweepControl();
        const backend = new FakeBackend({ up: { "istio-mtls-on": (signal) => new Promise((_, reject) => {
            signal.addEventListener("abort", () => reject(pulumiError("update canceled")));
            control.requestStop("SIGTERM", true);
        }) } });
        const { record } = await sweep(backend, {}, control);
        assert.strictEqual(backend.upSignals.get("istio-mtls-on")!.aborted, true);
        assert.deepStrictEqual(outcomes(record).map((o) => o[1]), ["measured", "failed", "not run"]);
        assert.ok(backend.calls.includes("destroy istio-mtls-on"));
    });

    it("destroys again when Ctrl-C reached Pulumi during the destroy", async () => {
        const control = new SweepControl();
        const backend = new FakeBackend({ destroyErrors: { "none-mtls-off": [pulumiError("destroy canceled")] } });
        const destroy = backend.destroy.bind(backend);
        backend.destroy = async (stack, onOutput) => {
            if (!control.stopRequested) control.requestStop("Ctrl-C", false);
            return destroy(stack, onOutput);
        };
        const { record } = await sweep(backend, {}, control);
        assert.deepStrictEqual(backend.calls, ["prepare none-mtls-off", "up none-mtls-off", "destroy none-mtls-off", "destroy none-mtls-off"]);
        assert.deepStrictEqual(outcomes(record)[0], ["none-mtls-off", "measured", "destroyed"]);
    });

    it("stops when a teardown fails, since the next setup would share what was left, and says what is still up", async () => {
        const backend = new FakeBackend({ destroyErrors: { "istio-mtls-on": [pulumiError("namespaces \"istio-system\": context deadline exceeded")] } });
        const { record, directory } = await sweep(backend);
        assert.deepStrictEqual(backend.calls.filter((c) => c.endsWith("istio-mtls-on")), ["prepare istio-mtls-on", "up istio-mtls-on", "destroy istio-mtls-on"]);
        assert.ok(!backend.calls.some((c) => c.endsWith("linkerd-mtls-on")));
        assert.deepStrictEqual(outcomes(record), [
            ["none-mtls-off", "measured", "destroyed"], ["istio-mtls-on", "measured", "failed"], ["linkerd-mtls-on", "not run", "not needed"],
        ]);
        assert.strictEqual(record.stopped, "the teardown of istio-mtls-on failed");
        assert.ok(directory.savedResults("istio-mtls-on"), "what was measured is kept");
        const summary = summaryLines(record, "results/r1", PLAN.setups.map((s) => s.stack), (s) => directory.savedResults(s));
        assert.ok(summary.includes("STILL UP: istio-mtls-on; tear down with: npm run sweep -- --destroy istio-mtls-on"), summary.join("\n"));
        assert.ok(!sweepSucceeded(record, PLAN.setups.map((s) => s.stack)));
    });

    it("with --keep leaves every stack up and says so", async () => {
        const { record, backend, lines } = await sweep(new FakeBackend(), { keep: true, plan: { setups: [PLAN.setups[0]], skipped: [] } });
        assert.deepStrictEqual(backend.calls, ["prepare none-mtls-off", "up none-mtls-off"]);
        assert.deepStrictEqual(outcomes(record), [["none-mtls-off", "measured", "kept"]]);
        assert.ok(lines.includes("[1/1] none-mtls-off: kept (--keep): tear it down with npm run sweep -- --destroy none-mtls-off"));
    });

    it("prints a summary with each setup's headline numbers and what was skipped", async () => {
        const { record, directory } = await sweep(new FakeBackend());
        const lines = summaryLines(record, "results/r1", PLAN.setups.map((s) => s.stack), (s) => directory.savedResults(s));
        assert.deepStrictEqual(lines.slice(1, 6), [
            "sweep r1: 3 setup(s)",
            "  none-mtls-off    measured, status ok: 32,877 RPS, netperf mean 212.5 µs; destroyed",
            "  istio-mtls-on    measured, status ok: 14,056 RPS, netperf mean 430.9 µs; destroyed",
            "  linkerd-mtls-on  measured, status ok: 19,784 RPS, netperf mean 301.8 µs; destroyed",
            "  cilium           skipped: the target already has a CNI",
        ]);
    });
});
