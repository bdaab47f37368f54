import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadRun } from "../../report/load";
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
    });

    it("reads the sweep's record beside the results, not as results", () => {
        fs.writeFileSync(path.join(dir, "none-mtls-off.json"), JSON.stringify(buildFixtureRun()["none-mtls-off"]));
        fs.writeFileSync(path.join(dir, "sweep.json"), JSON.stringify({ runId: "fixture", setups: [], skipped: [] }));
        const run = loadRun(dir);
        assert.deepStrictEqual([run.results.length, run.record?.runId], [1, "fixture"]);
    });

    it("refuses a file that is not results, naming it and what is wrong", () => {
        const file = path.join(dir, "istio-mtls-on.json");
        fs.writeFileSync(file, JSON.stringify({ ...buildFixtureRun()["istio-mtls-on"], schemaVersion: 2 }));
        assert.throws(() => loadRun(dir), { message: `${file}: not meshbench results: schemaVersion is 2; this meshbench reads 1` });
        fs.writeFileSync(file, "{");
        assert.throws(() => loadRun(dir), new RegExp(`^Error: ${file.replace(/[.]/g, "\\.")}: not JSON: `));
    });

    it("refuses an empty or missing folder", () => {
        assert.throws(() => loadRun(dir), { message: `${dir}: no results (*.json) to report` });
        assert.throws(() => loadRun(path.join(dir, "nope")), { message: `${path.join(dir, "nope")}: no such run folder` });
    });
});
