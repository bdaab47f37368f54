// What a sweep writes beside the results: `results/<run-id>/sweep.json`, the record of
// every setup it tried, so that the report can say which setups failed and why, and a
// resumed sweep can check that it runs with the same settings.
import type { RunStatus } from "../loadtest/results";
import type { MeshName } from "../meshes/types";
import type { ClusterStackRecord } from "./lane-clusters";
import type { SkippedSetup } from "./plan";

export const SWEEP_RECORD_FILE = "sweep.json";

/** What happened to a setup's stack after its run. */
export type Teardown =
    | { readonly kind: "destroyed" }
    | { readonly kind: "kept" }
    | { readonly kind: "not needed" }
    | { readonly kind: "failed"; readonly reason: string }
    /** Destroyed, but the cluster is not back in its clean state (sweep/residue.ts): what was left or removed. */
    | { readonly kind: "residue"; readonly residue: string[] };

export type SetupOutcome =
    /** `up` finished and its results are saved (their own status may still be failed). */
    | { readonly kind: "measured"; readonly status: RunStatus }
    /** Results were already saved by an earlier sweep of this run. */
    | { readonly kind: "resumed"; readonly status: RunStatus }
    /** stage cluster: the lane's cluster stack could not come up (or its clean state could not be listed). */
    | { readonly kind: "failed"; readonly stage: "cluster" | "prepare" | "up" | "results"; readonly reason: string }
    /** Not started: the sweep was interrupted, or an earlier teardown failed. */
    | { readonly kind: "not run"; readonly reason: string };

export interface SetupRecord {
    /** The Pulumi stack it ran in (per lane when there are several lanes). */
    readonly stack: string;
    /** The setup's own name (`istio-mtls-on`), the lane and round; absent in records of sweeps without lanes. */
    readonly setup?: string;
    readonly lane?: number;
    readonly round?: number;
    /** Its results file's name without `.json`; absent: the stack's name. */
    readonly results?: string;
    readonly mesh: MeshName;
    readonly mtls: boolean;
    readonly outcome: SetupOutcome;
    readonly teardown: Teardown;
    /** Wall-clock seconds for prepare, up and teardown together. */
    readonly seconds: number;
}

export interface SweepRecord {
    readonly runId: string;
    /** The `meshbench:` config every setup shared (besides mesh, mtls and runId). */
    readonly settings: Readonly<Record<string, string>>;
    readonly startedAt: string;
    /** When the record was last written. */
    readonly updatedAt: string;
    /** False while the sweep runs, or if it was killed. */
    readonly finished: boolean;
    /** Why the sweep stopped before its last setup (an interrupt, a failed teardown). */
    readonly stopped?: string;
    readonly setups: SetupRecord[];
    readonly skipped: SkippedSetup[];
    /** Lanes, rounds, the seed and each lane's order (setup names), so that a resume draws the same; absent in older records. */
    readonly lanes?: { readonly lanes: number; readonly rounds: number; readonly seed: number; readonly orders: string[][] };
    /** Targets vms and eks: each lane's cluster stacks and their last state, so that a resume knows which exist. */
    readonly clusters?: ClusterStackRecord[];
}

/** What a record of one setup in one lane and round is keyed by. */
export const recordKey = (s: SetupRecord): string => s.results ?? s.stack;

/**
 * A record's setups updated with a newer sweep's, by results name (setup, lane and round): what each last did.
 * A newer "resumed" or "not run" says nothing new, so an older record of that stack stays.
 */
export function mergeSetupRecords(older: readonly SetupRecord[], newer: readonly SetupRecord[]): SetupRecord[] {
    const merged = new Map(older.map((s) => [recordKey(s), s]));
    for (const s of newer) {
        const uninformative = s.outcome.kind === "resumed" || s.outcome.kind === "not run";
        if (!(uninformative && merged.has(recordKey(s)))) merged.set(recordKey(s), s);
    }
    return [...merged.values()];
}
