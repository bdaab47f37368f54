// A lane's cluster stacks while a sweep runs: brought up when a setup first needs one,
// listed for the residue check (the clean state before the first setup, then after each
// setup's destroy), and destroyed after their last setup or when the lane stops, unless
// --keep. Each state change goes into sweep.json (`clusters`), so that a resumed sweep
// knows which cluster stacks exist; `up` on one that exists changes nothing.
import type { RawConfig } from "../shared/fields";
import type { StackBackend, SweepControl } from "./backend";
import { clusterRawConfig, type LaneClusterStack } from "./cluster-stacks";
import { residueOf, residueText, type ClusterListing } from "./residue";
import type { ResidueLister } from "./residue-lister";
import type { RunDirectory } from "./run-directory";
import { stackConfigEntries } from "./stack-config";

/** A cluster stack's state, as sweep.json records it. */
export interface ClusterStackRecord {
    readonly stack: string;
    readonly lane: number;
    readonly kind: LaneClusterStack["kind"];
    readonly state: "up" | "destroyed" | "kept" | "failed";
    /** Why it failed (up or destroy). */
    readonly reason?: string;
}

export interface LaneClusterDeps {
    readonly backend: StackBackend;
    readonly directory: RunDirectory;
    readonly control: SweepControl;
    /** Lists a cluster from its kubeconfig for the residue check; absent: no check. */
    readonly lister?: (kubeconfig: string) => ResidueLister;
    /** Turns an error into one line (run.ts's errorText). */
    readonly errorText: (e: unknown) => string;
    readonly now: () => Date;
}

export class LaneClusters {
    private readonly kubeconfigs = new Map<string, string>();
    private readonly records = new Map<string, ClusterStackRecord>();
    /** When each cluster stack's up began and, once destroyed or kept, its release ended (ms): what it cost this sweep. */
    private readonly upTimes = new Map<string, { readonly from: number; to?: number }>();

    constructor(private readonly settings: RawConfig, private readonly keep: boolean, private readonly deps: LaneClusterDeps,
        earlier: readonly ClusterStackRecord[] = []) {
        for (const r of earlier) this.records.set(r.stack, r);
    }

    /** Every cluster stack's latest state, for sweep.json. */
    get recorded(): ClusterStackRecord[] {
        return [...this.records.values()].sort((a, b) => a.lane - b.lane || a.stack.localeCompare(b.stack));
    }

    /**
     * Seconds the cluster stacks were up in this sweep, summed over them: from the start of
     * each one's up to the end of its destroy (or --keep), or to now while it is still up.
     */
    clusterSeconds(): number {
        const now = this.deps.now().getTime();
        return Math.round([...this.upTimes.values()].reduce((sum, t) => sum + ((t.to ?? now) - t.from), 0) / 1000);
    }

    /** Whether this sweep brought the stack up (and has not yet destroyed it). */
    isUp(stack: string): boolean {
        return this.kubeconfigs.has(stack);
    }

    /** Brings the cluster stack up (or finds it up) and records its clean state; a reason when it could not. */
    async ensure(cluster: LaneClusterStack, say: (s: string) => void): Promise<string | undefined> {
        if (this.kubeconfigs.has(cluster.stack)) return undefined;
        const log = (text: string) => this.deps.directory.appendLog(cluster.stack, text);
        const existed = this.records.get(cluster.stack)?.state === "up" || this.records.get(cluster.stack)?.state === "kept";
        this.deps.control.activeStacks.add(cluster.stack);
        if (!this.upTimes.has(cluster.stack) || this.upTimes.get(cluster.stack)!.to !== undefined) {
            this.upTimes.set(cluster.stack, { from: this.deps.now().getTime() });
        }
        try {
            say(`cluster stack ${cluster.stack}: ${existed ? "up again (recorded as up by an earlier sweep of this run)" : "up"}`
                + ` (Pulumi's output: ${this.deps.directory.logFile(cluster.stack)})`);
            await this.deps.backend.prepare(cluster.stack, stackConfigEntries(clusterRawConfig(cluster.kind, this.settings)));
            const outputs = await this.deps.backend.up(cluster.stack, log, this.deps.control.upSignal);
            this.set(cluster, "up");
            if (typeof outputs.kubeconfig !== "string") throw new Error(`cluster stack ${cluster.stack} exported no kubeconfig`);
            this.kubeconfigs.set(cluster.stack, outputs.kubeconfig);
        } catch (e) {
            const reason = this.deps.errorText(e);
            // Up, or partly up: the stack exists until it is destroyed.
            this.set(cluster, "up", reason);
            return `cluster stack ${cluster.stack} failed to come up: ${reason}`;
        }
        // It stays among the active stacks until released, so that a second Ctrl-C names it among those left up.
        if (this.deps.lister && !this.deps.directory.cleanState(cluster.stack)) {
            try {
                say(`cluster stack ${cluster.stack}: recording its clean state for the residue check`);
                this.deps.directory.saveCleanState(cluster.stack, await this.list(cluster.stack));
            } catch (e) {
                return `cluster stack ${cluster.stack}: its clean state could not be listed: ${this.deps.errorText(e)}`;
            }
        }
        return undefined;
    }

    /** What a setup left on the cluster (or removed from it), as the sweep prints it; empty when it is back in its clean state. */
    async residue(cluster: LaneClusterStack): Promise<string[]> {
        const clean = this.deps.directory.cleanState(cluster.stack);
        if (!this.deps.lister || !clean) return [];
        return residueOf(clean, await this.list(cluster.stack)).map(residueText);
    }

    /** Destroys the cluster stack unless --keep; a reason when the destroy failed. */
    async release(cluster: LaneClusterStack, say: (s: string) => void): Promise<string | undefined> {
        const record = this.records.get(cluster.stack);
        if (!record || record.state === "destroyed") return undefined;
        this.kubeconfigs.delete(cluster.stack);
        if (this.keep) {
            this.deps.control.activeStacks.delete(cluster.stack);
            say(`cluster stack ${cluster.stack}: kept (--keep): tear it down with npm run sweep -- --destroy ${cluster.stack}`);
            this.set(cluster, "kept");
            this.released(cluster.stack);
            return undefined;
        }
        say(`cluster stack ${cluster.stack}: destroy`);
        this.deps.control.activeStacks.add(cluster.stack);
        try {
            await this.deps.backend.destroy(cluster.stack, (text) => this.deps.directory.appendLog(cluster.stack, text));
            this.set(cluster, "destroyed");
            this.released(cluster.stack);
            say(`cluster stack ${cluster.stack}: destroyed`);
            return undefined;
        } catch (e) {
            const reason = this.deps.errorText(e);
            this.set(cluster, "failed", reason);
            say(`cluster stack ${cluster.stack}: DESTROY FAILED: ${reason}`);
            return reason;
        } finally {
            this.deps.control.activeStacks.delete(cluster.stack);
        }
    }

    /** A stack that failed to destroy is still up: it goes on counting. */
    private released(stack: string): void {
        const times = this.upTimes.get(stack);
        if (times) times.to = this.deps.now().getTime();
    }

    private async list(stack: string): Promise<ClusterListing> {
        return this.deps.lister!(this.kubeconfigs.get(stack)!).list();
    }

    private set(cluster: LaneClusterStack, state: ClusterStackRecord["state"], reason?: string): void {
        this.records.set(cluster.stack, { stack: cluster.stack, lane: cluster.lane, kind: cluster.kind, state, ...(reason ? { reason } : {}) });
    }
}
