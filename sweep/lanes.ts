// Lanes and rounds: which setup runs where and when. Pure.
//
// A lane is one cluster; every lane runs every setup of the plan, the baseline included,
// so that each setup has a baseline measured on the same nodes. Within a lane the setups
// run in an order drawn from the sweep's seed (a permutation per lane), so that a drift
// of the cluster over the hours (noisy neighbours, a warming page cache) does not always
// fall on the same mesh; `rounds` repeats the lane's permutation, so that the drift shows.
// The seed is recorded in sweep.json: a resumed run draws the same orders.
import type { PlannedSetup } from "./plan";
import { seededRandom } from "../shared/random";

export interface LaneOptions {
    /** Lanes (clusters), 1 or more. */
    readonly lanes: number;
    /** Times each lane runs its permutation, 1 or more. */
    readonly rounds: number;
    /** Seed of the permutations, an unsigned 32-bit integer. */
    readonly seed: number;
}

/** One setup in one lane and round. */
export interface SweepStep {
    readonly lane: number;
    readonly round: number;
    readonly setup: PlannedSetup;
    /** The Pulumi stack this step runs in: the setup's, per lane when there are several. */
    readonly stack: string;
    /** The results file's name without `.json`: what resume looks up. */
    readonly resultsName: string;
}

export interface Lane {
    readonly lane: number;
    /** The setups' stacks (the plan's names) in this lane's order. */
    readonly order: string[];
    readonly steps: SweepStep[];
}

/** The baseline every lane must run: overheads are paired with it. */
export const BASELINE_SETUP = "none-mtls-off";


/** A seed from a run id (FNV-1a), so that a run without --seed still has one to record. */
export function seedOf(runId: string): number {
    let h = 0x811c9dc5;
    for (const c of runId) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return h;
}

/** murmur3's finalizer: nearby seeds (0, 1, 2...) and lanes give unrelated generator states. */
function mix(h: number): number {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Fisher–Yates with the lane's own generator: lane L's order depends on the seed and L
 * only. A recorded seed must keep meaning the same orders, so this must not change.
 */
export function permutation<T>(items: readonly T[], seed: number, lane: number): T[] {
    const random = seededRandom(mix((seed ^ Math.imul(lane, 0x9e3779b1)) >>> 0));
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
}

/** Whether results carry lane and round in their file names: any sweep of more than one lane or round. */
export const isPaired = (o: LaneOptions): boolean => o.lanes > 1 || o.rounds > 1;

/** `<stack>.lane<L>.round<R>`; a one-lane, one-round sweep keeps `<stack>`, which the report reads as lane 1, round 1. */
export function resultsNameOf(setupStack: string, lane: number, round: number, options: LaneOptions): string {
    return isPaired(options) ? `${setupStack}.lane${lane}.round${round}` : setupStack;
}

/** A lane's stack of a setup: one Pulumi stack per lane, reused by its rounds. */
export const laneStack = (setupStack: string, lane: number, options: LaneOptions): string =>
    options.lanes > 1 ? `${setupStack}-lane${lane}` : setupStack;

export function buildLanes(setups: readonly PlannedSetup[], options: LaneOptions): Lane[] {
    return Array.from({ length: options.lanes }, (_, i) => {
        const lane = i + 1;
        const order = permutation(setups, options.seed, lane);
        const steps = Array.from({ length: options.rounds }, (_, r) => r + 1).flatMap((round) => order.map((setup) => ({
            lane, round, setup,
            stack: laneStack(setup.stack, lane, options),
            resultsName: resultsNameOf(setup.stack, lane, round, options),
        })));
        return { lane, order: order.map((s) => s.stack), steps };
    });
}

/** The setups with the baseline added when it is missing and the sweep pairs (more than one lane or round). */
export function withBaseline(setups: readonly PlannedSetup[], options: LaneOptions): { setups: PlannedSetup[]; added: boolean } {
    if (!isPaired(options) || setups.some((s) => s.stack === BASELINE_SETUP)) return { setups: [...setups], added: false };
    return { setups: [{ mesh: "none", mtls: false, stack: BASELINE_SETUP }, ...setups], added: true };
}
