// The plaintext probe's verdicts, with the real wrk client script against local servers
// that serve plaintext, close plaintext connections, or demand mutual TLS; netperf's
// side on output in its documented format (netperf cannot be installed here).
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";
import { wrkEnvironment } from "../../loadtest/clients";
import type { WrkSettings } from "../../loadtest/results";
import { httpProbeOutcome, netperfProbeOutcome } from "../../verify/verdict";
import { probeSessions } from "../helpers/fake-kube";
import { fixture } from "../helpers/mocks";

/** A client session as the exec returned it. */
const session = (stdout: string, exitCode = 0) => ({ stdout, stderr: "", exitCode });
import { closedPort, runScript, startHttpServer } from "../helpers/shell";
import { probeSettings } from "../../verify/probe";

const netperfBase = {
    host: "127.0.0.1", test: "TCP_RR" as const, controlPort: 12865, dataPort: 12866, requestSize: 1, responseSize: 1,
    durationSeconds: 30, warmupSeconds: 10, repetitions: 5,
};

/** Runs the wrk client script with the probe's settings against a URL, as the probe step would, and reads the outcome. */
async function probeHttp(url: string) {
    const base: WrkSettings = { url, threads: 8, connections: 8, durationSeconds: 30, warmupSeconds: 10, repetitions: 5, cpu: 8, responseBytes: 10 };
    const { wrk } = probeSettings(base, netperfBase);
    const env = Object.fromEntries(Object.entries(wrkEnvironment(wrk)).map(([k, v]) => [k, String(v)]));
    const run = await runScript("loadtest/scripts/wrk-client.sh", { ...env, MESHBENCH_DURATION_SECONDS: "1" });
    return httpProbeOutcome(session(run.stdout, run.exitCode));
}

async function listen(server: net.Server): Promise<string> {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
}

describe("plaintext probe, HTTP, with the real wrk", function () {
    this.timeout(30_000);

    it("reads a server that serves plaintext as accepted", async () => {
        const server = await startHttpServer();
        try {
            const outcome = await probeHttp(server.url);
            assert.strictEqual(outcome.result, "accepted", outcome.detail);
            assert.match(outcome.detail, /^plaintext HTTP served: \d+ responses, 0 not 2xx\/3xx/);
        } finally {
            await server.close();
        }
    });

    it("reads a server that closes plaintext connections as refused", async () => {
        const server = net.createServer((socket) => socket.destroy());
        const url = await listen(server);
        try {
            const outcome = await probeHttp(url);
            assert.strictEqual(outcome.result, "refused", outcome.detail);
            assert.match(outcome.detail, /^no plaintext HTTP request served: 0 responses/);
        } finally {
            server.close();
        }
    });

    it("reads a server that demands mutual TLS as refused", async () => {
        // A real mTLS endpoint, as a STRICT sidecar is: TLS with a required client certificate.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-mtls-"));
        execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-subj", "/CN=meshbench-test", "-days", "1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")],
        { stdio: "ignore" });
        const cert = fs.readFileSync(path.join(dir, "cert.pem"));
        const server = tls.createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert, ca: [cert], requestCert: true, rejectUnauthorized: true });
        server.on("tlsClientError", () => undefined);
        const url = await listen(server);
        try {
            const outcome = await probeHttp(url);
            assert.strictEqual(outcome.result, "refused", outcome.detail);
        } finally {
            server.close();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("cannot tell when nothing listens: an unreachable server is an error, not a refusal", async () => {
        const outcome = await probeHttp(`http://127.0.0.1:${await closedPort()}/`);
        assert.strictEqual(outcome.result, "error");
        assert.match(outcome.detail, /^the HTTP server could not be reached: unable to connect to 127\.0\.0\.1:\d+ Connection refused/);
    });

    it("reads an HTTP 403 to every request as refused", () => {
        const lines = [
            "MESHBENCH-BEGIN run=1", "Running 3s test @ http://http-server.meshbench.svc.cluster.local:80/",
            "  1 threads and 1 connections", "  Thread Stats   Avg      Stdev     Max   +/- Stdev",
            "    Latency   310.00us   40.00us   1.00ms   90.00%", "    Req/Sec     3.20k   100.00     3.30k    70.00%",
            "  Latency Distribution", "     50%  300.00us", "     75%  320.00us", "     90%  350.00us", "     99%  600.00us",
            "  9600 requests in 3.00s, 1.10MB read", "  Non-2xx or 3xx responses: 9600", "Requests/sec:   3200.00",
            "Transfer/sec:    375.00KB", "MESHBENCH-END run=1 exit=0", "MESHBENCH-DONE",
        ];
        const outcome = httpProbeOutcome(session(lines.join("\n")));
        assert.deepStrictEqual(outcome, { result: "refused", detail: "no plaintext HTTP request served: 9600 responses, 9600 not 2xx/3xx; socket errors: connect 0, read 0, write 0, timeout 0" });
    });
});

describe("plaintext probe, packets dropped without an answer (a network policy)", () => {
    // wrk connects once, blocking, before its run; netperf opens its control connection
    // first: neither returns before the run timeout kills it (exit 124).
    const sessions = probeSessions(fixture("probe-dropped-cilium.txt"));
    const [wrk, netperf] = [session(sessions.http), session(sessions.netperf)];

    it("reads both as refused, saying the run timeout stopped them", () => {
        assert.deepStrictEqual(httpProbeOutcome(wrk), { result: "refused", detail: "wrk exited with 124 (stopped by the run timeout)" });
        assert.deepStrictEqual(netperfProbeOutcome(netperf), { result: "refused", detail: "netperf exited with 124 (stopped by the run timeout)" });
    });
});

describe("plaintext probe, netperf", () => {
    const calls = [0, session(probeSessions(fixture("probe-plaintext-accepted.txt")).netperf)] as const;

    it("reads a completed TCP_RR as accepted", () => {
        assert.deepStrictEqual(netperfProbeOutcome(calls[1]), { result: "accepted", detail: "plaintext TCP_RR completed at 98748.938 transactions/s" });
    });

    it("reads a reset connection as refused, and a name that does not resolve as an error", () => {
        const ran = (said: string) => session(["MESHBENCH-BEGIN run=1", said, "MESHBENCH-END run=1 exit=1", "MESHBENCH-DONE"].join("\n"));
        assert.deepStrictEqual(netperfProbeOutcome(ran("recv_response: partial response received: 0 bytes")),
            { result: "refused", detail: "netperf exited with 1: recv_response: partial response received: 0 bytes" });
        assert.strictEqual(netperfProbeOutcome(ran("could not resolve netperf-server: Name or service not known")).result, "error");
    });

    it("reads an exec that failed, or a script that exited non-zero, as an error", () => {
        assert.deepStrictEqual(netperfProbeOutcome({ stdout: "", stderr: "sh: can't open '/meshbench/netperf-client.sh'", exitCode: 2 }),
            { result: "error", detail: "netperf probe: exited with 2: sh: can't open '/meshbench/netperf-client.sh'" });
        assert.deepStrictEqual(netperfProbeOutcome({ error: "exec in meshbench-probe/p -c netperf: pods \"p\" not found" }),
            { result: "error", detail: 'netperf probe: exec in meshbench-probe/p -c netperf: pods "p" not found' });
    });
});
