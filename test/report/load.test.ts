import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadRun, RunFolderError } from "../../report/load";
import { buildFixtureRun, FIXTURE_RUN_DIR } from "../fixtures/results/build";

describe("report input", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-load-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads every results file of a run folder and its run id", () => {
        const run = loadRun(FIXTURE_RUN_DIR);
        assert.strictEqual(run.runId, "fixture");
        assert.strictEqual(run.results.length, 6);
        assert.strictEqual(run.record, undefined);
        assert.deepStrictEqual(run.skipped, []);
    });

    it("reads the sweep's record beside the results, not as results", () => {
        fs.writeFileSync(path.join(dir, "none-mtls-off.json"), JSON.stringify(buildFixtureRun()["none-mtls-off"]));
        fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify({ runId: "fixture", setups: [], skipped: [] }));
        const run = loadRun(dir);
        assert.deepStrictEqual([run.results.length, run.record?.runId], [1, "fixture"]);
    });

    it("skips a file that is not results, naming it and what is wrong, and reads the rest", () => {
        fs.writeFileSync(path.join(dir, "none-mtls-off.json"), JSON.stringify(buildFixtureRun()["none-mtls-off"]));
        const file = path.join(dir, "istio-mtls-on.json");
        fs.writeFileSync(file, JSON.stringify({ ...buildFixtureRun()["istio-mtls-on"], schemaVersion: 3 }));
        const broken = path.join(dir, "kuma-mtls-on.json");
        fs.writeFileSync(broken, "{");
        const run = loadRun(dir);
        assert.deepStrictEqual(run.results.map((r) => r.mesh), ["none"]);
        assert.deepStrictEqual(run.skipped.map((s) => [s.file, s.problem.replace(/ in JSON at .*| \(line .*/, "")]), [
            [file, "not meshbench results: schemaVersion is 3; this meshbench reads 2"],
            [broken, "not JSON: Expected property name or '}'"],
        ]);
    });

    it("skips results without the resource section, which every run of schema 2 writes (unmeasured at worst)", () => {
        fs.writeFileSync(path.join(dir, "none-mtls-off.json"), JSON.stringify(buildFixtureRun()["none-mtls-off"]));
        const file = path.join(dir, "linkerd-mtls-on.json");
        const { resources: _resources, ...without } = buildFixtureRun()["linkerd-mtls-on"];
        fs.writeFileSync(file, JSON.stringify(without));
        assert.deepStrictEqual(loadRun(dir).skipped, [{ file, problem: "not meshbench results: resources.status is missing" }]);
    });

    it("skips a corrupt sweep record too, and still reports the results", () => {
        fs.writeFileSync(path.join(dir, "none-mtls-off.json"), JSON.stringify(buildFixtureRun()["none-mtls-off"]));
        fs.writeFileSync(path.join(dir, "sweep.json"), "[]");
        const run = loadRun(dir);
        assert.deepStrictEqual([run.results.length, run.record, run.skipped],
            [1, undefined, [{ file: path.join(dir, "sweep.json"), problem: "not a sweep record (no setups)" }]]);
    });

    it("refuses an empty or missing folder, a folder of only unreadable files, and a file given for a folder", () => {
        assert.throws(() => loadRun(dir), new RunFolderError(`${dir}: no results (*.json) to report`));
        assert.throws(() => loadRun(path.join(dir, "nope")), new RunFolderError(`${path.join(dir, "nope")}: no such run folder`));
        const file = path.join(dir, "istio-mtls-on.json");
        fs.writeFileSync(file, "not json");
        assert.throws(() => loadRun(dir), (e: Error) => e instanceof RunFolderError
            && e.message.startsWith(`${dir}: no results (*.json) to report; skipped ${file} (not JSON: `));
        assert.throws(() => loadRun(file), new RunFolderError(
            `${file}: a file, not a run folder; give the folder that holds the results files (e.g. npm run report -- ${dir})`));
    });
});
