// KubeApi over @kubernetes/client-node (pinned exactly in package.json): exec through the
// API server's websocket, GET through shared/kube-get.ts (an https request the client library
// signs with the kubeconfig's credentials). The kubeconfig stays in memory; nothing is
// written to disk and nothing of it is logged.
import { Writable } from "stream";
import * as k8s from "@kubernetes/client-node";
import { KubeError, type ExecOptions, type ExecResult, type KubeApi } from "./kube-api";
import { loadKubeconfig, signedGet } from "./kube-get";

/** Collects what a stream receives, passing each chunk on as it comes. */
function collector(onChunk?: (chunk: string) => void): { stream: Writable; text: () => string } {
    const chunks: Buffer[] = [];
    const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
            chunks.push(chunk);
            onChunk?.(chunk.toString("utf8"));
            done();
        },
    });
    return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

/** The part of the exec's websocket this client uses. */
interface ExecSocket {
    close(): void;
    on?(event: "close", listener: (code: number) => void): unknown;
    on?(event: "error", listener: (e: Error) => void): unknown;
}

/** The exit code in an exec's final status (Success, or NonZeroExitCode with an ExitCode cause). */
export function exitCodeOf(status: k8s.V1Status): number | string {
    if (status.status === "Success") return 0;
    const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
    if (cause?.message && /^\d+$/.test(cause.message)) return Number(cause.message);
    return status.message ?? status.reason ?? "the exec failed without an exit code";
}

export function kubeClient(kubeconfig: string, context?: string): KubeApi {
    const { kc, server } = loadKubeconfig(kubeconfig, context);
    const exec = new k8s.Exec(kc);

    return {
        exec(namespace: string, pod: string, container: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
            const out = collector(options.onStdout);
            const err = collector();
            const where = `exec in ${namespace}/${pod} -c ${container}`;
            return new Promise<ExecResult>((resolve, reject) => {
                let socket: ExecSocket | undefined;
                let settled = false;
                const settle = (how: () => void) => {
                    if (settled) return;
                    settled = true;
                    clearTimeout(timer);
                    how();
                };
                const timer = setTimeout(() => settle(() => {
                    socket?.close();
                    reject(new KubeError("timeout", `${where}: no exit after ${options.timeoutSeconds} s`));
                }), options.timeoutSeconds * 1000);
                exec.exec(namespace, pod, container, [...argv], out.stream, err.stream, null, false, (status) => settle(() => {
                    const code = exitCodeOf(status);
                    if (typeof code === "string") reject(new KubeError("status", `${where}: ${code}`));
                    else resolve({ stdout: out.text(), stderr: err.text(), exitCode: code });
                })).then((ws: ExecSocket) => {
                    socket = ws;
                    // The connection ending before the command's status came (the API server or
                    // the kubelet went away) fails the exec at once, not at its time limit: seen on
                    // the real tier, where a killed API server left the run waiting 7 minutes.
                    ws.on?.("close", (code: number) => setImmediate(() => settle(() =>
                        reject(new KubeError("request", `${where}: the connection closed (code ${code}) before the command's exit status came`)))));
                    ws.on?.("error", (e: Error) => settle(() => reject(new KubeError("request", `${where}: ${e.message}`))));
                }, (e: unknown) => settle(() => reject(new KubeError("request", `${where}: ${(e as Error).message ?? String(e)}`))));
            });
        },

        get: (path: string): Promise<string> => signedGet(kc, server, path),
    };
}
