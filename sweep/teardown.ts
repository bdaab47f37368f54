// A setup's teardown: its stack destroyed (again, if an interrupt cut the destroy short),
// and then the check that the cluster is back in the clean state it was in before the
// setup. A teardown that fails or leaves residue stops the setup's lane (sweep/run.ts).
import type { SweepRun, SweepDeps } from "./run";
import type { Teardown } from "./record";

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

export async function teardown(setup: { readonly stack: string }, run: SweepRun, deps: SweepDeps, say: (s: string) => void): Promise<Teardown> {
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

/**
 * After a destroy: what the cluster still holds that its clean state did not (from
 * `listResidue`, when the setup's cluster can be listed), as residue; a listing that fails
 * is a failed teardown, since the next setup would share whatever was left.
 */
export async function residueChecked(say: (s: string) => void, listResidue: (() => Promise<string[]>) | undefined): Promise<Teardown> {
    if (!listResidue) return { kind: "destroyed" };
    try {
        const left = await listResidue();
        if (left.length === 0) return { kind: "destroyed" };
        say(`RESIDUE: the cluster is not back in its clean state: ${left.join("; ")}`);
        return { kind: "residue", residue: left };
    } catch (e) {
        const reason = `the residue check could not list the cluster: ${errorText(e)}`;
        say(`RESIDUE CHECK FAILED: ${reason}`);
        return { kind: "failed", reason };
    }
}
