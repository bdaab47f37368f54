// Runs a plan: for each setup, prepare its stack, `up`, save the results, `destroy`.
// A setup whose `up` fails is still destroyed and recorded, and the sweep goes on; a
// teardown that fails stops the sweep, since the next setup would share what was left.
import type { RawConfig } from "../shared/fields";
import type { BenchmarkResults } from "../loadtest/results";
import { resultsProblem } from "./results-file";
import type { StackBackend, SweepControl } from "./backend";
import type { Plan, PlannedSetup } from "./plan";
import { mergeSetupRecords, type SetupOutcome, type SetupRecord, type SweepRecord, type Teardown } from "./record";
import type { RunDirectory } from "./run-directory";
import { setupRawConfig, stackConfigEntries } from "./stack-config";
import { formatDuration, outcomeText } from "./summary";

export interface SweepRun {
    readonly runId: string;
    readonly plan: Plan;
    /** `meshbench:` config shared by every setup. */
    readonly settings: RawConfig;
    /** Leave stacks up. */
    readonly keep: boolean;
}

export interface SweepDeps {
    readonly backend: StackBackend;
    readonly directory: RunDirectory;
    readonly control: SweepControl;
    /** One progress line. */
    readonly log: (line: string) => void;
    readonly now: () => Date;
}

/**
 * What went wrong, in one line: Pulumi's `error:` lines if it printed any (the Automation
 * API's message is its whole stdout and stderr), else the last lines. The full text is in
 * the stack's log.
 */
export function errorText(e: unknown): string {
    const text = e instanceof Error ? e.message : String(e);
    const lines = text.split("\n")
        .map((l) => l.trim().replace(/^(stdout|stderr|err\?):\s*/, ""))
        .filter((l) => l !== "" && !/^code: -?\d+$/.test(l));
    const errors = lines.filter((l) => /^error:/i.test(l));
    return (errors.length > 0 ? errors : lines).slice(-3).join(" | ") || "unknown error";
}

async function teardown(setup: PlannedSetup, run: SweepRun, deps: SweepDeps, say: (s: string) => void): Promise<Teardown> {
    if (run.keep) {
        say(`kept (--keep): tear it down with npm run sweep -- --destroy ${setup.stack}`);
        return { kind: "kept" };
    }
    const destroy = async (): Promise<Teardown> => {
        try {
            await deps.backend.destroy(setup.stack, (text) => deps.directory.appendLog(setup.stack, text));
            say("destroyed");
            return { kind: "destroyed" };
        } catch (e) {
            return { kind: "failed", reason: errorText(e) };
        }
    };
    say("destroy");
    const stoppedBefore = deps.control.stopRequested;
    let result = await destroy();
    // Ctrl-C in a terminal reaches Pulumi too, which then cancels the destroy. The user
    // asked for a stop, not for the stack to stay up: destroy once more.
    if (result.kind === "failed" && !stoppedBefore && deps.control.stopRequested) {
        say(`destroy was cut short by the interrupt (${result.reason}); destroying again`);
        result = await destroy();
    }
    if (result.kind === "failed") say(`DESTROY FAILED: ${result.reason}`);
    return result;
}

/** Prepare, up, save: what the setup produced, whether or not teardown is then needed. */
async function measure(setup: PlannedSetup, run: SweepRun, deps: SweepDeps, say: (s: string) => void):
    Promise<{ outcome: SetupOutcome; deployed: boolean }> {
    const log = (text: string) => deps.directory.appendLog(setup.stack, text);
    try {
        say("prepare stack");
        await deps.backend.prepare(setup.stack, stackConfigEntries(setupRawConfig(setup, run.settings, run.runId)));
    } catch (e) {
        return { outcome: { kind: "failed", stage: "prepare", reason: errorText(e) }, deployed: false };
    }

    let outputs: Readonly<Record<string, unknown>>;
    try {
        say(`up (Pulumi's output: ${deps.directory.logFile(setup.stack)})`);
        outputs = await deps.backend.up(setup.stack, log, deps.control.upSignal);
    } catch (e) {
        const interrupted = deps.control.stopRequested ? `interrupted (${deps.control.stopReason}): ` : "";
        return { outcome: { kind: "failed", stage: "up", reason: interrupted + errorText(e) }, deployed: true };
    }

    const problem = resultsProblem(outputs.results);
    if (problem) {
        return { outcome: { kind: "failed", stage: "results", reason: `stack output "results": ${problem}` }, deployed: true };
    }
    const results = outputs.results as BenchmarkResults;
    deps.directory.saveResults(setup.stack, results);
    return { outcome: { kind: "measured", status: results.status }, deployed: true };
}

export async function runSweep(run: SweepRun, deps: SweepDeps): Promise<SweepRecord> {
    const startedAt = deps.now();
    const earlier = deps.directory.readRecord();
    const records: SetupRecord[] = [];
    let teardownFailed: string | undefined;

    const write = (finished: boolean) => deps.directory.writeRecord({
        runId: run.runId,
        settings: run.settings,
        startedAt: earlier?.startedAt ?? startedAt.toISOString(),
        updatedAt: deps.now().toISOString(),
        finished,
        stopped: deps.control.stopReason ?? (teardownFailed ? `the teardown of ${teardownFailed} failed` : undefined),
        setups: mergeSetupRecords(earlier?.setups ?? [], records),
        skipped: run.plan.skipped,
    });

    for (const [index, setup] of run.plan.setups.entries()) {
        const say = (s: string) => deps.log(`[${index + 1}/${run.plan.setups.length}] ${setup.stack}: ${s}`);
        const base = { stack: setup.stack, mesh: setup.mesh, mtls: setup.mtls };

        const notRun = deps.control.stopRequested ? `sweep stopped (${deps.control.stopReason})`
            : teardownFailed ? `the teardown of ${teardownFailed} failed` : undefined;
        if (notRun) {
            records.push({ ...base, outcome: { kind: "not run", reason: notRun }, teardown: { kind: "not needed" }, seconds: 0 });
            continue;
        }
        const saved = deps.directory.savedResults(setup.stack);
        if (saved && saved.status !== "failed") {
            say(`results already saved (${saved.status}); skipped`);
            records.push({ ...base, outcome: { kind: "resumed", status: saved.status }, teardown: { kind: "not needed" }, seconds: 0 });
            continue;
        }

        const start = deps.now().getTime();
        deps.control.activeStack = setup.stack;
        const { outcome, deployed } = await measure(setup, run, deps, say);
        say(outcomeText(outcome, deps.directory.savedResults(setup.stack)));
        const torn = deployed ? await teardown(setup, run, deps, say) : { kind: "not needed" as const };
        deps.control.activeStack = undefined;
        if (torn.kind === "failed") teardownFailed = setup.stack;

        const seconds = Math.round((deps.now().getTime() - start) / 1000);
        say(`done in ${formatDuration(seconds)}`);
        records.push({ ...base, outcome, teardown: torn, seconds });
        write(false);
    }
    write(true);
    return deps.directory.readRecord()!;
}
