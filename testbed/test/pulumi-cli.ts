// Runs the real Pulumi CLI against the project, with a file backend in a temporary folder,
// a passphrase, the testbed's tools on PATH and no plugin downloads. Each call is bounded
// and timed; the times are printed at the end of the suite.
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The clone under test. */
export const SOURCE_DIR = path.resolve(__dirname, "..", "..");

export interface CliResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly seconds: number;
}

export interface PulumiWorkspace {
    readonly dir: string;
    /** A copy of the project (node_modules linked), so that stack files stay out of the clone. */
    readonly projectDir: string;
    readonly stack: string;
    readonly env: NodeJS.ProcessEnv;
}

const NOT_COPIED = new Set(["node_modules", ".git", ".testbed", "results", ".pulumi-state"]);

/** A fresh backend, PULUMI_HOME and project copy, all in one temporary folder. */
export function makeWorkspace(stack: string): PulumiWorkspace {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-testbed-"));
    fs.mkdirSync(path.join(dir, "state"));
    const projectDir = path.join(dir, "project");
    fs.cpSync(SOURCE_DIR, projectDir, {
        recursive: true,
        filter: (src) => !NOT_COPIED.has(path.relative(SOURCE_DIR, src)) && !/^Pulumi\.[^/]+\.yaml$/.test(path.relative(SOURCE_DIR, src)),
    });
    fs.symlinkSync(path.join(SOURCE_DIR, "node_modules"), path.join(projectDir, "node_modules"));
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
        PULUMI_HOME: path.join(dir, "home"),
        PULUMI_CONFIG_PASSPHRASE: "meshbench-testbed",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        NO_COLOR: "1",
    };
    return { dir, projectDir, stack, env };
}

export const phaseTimes: { phase: string; seconds: number }[] = [];

/** `pulumi ARGS --stack S` in the project copy, with a time limit; never throws on exit code. */
export function pulumi(ws: PulumiWorkspace, args: string[], timeoutSeconds: number, phase?: string,
    onStdout?: (soFar: string) => void): Promise<CliResult> {
    return run("pulumi", [...args, "--stack", ws.stack, "--non-interactive", "--color", "never"], ws, timeoutSeconds, phase, onStdout);
}

/** Any command in the project copy with the workspace's environment, bounded and timed. */
export function run(command: string, args: string[], ws: PulumiWorkspace, timeoutSeconds: number, phase?: string,
    onStdout?: (soFar: string, child: ChildProcess) => void): Promise<CliResult> {
    const started = process.hrtime.bigint();
    return new Promise((resolve) => {
        const child = spawn(command, args, { cwd: ws.projectDir, env: ws.env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); onStdout?.(stdout, child); });
        child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
        const timer = setTimeout(() => { stderr += `\n[killed after ${timeoutSeconds}s]`; child.kill("SIGKILL"); }, timeoutSeconds * 1000);
        child.on("close", (code) => {
            clearTimeout(timer);
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            if (phase) phaseTimes.push({ phase, seconds });
            resolve({ code, stdout, stderr, seconds });
        });
    });
}

/** Fails with everything the CLI printed when it did not exit 0. */
export function assertOk(result: CliResult, what: string): void {
    if (result.code !== 0) {
        throw new Error(`${what} exited ${result.code} after ${result.seconds.toFixed(0)}s\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    }
}
