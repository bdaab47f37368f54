// mesh: kuma — what meshes/kuma.ts decides, pure and under the program's mocks, mTLS on and off.
import * as assert from "assert";
import { parseConfig } from "../../config";
import type { BenchmarkResults } from "../../loadtest/results";
import { buildKumaPolicies, buildKumaValues, kuma } from "../../meshes/kuma";
import type { MeshContext } from "../../meshes/types";
import { WORKLOAD_ROLES } from "../../meshes/types";
import { HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT } from "../../workloads/ports";
import { loadCrdSchemas, validateCustomResource } from "../helpers/crd-schema";
import { readEvidence, type StandInCluster } from "../helpers/evidence";
import { fakePodName } from "../helpers/fake-kube";
import {
    assertBenchmarkWaitsForMesh, DEFAULT_STEP_STDOUT, dependsOn, findResource, fixture, kubeconfigStackConfig, runProgram,
    type ProgramRun,
} from "../helpers/mocks";
import { validateKubeObject } from "../helpers/schema";

const on: MeshContext = { mtls: true, target: "kubeconfig", benchNamespace: "meshbench" };
const off: MeshContext = { ...on, mtls: false };
const KUMA_CRDS = loadCrdSchemas("kuma@2.9.0.json");

const HTTP_POD = "http-server-5d8f7c9b4-k2x7q";
const NETPERF_POD = "netperf-server-6c4b9d7f8-m4zp2";
const statsPath = (pod: string) =>
    `/api/v1/namespaces/kuma-system/services/kuma-control-plane:5681/proxy/meshes/default/dataplanes/${pod}.meshbench/stats`;
/** Both server pods running; the control plane answers with each sidecar's /stats fixture for the mode. */
const cluster = (mode: "mtls" | "plaintext"): StandInCluster => ({
    pods: { "http-server": HTTP_POD, "netperf-server": NETPERF_POD },
    raw: {
        [statsPath(HTTP_POD)]: `envoy-stats/kuma-http-server-${mode}.txt`,
        [statsPath(NETPERF_POD)]: `envoy-stats/kuma-netperf-server-${mode}.txt`,
    },
});
/** The stats the fake cluster of the mocks serves for its own pods, in a mode. */
const programStats = (ctx: MeshContext) => ({
    get: Object.fromEntries(["http-server", "netperf-server"].map((app) =>
        [statsPath(fakePodName(app)), { fixture: `envoy-stats/kuma-${app}-${ctx.mtls ? "mtls" : "plaintext"}.txt` }])),
});

describe("mesh kuma", () => {
    describe("install", () => {
        it("installs chart kuma 2.9.0 from Kuma's repository into kuma-system, and pins its images", () => {
            const [release, ...more] = kuma.releases(on, {});
            assert.deepStrictEqual(more, []);
            assert.deepStrictEqual([release.name, release.chart, release.version, release.repo, release.namespace],
                ["kuma", "kuma", "2.9.0", "https://kumahq.github.io/charts", "kuma-system"]);
            assert.deepStrictEqual(kuma.pins(on).map((p) => `${p.kind} ${p.name}@${p.version}`),
                ["chart kuma@2.9.0", "image kumahq/kuma-cp@2.9.0", "image kumahq/kuma-dp@2.9.0", "image kumahq/kuma-init@2.9.0",
                    "image kumahq/kumactl@2.9.0", "image docker.io/bitnamilegacy/kubectl@1.27.5"]);
        });

        it("runs the chart's kubectl hooks from bitnamilegacy/kubectl:1.27.5, since docker.io/bitnami/kubectl:1.27.5 is gone", () => {
            assert.deepStrictEqual(buildKumaValues().kubectl, { image: { registry: "docker.io", repository: "bitnamilegacy/kubectl", tag: "1.27.5" } });
            // The hooks stay: noHelmHooks' lookup of the namespace fails on Helm's dry run.
            assert.strictEqual("noHelmHooks" in buildKumaValues(), false);
        });

        it("runs one standalone zone control plane that leaves Mesh default to the program, with kuma-init and IPv4 redirection", () => {
            assert.deepStrictEqual(buildKumaValues(), {
                controlPlane: {
                    mode: "zone",
                    replicas: 1,
                    defaults: { skipMeshCreation: true },
                    envVars: { KUMA_RUNTIME_KUBERNETES_INJECTOR_SIDECAR_CONTAINER_IP_FAMILY_MODE: "ipv4" },
                },
                cni: { enabled: false },
                kubectl: { image: { registry: "docker.io", repository: "bitnamilegacy/kubectl", tag: "1.27.5" } },
            });
            assert.deepStrictEqual(kuma.releases(off, {})[0].values, buildKumaValues(), "the chart does not depend on mTLS");
        });

        it("can do mTLS on and off, on by default", () => {
            assert.strictEqual(parseConfig({ target: "kubeconfig", mesh: "kuma" }).mtls, true);
            assert.strictEqual(parseConfig({ target: "kubeconfig", mesh: "kuma", mtls: "false" }).mtls, false);
        });
    });

    describe("policies", () => {
        it("mTLS on: Mesh default with a builtin CA, STRICT, and no initial policies; then allow-all; then the CPU-limit patch", () => {
            const policies = buildKumaPolicies(on);
            assert.deepStrictEqual(policies.map((p) => `${p.kind} ${p.metadata.namespace ?? "-"}/${p.metadata.name}`),
                ["Mesh -/default", "MeshTrafficPermission kuma-system/allow-all", "ContainerPatch kuma-system/meshbench-sidecar-no-cpu-limit"]);
            assert.deepStrictEqual(policies[0].spec, {
                skipCreatingInitialPolicies: ["*"],
                mtls: { enabledBackend: "ca-1", backends: [{ name: "ca-1", type: "builtin", mode: "STRICT" }] },
            });
            assert.deepStrictEqual([policies[1].metadata.labels, policies[1].spec], [
                { "kuma.io/mesh": "default" },
                { targetRef: { kind: "Mesh" }, from: [{ targetRef: { kind: "Mesh" }, default: { action: "Allow" } }] },
            ]);
            assert.deepStrictEqual(policies[2].spec, { sidecarPatch: [{ op: "remove", path: "/resources/limits/cpu" }] });
        });

        it("mTLS off: Mesh default without mtls and no permission policy", () => {
            const policies = buildKumaPolicies(off);
            assert.deepStrictEqual(policies.map((p) => p.kind), ["Mesh", "ContainerPatch"]);
            assert.deepStrictEqual(policies[0].spec, { skipCreatingInitialPolicies: ["*"] });
        });

        it("validates every policy against the chart's CRD schema (the Mesh against Kuma's Mesh schema)", () => {
            for (const p of [...buildKumaPolicies(on), ...buildKumaPolicies(off)]) validateCustomResource(p, KUMA_CRDS);
        });

        it("the schema check catches a misspelt Mesh field and a wrong action", () => {
            const [mesh, allowAll] = buildKumaPolicies(on);
            assert.throws(() => validateCustomResource({ ...mesh, spec: { skipCreatingInitialPolicy: ["*"] } }, KUMA_CRDS),
                /\/spec must NOT have additional properties \(skipCreatingInitialPolicy\)/);
            const allow = { ...allowAll, spec: { targetRef: { kind: "Mesh" }, from: [{ targetRef: { kind: "Mesh" }, default: { action: "Permit" } }] } };
            assert.throws(() => validateCustomResource(allow, KUMA_CRDS), /\/spec\/from\/0\/default\/action must be equal to one of the allowed values/);
        });
    });

    describe("enrolment", () => {
        it("enrols the benchmark namespace by label and sets two Envoy workers and the CPU-limit patch on every pod", () => {
            const enrolment = kuma.enrolment(on);
            assert.deepStrictEqual([enrolment.namespaceLabels, enrolment.namespaceAnnotations], [{ "kuma.io/sidecar-injection": "enabled" }, {}]);
            for (const role of WORKLOAD_ROLES) {
                assert.deepStrictEqual(enrolment.podAnnotations(role),
                    { "kuma.io/sidecar-proxy-concurrency": "2", "kuma.io/container-patches": "meshbench-sidecar-no-cpu-limit" }, role);
            }
        });

        it("declares HTTP as http and both netperf ports as tcp", () => {
            const enrolment = kuma.enrolment(on);
            assert.deepStrictEqual([HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT].map((p) => enrolment.appProtocol(p)), ["http", "tcp", "tcp"]);
        });
    });

    describe("evidence", () => {
        const read = async (ctx: MeshContext) => (await readEvidence(kuma.evidence, ctx, cluster(ctx.mtls ? "mtls" : "plaintext"))).reading;

        it("mTLS on: handshakes on every inbound listener, none without a client certificate", async () => {
            assert.deepStrictEqual(await read(on), {
                mtls: true,
                detail: "http-server :8080 (inbound: HTTP): mutual TLS: 8 TLS handshakes over 9 connections, 0 without a client certificate, 1 TLS errors; " +
                    "netperf-server :12865 (inbound: netperf control): mutual TLS: 3 TLS handshakes over 4 connections, 0 without a client certificate, 1 TLS errors; " +
                    "netperf-server :12866 (inbound: netperf data): mutual TLS: 3 TLS handshakes over 3 connections, 0 without a client certificate, 0 TLS errors",
            });
        });

        it("mTLS off: connections through the sidecars and no handshake, whatever the control plane's own TLS to the admin port", async () => {
            const reading = await read(off);
            assert.strictEqual(reading.mtls, false);
            assert.strictEqual(reading.detail,
                "http-server :8080 (inbound: HTTP): plaintext through the sidecar: 0 TLS handshakes over 9 connections, 0 without a client certificate, 0 TLS errors; " +
                "netperf-server :12865 (inbound: netperf control): plaintext through the sidecar: 0 TLS handshakes over 4 connections, 0 without a client certificate, 0 TLS errors; " +
                "netperf-server :12866 (inbound: netperf data): plaintext through the sidecar: 0 TLS handshakes over 4 connections, 0 without a client certificate, 0 TLS errors");
        });

        it("reads the stats through the control plane's API, named <pod>.<namespace> in mesh default", async () => {
            const { calls } = await readEvidence(kuma.evidence, on, cluster("mtls"));
            assert.deepStrictEqual(calls.filter((c) => c.includes("/proxy/")), [`GET ${statsPath(HTTP_POD)}`, `GET ${statsPath(NETPERF_POD)}`]);
        });

        it("has no traffic it leaves outside the mesh", () => {
            assert.strictEqual(kuma.evidence.exemptions, undefined);
        });
    });

    for (const ctx of [on, off]) {
        describe(`program under mocks, mTLS ${ctx.mtls ? "on" : "off"}`, function () {
            this.timeout(60_000);
            let run: ProgramRun;
            let results: BenchmarkResults;

            before(async () => {
                run = await runProgram(kubeconfigStackConfig({ mesh: "kuma", mtls: String(ctx.mtls), repetitions: "2" }), {
                    ...DEFAULT_STEP_STDOUT,
                    probe: ctx.mtls ? fixture("probe-refused-kuma.txt") : DEFAULT_STEP_STDOUT.probe,
                }, { evidence: programStats(ctx) });
                results = run.outputs.results as BenchmarkResults;
            });

            it("installs the kuma release after its namespace, then the Mesh, the permission and the patch in order", () => {
                const release = findResource(run.resources, "kubernetes:helm.sh/v3:Release", "mesh-kuma");
                assert.deepStrictEqual([release.inputs.chart, release.inputs.version, release.inputs.repositoryOpts.repo, release.inputs.namespace],
                    ["kuma", "2.9.0", "https://kumahq.github.io/charts", "kuma-system"]);
                assert.ok(dependsOn(release, findResource(run.resources, "kubernetes:core/v1:Namespace", "kuma-system")));
                const mesh = findResource(run.resources, "kubernetes:kuma.io/v1alpha1:Mesh", "default");
                const patch = findResource(run.resources, "kubernetes:kuma.io/v1alpha1:ContainerPatch", "meshbench-sidecar-no-cpu-limit");
                assert.ok(dependsOn(mesh, release) && dependsOn(patch, release));
                const permissions = run.resources.filter((r) => r.type === "kubernetes:kuma.io/v1alpha1:MeshTrafficPermission");
                assert.strictEqual(permissions.length, ctx.mtls ? 1 : 0);
                for (const p of permissions) assert.ok(dependsOn(p, mesh) && dependsOn(p, release), "the permission after its Mesh");
                assert.strictEqual(mesh.inputs.spec.mtls?.enabledBackend, ctx.mtls ? "ca-1" : undefined);
                assertBenchmarkWaitsForMesh(run.resources);
            });

            it("labels the benchmark namespace for injection, and only it", () => {
                const label = (ns: string) => findResource(run.resources, "kubernetes:core/v1:Namespace", ns).inputs.metadata.labels["kuma.io/sidecar-injection"];
                assert.deepStrictEqual([label("meshbench"), label("meshbench-probe"), label("kuma-system")], ["enabled", undefined, undefined]);
            });

            it("runs every benchmark pod under its own ServiceAccount, with Kuma's annotations", () => {
                for (const app of ["http-server", "netperf-server", "wrk-client", "netperf-client"]) {
                    const template = findResource(run.resources, "kubernetes:apps/v1:Deployment", app).inputs.spec.template;
                    assert.strictEqual(template.spec.serviceAccountName, app);
                    assert.strictEqual(template.metadata.annotations["kuma.io/sidecar-proxy-concurrency"], "2", app);
                    findResource(run.resources, "kubernetes:core/v1:ServiceAccount", app);
                }
                const service = findResource(run.resources, "kubernetes:core/v1:Service", "netperf-server");
                assert.deepStrictEqual(service.inputs.spec.ports.map((p: any) => [p.port, p.appProtocol]), [[12865, "tcp"], [12866, "tcp"]]);
            });

            it(`verifies mTLS ${ctx.mtls ? "on" : "off"} from the probe and the sidecars' handshakes`, () => {
                assert.strictEqual(results.status, "ok", results.reasons.join("; "));
                assert.strictEqual(results.mtls.verdict, "verified");
                const expected = ctx.mtls ? "refused" : "accepted";
                assert.deepStrictEqual([results.mtls.plaintext.http.result, results.mtls.plaintext.netperf.result], [expected, expected]);
                assert.strictEqual(results.mtls.evidence.mtls, ctx.mtls);
                assert.ok(!("exemptions" in results.mtls));
                assert.strictEqual(results.provenance.fairness.mtls, kuma.fairness(ctx).mtls);
            });

            it("creates Kubernetes objects that validate against their schemas", () => {
                for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:") && !x.type.includes("helm.sh"))) {
                    if (r.type.startsWith("kubernetes:kuma.io/")) validateCustomResource(r.inputs as any, KUMA_CRDS);
                    else validateKubeObject(r.inputs as any);
                }
            });
        });
    }

    it("calls it a mismatch when mTLS was asked for but the sidecars show plaintext", async () => {
        const run = await runProgram(kubeconfigStackConfig({ mesh: "kuma", repetitions: "2" }), {
            ...DEFAULT_STEP_STDOUT, probe: fixture("probe-refused-kuma.txt"),
        }, { evidence: programStats(off) });
        const r = run.outputs.results as BenchmarkResults;
        assert.deepStrictEqual([r.status, r.mtls.verdict, r.mtls.evidence.mtls], ["failed", "mismatch", false]);
    }).timeout(60_000);
});
