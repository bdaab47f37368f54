// Checks made before the first stack is touched, so that a sweep of several hours does
// not fail on its third setup for a reason that was knowable at the start.
import { ConfigError, parseConfig } from "../config";
import { writtenConfigs } from "./cluster-stacks";
import type { RawConfig } from "../shared/fields";
import type { LaneOptions } from "./lanes";
import type { Plan } from "./plan";
import type { SweepRecord } from "./record";
import { parserInput } from "./stack-config";
import { sweepWording } from "./wording";

export interface PreflightInput {
    readonly runId: string;
    readonly plan: Plan;
    readonly settings: RawConfig;
    readonly keep: boolean;
    /** The record of this run id, when resuming. */
    readonly earlier?: SweepRecord;
    /** Lanes, rounds and seed of this sweep. */
    readonly lanes?: LaneOptions;
}

const describe = (settings: RawConfig): string =>
    Object.keys(settings).length === 0 ? "(none)" : Object.entries(settings).map(([k, v]) => `${k}=${v}`).sort().join(" ");

export function preflightProblems(input: PreflightInput): string[] {
    const { plan } = input;
    if (plan.setups.length === 0) {
        const skipped = plan.skipped.map((s) => `${s.mesh}${s.mtls === undefined ? "" : ` mTLS ${s.mtls ? "on" : "off"}`}: ${sweepWording(s.reason)}`);
        return [`nothing to run${skipped.length ? `; skipped: ${skipped.join("; ")}` : ""}`];
    }

    // Every stack's config, checked by the program's own parser: the same messages a
    // preview would print, but before anything is deployed, and worded as flags.
    const problems = new Set<string>();
    const targetOf = (raw: RawConfig): string | undefined => {
        try {
            const { meshbench, context } = parserInput(raw);
            return parseConfig(meshbench, context).cluster.target;
        } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
            e.problems.forEach((p) => problems.add(sweepWording(p)));
            return undefined;
        }
    };
    let target: string | undefined;
    for (const { raw } of writtenConfigs(plan.setups, input.settings, input.runId, false)) target = targetOf(raw) ?? target;
    // On vms and eks the stacks are cluster stacks and setups on them: check the configs
    // the sweep will write to those, not only each setup's on its own.
    if (problems.size === 0 && (target === "vms" || target === "eks")) {
        writtenConfigs(plan.setups, input.settings, input.runId, true).forEach(({ raw }) => targetOf(raw));
    }

    // On an existing cluster, setups take turns on the same nodes; a kept stack would
    // still hold the benchmark namespace when the next one deploys.
    if (input.keep && plan.setups.length > 1 && target === "kubeconfig") {
        problems.add("--keep with target kubeconfig runs one setup at a time: the setups share your cluster, "
            + `so each must be destroyed before the next; choose one setup (e.g. --meshes istio --mtls on)`);
    }

    if (input.earlier && describe(input.earlier.settings) !== describe(input.settings)) {
        problems.add(`run ${input.runId} was swept with ${describe(input.earlier.settings)}; `
            + `this sweep has ${describe(input.settings)}. Resume with the same options, or start a new run without --run-id`);
    }
    // A round reuses its lane's stack; kept up, the next round's `up` would change nothing and measure nothing new.
    if (input.keep && (input.lanes?.rounds ?? 1) > 1) {
        problems.add(`--keep with --rounds ${input.lanes!.rounds}: each round reuses its lane's stack, and a stack kept up would not `
            + "be measured again; give --keep with one round, or rounds without --keep");
    }

    const before = input.earlier?.lanes;
    const now = input.lanes;
    if (before && now && (before.lanes !== now.lanes || before.rounds !== now.rounds || before.seed !== now.seed)) {
        problems.add(`run ${input.runId} was swept with --lanes ${before.lanes} --rounds ${before.rounds} --seed ${before.seed}; `
            + `this sweep has --lanes ${now.lanes} --rounds ${now.rounds} --seed ${now.seed}. Resume with the same, or start a new run without --run-id`);
    }
    return [...problems];
}
