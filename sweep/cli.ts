// `npm run sweep -- [options]`: wires the command line, the Pulumi adapter, the results
// folder and the signals to runSweep. See SWEEP_USAGE in options.ts.
import * as path from "path";
import { MESHES } from "../meshes";
import { SweepControl } from "./backend";
import { parseSweepArgs, newRunId, SWEEP_USAGE, UsageError, type SweepOptions } from "./options";
import { buildPlan, type Plan } from "./plan";
import { TARGETS, type TargetName } from "../cluster";
import { CLUSTER_FIELDS } from "../cluster/settings";
import { backendUrl, passphraseProblem, preflightProblems } from "./preflight";
import { findPulumiCli, pulumiBackend } from "./pulumi-backend";
import { RunDirectory } from "./run-directory";
import { runSweep } from "./run";
import { setupRawConfig, stackConfigEntries } from "./stack-config";
import { summaryLines, sweepSucceeded } from "./summary";

const PROJECT_DIR = path.resolve(__dirname, "..");
const say = (line: string) => console.log(line);

function printPlan(plan: Plan, runId: string, options: SweepOptions): void {
    say(`run ${runId}: ${plan.setups.length} setup(s)${options.keep ? ", stacks kept" : ", each destroyed after its run"}`);
    for (const s of plan.setups) say(`  ${s.stack}`);
    for (const s of plan.skipped) say(`  skipped ${s.mesh}${s.mtls === undefined ? "" : ` mTLS ${s.mtls ? "on" : "off"}`}: ${s.reason}`);
}

function printStackConfig(plan: Plan, runId: string, options: SweepOptions): void {
    for (const setup of plan.setups) {
        say(`\n${setup.stack}:`);
        for (const e of stackConfigEntries(setupRawConfig(setup, options.config, runId))) {
            say(`  ${e.key}: ${e.secret ? "[secret]" : e.value}`);
        }
    }
}

/** First Ctrl-C: stop after tearing down the current stack. Second: quit now. SIGTERM: cancel and tear down. */
function handleSignals(control: SweepControl): void {
    process.on("SIGINT", () => {
        if (!control.stopRequested) {
            control.requestStop("Ctrl-C", false);
            say(`\nstopping: ${control.activeStack ? `tearing down ${control.activeStack} first` : "no stack is up"}; `
                + "press Ctrl-C again to quit at once and leave it up");
            return;
        }
        if (control.activeStack) say(`\nquitting; ${control.activeStack} may still be up: npm run sweep -- --destroy ${control.activeStack}`);
        process.exit(130);
    });
    process.on("SIGTERM", () => control.requestStop("SIGTERM", true));
}

async function main(argv: readonly string[]): Promise<number> {
    const options = parseSweepArgs(argv);
    if (options.help) {
        say(SWEEP_USAGE);
        return 0;
    }
    const url = backendUrl(process.env, PROJECT_DIR);
    const needsPassphrase = passphraseProblem(process.env, url);

    if (options.destroy.length > 0) {
        if (needsPassphrase) throw new UsageError(needsPassphrase);
        const backend = pulumiBackend({ projectDir: PROJECT_DIR, backendUrl: url }, await findPulumiCli());
        for (const stack of options.destroy) {
            say(`${stack}: destroy`);
            await backend.destroy(stack, (text) => process.stdout.write(text));
        }
        return 0;
    }

    const runId = options.runId ?? newRunId(new Date());
    const resultsDir = path.resolve(options.resultsDir, runId);
    const directory = new RunDirectory(resultsDir);
    // A mesh the target cannot run (Cilium on an existing cluster or on eks) is skipped, with the target's reason.
    const target = TARGETS[(options.config.target ?? CLUSTER_FIELDS.target.default) as TargetName] ?? TARGETS.vms;
    const plan = buildPlan(options.plan, MESHES, (mesh) => target.meshSupport({ mesh: mesh.name, installCni: !mesh.providesCni }));
    printPlan(plan, runId, options);

    const problems = preflightProblems({ runId, plan, settings: options.config, keep: options.keep, earlier: directory.readRecord() });
    if (needsPassphrase && !options.dryRun) problems.push(needsPassphrase);
    if (problems.length > 0) throw new UsageError(`cannot start:\n  - ${problems.join("\n  - ")}`);
    if (options.dryRun) {
        printStackConfig(plan, runId, options);
        return 0;
    }

    const backend = pulumiBackend({ projectDir: PROJECT_DIR, backendUrl: url }, await findPulumiCli());
    const control = new SweepControl();
    handleSignals(control);
    say(`state: ${url}`);
    const record = await runSweep(
        { runId, plan, settings: options.config, keep: options.keep },
        { backend, directory, control, log: say, now: () => new Date() },
    );
    const stacks = plan.setups.map((s) => s.stack);
    summaryLines(record, path.relative(process.cwd(), resultsDir) || ".", stacks, (s) => directory.savedResults(s)).forEach(say);
    return control.stopRequested ? 130 : sweepSucceeded(record, stacks) ? 0 : 1;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
        // Our errors say what to do; a stack trace only helps when debugging the sweep itself.
        console.error(e instanceof Error && !process.env.MESHBENCH_DEBUG ? e.message : e);
        process.exit(e instanceof UsageError ? 2 : 1);
    },
);
