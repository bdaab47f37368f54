import * as assert from "assert";
import { parseSession } from "../../loadtest/protocol";
import type { WrkSettings } from "../../loadtest/results";
import { bodySizeProblem, parseWrkRun, parseWrkTime, summarizeWrk, wrkBytesRead } from "../../loadtest/wrk";
import { fixture } from "../helpers/mocks";

const settings: WrkSettings = {
    url: "http://127.0.0.1:18080/", threads: 2, connections: 2, durationSeconds: 2, warmupSeconds: 1, repetitions: 2, cpu: 2, responseBytes: 10,
};

/** One wrk run's output with errors, in wrk 4's format (src/wrk.c print_stats). */
const WITH_ERRORS = `Running 30s test @ http://http-server.meshbench.svc.cluster.local:80/
  8 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.21ms    2.03ms  41.20ms   95.12%
    Req/Sec     1.02k   120.11     1.31k    70.00%
  Latency Distribution
     50%  820.00us
     75%    1.05ms
     90%    1.90ms
     99%   11.43ms
  244123 requests in 30.10s, 30.96MB read
  Socket errors: connect 0, read 3, write 0, timeout 12
  Non-2xx or 3xx responses: 7
Requests/sec:   8110.40
Transfer/sec:      1.03MB`.split("\n");

describe("wrk output parser", () => {
    it("reads wrk's time units", () => {
        assert.strictEqual(parseWrkTime("156.96us"), 156.96);
        assert.strictEqual(parseWrkTime("2.35ms"), 2350);
        assert.strictEqual(parseWrkTime("1.10s"), 1_100_000);
        assert.strictEqual(parseWrkTime("2.00m"), 120_000_000);
        assert.throws(() => parseWrkTime("-nanus"), /unreadable wrk time "-nanus"/);
    });

    it("reads a real run captured from wrk (test/fixtures/wrk-client-session.txt)", () => {
        const session = parseSession(fixture("wrk-client-session.txt"));
        const run = parseWrkRun(session.repetitions[0].lines);
        assert.deepStrictEqual(run, {
            requestsPerSecond: 32087.34,
            requests: 67366,
            durationSeconds: 2.1,
            latencyMicros: { avg: 74.48, p50: 58, p75: 69, p90: 94, p99: 278 },
            errors: { connect: 0, read: 0, write: 0, timeout: 0, non2xx3xx: 0 },
        });
    });

    it("reads socket errors and non-2xx responses", () => {
        const run = parseWrkRun(WITH_ERRORS);
        assert.deepStrictEqual(run.errors, { connect: 0, read: 3, write: 0, timeout: 12, non2xx3xx: 7 });
        assert.deepStrictEqual(run.latencyMicros, { avg: 1210, p50: 820, p75: 1050, p90: 1900, p99: 11430 });
        assert.strictEqual(run.requestsPerSecond, 8110.4);
    });

    it("says what is missing from output it cannot read", () => {
        assert.throws(() => parseWrkRun(WITH_ERRORS.filter((l) => !l.includes("99%"))), /wrk output has no 99% latency/);
        assert.throws(() => parseWrkRun(["Segmentation fault"]), /wrk output has no "Requests\/sec" line/);
    });
});

describe("wrk summary", () => {
    it("reports each repetition and the median, leaving the warm-up out", () => {
        const result = summarizeWrk(parseSession(fixture("wrk-client-session.txt")), settings);
        assert.strictEqual(result.status, "ok");
        assert.deepStrictEqual(result.rps, { perRepetition: [32087.34, 33666.8], median: 32877.07 });
        assert.deepStrictEqual(result.latencyMicros, { avg: 68.155, p50: 57, p90: 88.5, p99: 240 });
        assert.strictEqual(result.toolVersion, "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer");
        assert.deepStrictEqual(result.clientCpu, { coresPerRepetition: [1.095, 1.078] });
        // This capture predates the guard's readings: the guard says it could not judge.
        assert.deepStrictEqual(result.saturation, { nodeBusyLimit: 0.7, threadBusyLimit: 0.95, saturatedRepetitions: [], unmeasuredRepetitions: [1, 2] });
    });
});

describe("wrk body size check", () => {
    const session = parseSession(fixture("wrk-client-session.txt"));

    it("reads the bytes wrk read, in wrk's binary units", () => {
        assert.strictEqual(wrkBytesRead(session.repetitions[0].lines), Math.round(8.54 * 1024 ** 2));
        assert.strictEqual(wrkBytesRead(WITH_ERRORS), Math.round(30.96 * 1024 ** 2));
        assert.strictEqual(wrkBytesRead(["Segmentation fault"]), undefined);
    });

    it("accepts the real capture against its 10-byte body, and fails it when the body asked for was 1 KiB", () => {
        assert.strictEqual(summarizeWrk(session, settings).status, "ok");
        const result = summarizeWrk(session, { ...settings, responseBytes: 1024 });
        assert.strictEqual(result.status, "failed");
        assert.strictEqual(result.rps, undefined, "no numbers from a run of the wrong body");
        assert.strictEqual(result.reason,
            "repetition 1: wrk read 8954839 bytes in 67366 responses (133 per response); a body of 1024 bytes (responseBytes) gives 1024 to 5120 with headers: "
            + "the server did not serve the body asked for; "
            + "repetition 2: wrk read 9395241 bytes in 70675 responses (133 per response); a body of 1024 bytes (responseBytes) gives 1024 to 5120 with headers: "
            + "the server did not serve the body asked for");
    });

    it("bounds the bytes per response by the body below and the body with headers above", () => {
        // 64 KiB asked, 10 bytes served (158 per response with nginx's headers).
        assert.match(bodySizeProblem(158_000, 1000, 8, 65536)!, /^wrk read 158000 bytes in 1000 responses \(158 per response\); a body of 65536 bytes/);
        // 10 bytes asked, 64 KiB served.
        assert.match(bodySizeProblem(65_665_000, 1000, 8, 10)!, /\(65665 per response\); a body of 10 bytes \(responseBytes\) gives 10 to 4106 with headers/);
        assert.strictEqual(bodySizeProblem(158_000, 1000, 8, 10), undefined);
        assert.strictEqual(bodySizeProblem(65_665_000, 1000, 8, 65536), undefined);
        // wrk prints two decimals: "62.50MB" may be up to 0.6 % short of the bytes it read.
        assert.strictEqual(bodySizeProblem(Math.round(65536 * 1000 * 0.995), 1000, 8, 65536), undefined);
        // Responses in flight when the run ended: their bytes are counted, they are not.
        assert.strictEqual(bodySizeProblem(1200 * (50 + 8), 50, 8, 1024), undefined);
    });

    it("fails a repetition whose bytes read it cannot read", () => {
        const cut = fixture("wrk-client-session.txt").replace(/^(\s*67366 requests in 2\.10s), 8\.54MB read$/m, "$1, 8.54XB read");
        assert.strictEqual(summarizeWrk(parseSession(cut), settings).reason, "repetition 1: wrk printed no bytes read");
    });
});

describe("wrk saturation guard", () => {
    /** The captured session with the guard's lines, as loadtest/scripts/*.sh print them, in each repetition. */
    const withGuard = (node: [busy: number, total: number, cores: number], thread: [busiest: number, elapsed: number, threads: number]) =>
        parseSession(fixture("wrk-client-session.txt").replace(/^MESHBENCH-END run=(\d+) exit=0$/gm, (end, run) => [
            `MESHBENCH-NODE-CPU run=${run} busy_ticks=${node[0]} total_ticks=${node[1]} cores=${node[2]}`,
            `MESHBENCH-THREADS run=${run} busiest_ticks=${thread[0]} elapsed_ticks=${thread[1]} threads=${thread[2]}`,
            end,
        ].join("\n")));
    // 30 s on 8 cores at 100 ticks/s: 24,000 ticks in all.
    const eightCores = { ...settings, threads: 8, connections: 8, cpu: 8 };

    it("flags 6.9 of 8 cores busy on the client node as saturated, which the wrk cgroup alone called ok", () => {
        const result = summarizeWrk(withGuard([20700, 24000, 8], [1500, 3000, 9]), eightCores);
        assert.strictEqual(result.status, "saturated");
        assert.deepStrictEqual(result.repetitions!.map((r) => r.clientNodeBusyShare), [0.863, 0.863]);
        assert.strictEqual(result.reason,
            "the wrk client was near its limit (node over 70 % busy, or a thread at 95 % of a core or more) in 2 of 2 repetitions " +
            "(repetition 1: client node 86.3 % busy; repetition 2: client node 86.3 % busy): it, not the server, may have been the bottleneck");
        assert.ok(result.rps, "the numbers measured stay");
    });

    it("flags a pegged wrk thread as saturated even on an idle node", () => {
        const result = summarizeWrk(withGuard([4800, 24000, 8], [2940, 3000, 9]), eightCores);
        assert.strictEqual(result.status, "saturated");
        assert.match(result.reason!, /repetition 1: a wrk thread at 98 % of a core;/);
    });

    it("does not misfire with wrkCpu=2 and 8 threads: 8 threads at 40 % each on a node 45 % busy is ok", () => {
        // The old guard compared the cgroup's 3.2 cores with 0.9 × min(threads, wrkCpu) = 1.8 and called this saturated.
        const result = summarizeWrk(withGuard([10800, 24000, 8], [1200, 3000, 9]), { ...eightCores, cpu: 2 });
        assert.strictEqual(result.status, "ok", result.reason);
        assert.deepStrictEqual(result.saturation, { nodeBusyLimit: 0.7, threadBusyLimit: 0.95, saturatedRepetitions: [] });
        assert.deepStrictEqual(result.repetitions!.map((r) => r.busiestThreadShare), [0.4, 0.4]);
    });

    it("is ok at exactly 70 % and flags just over it", () => {
        assert.strictEqual(summarizeWrk(withGuard([16800, 24000, 8], [1200, 3000, 9]), eightCores).status, "ok");
        assert.strictEqual(summarizeWrk(withGuard([16825, 24000, 8], [1200, 3000, 9]), eightCores).status, "saturated");
    });

    it("fails a session that ran fewer repetitions than configured", () => {
        const result = summarizeWrk(parseSession(fixture("wrk-client-session.txt")), { ...settings, repetitions: 3 });
        assert.deepStrictEqual([result.status, result.reason], ["failed", "wrk client ran 2 repetitions, expected 3"]);
        assert.strictEqual(result.rps, undefined);
    });

    it("fails a session that was cut off", () => {
        const text = fixture("wrk-client-session.txt");
        const cut = text.slice(0, text.lastIndexOf("MESHBENCH-END run=2"));
        const result = summarizeWrk(parseSession(cut), settings);
        assert.deepStrictEqual([result.status, result.reason], ["failed", "wrk run 2 was cut off before it finished"]);
    });
});
