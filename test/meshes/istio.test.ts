// mesh: istio (sidecars): its builders, and the whole program under mocks with mTLS on
// and off. The mTLS evidence itself is tested in istio-evidence.test.ts.
import * as assert from "assert";
import { parseConfig } from "../../config";
import { istio, SIDECAR_RESOURCE_ANNOTATIONS } from "../../meshes/istio";
import type { MeshContext } from "../../meshes/types";
import { HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT } from "../../workloads/ports";
import { loadCrdSchemas, validateCustomResource } from "../helpers/crd-schema";
import { assertPoliciesAfterCharts, istioSidecarEvidence, meshPolicies, meshSteps, releaseChain, releaseNamed, resultsOf } from "../helpers/mesh-program";
import { assertBenchmarkWaitsForMesh, findResource, kubeconfigStackConfig, runProgram, type ProgramRun } from "../helpers/mocks";
import { validateKubeObject } from "../helpers/schema";
import { isSecretValue } from "../helpers/secrets";

const ctx = (mtls: boolean): MeshContext => ({ mtls, target: "kubeconfig", benchNamespace: "meshbench" });
const CRDS = loadCrdSchemas("istio@1.25.1.json");
const REPO = "https://istio-release.storage.googleapis.com/charts";

describe("mesh istio", () => {
    it("installs base, then istiod, from Istio's repository at 1.25.1, with the house profile in meshConfig", () => {
        const releases = istio.releases(ctx(true), {});
        assert.deepStrictEqual(releases.map((r) => [r.name, r.chart, r.version, r.repo, r.namespace]), [
            ["istio-base", "base", "1.25.1", REPO, "istio-system"],
            ["istiod", "istiod", "1.25.1", REPO, "istio-system"],
        ]);
        assert.deepStrictEqual(releases[1].values, {
            global: { hub: "docker.io/istio", tag: "1.25.1", proxy: { tracer: "none" } },
            meshConfig: { accessLogFile: "", enableTracing: false, defaultConfig: { concurrency: 2 } },
        });
    });

    it("pins the charts and the images that run: istiod's pilot and the sidecar's proxyv2", () => {
        assert.deepStrictEqual(istio.pins(ctx(true)).map((p) => `${p.kind} ${p.name}:${p.version}`), [
            "chart base:1.25.1", "chart istiod:1.25.1", "image docker.io/istio/pilot:1.25.1", "image docker.io/istio/proxyv2:1.25.1",
        ]);
    });

    it("makes STRICT the mesh-wide mode with mTLS on, and nothing else", () => {
        const policies = istio.policies(ctx(true));
        assert.deepStrictEqual(policies, [{
            apiVersion: "security.istio.io/v1", kind: "PeerAuthentication",
            metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } },
        }]);
        for (const p of policies) validateCustomResource(p, CRDS);
    });

    it("turns mTLS off with DISABLE on the server side and a mesh-wide DISABLE DestinationRule on the client side", () => {
        const policies = istio.policies(ctx(false));
        assert.deepStrictEqual(policies.map((p) => [p.kind, p.metadata.namespace, p.metadata.name, JSON.stringify(p.spec)]), [
            ["PeerAuthentication", "istio-system", "default", '{"mtls":{"mode":"DISABLE"}}'],
            ["DestinationRule", "istio-system", "meshbench-plaintext", '{"host":"*.local","trafficPolicy":{"tls":{"mode":"DISABLE"}}}'],
        ]);
        for (const p of policies) validateCustomResource(p, CRDS);
    });

    it("has a CRD schema check that rejects a mode Istio does not have and a misplaced field", () => {
        const strict = istio.policies(ctx(true))[0];
        assert.throws(() => validateCustomResource({ ...strict, spec: { mtls: { mode: "OFF" } } }, CRDS), /mode must be equal to one of the allowed values/);
        assert.throws(() => validateCustomResource({ ...strict, spec: { mode: "STRICT" } }, CRDS), /must NOT have additional properties \(mode\)/);
        assert.throws(() => validateCustomResource({ ...strict, apiVersion: "security.istio.io/v2" }, CRDS), /no CRD schema/);
    });

    it("enrols by the injection label, and gives each sidecar requests and a memory limit but no CPU limit", () => {
        const enrolment = istio.enrolment(ctx(true));
        assert.deepStrictEqual(enrolment.namespaceLabels, { "istio-injection": "enabled" });
        for (const role of ["http-server", "netperf-server", "wrk-client", "netperf-client"] as const) {
            const annotations = enrolment.podAnnotations(role);
            assert.deepStrictEqual(Object.keys(annotations).filter((k) => k.startsWith("sidecar.istio.io/")).sort(),
                ["sidecar.istio.io/proxyCPU", "sidecar.istio.io/proxyMemory", "sidecar.istio.io/proxyMemoryLimit"], role);
        }
        assert.strictEqual(SIDECAR_RESOURCE_ANNOTATIONS["sidecar.istio.io/proxyCPU"], "100m");
    });

    it("restarts the benchmark pods when the mTLS mode changes", () => {
        assert.notDeepStrictEqual(istio.enrolment(ctx(true)).podAnnotations("http-server"), istio.enrolment(ctx(false)).podAnnotations("http-server"));
    });

    it("declares HTTP for the wrk port and opaque TCP for both netperf ports", () => {
        const enrolment = istio.enrolment(ctx(true));
        assert.deepStrictEqual([HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT].map((p) => enrolment.appProtocol(p)), ["http", "tcp", "tcp"]);
    });

    it("states the fairness choices that change the numbers", () => {
        const fairness = istio.fairness(ctx(true));
        assert.match(fairness.proxyWorkerThreads, /^2 per sidecar/);
        assert.match(fairness.proxyResources, /no CPU limit/);
        assert.match(fairness.protocol, /appProtocol http .*L7/);
        assert.match(istio.fairness(ctx(false)).mtls, /DISABLE .*stay in the path/);
    });

    it("takes mtls true by default and false when asked", () => {
        assert.strictEqual(parseConfig({ target: "kubeconfig", mesh: "istio" }).mtls, true);
        assert.strictEqual(parseConfig({ target: "kubeconfig", mesh: "istio", mtls: "false" }).mtls, false);
    });
});

for (const mtls of [true, false]) {
    describe(`program, mesh istio, mTLS ${mtls ? "on" : "off"}`, function () {
        this.timeout(60_000);
        let run: ProgramRun;
        before(async () => {
            run = await runProgram(kubeconfigStackConfig({ mesh: "istio", mtls: String(mtls), repetitions: "2" }), meshSteps(mtls),
                { evidence: istioSidecarEvidence(mtls ? "mtls" : "plaintext") });
        });

        it("installs base then istiod, each after the one before, in istio-system, which it creates", () => {
            assert.deepStrictEqual(releaseChain(run), [
                { name: "istio-base", chart: "base", version: "1.25.1", repo: REPO, namespace: "istio-system" },
                { name: "istiod", chart: "istiod", version: "1.25.1", repo: REPO, namespace: "istio-system" },
            ]);
            assert.strictEqual(releaseNamed(run, "istiod").inputs.values.meshConfig.defaultConfig.concurrency, 2);
            findResource(run.resources, "kubernetes:core/v1:Namespace", "istio-system");
        });

        it("applies the mTLS policies after the charts and the benchmark namespace; they match the CRD schemas", () => {
            const policies = meshPolicies(run);
            assert.deepStrictEqual(policies.map((p) => `${p.inputs.kind} ${p.inputs.spec.mtls?.mode ?? p.inputs.spec.trafficPolicy.tls.mode}`),
                mtls ? ["PeerAuthentication STRICT"] : ["PeerAuthentication DISABLE", "DestinationRule DISABLE"]);
            assertPoliciesAfterCharts(run, policies);
            for (const p of policies) validateCustomResource(p.inputs as any, CRDS);
        });

        it("labels the benchmark namespace for injection, leaves the probe's alone, and starts no pod before the mesh", () => {
            assert.deepStrictEqual(findResource(run.resources, "kubernetes:core/v1:Namespace", "meshbench").inputs.metadata.labels,
                { "app.kubernetes.io/part-of": "meshbench", "istio-injection": "enabled" });
            assert.deepStrictEqual(findResource(run.resources, "kubernetes:core/v1:Namespace", "meshbench-probe").inputs.metadata.labels,
                { "app.kubernetes.io/part-of": "meshbench" });
            assertBenchmarkWaitsForMesh(run.resources);
        });

        it("declares the protocols on the Services, and every built-in object validates against the schema", () => {
            const ports = (app: string) => findResource(run.resources, "kubernetes:core/v1:Service", app).inputs.spec.ports.map((p: any) => `${p.name}:${p.appProtocol}`);
            assert.deepStrictEqual([...ports("http-server"), ...ports("netperf-server")], ["http:http", "tcp-netperf-control:tcp", "tcp-netperf-data:tcp"]);
            for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:") && !x.type.includes(".istio.io/") && !x.type.includes("helm.sh"))) {
                validateKubeObject(r.inputs as any);
            }
        });

        it("hands the kubeconfig to the measurement only as a secret, and never exports it", () => {
            const measurement = findResource(run.resources, "pulumi-nodejs:dynamic:Resource", "loadtest-measurement");
            assert.ok(isSecretValue(measurement.inputs.kubeconfig), "a secret input");
            assert.ok(!JSON.stringify(run.outputs).includes("meshbench-test-token"));
        });

        it(`exports the verdict: mTLS ${mtls ? "on" : "off"} verified by the probe and the sidecars' counters`, () => {
            const results = resultsOf(run);
            assert.strictEqual(results.status, "ok", results.reasons.join("; "));
            assert.deepStrictEqual([results.mtls.requested, results.mtls.verdict, results.mtls.enforced, results.mtls.evidence.mtls], [mtls, "verified", mtls, mtls]);
            assert.match(results.mtls.evidence.source, /each server's sidecar/);
            assert.deepStrictEqual(results.provenance.pins.filter((p) => p.kind === "chart").map((p) => p.name), ["base", "istiod"]);
            assert.strictEqual(results.provenance.fairness.accessLog, "off (meshConfig.accessLogFile empty, no Telemetry access-log provider)");
        });
    });
}

describe("program, mesh istio, evidence that contradicts the request", function () {
    this.timeout(60_000);

    it("fails the run as a mismatch when mTLS was asked for but the sidecars counted plaintext", async () => {
        const run = await runProgram(kubeconfigStackConfig({ mesh: "istio", repetitions: "2" }), meshSteps(true), { evidence: istioSidecarEvidence("plaintext") });
        const results = resultsOf(run);
        assert.deepStrictEqual([results.status, results.mtls.verdict], ["failed", "mismatch"]);
        assert.match(results.reasons.join("\n"), /^mTLS mismatch: asked for mTLS on, but plaintext HTTP refused, plaintext netperf refused; evidence \(.*\): plaintext through the proxies/m);
    });

    it("fails the run as unverified when the sidecars' stats could not be read", async () => {
        const results = resultsOf(await runProgram(kubeconfigStackConfig({ mesh: "istio", repetitions: "2" }), meshSteps(true), { evidence: {} }));
        assert.deepStrictEqual([results.status, results.mtls.verdict], ["failed", "unverified"]);
        assert.match(results.mtls.evidence.detail, /^http-server: could not read meshbench\/http-server-\S+:15020\/stats\/prometheus: GET \S+: HTTP 404/);
    });
});
