// The client-node KubeApi's exec against a stand-in API server on loopback that speaks the
// exec websocket protocol (v4.channel.k8s.io: one byte of channel, then data; channel 3 is
// the status). What matters is how an exec ends: with its status, or with the connection.
import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { WebSocketServer, type WebSocket } from "ws";
import { kubeClient } from "../../shared/kube-client";

const kubeconfig = (port: number) => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;

/** An API server whose every exec gets `behave(socket)`. */
async function standIn(behave: (socket: WebSocket) => void): Promise<{ port: number; close: () => Promise<void> }> {
    const server = http.createServer((_req, res) => { res.statusCode = 404; res.end(); });
    const wss = new WebSocketServer({ server, handleProtocols: (protocols) => [...protocols][0] });
    wss.on("connection", behave);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        port: (server.address() as AddressInfo).port,
        close: () => new Promise((resolve) => { wss.close(); server.close(() => resolve()); }),
    };
}

const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);

describe("client-node exec", () => {
    it("ends with the command's exit status and its output", async () => {
        const api = await standIn((socket) => {
            socket.send(frame(1, "hello\n"));
            socket.send(frame(3, JSON.stringify({ status: "Success" })));
            socket.close(1000);
        });
        try {
            const result = await kubeClient(kubeconfig(api.port)).exec("ns", "pod", "c", ["true"], { timeoutSeconds: 20 });
            assert.deepStrictEqual(result, { stdout: "hello\n", stderr: "", exitCode: 0 });
        } finally {
            await api.close();
        }
    });

    it("fails at once, saying so, when the connection closes before the status", async () => {
        const api = await standIn((socket) => {
            socket.send(frame(1, "half a run\n"));
            setTimeout(() => socket.terminate(), 50);
        });
        const started = Date.now();
        try {
            await assert.rejects(kubeClient(kubeconfig(api.port)).exec("ns", "pod", "c", ["sleep", "600"], { timeoutSeconds: 20 }),
                /exec in ns\/pod -c c: the connection closed \(code \d+\) before the command's exit status came/);
            assert.ok(Date.now() - started < 5000, "not at the exec's time limit");
        } finally {
            await api.close();
        }
    });
});
