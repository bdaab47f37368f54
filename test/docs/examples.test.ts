// Every example in the docs agrees with the fixtures it says it comes from
// (regenerate: npx ts-node --transpile-only test/docs/examples.ts).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildFixtureRun } from "../fixtures/results/build";
import { compactJson, README, README_EXAMPLE_STACK, readmeExample, readmeExampleInReadme, SAMPLE_REPORT_DIR, writeSampleReport } from "./examples";

const readme = fs.readFileSync(README, "utf8");

describe("docs examples", () => {
    it("the README's results example is the fixture's baseline, abridged", () => {
        const found = readmeExampleInReadme(readme);
        assert.ok(found, "the README has its example");
        assert.strictEqual(found.text, readmeExample());
        // And it is possible: wrk's 8 connections, closed loop, give a mean latency of about connections / RPS.
        const r = buildFixtureRun()[README_EXAMPLE_STACK];
        const littlesLaw = (r.wrk.settings.connections / r.wrk.rps!.median) * 1e6;
        assert.ok(Math.abs(r.wrk.latencyMicros!.avg - littlesLaw) / littlesLaw < 0.1, `wrk avg ${r.wrk.latencyMicros!.avg} µs vs ${littlesLaw.toFixed(0)} µs`);
    });

    it("compacts JSON without changing it", () => {
        const value = buildFixtureRun()["istio-mtls-on"];
        assert.deepStrictEqual(JSON.parse(compactJson(value)), value);
        assert.strictEqual(compactJson({ a: [1, 2], b: { c: "d" } }), '{ "a": [1, 2], "b": { "c": "d" } }');
    });

    it("docs/sample-report is the report of the fixture run, file for file", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-sample-"));
        try {
            await writeSampleReport(out);
            const files = fs.readdirSync(SAMPLE_REPORT_DIR).sort();
            assert.deepStrictEqual(fs.readdirSync(out).sort(), files);
            for (const f of files) {
                assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(SAMPLE_REPORT_DIR, f))), `docs/sample-report/${f} is stale`);
            }
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it("the README's kind cluster is the one its sweep example uses", () => {
        const names = [...readme.matchAll(/kind create cluster(?: --name (\S+))?/g)].map((m) => m[1] ?? "kind");
        assert.ok(names.length > 0, "the README shows how to make a kind cluster");
        // Every kube context the README names for a kind cluster: kubeContext=..., kubeContext ..., --context ...
        const contexts = new Set([...readme.matchAll(/(?:kubeContext[= ]|--context[= ])(kind-[a-z0-9-]+)/g)].map((m) => m[1]));
        assert.ok(contexts.size > 0, "the README's sweep example names a kind context");
        assert.deepStrictEqual([...contexts], [...new Set(names.map((n) => `kind-${n}`))]);
    });
});
