// Istio's mTLS evidence: the Prometheus parser, and each data plane's evidence script run
// for real (through the kubectl wrapper, with a stand-in kubectl that serves metrics in
// the exposition format Envoy's Istio stats filter and ztunnel emit; test/fixtures/istio).
import * as assert from "assert";
import { splitKubectlOutput } from "../../cluster/kubectl";
import { istio, SIDECAR_EVIDENCE_RULES } from "../../meshes/istio";
import { istioAmbient, ZTUNNEL_EVIDENCE_RULES } from "../../meshes/istio-ambient";
import { readIstioEvidence } from "../../meshes/istio-evidence";
import { parsePromSample } from "../../meshes/prometheus-text";
import type { MeshContext } from "../../meshes/types";
import { FAKE_SERVER_NODE, FAKE_ZTUNNEL_POD, fakePodName, runEvidenceScript } from "../helpers/fake-kubectl";
import { fixture } from "../helpers/mocks";

const ctx = (mtls: boolean): MeshContext => ({ mtls, target: "kubeconfig", benchNamespace: "meshbench" });
const sidecarMetrics = (mode: "mtls" | "plaintext") => ({
    [fakePodName("http-server")]: `istio/sidecar-http-server-${mode}.prom`,
    [fakePodName("netperf-server")]: `istio/sidecar-netperf-server-${mode}.prom`,
});
const linesOf = (stdout: string) => splitKubectlOutput(stdout)[0].lines;

/** A destination-reported series as the evidence script prints it. */
const metric = (server: string, name: string, labels: Record<string, string>, value: number) =>
    `ISTIO-METRIC ${server} ${name}{${Object.entries({ reporter: "destination", destination_workload: server, destination_workload_namespace: "meshbench", ...labels })
        .map(([k, v]) => `${k}="${v}"`).join(",")}} ${value}`;
const scraped = (server: string) => `ISTIO-SCRAPED ${server} meshbench/${fakePodName(server)}:15020/stats/prometheus`;

describe("Prometheus sample parser, on Istio's series", () => {
    it("reads a name, its labels and its value", () => {
        assert.deepStrictEqual(parsePromSample('istio_requests_total{reporter="destination",response_code="200"} 3416502'),
            { name: "istio_requests_total", labels: { reporter: "destination", response_code: "200" }, value: 3416502 });
    });

    it("reads escaped quotes, backslashes, newlines, commas and braces inside label values, and a trailing comma", () => {
        assert.deepStrictEqual(parsePromSample('m{a="x\\"y\\\\z",b="1,2}",c="l\\n2",} 1.5e3 1712345678000'),
            { name: "m", labels: { a: 'x"y\\z', b: "1,2}", c: "l\n2" }, value: 1500 });
    });

    it("reads a sample without labels, and skips comments, EOF and broken lines", () => {
        assert.deepStrictEqual(parsePromSample("workload_manager_active_proxy_count 2"), { name: "workload_manager_active_proxy_count", labels: {}, value: 2 });
        for (const line of ["# TYPE istio_requests_total counter", "# EOF", "", 'm{a="unterminated} 1', 'm{a="b"}', "m{a=b} 1", "m one"]) {
            assert.strictEqual(parsePromSample(line), undefined, line);
        }
    });
});

describe("istio (sidecar) evidence", () => {
    it("reads each server's own sidecar through the API server's pod proxy, and keeps only the counters it needs", async () => {
        const run = await runEvidenceScript(istio.evidence.script(ctx(true)), sidecarMetrics("mtls"));
        assert.strictEqual(run.stdout, fixture("istio/evidence-sidecar-mtls.txt"), "the committed step output is what the script prints");
        assert.deepStrictEqual(run.calls.filter((c) => c.startsWith("get --raw")), [
            `get --raw /api/v1/namespaces/meshbench/pods/${fakePodName("http-server")}:15020/proxy/stats/prometheus`,
            `get --raw /api/v1/namespaces/meshbench/pods/${fakePodName("netperf-server")}:15020/proxy/stats/prometheus`,
        ]);
        const kept = linesOf(run.stdout).filter((l) => l.startsWith("ISTIO-METRIC")).map((l) => l.split(" ")[2].split("{")[0]);
        assert.deepStrictEqual(kept, ["istio_requests_total", "istio_tcp_connections_opened_total"], "histograms, closed counts and Envoy stats are dropped");
    });

    it("shows mutual TLS with the counts, when both servers' sidecars report only mutual_tls", () => {
        assert.deepStrictEqual(istio.evidence.parse(linesOf(fixture("istio/evidence-sidecar-mtls.txt")), ctx(true)), {
            mtls: true,
            detail: "mutual TLS at every server; counters since the proxies started, reporter=destination: " +
                `http-server: 3416502 requests mutual_tls from wrk-client (meshbench/${fakePodName("http-server")}:15020/stats/prometheus); ` +
                `netperf-server: 12 connections mutual_tls from netperf-client (meshbench/${fakePodName("netperf-server")}:15020/stats/prometheus)`,
        });
    });

    it("shows plaintext through the proxies when both report connection_security_policy none", async () => {
        const run = await runEvidenceScript(istio.evidence.script(ctx(false)), sidecarMetrics("plaintext"));
        assert.strictEqual(run.stdout, fixture("istio/evidence-sidecar-plaintext.txt"));
        const reading = istio.evidence.parse(linesOf(run.stdout), ctx(false));
        assert.strictEqual(reading.mtls, false);
        assert.match(reading.detail, /^plaintext through the proxies at every server; .*http-server: 4933408 requests none from unknown, wrk-client .*netperf-server: 14 connections none from unknown/);
    });

    it("fails the step, naming the pod, when a sidecar's stats cannot be read", async () => {
        const run = await runEvidenceScript(istio.evidence.script(ctx(true)), { [fakePodName("http-server")]: "istio/sidecar-http-server-mtls.prom" });
        const [call] = splitKubectlOutput(run.stdout);
        assert.strictEqual(call.exitCode, 1);
        assert.ok(call.lines.includes(`ISTIO-EVIDENCE-ERROR netperf-server: could not read meshbench/${fakePodName("netperf-server")}:15020/stats/prometheus`));
        assert.deepStrictEqual(istio.evidence.parse(call.lines, ctx(true)),
            { detail: `netperf-server: could not read meshbench/${fakePodName("netperf-server")}:15020/stats/prometheus` });
    });
});

describe("istio-ambient evidence", () => {
    it("reads the ztunnel on each server's node, and shows mutual TLS from the clients", async () => {
        const run = await runEvidenceScript(istioAmbient.evidence.script(ctx(true)), { [FAKE_ZTUNNEL_POD]: "istio/ztunnel-server-node.prom" });
        assert.strictEqual(run.stdout, fixture("istio/evidence-ambient.txt"));
        assert.ok(run.calls.includes(`-n istio-system get pods -l app=ztunnel --field-selector=spec.nodeName=${FAKE_SERVER_NODE},status.phase=Running -o jsonpath={.items[0].metadata.name}`));
        assert.ok(run.calls.includes(`get --raw /api/v1/namespaces/istio-system/pods/${FAKE_ZTUNNEL_POD}:15020/proxy/metrics`));
        assert.deepStrictEqual(istioAmbient.evidence.parse(linesOf(run.stdout), ctx(true)), {
            mtls: true,
            detail: "mutual TLS at every server; counters since the proxies started, reporter=destination: " +
                `http-server: 48 connections mutual_tls from wrk-client (istio-system/${FAKE_ZTUNNEL_POD}:15020/metrics); ` +
                `netperf-server: 12 connections mutual_tls from netperf-client (istio-system/${FAKE_ZTUNNEL_POD}:15020/metrics)`,
        });
    });

    it("leaves out the probe's refused plaintext, which ztunnel counts as opened with policy unknown", () => {
        const lines = linesOf(fixture("istio/evidence-ambient.txt"));
        assert.ok(lines.some((l) => l.includes('source_workload_namespace="meshbench-probe"') && l.includes('connection_security_policy="unknown"')),
            "the fixture holds the probe's series");
        const everySource = readIstioEvidence(lines, ctx(true), { ...ZTUNNEL_EVIDENCE_RULES, countsSource: () => true });
        assert.strictEqual(everySource.mtls, undefined, "counted, the probe's attempts would make the evidence mixed");
        assert.match(everySource.detail, /^mixed or unknown connection security: /);
    });

    it("reads plaintext from a benchmark client (policy unknown at the destination) as plaintext", () => {
        const lines = ["http-server", "netperf-server"].flatMap((s) => [scraped(s), metric(s, "istio_tcp_connections_opened_total",
            { source_workload: "wrk-client", source_workload_namespace: "meshbench", connection_security_policy: "unknown" }, 8)]);
        assert.strictEqual(readIstioEvidence(lines, ctx(true), ZTUNNEL_EVIDENCE_RULES).mtls, false);
    });
});

describe("Istio evidence that cannot tell", () => {
    const mtlsAt = (server: string, labels: Record<string, string> = {}) => [scraped(server),
        metric(server, "istio_tcp_connections_opened_total", { source_workload: "c", source_workload_namespace: "meshbench", connection_security_policy: "mutual_tls", ...labels }, 5)];

    it("is mixed when one server saw mutual TLS and the other plaintext", () => {
        const reading = readIstioEvidence([...mtlsAt("http-server"), ...mtlsAt("netperf-server", { connection_security_policy: "none" })], ctx(true), SIDECAR_EVIDENCE_RULES);
        assert.strictEqual(reading.mtls, undefined);
        assert.match(reading.detail, /http-server: 5 connections mutual_tls .*netperf-server: 5 connections none/);
    });

    it("does not read a policy it does not know (a sidecar never reports unknown at the destination)", () => {
        const lines = [...mtlsAt("http-server"), ...mtlsAt("netperf-server", { connection_security_policy: "unknown" })];
        assert.strictEqual(readIstioEvidence(lines, ctx(true), SIDECAR_EVIDENCE_RULES).mtls, undefined);
    });

    it("says which server reported no client traffic, counting neither source-side nor zero series", () => {
        const lines = [...mtlsAt("http-server"), ...mtlsAt("netperf-server", { reporter: "source" }), metric("netperf-server", "istio_tcp_connections_opened_total",
            { source_workload_namespace: "meshbench", connection_security_policy: "mutual_tls" }, 0)];
        assert.deepStrictEqual(readIstioEvidence(lines, ctx(true), SIDECAR_EVIDENCE_RULES), {
            detail: `no traffic from the benchmark clients reported at the destination for netperf-server (meshbench/${fakePodName("netperf-server")}:15020/stats/prometheus)`,
        });
    });

    it("says which server's metrics were never read", () => {
        assert.deepStrictEqual(readIstioEvidence(mtlsAt("http-server"), ctx(true), SIDECAR_EVIDENCE_RULES), { detail: "no metrics were read for netperf-server" });
    });

    it("ignores series reported for another workload or namespace", () => {
        const lines = [...mtlsAt("http-server"), scraped("netperf-server"),
            metric("netperf-server", "istio_tcp_connections_opened_total", { destination_workload: "other", connection_security_policy: "mutual_tls" }, 3),
            metric("netperf-server", "istio_tcp_connections_opened_total", { destination_workload_namespace: "default", connection_security_policy: "mutual_tls" }, 3)];
        assert.match(readIstioEvidence(lines, ctx(true), SIDECAR_EVIDENCE_RULES).detail, /^no traffic from the benchmark clients reported at the destination for netperf-server/);
    });
});
