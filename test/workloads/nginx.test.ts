// The HTTP server's nginx.conf, run by Debian's real nginx on loopback with the body file
// the ConfigMap holds: it must serve exactly responseBytes bytes on every path, with the
// headers the old `return` path sent. Debian's nginx (bookworm: 1.22) stands in for the
// pinned nginx:1.27.4-alpine; every directive the config uses is older than both.
import * as assert from "assert";
import { type ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { buildHttpServerFiles, buildNginxConf, buildResponseBody, HTTP_BODY_FILE, HTTP_READINESS_PATH } from "../../workloads/http-server";
import { parseSession } from "../../loadtest/protocol";
import type { WrkSettings } from "../../loadtest/results";
import { summarizeWrk, wrkBytesRead } from "../../loadtest/wrk";
import { closedPort, runScript } from "../helpers/shell";

interface RawResponse {
    readonly status: string;
    readonly headers: Record<string, string>;
    readonly body: Buffer;
}

/** One HTTP/1.1 request on a fresh connection; reads the whole response by its Content-Length. */
function get(port: number, urlPath: string): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () => socket.write(`GET ${urlPath} HTTP/1.1\r\nHost: meshbench\r\n\r\n`));
        let data = Buffer.alloc(0);
        socket.setTimeout(5000, () => socket.destroy(new Error("no complete response in 5 s")));
        socket.on("error", reject);
        socket.on("data", (chunk) => {
            data = Buffer.concat([data, chunk]);
            const end = data.indexOf("\r\n\r\n");
            if (end < 0) return;
            const [status, ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
            const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
            const length = Number(headers["content-length"]);
            if (data.length - end - 4 >= length) {
                socket.end();
                resolve({ status, headers, body: data.subarray(end + 4) });
            }
        });
    });
}

async function waitForPort(port: number, nginx: ChildProcess, stderr: () => string): Promise<void> {
    for (let i = 0; i < 100; i++) {
        if (nginx.exitCode !== null) throw new Error(`nginx exited ${nginx.exitCode}: ${stderr()}`);
        const open = await new Promise<boolean>((resolve) => {
            const s = net.connect(port, "127.0.0.1", () => { s.end(); resolve(true); });
            s.on("error", () => resolve(false));
        });
        if (open) return;
        await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nginx did not listen on ${port}: ${stderr()}`);
}

/** Debian's nginx with the pod's nginx.conf, but for where it listens, finds the body and writes its pid. */
async function startNginx(bytes: number): Promise<{ port: number; stop(): Promise<void> }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-nginx-"));
    // nginx's workers run as nobody when started as root: the directory must be searchable.
    fs.chmodSync(dir, 0o755);
    const port = await closedPort();
    const files = buildHttpServerFiles(bytes);
    fs.writeFileSync(path.join(dir, HTTP_BODY_FILE), files[HTTP_BODY_FILE]);
    const pidFile = path.join(dir, "nginx.pid");
    const conf = buildNginxConf({ listen: `127.0.0.1:${port}`, bodyDir: dir, pidFile });
    assert.strictEqual(conf.replace(`127.0.0.1:${port}`, "8080").replace(`root ${dir};`, "root /srv/meshbench;")
        .replace(`pid ${pidFile};`, "pid /tmp/nginx.pid;"), files["nginx.conf"], "only those three lines differ");
    fs.writeFileSync(path.join(dir, "nginx.conf"), conf);
    // A file, not a pipe: node's pipes are sockets, which nginx cannot open() as /dev/stderr.
    const log = path.join(dir, "stderr.log");
    const logFd = fs.openSync(log, "w");
    const nginx = spawn("nginx", ["-c", path.join(dir, "nginx.conf"), "-e", "stderr", "-g", "daemon off;"], { stdio: ["ignore", "ignore", logFd] });
    fs.closeSync(logFd);
    const stop = async () => {
        nginx.kill("SIGTERM");
        await new Promise((r) => (nginx.exitCode !== null ? r(undefined) : nginx.once("exit", r)));
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitForPort(port, nginx, () => fs.readFileSync(log, "utf8"));
    } catch (e) {
        await stop();
        throw e;
    }
    return { port, stop };
}

describe("nginx.conf with the real nginx (Debian's), on loopback", function () {
    this.timeout(30_000);

    before(function () {
        // CI installs nginx (.ci/run); without it this suite must fail, not skip.
        const version = execFileSync("sh", ["-c", "nginx -v 2>&1 || true"]).toString().trim();
        assert.match(version, /^nginx version: nginx\//, "nginx must be installed (apt-get install nginx)");
        console.log(`      real nginx: ${version}`);
    });

    for (const bytes of [10, 1024, 65536]) {
        it(`serves a body of exactly ${bytes} bytes on / and on the readiness path, with the old return path's headers`, async () => {
            const server = await startNginx(bytes);
            try {
                for (const urlPath of ["/", HTTP_READINESS_PATH]) {
                    const response = await get(server.port, urlPath);
                    assert.strictEqual(response.status, "HTTP/1.1 200 OK", urlPath);
                    assert.strictEqual(response.body.length, bytes, `${urlPath}: body length`);
                    assert.strictEqual(response.body.toString("latin1"), buildResponseBody(bytes), `${urlPath}: body`);
                    // What `return 200 "meshbench\n"` sent, and nothing a static file would add.
                    assert.deepStrictEqual(Object.keys(response.headers).sort(), ["connection", "content-length", "content-type", "date", "server"]);
                    assert.strictEqual(response.headers["content-type"], "text/plain");
                    assert.strictEqual(response.headers["content-length"], String(bytes));
                }
            } finally {
                await server.stop();
            }
        });
    }

    it("passes the wrk client's byte check at the size it serves, and fails it at another", async () => {
        const server = await startNginx(65536);
        try {
            const settings: WrkSettings = { url: `http://127.0.0.1:${server.port}/`, threads: 1, connections: 2, durationSeconds: 1,
                warmupSeconds: 0, repetitions: 1, cpu: 1, responseBytes: 65536 };
            const run = await runScript("loadtest/scripts/wrk-client.sh", {
                MESHBENCH_URL: settings.url, MESHBENCH_WRK_THREADS: "1", MESHBENCH_WRK_CONNECTIONS: "2",
                MESHBENCH_DURATION_SECONDS: "1", MESHBENCH_WARMUP_SECONDS: "0", MESHBENCH_REPETITIONS: "1",
            });
            assert.strictEqual(run.exitCode, 0);
            const session = parseSession(run.stdout);
            const served = summarizeWrk(session, settings);
            assert.notStrictEqual(served.status, "failed", served.reason);
            const perResponse = wrkBytesRead(session.repetitions[0].lines)! / served.repetitions![0].requests;
            console.log(`      real wrk against real nginx, 64 KiB: ${Math.round(served.rps!.median)} RPS, ${Math.round(perResponse)} bytes per response`);
            const other = summarizeWrk(session, { ...settings, responseBytes: 10 });
            assert.strictEqual(other.status, "failed");
            assert.match(other.reason!, /^repetition 1: wrk read \d+ bytes in \d+ responses \(6\d{4} per response\); a body of 10 bytes \(responseBytes\)/);
        } finally {
            await server.stop();
        }
    });

    it("refuses a `return` text past 4 KiB, which is why the body is a file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-nginx-"));
        try {
            const conf = buildNginxConf({ listen: "127.0.0.1:1", bodyDir: dir, pidFile: path.join(dir, "nginx.pid") })
                .replace(/location \/ \{.*\}/, `location / { return 200 "${"x".repeat(5000)}"; }`);
            fs.writeFileSync(path.join(dir, "nginx.conf"), conf);
            const test = (() => {
                try {
                    execFileSync("nginx", ["-t", "-c", path.join(dir, "nginx.conf"), "-e", "stderr"], { stdio: "pipe" });
                    return "accepted";
                } catch (e) {
                    return String((e as { stderr: Buffer }).stderr);
                }
            })();
            assert.match(test, /too long parameter/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
