// fortio's parser and client script, on real fortio 1.68.2 output: the sessions in
// test/fixtures/fortio/ are real runs of loadtest/scripts/fortio-client.sh against fortio's
// own server on a namespace's loopback (made by test/fixtures/fortio/capture.sh), and the
// script tests below run it against local servers, with fortio built from Go modules.
import * as assert from "assert";
import { execFileSync, spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { HOLD_CHECK, holdVerdict, parseFortioRun, summarizeOpenLoop, summarizeRate } from "../../loadtest/fortio";
import { parseSession } from "../../loadtest/protocol";
import type { OpenLoopSettings } from "../../loadtest/results";
import { fixture } from "../helpers/mocks";
import { ROOT, runScript, startHttpServer } from "../helpers/shell";

const settings = (rates: number[], repetitions: number): OpenLoopSettings => ({
    url: "http://http-server.meshbench.svc.cluster.local:80/", capacityRps: 400, fractions: [0.25, 0.5],
    rates, connections: 4, durationSeconds: 5, warmupSeconds: 1, repetitions,
});
/** The runs of one rate's block in a captured session. */
const blockOf = (name: string, rate: number) =>
    parseSession(fixture(`fortio/${name}`).split(`MESHBENCH-RATE qps=${rate}\n`)[1].split("MESHBENCH-RATE")[0]);

describe("fortio parser", () => {
    it("reads a real run: fortio's percentiles in µs, achieved rate, the sleeps", () => {
        const run = parseFortioRun(blockOf("held-session.txt", 200).repetitions[0].lines);
        assert.deepStrictEqual(run, {
            requestedQps: 200, achievedQps: 199.86, requests: 1000,
            latencyMicros: { p50: 283.5, p90: 538.3, p99: 820, p999: 2000 },
            errors: { non2xx: 0, connection: 0 },
            // 4 connections: each one's last call has no sleep after it.
            sleeps: { count: 996, late: 0 },
        });
        assert.strictEqual(holdVerdict(run, 200), undefined);
    });

    it("counts late sends from the sleep histogram, within 1 ms of schedule too", () => {
        // held-session.txt, 100 requests/s, repetition 1: 12 sleeps in ">= -0.0932624 <= -0.001".
        const run = parseFortioRun(blockOf("held-session.txt", 100).repetitions[0].lines);
        assert.deepStrictEqual(run.sleeps, { count: 496, late: 12 });
        // overload-session.txt: 79463 more than 1 ms late, and 46 in "> -0.001 <= -0.000141386".
        const overload = parseFortioRun(blockOf("overload-session.txt", 100000).repetitions[0].lines);
        assert.deepStrictEqual(overload.sleeps, { count: 79509, late: 79509 });
    });

    it("fails a run with no sleep histogram, naming the flag it needs", () => {
        const lines = blockOf("held-session.txt", 200).repetitions[0].lines.filter((l) => !l.startsWith("Aggregated Sleep Time"));
        assert.throws(() => parseFortioRun(lines), /no "Aggregated Sleep Time" histogram \(is -loglevel verbose set\?\)/);
    });

    it("fails a run whose JSON is cut off", () => {
        const lines = blockOf("held-session.txt", 200).repetitions[0].lines;
        assert.throws(() => parseFortioRun(lines.slice(0, lines.indexOf("}"))), /fortio printed no JSON result/);
    });
});

describe("fortio hold check", () => {
    it("holds the rate that kept its schedule, and flags the one whose sends were late", () => {
        const result = summarizeOpenLoop(fixture("fortio/held-session.txt"), settings([100, 200], 2));
        assert.deepStrictEqual(result.rates!.map((r) => [r.targetQps, r.status, r.rateHeld]), [[100, "notHeld", false], [200, "ok", true]]);
        assert.strictEqual(result.status, "notHeld");
        assert.strictEqual(result.rates![0].reason,
            "fortio did not hold 100 requests/s (repetition 1: 12 of 496 sends late (2.42 %, over 0.1 %); " +
            "repetition 2: 4 of 496 sends late (0.81 %, over 0.1 %)): not open-loop latency");
        const held = result.rates![1];
        assert.deepStrictEqual(held.achievedQps, { perRepetition: [199.86, 199.93], median: 199.895 });
        assert.deepStrictEqual(held.latencyMicros, { p50: 309, p90: 633.75, p99: 1535, p999: 3517.15 });
        assert.deepStrictEqual(held.repetitions!.map((r) => r.lateShare), [0, 0]);
        assert.deepStrictEqual(result.holdCheck, HOLD_CHECK);
        assert.strictEqual(result.toolVersion, "1.68.2");
    });

    it("flags a server that cannot keep up: fortio's p99 is the service time, its sends seconds late", () => {
        const rate = summarizeRate(blockOf("behind-session.txt", 400), 400, 1);
        assert.strictEqual(rate.status, "notHeld");
        assert.strictEqual(rate.reason,
            "fortio did not hold 400 requests/s (repetition 1: achieved 95.22 of 400 requests/s (below 99 %), " +
            "286 of 286 sends late (100 %, over 0.1 %)): not open-loop latency");
        // The server answers after 20 ms; fortio's p99 says 28.7 ms, while its sends were up to 2.3 s late.
        assert.ok(rate.latencyMicros!.p99 < 30000, String(rate.latencyMicros!.p99));
    });

    it("flags a rate far above capacity", () => {
        const result = summarizeOpenLoop(fixture("fortio/overload-session.txt"), settings([100000], 1));
        assert.strictEqual(result.status, "notHeld");
        assert.strictEqual(result.rates![0].achievedQps!.median, 26486.3);
    });

    it("fails a refused connection with fortio's own words, and gives no numbers", () => {
        const result = summarizeOpenLoop(fixture("fortio/refused-session.txt"), settings([100], 1));
        assert.strictEqual(result.status, "failed");
        assert.deepStrictEqual(result.rates, [{
            targetQps: 100, status: "failed",
            reason: "fortio run warmup exited with 1: Fortio 1.68.2 running at 100 queries per second, 2->2 procs, for 1s: " +
                "http://127.0.0.1:18999/ | Aborting because of error -1 for http://127.0.0.1:18999/ (0 bytes)",
        }]);
    });

    it("fails a planned rate the client never ran, and a rate run at another rate", () => {
        const result = summarizeOpenLoop(fixture("fortio/held-session.txt"), settings([100, 200, 300], 2));
        assert.strictEqual(result.status, "failed");
        assert.deepStrictEqual(result.rates![2], { targetQps: 300, status: "failed", reason: "the fortio client never ran 300 requests/s" });
        assert.strictEqual(summarizeRate(blockOf("held-session.txt", 200), 250, 2).reason, "fortio ran at 200 requests/s, planned 250");
    });

    it("fails a session cut off in its last rate", () => {
        const out = fixture("fortio/held-session.txt");
        const cut = out.slice(0, out.lastIndexOf("MESHBENCH-END run=2"));
        const result = summarizeOpenLoop(cut, settings([100, 200], 2));
        assert.strictEqual(result.rates![1].status, "failed");
        assert.strictEqual(result.rates![1].reason, "fortio run 2 was cut off before it finished");
    });
});

/** fortio, built from Go modules into the tools' cache (instant when cached; about 20 s cold here). */
function fortioBinary(): string {
    const out = execFileSync("bash", [path.join(ROOT, "testbed/build-tools.sh"), "fortio"], { stdio: ["ignore", "pipe", "ignore"] }).toString();
    const line = out.split("\n").find((l) => l.startsWith("fortio "));
    assert.ok(line, out);
    return line.slice("fortio ".length).trim();
}

describe("fortio client script, with fortio built from Go modules", function () {
    this.timeout(180_000);
    let fortio: string;
    before(() => {
        fortio = fortioBinary();
    });
    const env = (url: string, extra: Record<string, string> = {}) => ({
        MESHBENCH_FORTIO_BIN: fortio, MESHBENCH_URL: url, MESHBENCH_FORTIO_RATES: "40,80", MESHBENCH_FORTIO_CONNECTIONS: "2",
        MESHBENCH_DURATION_SECONDS: "1", MESHBENCH_WARMUP_SECONDS: "0", MESHBENCH_REPETITIONS: "1",
        MESHBENCH_RUN_TIMEOUT_SECONDS: "20", ...extra,
    });

    it("runs each rate for real and the parser reads every run", async () => {
        const server = await startHttpServer();
        try {
            const run = await runScript("loadtest/scripts/fortio-client.sh", env(server.url));
            assert.strictEqual(run.exitCode, 0, run.stdout);
            // fortio's own log lines are left out.
            assert.ok(!run.stdout.includes('{"ts":'), "fortio's JSON log lines were printed");
            const result = summarizeOpenLoop(run.stdout, { ...settings([40, 80], 1), durationSeconds: 1, warmupSeconds: 0 });
            assert.strictEqual(result.toolVersion, "1.68.2");
            // Held or not depends on this machine's load (a starved fortio stops at the
            // duration short of its calls); that each rate was measured does not.
            for (const [i, rate] of result.rates!.entries()) {
                assert.notStrictEqual(rate.status, "failed", rate.reason);
                assert.ok(rate.repetitions![0].requests > 0 && rate.repetitions![0].requests <= [40, 80][i], String(rate.repetitions![0].requests));
            }
        } finally {
            await server.close();
        }
    });

    it("cuts fortio's log objects out of its report, even one written into the middle of a report line", async () => {
        // A stand-in fortio whose logger wrote between two writes of one report line, as fortio's can.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-fortio-"));
        const fake = path.join(dir, "fortio");
        const log = '{"ts":1764643986.9,"level":"info","r":7,"file":"periodic.go","line":1,"msg":"T000 ended after 1s : 40 calls. qps=39.9"}';
        fs.writeFileSync(fake, [
            "#!/bin/sh",
            'if [ "$1" = version ]; then echo 1.68.2; exit 0; fi',
            `printf '%s\n' '${log}' >&2`,
            "printf '%s' 'Aggregated Sleep Time : count 2 avg 0.01 +/- 0 min 0.01 max 0.01 sum 0.02' >&2",
            `printf '%s\n' '${log}' >&2`,
            "printf '%s\n' '# range, mid point, percentile, count' >&2",
        ].join("\n") + "\n", { mode: 0o755 });
        try {
            const run = await runScript("loadtest/scripts/fortio-client.sh", { ...env("http://127.0.0.1:9/", { MESHBENCH_FORTIO_RATES: "40" }), MESHBENCH_FORTIO_BIN: fake });
            assert.strictEqual(run.exitCode, 0, run.stdout);
            assert.ok(!run.stdout.includes('{"ts":'), run.stdout);
            const report = run.stdout.split("\n").filter((l) => l.startsWith("Aggregated") || l.startsWith("# range"));
            assert.deepStrictEqual(report, ["Aggregated Sleep Time : count 2 avg 0.01 +/- 0 min 0.01 max 0.01 sum 0.02", "# range, mid point, percentile, count"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("fails a rate whose responses turn to 503 after fortio's warm-up, counting them", async () => {
        // fortio aborts when a connection's first request fails; so 200 for the first
        // request of each of the 2 connections (its warm-up), then 503.
        let served = 0;
        const server = http.createServer((_req, res) => {
            res.writeHead(served++ < 2 ? 200 : 503);
            res.end("meshbench\n");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
            const run = await runScript("loadtest/scripts/fortio-client.sh", env(url, { MESHBENCH_FORTIO_RATES: "40" }));
            const result = summarizeOpenLoop(run.stdout, { ...settings([40], 1), durationSeconds: 1, warmupSeconds: 0 });
            assert.strictEqual(result.status, "failed");
            assert.strictEqual(result.rates![0].reason, "fortio saw errors (non-2xx 40, connection 0); latency with errors is not comparable");
        } finally {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        }
    });

    it("finds the fortio of another process through /proc/<pid>/root, as in the pod", async () => {
        // What the pod's fortio container runs: an echo server on a loopback port of its own.
        const idle: ChildProcess = spawn(fortio, ["tcp-echo", "-tcp-port", "127.0.0.1:0"], { stdio: "ignore" });
        try {
            await new Promise((resolve) => setTimeout(resolve, 300));
            const { MESHBENCH_FORTIO_BIN: _unused, ...rest } = env("http://127.0.0.1:9/");
            const run = await runScript("loadtest/scripts/fortio-client.sh", { ...rest, MESHBENCH_FORTIO_RATES: "40" });
            assert.match(run.stdout, /^MESHBENCH-TOOL fortio 1\.68\.2$/m);
        } finally {
            idle.kill();
        }
    });

    it("refuses to start without its settings", async () => {
        const run = await runScript("loadtest/scripts/fortio-client.sh", { MESHBENCH_FORTIO_BIN: fortio });
        assert.strictEqual(run.exitCode, 2);
        assert.match(run.stdout, /^MESHBENCH-ERROR missing environment variable MESHBENCH_URL$/m);
    });
});

