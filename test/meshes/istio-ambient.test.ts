// mesh: istio-ambient: its builders, the preview error for mTLS off, and the whole
// program under mocks. The ztunnel evidence itself is tested in istio-evidence.test.ts.
import * as assert from "assert";
import { ConfigError, parseConfig } from "../../config";
import { istioAmbient, ztunnelValues } from "../../meshes/istio-ambient";
import type { MeshContext } from "../../meshes/types";
import { HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT } from "../../workloads/ports";
import { loadCrdSchemas, validateCustomResource } from "../helpers/crd-schema";
import { assertPoliciesAfterCharts, meshPolicies, meshSteps, releaseChain, releaseNamed, resultsOf, ztunnelEvidence } from "../helpers/mesh-program";
import { assertBenchmarkWaitsForMesh, findResource, kubeconfigStackConfig, runProgram, type ProgramRun } from "../helpers/mocks";

const ctx: MeshContext = { mtls: true, target: "kubeconfig", benchNamespace: "meshbench" };
const REPO = "https://istio-release.storage.googleapis.com/charts";

const MTLS_OFF_MESSAGE =
    'meshbench:mtls: got "false"; allowed: true for mesh istio-ambient, because Istio ignores PeerAuthentication mode DISABLE ' +
    "in ambient mode (ztunnel's HBONE tunnels are always mutual TLS), so mTLS cannot be turned off without leaving ambient; " +
    "run mesh none for the plaintext baseline (or mesh istio with mtls false for Istio's sidecars without mTLS)";

describe("mesh istio-ambient", () => {
    it("fails at preview with mtls false, saying why and what to run instead", () => {
        assert.throws(() => parseConfig({ target: "kubeconfig", mesh: "istio-ambient", mtls: "false" }),
            (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0] === MTLS_OFF_MESSAGE);
        assert.strictEqual(parseConfig({ target: "kubeconfig", mesh: "istio-ambient" }).mtls, true, "mTLS is on by default");
    });

    it("installs base → istiod → cni → ztunnel at 1.25.1, the last three with profile ambient and distroless images", () => {
        const releases = istioAmbient.releases(ctx, {});
        assert.deepStrictEqual(releases.map((r) => [r.name, r.chart, r.version, r.repo, r.namespace, r.values.profile]), [
            ["istio-base", "base", "1.25.1", REPO, "istio-system", undefined],
            ["istiod", "istiod", "1.25.1", REPO, "istio-system", "ambient"],
            ["istio-cni", "cni", "1.25.1", REPO, "istio-system", "ambient"],
            ["ztunnel", "ztunnel", "1.25.1", REPO, "istio-system", "ambient"],
        ]);
        assert.deepStrictEqual(releases[2].values.global, { hub: "docker.io/istio", tag: "1.25.1", variant: "distroless" });
        assert.deepStrictEqual((releases[1].values.meshConfig as any).enableTracing, false);
    });

    it("gives ztunnel 2 worker threads and turns its per-connection access log off", () => {
        const values = ztunnelValues();
        assert.deepStrictEqual([values.env, values.logLevel, values.variant], [{ ZTUNNEL_WORKER_THREADS: "2" }, "info,access=warn", "distroless"]);
    });

    it("pins every chart and the images that run", () => {
        assert.deepStrictEqual(istioAmbient.pins(ctx).map((p) => `${p.kind} ${p.name}:${p.version}`), [
            "chart base:1.25.1", "chart istiod:1.25.1", "chart cni:1.25.1", "chart ztunnel:1.25.1",
            "image docker.io/istio/pilot:1.25.1-distroless", "image docker.io/istio/install-cni:1.25.1-distroless",
            "image docker.io/istio/ztunnel:1.25.1-distroless",
        ]);
    });

    it("makes ztunnel refuse plaintext from outside with a STRICT mesh-wide PeerAuthentication", () => {
        const policies = istioAmbient.policies(ctx);
        assert.deepStrictEqual(policies.map((p) => [p.kind, p.metadata.namespace, p.metadata.name, JSON.stringify(p.spec)]),
            [["PeerAuthentication", "istio-system", "default", '{"mtls":{"mode":"STRICT"}}']]);
        for (const p of policies) validateCustomResource(p, loadCrdSchemas("istio@1.25.1.json"));
    });

    it("enrols by the dataplane-mode label, with no per-pod annotations, and declares the protocols", () => {
        const enrolment = istioAmbient.enrolment(ctx);
        assert.deepStrictEqual([enrolment.namespaceLabels, enrolment.podAnnotations("wrk-client")], [{ "istio.io/dataplane-mode": "ambient" }, {}]);
        assert.deepStrictEqual([HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT].map((p) => enrolment.appProtocol(p)), ["http", "tcp", "tcp"]);
    });

    it("states that it measures L4 only, without a waypoint", () => {
        assert.match(istioAmbient.fairness(ctx).protocol, /^L4 only: .*without a waypoint/);
        assert.match(istioAmbient.description, /L4 only \(no waypoint\)/);
    });
});

describe("program, mesh istio-ambient", function () {
    this.timeout(60_000);
    let run: ProgramRun;

    before(async () => {
        run = await runProgram(kubeconfigStackConfig({ mesh: "istio-ambient", repetitions: "2" }), meshSteps(true), { evidence: ztunnelEvidence() });
    });

    it("installs the four charts in order, each after the one before", () => {
        assert.deepStrictEqual(releaseChain(run).map((r) => `${r.name}=${r.chart}@${r.version} ${r.repo} ${r.namespace}`), [
            `istio-base=base@1.25.1 ${REPO} istio-system`,
            `istiod=istiod@1.25.1 ${REPO} istio-system`,
            `istio-cni=cni@1.25.1 ${REPO} istio-system`,
            `ztunnel=ztunnel@1.25.1 ${REPO} istio-system`,
        ]);
        assert.strictEqual(releaseNamed(run, "ztunnel").inputs.values.env.ZTUNNEL_WORKER_THREADS, "2");
    });

    it("applies STRICT after every chart, labels the benchmark namespace ambient, leaves the probe's alone", () => {
        const policies = meshPolicies(run);
        assert.deepStrictEqual(policies.map((p) => `${p.inputs.kind} ${p.inputs.spec.mtls.mode}`), ["PeerAuthentication STRICT"]);
        assertPoliciesAfterCharts(run, policies);
        assert.strictEqual(findResource(run.resources, "kubernetes:core/v1:Namespace", "meshbench").inputs.metadata.labels["istio.io/dataplane-mode"], "ambient");
        assert.strictEqual(findResource(run.resources, "kubernetes:core/v1:Namespace", "meshbench-probe").inputs.metadata.labels["istio.io/dataplane-mode"], undefined);
        assertBenchmarkWaitsForMesh(run.resources);
    });

    it("exports mTLS on, verified by the probe and by ztunnel's counters", () => {
        const results = resultsOf(run);
        assert.strictEqual(results.status, "ok", results.reasons.join("; "));
        assert.deepStrictEqual([results.mtls.requested, results.mtls.verdict, results.mtls.enforced, results.mtls.evidence.mtls], [true, "verified", true, true]);
        assert.match(results.mtls.evidence.detail, /http-server: 48 connections mutual_tls from wrk-client/);
        assert.match(results.provenance.fairness.dataPlane, /^ztunnel /);
    });

    it("refuses to start with mtls false: nothing is created", async () => {
        await assert.rejects(runProgram(kubeconfigStackConfig({ mesh: "istio-ambient", mtls: "false" })),
            (e: Error) => e.message.includes(MTLS_OFF_MESSAGE));
    });
});
