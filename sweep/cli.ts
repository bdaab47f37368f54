// `npm run sweep -- [options]`: wires the real machine (process, terminal, signals, the
// Pulumi CLI) to sweepMain. See SWEEP_USAGE in options.ts, and main.ts for the logic.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { SweepControl } from "./backend";
import { sweepMain } from "./main";
import type { MachineFacts } from "./prerequisites";
import { probePulumiCli, pulumiBackend } from "./pulumi-backend";
import { kubeClient } from "../shared/kube-client";
import { clientPodRunner, podNodeFiles } from "./kube-pods";
import { kubeResidueLister } from "./residue-lister";

const PROJECT_DIR = path.resolve(__dirname, "..");

/** First Ctrl-C: stop after tearing down the current stack. Second: quit now. SIGTERM: cancel and tear down. */
function handleSignals(control: SweepControl): void {
    process.on("SIGINT", () => {
        if (!control.stopRequested) {
            control.requestStop("Ctrl-C", false);
            console.log(`\nstopping: ${control.activeStack ? `tearing down ${control.activeStack} first` : "no stack is up"}; `
                + "press Ctrl-C again to quit at once and leave it up");
            return;
        }
        if (control.activeStack) {
            console.log(`\nquitting; ${control.activeStack} may still be up: npm run sweep -- ${[...control.activeStacks].map((s) => `--destroy ${s}`).join(" ")}`);
        }
        process.exit(130);
    });
    process.on("SIGTERM", () => control.requestStop("SIGTERM", true));
}

function ask(question: string): Promise<string | undefined> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    return new Promise((resolve) => {
        rl.on("SIGINT", () => { rl.close(); process.stdout.write("\n"); resolve(undefined); });
        rl.question(question, (answer) => { rl.close(); resolve(answer); });
    });
}

/** The executable's path on PATH (no shell, nothing run). */
function onPath(command: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        const file = path.join(dir, command);
        try {
            fs.accessSync(file, fs.constants.X_OK);
            if (fs.statSync(file).isFile()) return file;
        } catch { /* not here */ }
    }
    return undefined;
}

let pulumi: Awaited<ReturnType<typeof probePulumiCli>> | undefined;
async function machine(): Promise<MachineFacts> {
    pulumi ??= await probePulumiCli();
    return { env: process.env, home: os.homedir(), pulumi: pulumi.probe, fileExists: fs.existsSync, onPath };
}

sweepMain(process.argv.slice(2), {
    projectDir: PROJECT_DIR,
    cwd: process.cwd(),
    env: process.env,
    say: (line) => console.log(line),
    warn: (line) => console.error(line),
    write: (text) => process.stdout.write(text),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    ask,
    machine,
    openBackend: async (url) => {
        pulumi ??= await probePulumiCli();
        if (!pulumi.command) throw new Error(`Pulumi CLI: ${pulumi.probe.found ? "" : pulumi.probe.problem}`);
        return pulumiBackend({ projectDir: PROJECT_DIR, backendUrl: url }, pulumi.command);
    },
    control: new SweepControl(),
    // The residue check's real listing: the API server, and a pod per node for /etc/cni/net.d.
    residueLister: (kubeconfig, image, context) =>
        kubeResidueLister(kubeClient(kubeconfig, context), podNodeFiles(clientPodRunner(kubeconfig, context), image)),
    handleSignals,
    now: () => new Date(),
}).then((code) => process.exit(code));
