// Istio's mTLS evidence: the Prometheus parser, and each data plane's evidence read
// through KubeApi from a fake cluster (test/helpers/fake-kube.ts) that serves metrics in
// the exposition format Envoy's Istio stats filter and ztunnel emit (test/fixtures/istio).
import * as assert from "assert";
import { istio, SIDECAR_EVIDENCE_RULES } from "../../meshes/istio";
import { istioAmbient, ZTUNNEL_EVIDENCE_RULES } from "../../meshes/istio-ambient";
import { readIstioEvidence, type MetricsPage } from "../../meshes/istio-evidence";
import { parsePromSample } from "../../meshes/prometheus-text";
import type { MeshContext } from "../../meshes/types";
import { FakeKube, fakePodName, type FakeCluster, type FakePod } from "../helpers/fake-kube";
import { fixture } from "../helpers/mocks";

const ctx = (mtls: boolean): MeshContext => ({ mtls, target: "kubeconfig", benchNamespace: "meshbench" });
const SERVER_NODE = "worker-1";
const ZTUNNEL_POD = "ztunnel-x7k2p";
const pod = (app: string, namespace = "meshbench", labels: Record<string, string> = { "app.kubernetes.io/name": app }): FakePod =>
    ({ name: app === "ztunnel" ? ZTUNNEL_POD : fakePodName(app), namespace, labels, node: SERVER_NODE, containers: [{ name: app, image: "", imageId: "" }] });
const SERVERS = [pod("http-server"), pod("netperf-server")];
const sidecarPath = (app: string) => `/api/v1/namespaces/meshbench/pods/${fakePodName(app)}:15020/proxy/stats/prometheus`;
const sidecarCluster = (mode: "mtls" | "plaintext", only?: string): FakeCluster => ({
    pods: SERVERS, nodes: [],
    get: Object.fromEntries(["http-server", "netperf-server"].filter((a) => !only || a === only)
        .map((a) => [sidecarPath(a), { fixture: `istio/sidecar-${a}-${mode}.prom` }])),
});

/** A destination-reported series as a metrics page holds it. */
const metric = (server: string, name: string, labels: Record<string, string>, value: number) =>
    `${name}{${Object.entries({ reporter: "destination", destination_workload: server, destination_workload_namespace: "meshbench", ...labels })
        .map(([k, v]) => `${k}="${v}"`).join(",")}} ${value}`;
const scraped = (server: string) => `meshbench/${fakePodName(server)}:15020/stats/prometheus`;
/** Pages of the servers from their series, by server. */
const pagesOf = (series: Record<string, string[]>): Map<string, MetricsPage> =>
    new Map(Object.entries(series).map(([server, lines]) => [server, { scraped: scraped(server), lines }]));

describe("Prometheus sample parser, on Istio's series", () => {
    it("reads a name, its labels and its value", () => {
        assert.deepStrictEqual(parsePromSample('istio_requests_total{reporter="destination",response_code="200"} 3416502'),
            { name: "istio_requests_total", labels: { reporter: "destination", response_code: "200" }, value: 3416502 });
    });

    it("reads escaped quotes, backslashes, newlines, commas and braces inside label values, and a trailing comma", () => {
        assert.deepStrictEqual(parsePromSample('m{a="x\\"y\\\\z",b="1,2}",c="l\\n2",} 1.5e3 1712345678000'),
            { name: "m", labels: { a: 'x"y\\z', b: "1,2}", c: "l\n2" }, value: 1500, timestampMs: 1712345678000 });
    });

    it("reads a sample without labels, and skips comments, EOF and broken lines", () => {
        assert.deepStrictEqual(parsePromSample("workload_manager_active_proxy_count 2"), { name: "workload_manager_active_proxy_count", labels: {}, value: 2 });
        for (const line of ["# TYPE istio_requests_total counter", "# EOF", "", 'm{a="unterminated} 1', 'm{a="b"}', "m{a=b} 1", "m one"]) {
            assert.strictEqual(parsePromSample(line), undefined, line);
        }
    });
});

describe("istio (sidecar) evidence", () => {
    it("reads each server's own sidecar through the API server's pod proxy, and shows mutual TLS with the counts", async () => {
        const kube = new FakeKube(sidecarCluster("mtls"));
        assert.deepStrictEqual(await istio.evidence.read(kube, ctx(true)), {
            mtls: true,
            detail: "mutual TLS at every server; counters since the proxies started, reporter=destination: " +
                `http-server: 3416502 requests mutual_tls from wrk-client (meshbench/${fakePodName("http-server")}:15020/stats/prometheus); ` +
                `netperf-server: 12 connections mutual_tls from netperf-client (meshbench/${fakePodName("netperf-server")}:15020/stats/prometheus)`,
        });
        assert.deepStrictEqual(kube.calls.filter((c) => c.includes(":15020")), ["http-server", "netperf-server"].map((a) => `GET ${sidecarPath(a)}`));
    });

    it("shows plaintext through the proxies when both report connection_security_policy none", async () => {
        const reading = await istio.evidence.read(new FakeKube(sidecarCluster("plaintext")), ctx(false));
        assert.strictEqual(reading.mtls, false);
        assert.match(reading.detail, /^plaintext through the proxies at every server; .*http-server: 4933408 requests none from unknown, wrk-client .*netperf-server: 14 connections none from unknown/);
    });

    it("cannot tell, naming the pod, when a sidecar's stats cannot be read", async () => {
        const reading = await istio.evidence.read(new FakeKube(sidecarCluster("mtls", "http-server")), ctx(true));
        assert.deepStrictEqual(reading, {
            detail: `netperf-server: could not read meshbench/${fakePodName("netperf-server")}:15020/stats/prometheus: ` +
                `GET ${sidecarPath("netperf-server")}: HTTP 404: the server could not find the requested resource`,
        });
    });

    it("cannot tell when a server has no running pod", async () => {
        const reading = await istio.evidence.read(new FakeKube({ ...sidecarCluster("mtls"), pods: [SERVERS[0]] }), ctx(true));
        assert.deepStrictEqual(reading, {
            detail: "netperf-server: found no pod to read metrics from: no running pod with app.kubernetes.io/name=netperf-server in meshbench",
        });
    });
});

describe("istio-ambient evidence", () => {
    const ambient: FakeCluster = {
        pods: [...SERVERS, pod("ztunnel", "istio-system", { app: "ztunnel" })], nodes: [],
        get: { [`/api/v1/namespaces/istio-system/pods/${ZTUNNEL_POD}:15020/proxy/metrics`]: { fixture: "istio/ztunnel-server-node.prom" } },
    };

    it("reads the ztunnel on each server's node, and shows mutual TLS from the clients", async () => {
        assert.deepStrictEqual(await istioAmbient.evidence.read(new FakeKube(ambient), ctx(true)), {
            mtls: true,
            detail: "mutual TLS at every server; counters since the proxies started, reporter=destination: " +
                `http-server: 48 connections mutual_tls from wrk-client (istio-system/${ZTUNNEL_POD}:15020/metrics); ` +
                `netperf-server: 12 connections mutual_tls from netperf-client (istio-system/${ZTUNNEL_POD}:15020/metrics)`,
        });
    });

    it("cannot tell when no ztunnel runs on the server's node", async () => {
        const reading = await istioAmbient.evidence.read(new FakeKube({ ...ambient, pods: SERVERS }), ctx(true));
        assert.match(reading.detail, /^http-server: found no pod to read metrics from: no running ztunnel on worker-1, the node of http-server-/);
        assert.strictEqual(reading.mtls, undefined);
    });

    it("leaves out the probe's refused plaintext, which ztunnel counts as opened with policy unknown", () => {
        const lines = fixture("istio/ztunnel-server-node.prom").split("\n");
        assert.ok(lines.some((l) => l.includes('source_workload_namespace="meshbench-probe"') && l.includes('connection_security_policy="unknown"')),
            "the fixture holds the probe's series");
        const pages = new Map(["http-server", "netperf-server"].map((a) => [a, { scraped: "ztunnel", lines }]));
        const everySource = readIstioEvidence(pages, ctx(true), { ...ZTUNNEL_EVIDENCE_RULES, countsSource: () => true });
        assert.strictEqual(everySource.mtls, undefined, "counted, the probe's attempts would make the evidence mixed");
        assert.match(everySource.detail, /^mixed or unknown connection security: /);
    });

    it("reads plaintext from a benchmark client (policy unknown at the destination) as plaintext", () => {
        const pages = pagesOf(Object.fromEntries(["http-server", "netperf-server"].map((s) => [s, [metric(s, "istio_tcp_connections_opened_total",
            { source_workload: "wrk-client", source_workload_namespace: "meshbench", connection_security_policy: "unknown" }, 8)]])));
        assert.strictEqual(readIstioEvidence(pages, ctx(true), ZTUNNEL_EVIDENCE_RULES).mtls, false);
    });
});

describe("Istio evidence that cannot tell", () => {
    const mtlsAt = (server: string, labels: Record<string, string> = {}) =>
        [metric(server, "istio_tcp_connections_opened_total", { source_workload: "c", source_workload_namespace: "meshbench", connection_security_policy: "mutual_tls", ...labels }, 5)];

    it("is mixed when one server saw mutual TLS and the other plaintext", () => {
        const reading = readIstioEvidence(pagesOf({ "http-server": mtlsAt("http-server"), "netperf-server": mtlsAt("netperf-server", { connection_security_policy: "none" }) }), ctx(true), SIDECAR_EVIDENCE_RULES);
        assert.strictEqual(reading.mtls, undefined);
        assert.match(reading.detail, /http-server: 5 connections mutual_tls .*netperf-server: 5 connections none/);
    });

    it("does not read a policy it does not know (a sidecar never reports unknown at the destination)", () => {
        const lines = pagesOf({ "http-server": mtlsAt("http-server"), "netperf-server": mtlsAt("netperf-server", { connection_security_policy: "unknown" }) });
        assert.strictEqual(readIstioEvidence(lines, ctx(true), SIDECAR_EVIDENCE_RULES).mtls, undefined);
    });

    it("says which server reported no client traffic, counting neither source-side nor zero series", () => {
        const lines = pagesOf({ "http-server": mtlsAt("http-server"), "netperf-server": [...mtlsAt("netperf-server", { reporter: "source" }), metric("netperf-server", "istio_tcp_connections_opened_total",
            { source_workload_namespace: "meshbench", connection_security_policy: "mutual_tls" }, 0)] });
        assert.deepStrictEqual(readIstioEvidence(lines, ctx(true), SIDECAR_EVIDENCE_RULES), {
            detail: `no traffic from the benchmark clients reported at the destination for netperf-server (meshbench/${fakePodName("netperf-server")}:15020/stats/prometheus)`,
        });
    });

    it("says which server's metrics were never read", () => {
        assert.deepStrictEqual(readIstioEvidence(pagesOf({ "http-server": mtlsAt("http-server") }), ctx(true), SIDECAR_EVIDENCE_RULES), { detail: "no metrics were read for netperf-server" });
    });

    it("ignores series reported for another workload or namespace", () => {
        const lines = pagesOf({ "http-server": mtlsAt("http-server"), "netperf-server": [
            metric("netperf-server", "istio_tcp_connections_opened_total", { destination_workload: "other", connection_security_policy: "mutual_tls" }, 3),
            metric("netperf-server", "istio_tcp_connections_opened_total", { destination_workload_namespace: "default", connection_security_policy: "mutual_tls" }, 3)] });
        assert.match(readIstioEvidence(lines, ctx(true), SIDECAR_EVIDENCE_RULES).detail, /^no traffic from the benchmark clients reported at the destination for netperf-server/);
    });
});
