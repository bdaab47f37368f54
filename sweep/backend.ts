// The few Pulumi operations a sweep needs, behind an interface: sweep/pulumi-backend.ts
// implements it with the Automation API; the tests implement it with a fake, so that the
// plan, resume and teardown logic is tested without the Pulumi CLI.
import type { ConfigEntry } from "./stack-config";

export interface StackBackend {
    /** Creates the stack or selects it, and leaves its config exactly `config`. */
    prepare(stack: string, config: readonly ConfigEntry[]): Promise<void>;
    /**
     * `pulumi up`; resolves to the stack's outputs (plain values). `signal` aborts when the
     * update must be cancelled; Pulumi then stops gracefully and the promise rejects.
     */
    up(stack: string, onOutput: (text: string) => void, signal: AbortSignal): Promise<Readonly<Record<string, unknown>>>;
    /** `pulumi destroy`. Never cancelled by the sweep: teardown is what an interrupt asks for. */
    destroy(stack: string, onOutput: (text: string) => void): Promise<void>;
}

/**
 * How the outside (Ctrl-C, SIGTERM, a test) asks a running sweep to stop. A stop lets the
 * current setup tear down, then starts no other.
 */
export class SweepControl {
    private readonly cancel = new AbortController();
    private why?: string;
    /** The stacks operations are running on (one per lane running), for the message if the user will not wait. */
    readonly activeStacks = new Set<string>();

    /** The active stacks as one phrase, or undefined when none is up. */
    get activeStack(): string | undefined {
        return this.activeStacks.size === 0 ? undefined : [...this.activeStacks].join(", ");
    }

    get stopRequested(): boolean {
        return this.why !== undefined;
    }

    get stopReason(): string | undefined {
        return this.why;
    }

    /** Aborted when the running `up` must be cancelled. */
    get upSignal(): AbortSignal {
        return this.cancel.signal;
    }

    /**
     * Asks the sweep to stop after tearing down the current stack. `cancelUp` also
     * cancels a running `up`; leave it false when Pulumi got the signal itself (Ctrl-C
     * in a terminal reaches the whole process group, and a second SIGINT would make
     * Pulumi quit without finishing its in-flight operations).
     */
    requestStop(reason: string, cancelUp: boolean): void {
        this.why ??= reason;
        if (cancelUp) this.cancel.abort(new Error(reason));
    }
}
