// The preview's verdict on a stack config, for tests that assert its exact messages.
import { ConfigError, parseConfig, type StackContext } from "../../config";

/** The problems parseConfig reports for a raw config, or [] if it accepts it. */
export function configProblems(raw: Record<string, string>, context: StackContext = {}): string[] {
    try {
        parseConfig(raw, context);
        return [];
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return e.problems;
    }
}
