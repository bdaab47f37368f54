// The program's config messages speak per-stack Pulumi ("meshbench:repetitions: ...",
// "pulumi config set aws:region us-east-1"), which is right for `pulumi up` and wrong
// inside a sweep, where the user types flags and the sweep writes the stacks' config.
// This turns one into the other at the sweep's edge, so that the program's messages stay
// the single source and the sweep still names what the user typed. Pure.

/** The flag that sets a meshbench key in a sweep. */
export function flagOf(key: string): string {
    switch (key) {
        case "target": return "--target";
        case "repetitions": return "--repetitions";
        case "runId": return "--run-id";
        case "mesh": return "--meshes";
        case "mtls": return "--mtls";
        default: return `--config ${key}`;
    }
}

/** How to set `key` to `value` in a sweep. */
function setting(key: string, value: string): string {
    const flag = flagOf(key);
    return flag.startsWith("--config ") ? `--config ${key}=${value}` : `${flag} ${value}`;
}

/** One problem message, reworded for the sweep's command line. */
export function sweepWording(problem: string): string {
    return problem
        // The key a message starts with is the flag the user typed (or would type).
        .replace(/^meshbench:([A-Za-z][A-Za-z0-9]*):/, (_, key: string) => `${flagOf(key)}:`)
        .replace(/^aws:region:/, "--config aws:region:")
        // "pulumi config set KEY VALUE" hints; never the --secret ones, whose values must not go on a command line.
        .replace(/pulumi config set (?!--)(?:meshbench:)?([A-Za-z][A-Za-z0-9]*|aws:region) (\S+?)(?=[),;]|\.?\s|\.?$)/g,
            (_, key: string, value: string) => setting(key, value))
        // Any other mention of a key, e.g. "did you mean meshbench:wrkThreads?".
        .replace(/\bmeshbench:([A-Za-z][A-Za-z0-9]*)/g, (_, key: string) => key);
}
