// The report command, argv to exit status: what it prints on the console, what it skips,
// and 2 for every wrong argument, as for the sweep.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPORT_USAGE, reportMain } from "../../report/cli";
import { buildFixtureRun, fixtureFileText, withFailedWrk } from "../fixtures/results/build";

describe("report command", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-report-cli-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = async (argv: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await reportMain(argv, { cwd: dir, env: {}, say: (l) => out.push(l), warn: (l) => err.push(l) });
        return { code, out, err };
    };

    it("exits 2 on a bad command line, with the usage", async () => {
        for (const [argv, first] of [
            [[], "give one run folder"],
            [["a", "b"], "give one run folder (got 2: a b)"],
            [["--bogus", "a"], "unknown option --bogus"],
            [["a", "--out"], "--out needs a value (--out DIR)"],
        ] as const) {
            const r = await run([...argv]);
            assert.deepStrictEqual([r.code, r.err[0].split("\n")[0], r.out], [2, first, []], argv.join(" "));
        }
    });

    it("prints its usage for -h and --help", async () => {
        for (const flag of ["-h", "--help"]) assert.deepStrictEqual(await run([flag]), { code: 0, out: [REPORT_USAGE], err: [] });
    });

    it("exits 2 for a missing folder, and for a file where a folder is expected, saying so", async () => {
        const missing = await run([path.join(dir, "nope")]);
        assert.deepStrictEqual([missing.code, missing.err], [2, [`${path.join(dir, "nope")}: no such run folder`]]);
        const file = path.join(dir, "istio-mtls-on.json");
        fs.writeFileSync(file, "{}");
        const notFolder = await run([file]);
        assert.deepStrictEqual([notFolder.code, notFolder.err], [2, [
            `${file}: a file, not a run folder; give the folder that holds the results files (e.g. npm run report -- ${dir})`]]);
    });

    it("skips a corrupt results file with a warning naming it, and counts the skipped and the not ok on the console", async () => {
        const runDir = path.join(dir, "r1");
        fs.mkdirSync(runDir);
        const fixtures = buildFixtureRun();
        fs.writeFileSync(path.join(runDir, "none-mtls-off.json"), fixtureFileText(fixtures["none-mtls-off"]));
        fs.writeFileSync(path.join(runDir, "istio-mtls-on.json"), fixtureFileText(withFailedWrk(fixtures["istio-mtls-on"], "wrk: 12 socket errors")));
        fs.writeFileSync(path.join(runDir, "kuma-mtls-on.json"), '{"schemaVersion": 1, "status": "ok"');
        const r = await run(["r1"]);
        assert.strictEqual(r.code, 0, r.err.join("\n"));
        assert.strictEqual(r.err.length, 1);
        assert.match(r.err[0], /^warning: skipped r1\/kuma-mtls-on\.json: not JSON: /);
        assert.match(r.out[0], /^report of r1 in \d+ ms: 2 setup\(s\) with results, 1 not ok, 1 file\(s\) skipped$/);
        assert.strictEqual(r.out[1], "  not ok: istio, mTLS on: failed: wrk: 12 socket errors");
        assert.deepStrictEqual(r.out.slice(2), ["report.md", "rps.svg", "rps.png", "latency.svg", "latency.png", "smp.json"]
            .map((f) => `  r1/report/${f}`));
        const markdown = fs.readFileSync(path.join(runDir, "report", "report.md"), "utf8");
        assert.match(markdown, /^- file `kuma-mtls-on\.json` left out of this report: not JSON: /m);
    });
});
