// Runs the project's shell scripts as the pods and the kubectl steps would.
import { execFile } from "child_process";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";

export const ROOT = path.join(__dirname, "..", "..");

export interface ScriptRun {
    readonly stdout: string;
    readonly exitCode: number;
}

/** Runs `sh <script>` with extra environment; never rejects on a non-zero exit. */
export function runScript(script: string, env: Record<string, string>, args: string[] = []): Promise<ScriptRun> {
    return new Promise((resolve, reject) => {
        execFile("sh", [path.join(ROOT, script), ...args], { env: { ...process.env, ...env }, timeout: 120_000 },
            (error, stdout) => {
                if (error && typeof error.code !== "number") return reject(error);
                resolve({ stdout, exitCode: error ? (error.code as number) : 0 });
            });
    });
}

/** A local HTTP server answering like the benchmark's nginx: 200 and a fixed body. */
export async function startHttpServer(status = 200): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer((_req, res) => {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end("meshbench\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}

/** A port on which nothing listens. */
export async function closedPort(): Promise<number> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
}
