import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadRun } from "../../report/load";
import { buildFixtureRun, buildFixtureSweep, FIXTURE_RUN_DIR, FIXTURE_SWEEP_DIR, fixtureFileText } from "../fixtures/results/build";

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
        for (const r of loadRun(FIXTURE_SWEEP_DIR).results) assert.match(r.provenance.cluster.fixture, /^INVENTED numbers/);
    });

    it("has a sweep fixture of 3 lanes × 2 rounds of 7 setups, exactly as built, read with each file's lane and round", () => {
        const built = buildFixtureSweep();
        assert.deepStrictEqual(fs.readdirSync(FIXTURE_SWEEP_DIR).sort(), Object.keys(built).sort());
        for (const [file, results] of Object.entries(built)) {
            assert.strictEqual(fs.readFileSync(path.join(FIXTURE_SWEEP_DIR, file), "utf8"), fixtureFileText(results), file);
        }
        const run = loadRun(FIXTURE_SWEEP_DIR);
        assert.strictEqual(run.observations.length, 3 * 2 * 7);
        assert.deepStrictEqual([...new Set(run.observations.map((o) => `${o.lane}/${o.round}`))].sort(), ["1/1", "1/2", "2/1", "2/2", "3/1", "3/2"]);
        const kuma = run.observations.find((o) => o.lane === 3 && o.round === 2 && o.results.mesh === "kuma" && !o.results.mtls.requested)!;
        assert.strictEqual(kuma.results, run.results[run.observations.indexOf(kuma)]);
    });
});
