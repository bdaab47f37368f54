// Runs a plan: for each step (a setup in a lane and round), prepare its stack, `up`, save
// the results, `destroy`, check the cluster is back in its clean state. On vms and eks a
// lane's setups share the lane's cluster stacks (sweep/lane-clusters.ts), brought up before
// the first setup that needs one and destroyed after the last; lanes run side by side
// unless --serial.
// A setup whose `up` fails is still destroyed and recorded, and the sweep goes on; a
// teardown that fails stops the sweep, since the next setup would share what was left.
import type { RawConfig } from "../shared/fields";
import type { BenchmarkResults } from "../loadtest/results";
import { mean } from "../loadtest/stats";
import { resultsProblem } from "./results-file";
import type { StackBackend, SweepControl } from "./backend";
import type { Lane, SweepStep } from "./lanes";
import type { Plan, PlannedSetup } from "./plan";
import { mergeSetupRecords, type SetupOutcome, type SetupRecord, type SweepRecord, type Teardown } from "./record";
import type { RunDirectory } from "./run-directory";
import { setupRawConfig, stackConfigEntries } from "./stack-config";
import { residueOf, residueText, type ClusterListing } from "./residue";
import { errorText, residueChecked, teardown } from "./teardown";
import type { ResidueLister } from "./residue-lister";
import { laneClusterStacks, onClusterRawConfig, type LaneClusterStack } from "./cluster-stacks";
import { LaneClusters } from "./lane-clusters";
import { formatDuration, outcomeText } from "./summary";

export interface SweepRun {
    readonly runId: string;
    readonly plan: Plan;
    /** `meshbench:` config shared by every setup. */
    readonly settings: RawConfig;
    /** Leave stacks up. */
    readonly keep: boolean;
    /** Lanes, rounds and orders; absent: the plan's setups in order, one lane, one round. */
    readonly lanes?: {
        readonly lanes: Lane[];
        readonly rounds: number;
        readonly seed: number;
        /** Run the lanes side by side (each on its own clusters); else one after the other. */
        readonly parallel?: boolean;
    };
    /**
     * Targets vms and eks: each lane's setups run on the lane's cluster stacks (sweep/cluster-stacks.ts),
     * a separate one for meshes that are the CNI. Absent (target kubeconfig): the setups run on the given cluster.
     */
    readonly clusterStacks?: { readonly isCni: (mesh: string) => boolean };
}

export interface SweepDeps {
    readonly backend: StackBackend;
    readonly directory: RunDirectory;
    readonly control: SweepControl;
    /** One progress line. */
    readonly log: (line: string) => void;
    readonly now: () => Date;
    /**
     * Lists a lane's cluster for the residue check, when its setups share one (target
     * kubeconfig). Listed before the lane's first setup (the clean state) and after each
     * destroy; a setup that leaves residue fails its lane.
     */
    readonly inspect?: (lane: number) => Promise<ClusterListing>;
    /** Lists a cluster stack's cluster from its kubeconfig, for the residue check on vms and eks (sweep/residue-lister.ts). */
    readonly lister?: (kubeconfig: string) => ResidueLister;
    /** US dollars spent after `clusterSeconds` (seconds some cluster was up, summed over clusters), when the target costs money. */
    readonly spent?: (clusterSeconds: number) => number | undefined;
}

/** The steps of a run: its lanes' in order, or the plan's setups as one lane and round. */
export function stepsOf(run: SweepRun): SweepStep[] {
    return run.lanes ? run.lanes.lanes.flatMap((l) => l.steps)
        : run.plan.setups.map((setup) => ({ lane: 1, round: 1, setup, stack: setup.stack, resultsName: setup.stack }));
}

/** "lane 2: 3/10 done, ETA 14:35 UTC", from the lane's own steps so far (resumed ones take no time and are not counted). */
export function laneProgress(lane: number, done: number, total: number, measuredSeconds: readonly number[], now: Date): string {
    const left = total - done;
    if (left === 0) return `lane ${lane}: ${done}/${total} done`;
    if (measuredSeconds.length === 0) return `lane ${lane}: ${done}/${total} done, ETA unknown until a setup has run`;
    const perSetup = mean(measuredSeconds);
    const eta = new Date(now.getTime() + left * perSetup * 1000);
    return `lane ${lane}: ${done}/${total} done, ETA ${eta.toISOString().slice(11, 16)} UTC (${formatDuration(Math.round(left * perSetup))} more)`;
}

/** Prepare, up, save: what the setup produced, whether or not teardown is then needed. */
async function measure(step: SweepStep, run: SweepRun, deps: SweepDeps, say: (s: string) => void, cluster?: LaneClusterStack):
    Promise<{ outcome: SetupOutcome; deployed: boolean }> {
    const setup = { ...step.setup, stack: step.stack } satisfies PlannedSetup;
    const log = (text: string) => deps.directory.appendLog(setup.stack, text);
    try {
        say("prepare stack");
        const raw = setupRawConfig(step.setup, run.settings, run.runId);
        await deps.backend.prepare(setup.stack, stackConfigEntries(cluster ? onClusterRawConfig(raw, cluster.stack) : raw));
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
    deps.directory.saveResults(step.resultsName, results);
    return { outcome: { kind: "measured", status: results.status }, deployed: true };
}

export async function runSweep(run: SweepRun, deps: SweepDeps): Promise<SweepRecord> {
    const startedAt = deps.now();
    const earlier = deps.directory.readRecord();
    const steps = stepsOf(run);
    // By step, so that the record lists them in plan order even when lanes finish out of turn.
    const records: (SetupRecord | undefined)[] = new Array(steps.length);
    let teardownFailed: string | undefined;
    /** Per lane: why its later steps do not run (a teardown that failed or left residue, a cluster stack that failed). */
    const laneBroken = new Map<number, string>();
    const clusterPlan = run.clusterStacks ? laneClusterStacks(steps, run.clusterStacks.isCni) : [];
    const clusterOf = (index: number): { cluster: LaneClusterStack; lastStep: number } | undefined => {
        const step = steps[index];
        return clusterPlan.find((c) => c.cluster.lane === step.lane && c.cluster.kind === (run.clusterStacks!.isCni(step.setup.mesh) ? "mesh" : "installed"));
    };
    const clusters = new LaneClusters(run.settings, run.keep, {
        backend: deps.backend, directory: deps.directory, control: deps.control, lister: deps.lister, errorText, now: deps.now,
    }, earlier?.clusters ?? []);
    const clean = new Map<number, ClusterListing>();
    /** Seconds of finished steps, summed: the cost's measure off cluster stacks (target kubeconfig, whose cluster is the user's). */
    let stepSeconds = 0;

    const write = (finished: boolean) => deps.directory.writeRecord({
        runId: run.runId,
        settings: run.settings,
        startedAt: earlier?.startedAt ?? startedAt.toISOString(),
        updatedAt: deps.now().toISOString(),
        finished,
        stopped: deps.control.stopReason ?? (teardownFailed ? `the teardown of ${teardownFailed} failed` : undefined),
        setups: mergeSetupRecords(earlier?.setups ?? [], records.filter((r): r is SetupRecord => r !== undefined)),
        skipped: run.plan.skipped,
        ...(run.lanes ? { lanes: { lanes: run.lanes.lanes.length, rounds: run.lanes.rounds, seed: run.lanes.seed,
            orders: run.lanes.lanes.map((l) => l.order) } } : {}),
        ...(run.clusterStacks ? { clusters: clusters.recorded } : {}),
    });

    const laneSeconds = new Map<number, number[]>();
    const laneDone = new Map<number, number>();
    const laneEta = new Map<number, string>();
    const laneTotal = (lane: number) => steps.filter((s) => s.lane === lane).length;

    async function runStep(step: SweepStep, index: number): Promise<void> {
        const { setup } = step;
        const where = run.lanes ? ` (lane ${step.lane}, round ${step.round})` : "";
        // Every phase line of a lane carries the lane's ETA once one of its steps has run.
        const say = (s: string) => deps.log(`[${index + 1}/${steps.length}] ${step.stack}${where}: ${s}`
            + (laneEta.has(step.lane) ? ` [lane ${step.lane} ${laneEta.get(step.lane)}]` : ""));
        const base = { stack: step.stack, mesh: setup.mesh, mtls: setup.mtls,
            ...(run.lanes ? { setup: setup.stack, lane: step.lane, round: step.round, results: step.resultsName } : {}) };

        const notRun = deps.control.stopRequested ? `sweep stopped (${deps.control.stopReason})`
            : laneBroken.get(step.lane);
        if (notRun) {
            records[index] = { ...base, outcome: { kind: "not run", reason: notRun }, teardown: { kind: "not needed" }, seconds: 0 };
            return;
        }
        const saved = deps.directory.savedResults(step.resultsName);
        if (saved && saved.status !== "failed") {
            say(`results already saved (${saved.status}); skipped`);
            records[index] = { ...base, outcome: { kind: "resumed", status: saved.status }, teardown: { kind: "not needed" }, seconds: 0 };
            laneDone.set(step.lane, (laneDone.get(step.lane) ?? 0) + 1);
            return;
        }

        const start = deps.now().getTime();
        const onCluster = clusterOf(index);
        if (onCluster) {
            const problem = await clusters.ensure(onCluster.cluster, say);
            write(false);
            if (problem) {
                say(problem);
                records[index] = { ...base, outcome: { kind: "failed", stage: "cluster", reason: problem }, teardown: { kind: "not needed" },
                    seconds: Math.round((deps.now().getTime() - start) / 1000) };
                laneBroken.set(step.lane, problem);
                write(false);
                return;
            }
        }
        if (deps.inspect && !clean.has(step.lane)) clean.set(step.lane, await deps.inspect(step.lane));
        deps.control.activeStacks.add(step.stack);
        const { outcome, deployed } = await measure(step, run, deps, say, onCluster?.cluster);
        say(outcomeText(outcome, deps.directory.savedResults(step.resultsName)));
        let torn: Teardown = deployed ? await teardown(step, run, deps, say) : { kind: "not needed" as const };
        deps.control.activeStacks.delete(step.stack);
        if (torn.kind === "destroyed") {
            torn = await residueChecked(say, onCluster ? () => clusters.residue(onCluster.cluster)
                : deps.inspect ? async () => residueOf(clean.get(step.lane)!, await deps.inspect!(step.lane)).map(residueText) : undefined);
        }
        if (torn.kind === "failed" || torn.kind === "residue") {
            teardownFailed ??= step.stack;
            laneBroken.set(step.lane, torn.kind === "residue" ? `${step.stack} left residue on the cluster` : `the teardown of ${step.stack} failed`);
        }

        const now = deps.now();
        const seconds = Math.round((now.getTime() - start) / 1000);
        stepSeconds += seconds;
        const elapsed = Math.round((now.getTime() - startedAt.getTime()) / 1000);
        // On cluster stacks, their own up time (creation and destruction included); else the steps'.
        const money = deps.spent?.(run.clusterStacks ? clusters.clusterSeconds() : stepSeconds);
        say(`done in ${formatDuration(seconds)}; sweep elapsed ${formatDuration(elapsed)}`
            + (money === undefined ? "" : `, about $${money.toFixed(2)} spent so far (on-demand estimate)`));
        laneSeconds.set(step.lane, [...(laneSeconds.get(step.lane) ?? []), seconds]);
        laneDone.set(step.lane, (laneDone.get(step.lane) ?? 0) + 1);
        if (run.lanes) {
            const progress = laneProgress(step.lane, laneDone.get(step.lane)!, laneTotal(step.lane), laneSeconds.get(step.lane)!, now);
            deps.log(progress);
            const eta = progress.match(/ETA \d\d:\d\d UTC/)?.[0];
            if (eta) laneEta.set(step.lane, eta);
        }
        records[index] = { ...base, outcome, teardown: torn, seconds };
        write(false);
    }

    const indexed = steps.map((step, index) => ({ step, index }));
    /** A lane's steps; each cluster stack is destroyed after its last one, and whatever is still up when the lane ends (stopped, broken). */
    async function runLane(lane: number): Promise<void> {
        const say = (s: string) => deps.log(`lane ${lane}: ${s}`);
        try {
            for (const { step, index } of indexed.filter((x) => x.step.lane === lane)) {
                await runStep(step, index);
                const used = clusterOf(index);
                if (used && used.lastStep === index && clusters.isUp(used.cluster.stack)) {
                    await clusters.release(used.cluster, say);
                    write(false);
                }
            }
        } finally {
            for (const { cluster } of clusterPlan.filter((c) => c.cluster.lane === lane)) {
                if (clusters.recorded.some((r) => r.stack === cluster.stack && r.state === "up")) await clusters.release(cluster, say);
            }
            if (clusterPlan.length > 0) write(false);
        }
    }
    const lanes = [...new Set(steps.map((s) => s.lane))];
    if (run.lanes?.parallel) {
        // Each lane is its own cluster stacks, so lanes do not share nodes.
        await Promise.all(lanes.map(runLane));
    } else {
        for (const lane of lanes) await runLane(lane);
    }
    const total = run.clusterStacks ? deps.spent?.(clusters.clusterSeconds()) : undefined;
    if (total !== undefined) {
        deps.log(`sweep: about $${total.toFixed(2)} spent in all (on-demand estimate: the cluster stacks were up `
            + `${formatDuration(clusters.clusterSeconds())} in all, creating and destroying them included)`);
    }
    write(true);
    return deps.directory.readRecord()!;
}
