// Finding the kubeconfig for `target: kubeconfig`, the way kubectl would.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { problemMessage } from "../shared/fields";

/**
 * The kubeconfig path: the `kubeconfig` setting, else $KUBECONFIG, else ~/.kube/config.
 * kubectl merges a $KUBECONFIG list; meshbench needs one file it can store as a
 * secret, so a list is refused with a message saying how to choose.
 */
export function resolveKubeconfigPath(
    setting: string | undefined, env: NodeJS.ProcessEnv = process.env, home: string = os.homedir(),
): string {
    const expand = (p: string) => (p.startsWith("~/") ? path.join(home, p.slice(2)) : p);
    if (setting !== undefined) return expand(setting);
    const fromEnv = env.KUBECONFIG?.trim();
    if (fromEnv) {
        if (fromEnv.includes(path.delimiter)) {
            throw new Error(
                `$KUBECONFIG lists several files (${fromEnv}); meshbench needs one. ` +
                `Set one with: pulumi config set kubeconfig <path>`);
        }
        return expand(fromEnv);
    }
    return path.join(home, ".kube", "config");
}

/** Reads the kubeconfig; a missing or unreadable file is a config error, not a crash. */
export function readKubeconfig(filePath: string, setting: string | undefined): string {
    try {
        const contents = fs.readFileSync(filePath, "utf8");
        if (contents.trim() === "") throw new Error("the file is empty");
        return contents;
    } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        const allowed = `a readable kubeconfig file (reading ${filePath} failed: ${why})`;
        throw new Error(setting !== undefined
            ? problemMessage("kubeconfig", setting, allowed)
            : `target kubeconfig needs a kubeconfig: ${allowed}. Set one with: pulumi config set kubeconfig <path>`);
    }
}
