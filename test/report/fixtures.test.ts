import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadRun } from "../../report/load";
import { buildFixtureRun, FIXTURE_RUN_DIR, fixtureFileText } from "../fixtures/results/build";

describe("fixture run", () => {
    it("is exactly what its typed builder makes (regenerate: npx ts-node -T test/fixtures/results/build.ts)", () => {
        const built = buildFixtureRun();
        assert.deepStrictEqual(fs.readdirSync(FIXTURE_RUN_DIR).sort(), Object.keys(built).map((s) => `${s}.json`).sort());
        for (const [stack, results] of Object.entries(built)) {
            assert.strictEqual(fs.readFileSync(path.join(FIXTURE_RUN_DIR, `${stack}.json`), "utf8"), fixtureFileText(results), stack);
        }
    });

    it("says in every file that its numbers are invented", () => {
        for (const r of loadRun(FIXTURE_RUN_DIR).results) assert.match(r.provenance.cluster.fixture, /^INVENTED numbers/);
    });
});
