// The measurement resource's own mechanism: its dynamic provider's diff decides whether
// the next `pulumi up` measures again, and under the mocks, what its inputs are made of.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { measurementProvider } from "../../runner/measurement";
import { measure, needsMeasuring, type MeasurementInputs } from "../../runner/provider";
import { FakeKube } from "../helpers/fake-kube";
import type { BenchmarkResults } from "../../shared/results";
import { findResource, kubeconfigStackConfig, runProgram, type ProgramRun } from "../helpers/mocks";
import { healthyCluster, PLAN } from "../helpers/runner-plan";

const news: MeasurementInputs = {
    plan: PLAN, deployed: { servers: "a1", clients: "b2", probe: "c3", mesh: "policies@d4" }, kubeconfig: "apiVersion: v1\nkind: Config\n",
};
const results = (status: BenchmarkResults["status"], reasons: string[] = []) => ({ status, reasons }) as unknown as BenchmarkResults;
const olds = (status: BenchmarkResults["status"], reasons: string[] = []) =>
    ({ plan: PLAN, deployed: news.deployed, results: results(status, reasons) });

describe("measurement provider", () => {
    it("measures again when the last run failed, was saturated or is missing, with the same inputs", async () => {
        for (const status of ["failed", "saturated"] as const) {
            const diff = await measurementProvider.diff!("none-1", olds(status, ["mTLS unverified: ..."]), news);
            assert.strictEqual(diff.changes, true, status);
        }
        assert.strictEqual((await measurementProvider.diff!("none-1", { plan: PLAN, deployed: news.deployed }, news)).changes, true);
        assert.strictEqual(needsMeasuring(olds("failed", ["wrk client: exited with 1"]), news), "the last run was failed: wrk client: exited with 1");
    });

    it("keeps an ok run when nothing that changes the numbers changed", async () => {
        assert.strictEqual((await measurementProvider.diff!("none-1", olds("ok"), news)).changes, false);
        // Key order is not a change; the kubeconfig is not an input that reruns it.
        const reordered = { ...news, deployed: { mesh: "policies@d4", probe: "c3", clients: "b2", servers: "a1" }, kubeconfig: "other" };
        assert.strictEqual((await measurementProvider.diff!("none-1", olds("ok"), reordered)).changes, false);
    });

    it("measures again when the plan or what was deployed changed", () => {
        assert.strictEqual(needsMeasuring(olds("ok"), { ...news, plan: { ...PLAN, inputs: { ...PLAN.inputs, runId: "2" } } }), "the plan changed");
        assert.strictEqual(needsMeasuring(olds("ok"), { ...news, deployed: { ...news.deployed, clients: "changed" } }), "what was deployed changed");
    });
});

describe("measurement provider's run", () => {
    it("reports progress on its stderr, keeps the kubeconfig out of its outputs, and says a failed run will be measured again", async () => {
        const written: string[] = [];
        const write = process.stderr.write;
        process.stderr.write = ((chunk: string) => { written.push(String(chunk)); return true; }) as typeof process.stderr.write;
        let outs;
        try {
            const cluster = healthyCluster({ netperf: { timeout: true } });
            outs = await measure(news, new FakeKube(cluster));
        } finally {
            process.stderr.write = write;
        }
        assert.deepStrictEqual(Object.keys(outs).sort(), ["deployed", "plan", "results"]);
        assert.ok(!JSON.stringify(outs).includes(news.kubeconfig));
        // The engine takes outputs as a protobuf Struct: no undefined anywhere, or it fails the
        // resource with "Unexpected struct type" (seen on the real tier).
        const undefinedAt = (value: unknown, at: string): string[] => value === undefined ? [at]
            : value && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => undefinedAt(v, `${at}.${k}`)) : [];
        assert.deepStrictEqual(undefinedAt(outs, "outs"), []);
        assert.ok(written.includes("meshbench: wrk 1/2, about 3 min left\n"), written.join(""));
        assert.strictEqual(written[written.length - 1], "meshbench: the run is failed; the next pulumi up measures again\n");
        assert.strictEqual(needsMeasuring(outs, news), `the last run was failed: ${outs.results.reasons.join("; ")}`);
    });
});

describe("measurement inputs under mocks", function () {
    this.timeout(60_000);
    const inputsOf = (run: ProgramRun) => findResource(run.resources, "pulumi-nodejs:dynamic:Resource", "loadtest-measurement").inputs;
    const config = kubeconfigStackConfig({ repetitions: "2" });
    let first: Record<string, any>;

    before(async () => {
        first = inputsOf(await runProgram(config));
    });

    it("hold a provider that works in a process of its own, as the engine's dynamic provider loads it", () => {
        // As @pulumi/pulumi/cmd/dynamic-provider does: requireFromString(__provider).handler(), in a
        // fresh node without ts-node registered; then the provider's diff on a failed and an ok run.
        const child = [
            'const fs = require("fs");',
            'const provider = require("require-from-string")(fs.readFileSync(0, "utf8")).handler();',
            "const [olds, news] = JSON.parse(process.env.MESHBENCH_DIFF);",
            "Promise.all([provider.diff('id', olds, news), provider.diff('id', { ...olds, results: { status: 'ok', reasons: [] } }, news)])",
            "    .then((d) => console.log(JSON.stringify(d.map((x) => x.changes))), (e) => { console.error(e); process.exit(1); });",
        ].join("\n");
        const out = execFileSync(process.execPath, ["-e", child], {
            input: first.__provider, encoding: "utf8", cwd: path.join(__dirname, "..", ".."),
            env: { ...process.env, MESHBENCH_DIFF: JSON.stringify([olds("failed", ["x"]), news]) },
        });
        assert.deepStrictEqual(JSON.parse(out.trim().split("\n").pop()!), [true, false]);
    });

    it("are identical when the same config is evaluated twice", async () => {
        const second = inputsOf(await runProgram(config));
        assert.deepStrictEqual({ ...second, kubeconfig: undefined }, { ...first, kubeconfig: undefined });
        assert.strictEqual(second.__provider, first.__provider);
    });

    it("change with a client script's content and with a pod spec, each in what it identifies", async () => {
        // The program reads the scripts from loadtest/scripts when it is evaluated; the edit is seen there.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fs = require("fs");
        const read = fs.readFileSync;
        fs.readFileSync = (file: string, ...rest: unknown[]) => {
            const text = read(file, ...rest);
            return String(file).endsWith("wrk-client.sh") ? `${text}\n# edited\n` : text;
        };
        let edited: Record<string, any>;
        try {
            // One evaluation for both edits: the server's image is its pod spec.
            edited = inputsOf(await runProgram({ ...config, httpServerImage: "docker.io/library/nginx:1.27.5-alpine" }));
        } finally {
            fs.readFileSync = read;
        }
        assert.notStrictEqual(edited.deployed.clients, first.deployed.clients, "the clients' script ConfigMap changed");
        assert.notStrictEqual(edited.deployed.probe, first.deployed.probe, "the probe mounts the same scripts");
        assert.notStrictEqual(edited.deployed.servers, first.deployed.servers, "the server's pod spec changed");
        assert.strictEqual(edited.deployed.mesh, first.deployed.mesh);
        assert.deepStrictEqual({ ...edited.plan.inputs, images: undefined }, { ...first.plan.inputs, images: undefined });
    });

    it("change with the response body size: the server's ConfigMap and wrk's settings", async () => {
        const bigger = inputsOf(await runProgram({ ...config, responseBytes: "65536" }));
        assert.notStrictEqual(bigger.deployed.servers, first.deployed.servers, "the nginx ConfigMap holds the body");
        assert.deepStrictEqual([first.plan.inputs.wrk.responseBytes, bigger.plan.inputs.wrk.responseBytes], [10, 65536]);
        assert.strictEqual(bigger.deployed.clients, first.deployed.clients, "the clients do not change with the body");
    });
});
