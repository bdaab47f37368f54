// netperf's parser and client script, on real netperf 2.7.0 output: the sessions in
// test/fixtures/netperf/ are real runs of loadtest/scripts/netperf-client.sh against a real
// netserver (made by test/fixtures/netperf/capture.sh), and the script tests below run it
// against a netserver on loopback, through a wrapper that records what the script asked for.
import * as assert from "assert";
import { execFile, spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { NETPERF_COLUMNS, parseNetperfRun, summarizeNetperf } from "../../loadtest/netperf";
import { parseSession } from "../../loadtest/protocol";
import type { NetperfSettings } from "../../loadtest/results";
import { fixture } from "../helpers/mocks";
import { runScript } from "../helpers/shell";

const settings: NetperfSettings = {
    host: "netperf-server.meshbench.svc.cluster.local", test: "TCP_RR", controlPort: 12865, dataPort: 12866,
    requestSize: 1, responseSize: 1, durationSeconds: 30, warmupSeconds: 10, repetitions: 2,
};

const HEADER = NETPERF_COLUMNS.map((c) => c.title).join(",");
/** The measured repetitions of a captured session, as the protocol parser hands them on. */
const runsOf = (name: string) => parseSession(fixture(`netperf/${name}`)).repetitions;

describe("netperf -o parser", () => {
    it("reads a real TCP_RR run: column titles, then values", () => {
        assert.deepStrictEqual(parseNetperfRun(runsOf("tcp-rr-session.txt")[0].lines), {
            transactionsPerSecond: 107534.011,
            latencyMicros: { mean: 9.26, roundTrip: 9.299, p50: 5, p90: 5, p99: 14 },
            requestSize: 1,
            responseSize: 1,
        });
    });

    it("reads a real TCP_CRR run, whose banner differs", () => {
        const run = runsOf("tcp-crr-session.txt")[1];
        assert.match(run.lines[0], /^MIGRATED TCP Connect\/Request\/Response TEST/);
        assert.deepStrictEqual(parseNetperfRun(run.lines).latencyMicros, { mean: 45.86, roundTrip: 45.943, p50: 24, p90: 34, p99: 203 });
    });

    it("expects the column titles real netperf printed", () => {
        assert.ok(runsOf("tcp-rr-session.txt")[0].lines.includes(HEADER));
        assert.ok(runsOf("tcp-crr-session.txt")[0].lines.includes(HEADER));
    });

    it("refuses output without the header, or with missing values", () => {
        const values = runsOf("tcp-rr-session.txt")[0].lines[2];
        assert.throws(() => parseNetperfRun([values]), /no "Mean Latency Microseconds,.*" header/);
        assert.throws(() => parseNetperfRun([HEADER, "9.26,9.299,5"]), /printed 3 values for 8 columns/);
        assert.throws(() => parseNetperfRun([HEADER, "9.26,9.299,,5,14,107534.011,1,1"]), /P50_LATENCY is not a number/);
        assert.throws(() => parseNetperfRun([HEADER]), /a header but no values/);
    });
});

describe("netperf summary", () => {
    it("reports the medians of the repetitions, leaving the warm-up out", () => {
        const result = summarizeNetperf(parseSession(fixture("netperf/tcp-rr-session.txt")), settings);
        assert.strictEqual(result.status, "ok", result.reason);
        assert.deepStrictEqual(result.latencyMicros, { mean: 9.585, roundTrip: 9.622, p50: 5, p90: 5, p99: 14 });
        assert.strictEqual(result.transactionsPerSecond, 104038.247);
        assert.strictEqual(result.repetitions!.length, 2);
        assert.strictEqual(result.toolVersion, "Netperf version 2.7.0");
    });

    it("summarizes a real TCP_CRR session the same way", () => {
        const result = summarizeNetperf(parseSession(fixture("netperf/tcp-crr-session.txt")), { ...settings, test: "TCP_CRR" });
        assert.strictEqual(result.status, "ok", result.reason);
        assert.deepStrictEqual(result.latencyMicros, { mean: 43.045, roundTrip: 43.118, p50: 22.5, p90: 33, p99: 235.5 });
        assert.strictEqual(result.transactionsPerSecond, 23292.439);
    });

    it("fails when netperf ran other sizes than configured", () => {
        const result = summarizeNetperf(parseSession(fixture("netperf/tcp-rr-session.txt")), { ...settings, requestSize: 64 });
        assert.deepStrictEqual([result.status, result.reason],
            ["failed", "netperf ran 1/1-byte transactions, configured 64/1"]);
        assert.strictEqual(result.latencyMicros, undefined);
    });

    for (const [name, file, host, port] of [
        ["nothing listens on the control port (refused)", "refused-session.txt", "10.99.0.1", 12999],
        ["the host has no route (unreachable)", "unreachable-session.txt", "10.99.1.1", 12865],
    ] as const) {
        it(`fails with netperf's own words when ${name}`, () => {
            const result = summarizeNetperf(parseSession(fixture(`netperf/${file}`)), { ...settings, repetitions: 1 });
            assert.strictEqual(result.status, "failed");
            // netperf exits 255 here and prints the same words for both: it does not say why connect() failed.
            assert.strictEqual(result.reason,
                `netperf run warmup exited with 255: establish control: are you sure there is a netserver listening on ${host} at port ${port}? | ` +
                `establish_control could not establish the control connection from 0.0.0.0 port 0 address family AF_UNSPEC to ${host} port ${port} address family AF_INET`);
            assert.strictEqual(result.latencyMicros, undefined);
        });
    }
});

/** A free TCP port on loopback, for netserver's control connection. */
async function freePort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
}

describe("netperf client script, against a real netserver on loopback", function () {
    this.timeout(60_000);
    let binDir: string;
    let netserver: ChildProcess;
    let controlPort: number;
    let dataPort: number;

    before(async () => {
        controlPort = await freePort();
        dataPort = await freePort();
        netserver = spawn("netserver", ["-D", "-L", "127.0.0.1", "-p", String(controlPort)], { stdio: "ignore" });
        // Until netserver listens.
        for (let i = 0; i < 50; i++) {
            const up = await new Promise<boolean>((resolve) => {
                const s = net.connect(controlPort, "127.0.0.1", () => { s.destroy(); resolve(true); });
                s.on("error", () => resolve(false));
            });
            if (up) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        binDir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-netperf-"));
        // Records the script's arguments, then runs the real netperf with them.
        const real = await new Promise<string>((resolve, reject) =>
            execFile("sh", ["-c", "command -v netperf"], (e, out) => (e ? reject(e) : resolve(out.trim()))));
        fs.writeFileSync(path.join(binDir, "netperf"),
            `#!/bin/sh\nprintf '%s\\n' "$*" >> "${binDir}/calls"\nexec ${real} "$@"\n`, { mode: 0o755 });
    });
    after(() => {
        netserver?.kill();
        fs.rmSync(binDir, { recursive: true, force: true });
    });

    // One TCP_CRR run of 1 s takes about 5 s here (netperf 2.7.0 on loopback), so it gets no warm-up and one repetition.
    const env = (test: string, repetitions = test === "TCP_CRR" ? 1 : 2) => ({
        PATH: `${binDir}:${process.env.PATH}`,
        MESHBENCH_NETPERF_HOST: "127.0.0.1", MESHBENCH_NETPERF_CONTROL_PORT: String(controlPort),
        MESHBENCH_NETPERF_DATA_PORT: String(dataPort), MESHBENCH_NETPERF_TEST: test,
        MESHBENCH_NETPERF_REQUEST_SIZE: "1", MESHBENCH_NETPERF_RESPONSE_SIZE: "1",
        MESHBENCH_DURATION_SECONDS: "1", MESHBENCH_WARMUP_SECONDS: repetitions === 1 ? "0" : "1",
        MESHBENCH_REPETITIONS: String(repetitions),
        MESHBENCH_RUN_TIMEOUT_SECONDS: "20",
    });

    for (const test of ["TCP_RR", "TCP_CRR"] as const) {
        it(`runs ${test} for real: every run with the data port pinned and the selectors in parser order`, async () => {
            fs.rmSync(path.join(binDir, "calls"), { force: true });
            const run = await runScript("loadtest/scripts/netperf-client.sh", env(test));
            assert.strictEqual(run.exitCode, 0);
            const calls = fs.readFileSync(path.join(binDir, "calls"), "utf8").trim().split("\n");
            const selectors = NETPERF_COLUMNS.map((c) => c.selector).join(",");
            const expected = `-H 127.0.0.1 -p ${controlPort} -t ${test} -l 1 -j -- -P ,${dataPort} -r 1,1 -o ${selectors}`;
            const runs = test === "TCP_CRR" ? 1 : 3;
            assert.deepStrictEqual(calls, ["-V", ...Array(runs).fill(expected)]);
            const repetitions = test === "TCP_CRR" ? 1 : 2;
            const result = summarizeNetperf(parseSession(run.stdout), { ...settings, test, repetitions, durationSeconds: 1 });
            assert.strictEqual(result.status, "ok", result.reason);
            assert.ok(result.transactionsPerSecond! > 0);
            assert.strictEqual(result.toolVersion, "Netperf version 2.7.0");
        });
    }

    it("kills a run that hangs past its timeout, so the step fails instead of hanging", async () => {
        const hangDir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-netperf-hang-"));
        fs.writeFileSync(path.join(hangDir, "netperf"), '#!/bin/sh\n[ "$1" = -V ] && exit 0\nexec sleep 30\n', { mode: 0o755 });
        try {
            const started = Date.now();
            const run = await runScript("loadtest/scripts/netperf-client.sh", {
                ...env("TCP_RR"), PATH: `${hangDir}:${process.env.PATH}`, MESHBENCH_RUN_TIMEOUT_SECONDS: "1",
                MESHBENCH_WARMUP_SECONDS: "0", MESHBENCH_REPETITIONS: "1",
            });
            assert.ok(Date.now() - started < 10_000, "the run was cut short");
            const result = summarizeNetperf(parseSession(run.stdout), { ...settings, repetitions: 1 });
            assert.deepStrictEqual([result.status, result.reason], ["failed", "netperf run 1 exited with 124"]);
        } finally {
            fs.rmSync(hangDir, { recursive: true, force: true });
        }
    });
});
