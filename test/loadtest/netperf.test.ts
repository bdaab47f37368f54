// netperf cannot be installed here (it is not in Debian's main archive), so its parser
// is tested on output written in the exact format netperf 2.7 documents for `-o`, and
// the client script is run with a stand-in `netperf` that records its arguments and
// prints that format. What this proves: the script's command line and control flow,
// and the parser. What it cannot: that a real netperf prints the same (see
// test/fixtures/README.md).
import * as assert from "assert";
import * as fs from "fs";
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

describe("netperf -o parser", () => {
    it("reads the documented CSV: column titles, then values", () => {
        const lines = [
            "MIGRATED TCP REQUEST/RESPONSE TEST from 0.0.0.0 (0.0.0.0) port 0 AF_INET to h () port 0 AF_INET : first burst 0",
            HEADER,
            "262.48,255,289,413,3809.512,1,1",
        ];
        assert.deepStrictEqual(parseNetperfRun(lines), {
            transactionsPerSecond: 3809.512,
            latencyMicros: { mean: 262.48, p50: 255, p90: 289, p99: 413 },
            requestSize: 1,
            responseSize: 1,
        });
    });

    it("uses netperf's own column titles (src/nettest_omni.c)", () => {
        assert.strictEqual(HEADER,
            "Mean Latency Microseconds,50th Percentile Latency Microseconds,90th Percentile Latency Microseconds," +
            "99th Percentile Latency Microseconds,Transaction Rate Tran/s,Request Size Bytes,Response Size Bytes");
    });

    it("refuses output without the header, or with missing values", () => {
        assert.throws(() => parseNetperfRun(["262.48,255,289,413,3809.512,1,1"]), /no "Mean Latency Microseconds,.*" header/);
        assert.throws(() => parseNetperfRun([HEADER, "262.48,255,289"]), /printed 3 values for 7 columns/);
        assert.throws(() => parseNetperfRun([HEADER, "262.48,,289,413,3809.512,1,1"]), /P50_LATENCY is not a number/);
        assert.throws(() => parseNetperfRun([HEADER]), /a header but no values/);
    });
});

describe("netperf summary", () => {
    it("reports the medians of the repetitions, leaving the warm-up out", () => {
        const result = summarizeNetperf(parseSession(fixture("netperf-client-session.txt")), settings);
        assert.strictEqual(result.status, "ok", result.reason);
        assert.deepStrictEqual(result.latencyMicros, { mean: 260.695, p50: 253.5, p90: 286.5, p99: 407.5 });
        assert.strictEqual(result.transactionsPerSecond, 3835.708);
        assert.strictEqual(result.repetitions!.length, 2);
        assert.strictEqual(result.toolVersion, "Netperf version 2.7.0");
    });

    it("fails when netperf ran other sizes than configured", () => {
        const result = summarizeNetperf(parseSession(fixture("netperf-client-session.txt")), { ...settings, requestSize: 64 });
        assert.deepStrictEqual([result.status, result.reason],
            ["failed", "netperf ran 1/1-byte transactions, configured 64/1"]);
        assert.strictEqual(result.latencyMicros, undefined);
    });

    it("fails with netperf's words when it could not reach netserver", () => {
        const output = [
            "MESHBENCH-TOOL netperf Netperf version 2.7.0", "MESHBENCH-BEGIN run=1",
            "establish control: are you sure there is a netserver listening on netperf-server at port 12865?",
            "establish_control could not establish the control connection from 0.0.0.0 port 0 address family AF_UNSPEC to netperf-server port 12865 address family AF_INET",
            "MESHBENCH-END run=1 exit=1", "MESHBENCH-DONE",
        ].join("\n");
        const result = summarizeNetperf(parseSession(output), { ...settings, repetitions: 1 });
        assert.strictEqual(result.status, "failed");
        assert.match(result.reason!, /^netperf run 1 exited with 1: establish control: are you sure/);
    });
});

describe("netperf client script", () => {
    let binDir: string;
    before(() => {
        binDir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-netperf-"));
        // Stand-in netperf: records its arguments, prints the documented -o format.
        fs.writeFileSync(path.join(binDir, "netperf"), [
            "#!/bin/sh",
            'if [ "$1" = "-V" ]; then echo "Netperf version 2.7.0"; exit 0; fi',
            `printf '%s\\n' "$*" >> "${binDir}/calls"`,
            'echo "MIGRATED TCP REQUEST/RESPONSE TEST from 0.0.0.0 (0.0.0.0) port 0 AF_INET to x () port 0 AF_INET"',
            `echo "${HEADER}"`,
            'echo "250.00,240,280,400,3900.000,1,1"',
        ].join("\n"), { mode: 0o755 });
    });
    after(() => fs.rmSync(binDir, { recursive: true, force: true }));

    it("runs the warm-up and each repetition with the data port pinned and the output selectors in parser order", async () => {
        const run = await runScript("loadtest/scripts/netperf-client.sh", {
            PATH: `${binDir}:${process.env.PATH}`,
            MESHBENCH_NETPERF_HOST: settings.host, MESHBENCH_NETPERF_CONTROL_PORT: "12865",
            MESHBENCH_NETPERF_DATA_PORT: "12866", MESHBENCH_NETPERF_TEST: "TCP_RR",
            MESHBENCH_NETPERF_REQUEST_SIZE: "1", MESHBENCH_NETPERF_RESPONSE_SIZE: "1",
            MESHBENCH_DURATION_SECONDS: "30", MESHBENCH_WARMUP_SECONDS: "10", MESHBENCH_REPETITIONS: "2",
        });
        assert.strictEqual(run.exitCode, 0);
        const calls = fs.readFileSync(path.join(binDir, "calls"), "utf8").trim().split("\n");
        const selectors = NETPERF_COLUMNS.map((c) => c.selector).join(",");
        const expected = (seconds: number) =>
            `-H ${settings.host} -p 12865 -t TCP_RR -l ${seconds} -j -- -P ,12866 -r 1,1 -o ${selectors}`;
        assert.deepStrictEqual(calls, [expected(10), expected(30), expected(30)]);
        const result = summarizeNetperf(parseSession(run.stdout), settings);
        assert.strictEqual(result.status, "ok", result.reason);
        assert.strictEqual(result.latencyMicros!.p99, 400);
    });

    it("kills a run that hangs past its timeout, so the step fails instead of hanging", async () => {
        const hangDir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-netperf-hang-"));
        fs.writeFileSync(path.join(hangDir, "netperf"), '#!/bin/sh\n[ "$1" = -V ] && exit 0\nexec sleep 30\n', { mode: 0o755 });
        try {
            const started = Date.now();
            const run = await runScript("loadtest/scripts/netperf-client.sh", {
                PATH: `${hangDir}:${process.env.PATH}`, MESHBENCH_RUN_TIMEOUT_SECONDS: "1",
                MESHBENCH_NETPERF_HOST: "h", MESHBENCH_NETPERF_CONTROL_PORT: "12865", MESHBENCH_NETPERF_DATA_PORT: "12866",
                MESHBENCH_NETPERF_TEST: "TCP_RR", MESHBENCH_NETPERF_REQUEST_SIZE: "1", MESHBENCH_NETPERF_RESPONSE_SIZE: "1",
                MESHBENCH_DURATION_SECONDS: "30", MESHBENCH_WARMUP_SECONDS: "0", MESHBENCH_REPETITIONS: "1",
            });
            assert.ok(Date.now() - started < 10_000, "the run was cut short");
            const result = summarizeNetperf(parseSession(run.stdout), { ...settings, repetitions: 1 });
            assert.deepStrictEqual([result.status, result.reason], ["failed", "netperf run 1 exited with 124"]);
        } finally {
            fs.rmSync(hangDir, { recursive: true, force: true });
        }
    });
});
