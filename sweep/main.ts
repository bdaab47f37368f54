// What `npm run sweep` does, from argv to exit status, with everything that touches the
// machine passed in (cli.ts wires the real ones; the tests, fakes). The order is the
// contract: options, plan, config, estimate, prerequisites, confirmation, and only then
// a stack. A dry run stops before the first stack, whatever else it is given.
import * as path from "path";
import { TARGETS, type TargetName } from "../cluster";
import { CLUSTER_FIELDS } from "../cluster/settings";
import { parseConfig } from "../config";
import { MESHES } from "../meshes";
import type { StackBackend, SweepControl } from "./backend";
import { sweepEstimate } from "./estimate";
import { newRunId, parseSweepArgs, SWEEP_USAGE, UsageError, type SweepOptions } from "./options";
import { buildLanes, seedOf, withBaseline, type Lane, type LaneOptions } from "./lanes";
import { clusterStackName, laneClusterStacks, meshIsCni, writtenConfigs } from "./cluster-stacks";
import { buildPlan, withResponseSizes, type Plan } from "./plan";
import { preflightProblems } from "./preflight";
import { backendUrl, prerequisiteChecks, prerequisiteLines, prerequisiteProblems, type MachineFacts } from "./prerequisites";
import type { ResidueLister } from "./residue-lister";
import { RunDirectory } from "./run-directory";
import { readKubeconfig, resolveKubeconfigPath } from "../cluster/kubeconfig-file";
import { runSweep } from "./run";
import { parserInput, setupRawConfig, stackConfigEntries } from "./stack-config";
import { summaryLines, sweepSucceeded } from "./summary";
import { sweepWording } from "./wording";

/** Exit statuses, as --help states them. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export interface SweepIo {
    readonly projectDir: string;
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    /** A line on stdout. */
    readonly say: (line: string) => void;
    /** A line on stderr. */
    readonly warn: (line: string) => void;
    /** Pulumi's own output, as it comes. */
    readonly write: (text: string) => void;
    /** Whether someone can answer a question: stdin and stdout are terminals. */
    readonly interactive: boolean;
    /** Asks a question; undefined when the user interrupted instead of answering. */
    readonly ask: (question: string) => Promise<string | undefined>;
    /** Probes the Pulumi CLI and the environment; reads, never changes, anything. */
    readonly machine: () => Promise<MachineFacts>;
    /** The only door to stacks. */
    readonly openBackend: (url: string) => Promise<StackBackend>;
    readonly control: SweepControl;
    /** Lists a cluster for the residue check (sweep/residue-lister.ts), with `image` for the pod per node; absent: no check. */
    readonly residueLister?: (kubeconfig: string, image: string, context?: string) => ResidueLister;
    /** Installs the Ctrl-C handling of a running sweep. */
    readonly handleSignals: (control: SweepControl) => void;
    readonly now: () => Date;
}

function printPlan(plan: Plan, runId: string, options: SweepOptions, say: (s: string) => void): void {
    const target = options.config.target ?? CLUSTER_FIELDS.target.default;
    say(`run ${runId}: ${plan.setups.length} setup(s) on target ${target}${options.config.target ? "" : " (the default)"}`
        + `${options.keep ? ", stacks kept" : ", each destroyed after its run"}`);
    for (const s of plan.skipped) say(`  skipped ${s.mesh}${s.mtls === undefined ? "" : ` mTLS ${s.mtls ? "on" : "off"}`}: ${sweepWording(s.reason)}`);
}

function printLanes(lanes: readonly Lane[], o: LaneOptions, parallel: boolean, added: boolean, say: (s: string) => void): void {
    say(`${o.lanes} lane(s) × ${o.rounds} round(s), each lane in its own order (seed ${o.seed}, recorded in sweep.json)`
        + `${o.lanes > 1 ? (parallel ? "; lanes side by side" : "; lanes one after the other (--serial)") : ""}:`);
    if (added) say("  the baseline (none-mtls-off) was added to every lane: each overhead is paired with the baseline of its own lane and round");
    for (const l of lanes) say(`  lane ${l.lane}: ${l.order.join(", ")}${o.rounds > 1 ? `, ${o.rounds} times` : ""}`);
}

/** vms, eks: the cluster stacks each lane's setups run on. */
function printClusterStacks(lanes: readonly Lane[], say: (s: string) => void): void {
    const plan = laneClusterStacks(lanes.flatMap((l) => l.steps), meshIsCni);
    say("cluster stacks (each up before its lane's first setup on it, destroyed after the last unless --keep; every setup references one):");
    for (const l of lanes) {
        const own = plan.filter((c) => c.cluster.lane === l.lane).map((c) => `${c.cluster.stack}${c.cluster.kind === "mesh" ? " (no CNI: for the mesh that is the CNI)" : ""}`);
        say(`  lane ${l.lane}: ${own.join(", ")}`);
    }
}

/** The config the sweep writes into each stack; on vms and eks, the cluster stacks' and that of the setups on them. */
function printStackConfig(plan: Plan, runId: string, options: SweepOptions, onClusterStacks: boolean, say: (s: string) => void): void {
    for (const { stack, raw, cluster } of writtenConfigs(plan.setups, options.config, runId, onClusterStacks)) {
        const lanes = options.lanes <= 1 ? ""
            : cluster !== undefined ? ` (and each lane's: to ${clusterStackName(cluster, options.lanes)})`
            : ` (stacks ${stack}-lane1 to ${stack}-lane${options.lanes})`;
        say(`\n${stack}${lanes}:`);
        for (const e of stackConfigEntries(raw)) say(`  ${e.key}: ${e.secret ? "[secret]" : e.value}`);
    }
}

/** How to reach the sweep's stacks with the plain Pulumi CLI, which logs in elsewhere by default. */
export function plainCliHint(url: string, stack: string): string {
    return `with the plain CLI: PULUMI_BACKEND_URL=${url} pulumi stack output results --stack ${stack} `
        + `(or pulumi login ${url} once, then pulumi stack select ${stack})`;
}

const cannotStart = (problems: readonly string[]): UsageError => new UsageError(`cannot start:\n  - ${problems.join("\n  - ")}`);

async function destroyOnly(options: SweepOptions, url: string, io: SweepIo): Promise<number> {
    if (options.dryRun) {
        for (const stack of options.destroy) io.say(`dry run: would destroy ${stack} (state: ${url}); nothing was touched`);
        return EXIT.ok;
    }
    const problems = prerequisiteProblems(prerequisiteChecks(undefined, url, await io.machine()));
    if (problems.length > 0) throw cannotStart(problems);
    const backend = await io.openBackend(url);
    for (const stack of options.destroy) {
        io.say(`${stack}: destroy`);
        await backend.destroy(stack, io.write);
        io.say(`${stack}: destroyed`);
    }
    return EXIT.ok;
}

/** Asks before spending money; the answer as an exit status, or undefined to go on. */
async function confirm(target: string, options: SweepOptions, io: SweepIo): Promise<number | undefined> {
    if (options.yes) return undefined;
    if (!io.interactive) {
        throw new UsageError(`target ${target} creates AWS resources that cost money (estimate above), and there is no terminal `
            + "to confirm on: add --yes to start anyway, or --dry-run to see the plan");
    }
    const answer = await io.ask(`start? this creates AWS resources that cost money (target ${target}) [y/N] `);
    if (answer === undefined) return EXIT.interrupted;
    if (/^y(es)?$/i.test(answer.trim())) return undefined;
    io.say("not started (answer y to start, or give --yes)");
    return EXIT.failed;
}

async function sweep(options: SweepOptions, url: string, io: SweepIo): Promise<number> {
    const runId = options.runId ?? newRunId(io.now());
    const resultsDir = path.resolve(io.cwd, options.resultsDir, runId);
    const directory = new RunDirectory(resultsDir);
    // A mesh the target cannot run (Cilium on an existing cluster or on eks) is skipped, with the target's reason.
    const targetName = (options.config.target ?? CLUSTER_FIELDS.target.default) as TargetName;
    const target = TARGETS[targetName] ?? TARGETS.vms;
    const requested = buildPlan(options.plan, MESHES, (mesh) => target.meshSupport({ mesh: mesh.name, installCni: !mesh.providesCni }));
    const earlier = directory.readRecord();
    // A resume draws the orders it drew before: the recorded seed, unless --seed says otherwise (which preflight refuses).
    const laneOptions: LaneOptions = { lanes: options.lanes, rounds: options.rounds, seed: options.seed ?? earlier?.lanes?.seed ?? seedOf(runId) };
    if (targetName === "kubeconfig" && options.lanes > 1) {
        throw new UsageError(`--lanes: got ${options.lanes}; allowed: 1 with target kubeconfig (one lane: your cluster); --rounds repeats it`);
    }
    const { setups: withBase, added } = withBaseline(requested.setups, laneOptions);
    const setups = withResponseSizes(withBase, options.responseBytes);
    const plan: Plan = { ...requested, setups };
    const lanes = buildLanes(setups, laneOptions);
    const parallel = laneOptions.lanes > 1 && !options.serial;
    printPlan(plan, runId, options, io.say);
    if (setups.length > 0) printLanes(lanes, laneOptions, parallel, added, io.say);
    if (setups.length > 0 && targetName !== "kubeconfig") printClusterStacks(lanes, io.say);

    const problems = preflightProblems({ runId, plan, settings: options.config, keep: options.keep, earlier, lanes: laneOptions });
    if (problems.length > 0) throw cannotStart(problems);

    const { meshbench, context } = parserInput(setupRawConfig(plan.setups[0], options.config, runId));
    const config = parseConfig(meshbench, context);
    const estimate = sweepEstimate({ cluster: config.cluster, load: config.load, keep: options.keep,
        shape: { setups: plan.setups.length, lanes: laneOptions.lanes, rounds: laneOptions.rounds,
            cniSetups: plan.setups.filter((s) => MESHES[s.mesh].providesCni).length }, parallel,
        today: io.now().toISOString().slice(0, 10) });
    estimate.lines.forEach(io.say);

    const checks = prerequisiteChecks(config.cluster.target, url, await io.machine());
    io.say(`prerequisites (state: ${url}):`);
    prerequisiteLines(checks).forEach(io.say);
    const missing = prerequisiteProblems(checks);

    if (options.dryRun) {
        printStackConfig(plan, runId, options, targetName !== "kubeconfig", io.say);
        const then = [
            ...(missing.length > 0 ? ["would refuse to start until the MISSING prerequisites are there"] : []),
            ...(estimate.paid && !options.yes ? [`would ask before creating AWS resources on target ${config.cluster.target} (give --yes not to be asked; without a terminal, --yes is required)`] : []),
        ];
        io.say(`\ndry run: nothing was touched${then.length > 0 ? `; a real run ${then.join(", and ")}` : ""}`);
        return EXIT.ok;
    }
    if (missing.length > 0) throw cannotStart(missing);
    if (estimate.paid) {
        const answer = await confirm(config.cluster.target, options, io);
        if (answer !== undefined) return answer;
    }

    const backend = await io.openBackend(url);
    io.handleSignals(io.control);
    // On vms and eks the lanes' setups share cluster stacks; on kubeconfig, the user's cluster.
    const onStacks = config.cluster.target !== "kubeconfig";
    const image = config.images.netperfImage;
    const lister = io.residueLister;
    const record = await runSweep(
        { runId, plan, settings: options.config, keep: options.keep, lanes: { lanes, rounds: laneOptions.rounds, seed: laneOptions.seed, parallel },
            ...(onStacks ? { clusterStacks: { isCni: meshIsCni } } : {}) },
        { backend, directory, control: io.control, log: io.say, now: io.now, spent: estimate.spent,
            ...(lister && onStacks ? { lister: (kubeconfig: string) => lister(kubeconfig, image) } : {}),
            ...(lister && !onStacks ? { inspect: () => lister(readKubeconfig(resolveKubeconfigPath(config.cluster.kubeconfig), config.cluster.kubeconfig),
                image, config.cluster.kubeContext).list() } : {}) },
    );
    const stacks = [...new Set(lanes.flatMap((l) => l.steps.map((s) => s.stack)))];
    summaryLines(record, path.relative(io.cwd, resultsDir) || ".", stacks, (name) => directory.savedResults(name)).forEach(io.say);
    const leftUp = record.setups.filter((s) => stacks.includes(s.stack) && (s.teardown.kind === "kept" || s.teardown.kind === "failed"));
    if (leftUp.length > 0) io.say(plainCliHint(url, leftUp[0].stack));
    // Cluster stacks still up cost money until destroyed: each is named with its command.
    const clustersUp = (record.clusters ?? []).filter((c) => c.state !== "destroyed");
    for (const c of clustersUp) {
        io.say(`cluster stack ${c.stack} is still up (${c.state === "kept" ? "--keep" : `destroy failed: ${c.reason ?? "unknown"}`}): `
            + `npm run sweep -- --destroy ${c.stack}`);
    }
    const clusterFailed = clustersUp.some((c) => c.state === "failed");
    return io.control.stopRequested ? EXIT.interrupted : sweepSucceeded(record, stacks) && !clusterFailed ? EXIT.ok : EXIT.failed;
}

/** The whole command; resolves to the exit status and never rejects. */
export async function sweepMain(argv: readonly string[], io: SweepIo): Promise<number> {
    try {
        const options = parseSweepArgs(argv);
        if (options.help) {
            io.say(SWEEP_USAGE);
            return EXIT.ok;
        }
        const url = backendUrl(io.env, io.projectDir);
        return options.destroy.length > 0 ? await destroyOnly(options, url, io) : await sweep(options, url, io);
    } catch (e) {
        // Our errors say what to do; a stack trace only helps when debugging the sweep itself.
        io.warn(e instanceof Error && !io.env.MESHBENCH_DEBUG ? e.message : String((e as Error)?.stack ?? e));
        return e instanceof UsageError ? EXIT.usage : EXIT.failed;
    }
}
