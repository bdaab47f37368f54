import * as assert from "assert";
import { assembleResults, type ResultInputs } from "../../loadtest/assemble";
import { none } from "../../meshes/none";
import { DEFAULT_STEP_STDOUT } from "../helpers/mocks";

const inputs: ResultInputs = {
    mesh: "none", mtlsRequested: false, target: "kubeconfig", runId: "1",
    wrk: { url: "http://http-server.meshbench.svc.cluster.local:80/", threads: 2, connections: 2, durationSeconds: 2, warmupSeconds: 1, repetitions: 2, cpu: 2 },
    netperf: {
        host: "netperf-server.meshbench.svc.cluster.local", test: "TCP_RR", controlPort: 12865, dataPort: 12866,
        requestSize: 1, responseSize: 1, durationSeconds: 30, warmupSeconds: 10, repetitions: 2,
    },
    requestedKubernetesVersion: undefined,
    pins: [], images: { httpServerImage: "nginx:1.27.4-alpine" }, fairness: { dataPlane: "none" },
    cluster: { kubeContext: "kind-meshbench" },
    serverApps: ["http-server", "netperf-server"], clientApps: ["wrk-client", "netperf-client"],
};

const steps = {
    probe: DEFAULT_STEP_STDOUT.probe, wrk: DEFAULT_STEP_STDOUT["wrk-run"], netperf: DEFAULT_STEP_STDOUT["netperf-run"],
    evidence: DEFAULT_STEP_STDOUT["mtls-evidence"], facts: DEFAULT_STEP_STDOUT.facts,
};
const ctx = { mtls: false, target: "kubeconfig" as const, benchNamespace: "meshbench" };
const evidence = { source: none.evidence.source, parse: (lines: readonly string[]) => none.evidence.parse(lines, ctx) };

describe("results", () => {
    it("puts both tools' numbers, the placement and the provenance together", () => {
        const results = assembleResults(inputs, steps, evidence);
        assert.strictEqual(results.status, "ok", results.reasons.join("; "));
        assert.deepStrictEqual(results.reasons, []);
        assert.strictEqual(results.schemaVersion, 1);
        assert.strictEqual(results.wrk.rps!.median, 32877.07);
        assert.deepStrictEqual(results.netperf.latencyMicros, { mean: 260.695, p50: 253.5, p90: 286.5, p99: 407.5 });
        assert.deepStrictEqual(results.provenance.placement,
            { "http-server": "worker-1", "netperf-client": "worker-2", "netperf-server": "worker-1", "wrk-client": "worker-2" });
        assert.deepStrictEqual(results.provenance.kubernetes, { requested: undefined, running: ["v1.29.1"] });
        assert.strictEqual(results.provenance.nodes.length, 3);
        assert.strictEqual(results.mtls.verdict, "verified");
        assert.strictEqual(results.mtls.enforced, false);
    });

    it("fails the run, without numbers, when kubectl could not exec into the client", () => {
        const results = assembleResults(inputs, {
            ...steps,
            wrk: 'error: unable to upgrade connection: container not found ("wrk")\nMESHBENCH-KUBECTL exit=1\n',
        }, evidence);
        assert.strictEqual(results.status, "failed");
        assert.deepStrictEqual(results.reasons,
            ['wrk client: kubectl exited with 1: error: unable to upgrade connection: container not found ("wrk")']);
        assert.deepStrictEqual(Object.keys(results.wrk).sort(), ["reason", "settings", "status"]);
        assert.strictEqual(results.netperf.status, "ok", "netperf was measured and stays");
    });

    it("fails the run when a client shared a node with a server", () => {
        const facts = steps.facts.replace("POD wrk-client|worker-2", "POD wrk-client|worker-1");
        const results = assembleResults(inputs, { ...steps, facts }, evidence);
        assert.strictEqual(results.status, "failed");
        assert.deepStrictEqual(results.reasons,
            ["wrk-client ran on worker-1, the node of http-server: clients and servers must not share a node"]);
    });

    it("fails the run when the facts could not be read", () => {
        const results = assembleResults(inputs, { ...steps, facts: "error: You must be logged in to the server (Unauthorized)\nMESHBENCH-KUBECTL exit=1\n" }, evidence);
        assert.deepStrictEqual(results.reasons,
            ["reading pods: kubectl exited with 1: error: You must be logged in to the server (Unauthorized)"]);
    });

    it("fails the run when a step printed nothing at all", () => {
        const results = assembleResults(inputs, { ...steps, netperf: "" }, evidence);
        assert.deepStrictEqual(results.reasons, ["netperf client: kubectl printed nothing"]);
    });
});
