// The wrk client script, run with the real wrk (Debian's package) against a local HTTP
// server, and its output parsed by the same code that reads the pod's output.
import * as assert from "assert";
import { execFileSync } from "child_process";
import { parseSession } from "../../loadtest/protocol";
import type { WrkSettings } from "../../loadtest/results";
import { summarizeWrk } from "../../loadtest/wrk";
import { closedPort, runScript, startHttpServer } from "../helpers/shell";

const SCRIPT = "loadtest/scripts/wrk-client.sh";

function settingsFor(url: string, overrides: Partial<WrkSettings> = {}): WrkSettings {
    return { url, threads: 2, connections: 4, durationSeconds: 1, warmupSeconds: 1, repetitions: 2, cpu: 2, responseBytes: 10, ...overrides };
}

const envFor = (s: WrkSettings): Record<string, string> => ({
    MESHBENCH_URL: s.url,
    MESHBENCH_WRK_THREADS: String(s.threads),
    MESHBENCH_WRK_CONNECTIONS: String(s.connections),
    MESHBENCH_DURATION_SECONDS: String(s.durationSeconds),
    MESHBENCH_WARMUP_SECONDS: String(s.warmupSeconds),
    MESHBENCH_REPETITIONS: String(s.repetitions),
});

describe("wrk client script with the real wrk", function () {
    this.timeout(60_000);

    before(function () {
        // CI installs wrk (.ci/run); without it this suite must fail, not skip.
        const version = execFileSync("sh", ["-c", "wrk -v 2>&1 | head -n 1 || true"]).toString().trim();
        assert.match(version, /^wrk /, "wrk must be installed (apt-get install wrk)");
        console.log(`      real wrk: ${version}`);
    });

    it("measures a local server: warm-up, then each repetition, parsed into results", async () => {
        const server = await startHttpServer();
        try {
            const settings = settingsFor(server.url);
            const run = await runScript(SCRIPT, envFor(settings));
            assert.strictEqual(run.exitCode, 0);
            const session = parseSession(run.stdout);
            assert.ok(session.warmup, "the warm-up is reported apart");
            assert.strictEqual(session.repetitions.length, 2);
            assert.match(session.toolVersion ?? "", /^wrk /);

            const result = summarizeWrk(session, settings);
            assert.notStrictEqual(result.status, "failed", result.reason);
            assert.strictEqual(result.rps!.perRepetition.length, 2);
            assert.ok(result.rps!.perRepetition.every((rps) => rps > 100), `RPS ${result.rps!.perRepetition}`);
            const { avg, p50, p90, p99 } = result.latencyMicros!;
            assert.ok(p50 > 0 && p50 <= p90 && p90 <= p99, `percentiles ordered: ${p50} ${p90} ${p99}`);
            assert.ok(avg > 0);
            assert.deepStrictEqual(result.errors, { connect: 0, read: 0, write: 0, timeout: 0, non2xx3xx: 0 });
            console.log(`      real wrk measured ${result.rps!.perRepetition.map(Math.round).join(", ")} RPS, p50 ${p50} µs, p99 ${p99} µs`);
        } finally {
            await server.close();
        }
    });

    it("reads the client node's CPU and wrk's busiest thread around each repetition, for the saturation guard", async () => {
        const server = await startHttpServer();
        try {
            // 2 s: the script reads wrk's threads once a second while wrk runs.
            const settings = settingsFor(server.url, { durationSeconds: 2, warmupSeconds: 0, repetitions: 1 });
            const run = await runScript(SCRIPT, envFor(settings));
            assert.strictEqual(run.exitCode, 0);
            assert.match(run.stdout, /^MESHBENCH-NODE-CPU run=1 busy_ticks=\d+ total_ticks=\d+ cores=\d+$/m);
            // wrk's main thread and its 2 worker threads.
            assert.match(run.stdout, /^MESHBENCH-THREADS run=1 busiest_ticks=\d+ elapsed_ticks=\d+ threads=3$/m);
            const result = summarizeWrk(parseSession(run.stdout), settings);
            const [rep] = result.repetitions!;
            assert.ok(rep.clientNodeBusyShare! >= 0 && rep.clientNodeBusyShare! <= 1, `node ${rep.clientNodeBusyShare}`);
            assert.ok(rep.busiestThreadShare! > 0 && rep.busiestThreadShare! <= 1.2, `thread ${rep.busiestThreadShare}`);
            assert.strictEqual(result.saturation!.unmeasuredRepetitions, undefined);
            console.log(`      real guard readings: node ${rep.clientNodeBusyShare}, busiest wrk thread ${rep.busiestThreadShare}`);
        } finally {
            await server.close();
        }
    });

    it("reports a server answering 503 as failed, with the error count", async () => {
        const server = await startHttpServer(503);
        try {
            const settings = settingsFor(server.url, { warmupSeconds: 0, repetitions: 1 });
            const result = summarizeWrk(parseSession((await runScript(SCRIPT, envFor(settings))).stdout), settings);
            assert.strictEqual(result.status, "failed");
            assert.match(result.reason!, /^wrk saw errors \(non2xx3xx \d+\)/);
            assert.ok(result.errors!.non2xx3xx > 0);
            assert.strictEqual(result.rps, undefined, "no throughput is exported for a failed run");
        } finally {
            await server.close();
        }
    });

    it("reports a server that is not there as failed, with wrk's own words", async () => {
        const settings = settingsFor(`http://127.0.0.1:${await closedPort()}/`, { warmupSeconds: 0, repetitions: 1 });
        const result = summarizeWrk(parseSession((await runScript(SCRIPT, envFor(settings))).stdout), settings);
        assert.strictEqual(result.status, "failed");
        assert.match(result.reason!, /^wrk run 1 exited with 1: unable to connect to 127\.0\.0\.1:\d+ Connection refused/);
    });

    it("refuses to start without its settings", async () => {
        const run = await runScript(SCRIPT, { MESHBENCH_URL: "http://127.0.0.1:1/" });
        assert.strictEqual(run.exitCode, 2);
        const result = summarizeWrk(parseSession(run.stdout), settingsFor("http://127.0.0.1:1/"));
        assert.strictEqual(result.reason, "wrk client refused to start: missing environment variable MESHBENCH_WRK_THREADS");
    });
});
