// mesh: consul — what meshes/consul.ts decides, pure and under the program's mocks.
import * as assert from "assert";
import { ConfigError, parseConfig } from "../../config";
import type { BenchmarkResults } from "../../loadtest/results";
import {
    buildConsulPolicies, buildConsulValues, consul, consulPodAnnotations, CONSUL_MTLS_OFF_REASON,
} from "../../meshes/consul";
import type { MeshContext } from "../../meshes/types";
import { WORKLOAD_ROLES } from "../../meshes/types";
import { unknownValueKeys } from "../helpers/chart-keys";
import { loadCrdSchemas, validateCustomResource } from "../helpers/crd-schema";
import { readEvidence, type StandInCluster } from "../helpers/evidence";
import { fakePodName } from "../helpers/fake-kube";
import {
    assertBenchmarkWaitsForMesh, DEFAULT_STEP_STDOUT, dependsOn, findResource, fixture, kubeconfigStackConfig, runProgram,
    type ProgramRun, type RecordedResource,
} from "../helpers/mocks";
import { validateKubeObject } from "../helpers/schema";

const ctx: MeshContext = { mtls: true, target: "kubeconfig", benchNamespace: "meshbench" };
const CONSUL_CRDS = loadCrdSchemas("consul@1.7.0.json");

const HTTP_POD = "http-server-5d8f7c9b4-k2x7q";
const NETPERF_POD = "netperf-server-6c4b9d7f8-m4zp2";
const statsPath = (pod: string) => `/api/v1/namespaces/meshbench/pods/${pod}:9102/proxy/stats`;
/** Both server pods running, each sidecar answering with its /stats fixture. */
const CLUSTER: StandInCluster = {
    pods: { "http-server": HTTP_POD, "netperf-server": NETPERF_POD },
    raw: {
        [statsPath(HTTP_POD)]: "envoy-stats/consul-http-server.txt",
        [statsPath(NETPERF_POD)]: "envoy-stats/consul-netperf-server.txt",
    },
};
const evidenceOf = async (cluster: StandInCluster) => (await readEvidence(consul.evidence, ctx, cluster)).reading;

describe("mesh consul", () => {
    describe("install", () => {
        it("installs chart consul 1.7.0 from HashiCorp's repository into namespace consul, and pins its images", () => {
            const [release, ...more] = consul.releases(ctx, {});
            assert.deepStrictEqual(more, []);
            assert.deepStrictEqual([release.name, release.chart, release.version, release.repo, release.namespace],
                ["consul", "consul", "1.7.0", "https://helm.releases.hashicorp.com", "consul"]);
            assert.deepStrictEqual(consul.pins(ctx).map((p) => `${p.kind} ${p.name}@${p.version}`), [
                "chart consul@1.7.0", "image hashicorp/consul@1.21.0", "image hashicorp/consul-k8s-control-plane@1.7.0",
                "image hashicorp/consul-dataplane@1.7.0",
            ]);
        });

        it("runs one server, connect injection by annotation with transparent proxy, two Envoy workers and no proxy limits", () => {
            assert.deepStrictEqual(buildConsulValues(ctx), {
                global: { name: "consul" },
                server: { replicas: 1 },
                connectInject: {
                    enabled: true,
                    default: false,
                    transparentProxy: { defaultEnabled: true },
                    sidecarProxy: { concurrency: 2, resources: { requests: { cpu: "100m", memory: "128Mi" } } },
                },
                dns: { enableRedirection: false },
            });
        });

        it("leaves the pods' resolver to the cluster DNS, as every other mesh, and says so in the fairness profile", () => {
            // Unset, the chart turns redirection on with transparent proxy (dns.enableRedirection "-").
            assert.strictEqual((buildConsulValues(ctx).dns as Record<string, unknown>).enableRedirection, false);
            assert.strictEqual(consul.fairness(ctx).dns,
                "the cluster's DNS, as every other mesh: dns.enableRedirection false, so the injector leaves each pod's " +
                "dnsPolicy and resolver alone (the chart's default follows transparent proxy and puts Consul DNS first)");
        });

        it("puts the server's volume on the cluster's StorageClass when it names one", () => {
            const values = buildConsulValues({ ...ctx, storageClassName: "local-path" });
            assert.deepStrictEqual(values.server, { replicas: 1, storageClass: "local-path" });
            assert.deepStrictEqual(unknownValueKeys(values, "consul", "1.7.0"), []);
        });
    });

    describe("mTLS", () => {
        it("is always on, and mtls false fails at preview naming the baseline", () => {
            assert.strictEqual(parseConfig({ target: "kubeconfig", mesh: "consul" }).mtls, true);
            let problems: string[] = [];
            try {
                parseConfig({ target: "kubeconfig", mesh: "consul", mtls: "false" });
            } catch (e) {
                problems = (e as ConfigError).problems;
            }
            assert.deepStrictEqual(problems, [
                'meshbench:mtls: got "false"; allowed: true for mesh consul, because Consul always secures traffic between ' +
                "its sidecars with mutual TLS and has no switch to turn it off (its permissive mode only admits clients " +
                "outside the mesh); measure plaintext with the baseline, mesh: none",
            ]);
            assert.strictEqual(consul.mtlsOff.supported ? "" : consul.mtlsOff.reason, CONSUL_MTLS_OFF_REASON);
        });
    });

    describe("enrolment and the netperf route", () => {
        it("injects every benchmark pod by annotation, and nothing by namespace", () => {
            const enrolment = consul.enrolment(ctx);
            assert.deepStrictEqual([enrolment.namespaceLabels, enrolment.namespaceAnnotations], [{}, {}]);
            for (const role of WORKLOAD_ROLES) {
                assert.strictEqual(enrolment.podAnnotations(role)["consul.hashicorp.com/connect-inject"], "true", role);
            }
        });

        it("registers netperf's data port and routes its control port around both sidecars", () => {
            assert.deepStrictEqual(consulPodAnnotations("netperf-server"), {
                "consul.hashicorp.com/connect-inject": "true",
                "consul.hashicorp.com/proxy-config-map": '{"envoy_stats_bind_addr":"0.0.0.0:9102"}',
                "consul.hashicorp.com/connect-service-port": "12866",
                "consul.hashicorp.com/transparent-proxy-exclude-inbound-ports": "12865,9102",
            });
            assert.deepStrictEqual(consulPodAnnotations("netperf-client"), {
                "consul.hashicorp.com/connect-inject": "true",
                "consul.hashicorp.com/transparent-proxy-exclude-outbound-ports": "12865",
            });
        });

        it("proxies nginx's port on the HTTP server and leaves the wrk client's traffic all to its sidecar", () => {
            assert.deepStrictEqual(consulPodAnnotations("http-server"), {
                "consul.hashicorp.com/connect-inject": "true",
                "consul.hashicorp.com/proxy-config-map": '{"envoy_stats_bind_addr":"0.0.0.0:9102"}',
                "consul.hashicorp.com/connect-service-port": "8080",
                "consul.hashicorp.com/transparent-proxy-exclude-inbound-ports": "9102",
            });
            assert.deepStrictEqual(consulPodAnnotations("wrk-client"), { "consul.hashicorp.com/connect-inject": "true" });
        });

        it("says the control port is outside mTLS by design, with the verdict", () => {
            const [exemption, ...more] = consul.evidence.exemptions!(ctx);
            assert.deepStrictEqual(more, []);
            assert.match(exemption, /^netperf control port 12865: outside the sidecars on both ends .* data port 12866 .* its netperf refusal comes from the data port\.$/);
        });
    });

    describe("policies", () => {
        const policies = buildConsulPolicies();

        it("declares the HTTP server's protocol http and netserver's tcp, valid against the chart's CRD", () => {
            const defaults = policies.filter((p) => p.kind === "ServiceDefaults");
            assert.deepStrictEqual(defaults.map((p) => [p.apiVersion, p.metadata.namespace, p.metadata.name, p.spec]), [
                ["consul.hashicorp.com/v1alpha1", "meshbench", "http-server", { protocol: "http" }],
                ["consul.hashicorp.com/v1alpha1", "meshbench", "netperf-server", { protocol: "tcp" }],
            ]);
            for (const p of defaults) validateCustomResource(p, CONSUL_CRDS);
        });

        it("the CRD check catches a misspelt field", () => {
            const wrong = { ...policies[0], spec: { protocoll: "http" } };
            assert.throws(() => validateCustomResource(wrong, CONSUL_CRDS), /\/spec must NOT have additional properties \(protocoll\)/);
        });

        it("gives each client a Service, so that Consul registers it, without waiting for endpoints that come later", () => {
            const services = policies.filter((p) => p.kind === "Service");
            assert.deepStrictEqual(services.map((s) => [s.metadata.name, (s.spec as any).selector]), [
                ["wrk-client", { "app.kubernetes.io/name": "wrk-client" }],
                ["netperf-client", { "app.kubernetes.io/name": "netperf-client" }],
            ]);
            for (const s of services) {
                validateKubeObject(s);
                assert.strictEqual(s.metadata.annotations?.["pulumi.com/skipAwait"], "true");
            }
        });
    });

    describe("evidence", () => {
        it("reads mutual TLS on both servers' public listeners from their sidecars' /stats", async () => {
            assert.deepStrictEqual(await evidenceOf(CLUSTER), {
                mtls: true,
                detail: "http-server :20000 (public listener: HTTP): mutual TLS: 9 TLS handshakes over 10 connections, " +
                    "0 without a client certificate, 1 TLS errors; netperf-server :20000 (public listener: netperf data port 12866): " +
                    "mutual TLS: 3 TLS handshakes over 4 connections, 0 without a client certificate, 1 TLS errors",
            });
        });

        it("reads each server sidecar's /stats through the API server's pod proxy on the stats port", async () => {
            const { calls } = await readEvidence(consul.evidence, ctx, CLUSTER);
            assert.deepStrictEqual(calls.filter((c) => c.includes("/proxy/")), [`GET ${statsPath(HTTP_POD)}`, `GET ${statsPath(NETPERF_POD)}`]);
        });

        it("cannot tell when a server has no running pod or its stats cannot be read", async () => {
            const reading = await evidenceOf({ pods: { "http-server": HTTP_POD }, raw: {} });
            assert.strictEqual(reading.mtls, undefined);
            assert.match(reading.detail, /^http-server :20000 \(public listener: HTTP\): reading its sidecar's stats failed: GET \S+: HTTP 404: .*; netperf-server :20000 \(public listener: netperf data port 12866\): no running pod with app.kubernetes.io\/name=netperf-server in meshbench$/);
        });
    });

    describe("program under mocks", function () {
        this.timeout(60_000);
        let run: ProgramRun;
        let results: BenchmarkResults;
        /** The sidecars' /stats, as the fake cluster of the mocks serves them for its pods. */
        const stats = (netperfStats = fixture("envoy-stats/consul-netperf-server.txt")) => ({
            get: {
                [statsPath(fakePodName("http-server"))]: { fixture: "envoy-stats/consul-http-server.txt" },
                [statsPath(fakePodName("netperf-server"))]: netperfStats,
            },
        });
        const resource = (type: string, name: string): RecordedResource => findResource(run.resources, type, name);

        before(async () => {
            run = await runProgram(kubeconfigStackConfig({ mesh: "consul", repetitions: "2" }), {
                ...DEFAULT_STEP_STDOUT, probe: fixture("probe-refused-consul.txt"),
            }, { evidence: stats() });
            results = run.outputs.results as BenchmarkResults;
        });

        it("installs the consul release into its own namespace, after that namespace", () => {
            const release = resource("kubernetes:helm.sh/v3:Release", "mesh-consul");
            assert.deepStrictEqual([release.inputs.chart, release.inputs.version, release.inputs.repositoryOpts.repo, release.inputs.namespace],
                ["consul", "1.7.0", "https://helm.releases.hashicorp.com", "consul"]);
            assert.ok(dependsOn(release, resource("kubernetes:core/v1:Namespace", "consul")));
            assert.strictEqual(release.inputs.values.connectInject.transparentProxy.defaultEnabled, true);
        });

        it("applies the ServiceDefaults and the client Services after the chart and the benchmark namespace", () => {
            const release = resource("kubernetes:helm.sh/v3:Release", "mesh-consul");
            const bench = resource("kubernetes:core/v1:Namespace", "meshbench");
            for (const [type, name] of [
                ["kubernetes:consul.hashicorp.com/v1alpha1:ServiceDefaults", "http-server"],
                ["kubernetes:consul.hashicorp.com/v1alpha1:ServiceDefaults", "netperf-server"],
                ["kubernetes:core/v1:Service", "wrk-client"],
                ["kubernetes:core/v1:Service", "netperf-client"],
            ]) {
                const policy = resource(type, name);
                assert.match(policy.urn, /meshbench:meshes:MeshInstall\$/, `${name} belongs to the mesh install`);
                assert.ok(dependsOn(policy, release) && dependsOn(policy, bench), `${type} ${name} after the chart and the namespace`);
            }
            assertBenchmarkWaitsForMesh(run.resources);
        });

        it("annotates every benchmark pod and runs each under its own ServiceAccount", () => {
            for (const app of ["http-server", "netperf-server", "wrk-client", "netperf-client"]) {
                const template = resource("kubernetes:apps/v1:Deployment", app).inputs.spec.template;
                assert.strictEqual(template.spec.serviceAccountName, app);
                assert.deepStrictEqual(
                    Object.fromEntries(Object.entries(template.metadata.annotations).filter(([k]) => k.startsWith("consul.hashicorp.com/"))),
                    consulPodAnnotations(app as (typeof WORKLOAD_ROLES)[number]), app);
                assert.strictEqual(resource("kubernetes:core/v1:ServiceAccount", app).inputs.metadata.namespace, "meshbench");
            }
            const probe = resource("kubernetes:apps/v1:Deployment", "plaintext-probe");
            assert.deepStrictEqual(probe.inputs.spec.template.metadata.annotations, {}, "the probe stays outside the mesh");
        });

        it("verifies mTLS from the refused probe and the sidecars' handshakes, and states the control port's exemption", () => {
            assert.strictEqual(results.status, "ok", results.reasons.join("; "));
            assert.strictEqual(results.mtls.verdict, "verified");
            assert.deepStrictEqual([results.mtls.plaintext.http.result, results.mtls.plaintext.netperf.result], ["refused", "refused"]);
            assert.strictEqual(results.mtls.plaintext.netperf.detail, "plaintext TCP_RR completed no transactions");
            assert.strictEqual(results.mtls.evidence.mtls, true);
            assert.deepStrictEqual(results.mtls.exemptions, consul.evidence.exemptions!(ctx));
            assert.strictEqual(results.provenance.fairness.protocol, consul.fairness(ctx).protocol);
        });

        it("fails the run as a mismatch when a server sidecar shows plaintext", async () => {
            const plaintext = fixture("envoy-stats/consul-netperf-server.txt").replace(/(listener\.10\.244\.1\.8_20000\.ssl\.handshake): 3/, "$1: 0");
            const mismatch = await runProgram(kubeconfigStackConfig({ mesh: "consul", repetitions: "2" }), {
                ...DEFAULT_STEP_STDOUT, probe: fixture("probe-refused-consul.txt"),
            }, { evidence: stats(plaintext) });
            const r = mismatch.outputs.results as BenchmarkResults;
            assert.deepStrictEqual([r.status, r.mtls.verdict, r.mtls.evidence.mtls], ["failed", "mismatch", false]);
            assert.match(r.mtls.evidence.detail, /^listeners disagree: .*netperf-server :20000 \(public listener: netperf data port 12866\): plaintext through the sidecar: 0 TLS handshakes over 4 connections/);
        });

        it("creates Kubernetes objects that validate against their schemas", () => {
            for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:") && !x.type.includes("helm.sh"))) {
                if (r.type.includes("consul.hashicorp.com")) validateCustomResource(r.inputs as any, CONSUL_CRDS);
                else validateKubeObject(r.inputs as any);
            }
        });
    });
});
