// mesh linkerd: what its module decides — charts, values, enrolment, enforcement, the
// admin-port Server — and its evidence, with the real script through the real wrapper
// against the proxy metrics fixtures. The program under mocks is in linkerd-program.test.ts.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { linkerd } from "../../meshes/linkerd";
import { linkerdIdentity, readLinkerdEvidence } from "../../meshes/linkerd-evidence";
import { HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT } from "../../workloads/ports";
import { unknownValueKeys } from "../helpers/chart-keys";
import { loadCrdSchemas, validateCustomResource } from "../helpers/crd-schema";
import { CTX, clusterAnswers, metricsPath, PODS, runEvidence } from "../helpers/linkerd-steps";

const PREREQUISITES = { trustAnchorPem: pulumi.output("<anchor>"), issuerCertPem: pulumi.output("<issuer>"), issuerKeyPem: pulumi.output("<key>") };
const LINKERD_CRDS = loadCrdSchemas("linkerd@2025.4.1.json");
const WRK_ID = "wrk-client.meshbench.serviceaccount.identity.linkerd.cluster.local";
const NETPERF_ID = "netperf-client.meshbench.serviceaccount.identity.linkerd.cluster.local";

describe("mesh linkerd", () => {
    const [crds, controlPlane] = linkerd.releases(CTX, PREREQUISITES);
    const values = controlPlane.values as any;

    it("installs linkerd-crds, then linkerd-control-plane, both 2025.4.1 from the edge repository into namespace linkerd", () => {
        assert.deepStrictEqual(linkerd.releases(CTX, PREREQUISITES).map((r) => [r.name, r.chart, r.version, r.repo, r.namespace]), [
            ["linkerd-crds", "linkerd-crds", "2025.4.1", "https://helm.linkerd.io/edge", "linkerd"],
            ["linkerd-control-plane", "linkerd-control-plane", "2025.4.1", "https://helm.linkerd.io/edge", "linkerd"],
        ]);
        assert.deepStrictEqual(crds.values, {});
    });

    it("passes the identity certificates as the chart's values", () => {
        assert.strictEqual(values.identityTrustAnchorsPEM, PREREQUISITES.trustAnchorPem);
        assert.strictEqual(values.identity.issuer.tls.crtPEM, PREREQUISITES.issuerCertPem);
        assert.strictEqual(values.identity.issuer.tls.keyPEM, PREREQUISITES.issuerKeyPem);
    });

    it("gives each proxy two worker threads and CPU and memory requests without limits", () => {
        assert.deepStrictEqual(values.proxy.runtime, { workers: { minimum: 2 } });
        assert.deepStrictEqual(values.proxy.resources, { cpu: { request: "100m", limit: "" }, memory: { request: "20Mi", limit: "" } });
        assert.strictEqual(values.proxy.cores, undefined, "the deprecated fixed setting is not used");
    });

    it("refuses a pod the injector cannot reach rather than admitting it without a proxy; the control plane stays exempt", () => {
        assert.strictEqual(values.webhookFailurePolicy, "Fail");
        assert.strictEqual(values.proxyInjector, undefined, "the chart's objectSelector, which exempts the control plane's pods, is kept");
        assert.strictEqual(linkerd.fairness(CTX).injection,
            "the proxy injector's webhook fails closed (webhookFailurePolicy Fail; the chart's default Ignore would admit a benchmark pod without its proxy when the injector is slow)");
    });

    it("pins proxy-init's iptables mode to nft, the back end of the Ubuntu 22.04 nodes, instead of the chart's legacy", () => {
        assert.deepStrictEqual(values.proxyInit, { iptablesMode: "nft" });
        assert.match(linkerd.fairness(CTX).dataPlane, /proxy-init container \(iptables, mode nft as on the Ubuntu 22\.04 nodes; the chart's default is legacy\)/);
    });

    it("sets only keys the pinned charts have, and would notice one they do not", () => {
        assert.deepStrictEqual(unknownValueKeys(values, controlPlane.chart, controlPlane.version), []);
        assert.deepStrictEqual(unknownValueKeys({ proxy: { runtime: { workers: { maximum: 2 } } } }, controlPlane.chart, controlPlane.version),
            ["proxy.runtime.workers.maximum"], "edge-25.4.1 has no workers.maximum");
    });

    it("pins both charts and the images that run, the proxy's tag among them", () => {
        assert.deepStrictEqual(linkerd.pins(CTX).map((p) => `${p.kind} ${p.name}@${p.version}`), [
            "chart linkerd-crds@2025.4.1", "chart linkerd-control-plane@2025.4.1",
            "image cr.l5d.io/linkerd/proxy@edge-25.4.1", "image cr.l5d.io/linkerd/proxy-init@v2.4.2",
            "image cr.l5d.io/linkerd/controller@edge-25.4.1", "image cr.l5d.io/linkerd/policy-controller@edge-25.4.1",
        ]);
        assert.strictEqual(values.proxy.image.version, "edge-25.4.1");
    });

    it("enrols the namespace by annotation and refuses plaintext to its pods", () => {
        const enrolment = linkerd.enrolment(CTX);
        assert.deepStrictEqual(enrolment.namespaceLabels, {});
        assert.deepStrictEqual(enrolment.namespaceAnnotations, {
            "linkerd.io/inject": "enabled", "config.linkerd.io/default-inbound-policy": "all-authenticated",
        });
        assert.strictEqual(values.proxy.defaultInboundPolicy, undefined, "the cluster-wide default stays the chart's");
    });

    it("declares netperf's ports opaque and the HTTP port HTTP", () => {
        const enrolment = linkerd.enrolment(CTX);
        assert.deepStrictEqual([HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT].map((p) => enrolment.appProtocol(p)),
            ["http", "linkerd.io/opaque", "linkerd.io/opaque"]);
        assert.deepStrictEqual(enrolment.podAnnotations("netperf-server"), { "config.linkerd.io/opaque-ports": "12865,12866" });
        for (const role of ["http-server", "wrk-client", "netperf-client"] as const) assert.deepStrictEqual(enrolment.podAnnotations(role), {});
    });

    it("cannot turn mTLS off, and names the baseline", () => {
        assert.strictEqual(linkerd.mtlsOn.supported, true);
        assert.ok(!linkerd.mtlsOff.supported && /--disable-identity is no longer supported.*mesh none/.test(linkerd.mtlsOff.reason));
    });

    it("keeps only the servers' proxy admin port open to plaintext, with a Server valid for the pinned CRD", () => {
        const [server] = linkerd.policies(CTX) as any[];
        assert.strictEqual(linkerd.policies(CTX).length, 1);
        assert.deepStrictEqual(server.spec, {
            podSelector: { matchLabels: { "meshbench.io/side": "server" } }, port: "linkerd-admin", proxyProtocol: "HTTP/1", accessPolicy: "all-unauthenticated",
        });
        assert.strictEqual(server.metadata.namespace, "meshbench");
        validateCustomResource(server, LINKERD_CRDS);
    });

    it("has a CRD check that rejects a Server the API server would not keep as written", () => {
        const [server] = linkerd.policies(CTX) as any[];
        assert.throws(() => validateCustomResource({ ...server, spec: { ...server.spec, port: undefined } }, LINKERD_CRDS), /must have required property 'port'/);
        assert.throws(() => validateCustomResource({ ...server, spec: { ...server.spec, accessPolcy: "deny" } }, LINKERD_CRDS), /must NOT have additional properties/);
        assert.throws(() => validateCustomResource({ ...server, spec: { ...server.spec, port: 4191.5 } }, LINKERD_CRDS), /x-kubernetes-int-or-string/);
        assert.throws(() => validateCustomResource({ ...server, apiVersion: "policy.linkerd.io/v1beta1" }, LINKERD_CRDS), /no CRD schema for policy.linkerd.io\/v1beta1 Server/);
    });

    it("states its fairness profile: threads, no CPU limit, access logs, tracing, protocols", () => {
        const f = linkerd.fairness(CTX);
        assert.match(f.workerThreads, /^2 per proxy: proxy\.runtime\.workers\.minimum=2/);
        assert.match(f.proxyResources, /no CPU limit/);
        assert.match(f.accessLogs, /^off/);
        assert.match(f.tracing, /^off/);
        assert.match(f.protocol, /appProtocol http.*12865,12866: opaque TCP/);
    });
});

describe("mesh linkerd evidence", function () {
    this.timeout(30_000);

    it("reads both servers' proxy metrics through the API server's pod proxy, and nothing else", async () => {
        const run = await runEvidence(clusterAnswers());
        assert.deepStrictEqual(run.calls.filter((c) => c.includes("/proxy/")),
            [`GET ${metricsPath(PODS["http-server"])}`, `GET ${metricsPath(PODS["netperf-server"])}`]);
        assert.strictEqual(run.calls.length, 4);
    });

    it("shows mTLS from each client's identity on each server, with the numbers", async () => {
        const { reading } = await runEvidence(clusterAnswers());
        assert.deepStrictEqual(reading, {
            mtls: true,
            detail: `http-server (ports 8080): 48 connections (4918372 requests) over mTLS from ${WRK_ID}; ` +
                "plaintext: 152 connections, none served beyond the kubelet's probes, 39820 denied by policy; " +
                `netperf-server (ports 12865, 12866): 12 connections over mTLS from ${NETPERF_ID}; ` +
                "plaintext: 153 connections, none served beyond the kubelet's probes, 1 denied by policy",
        });
    });

    it("shows plaintext when a server served it on its benchmark port", async () => {
        const { reading } = await runEvidence(clusterAnswers({ "http-server": "linkerd/proxy-metrics-http-server-unenforced.txt" }));
        assert.strictEqual(reading.mtls, false);
        assert.match(reading.detail, /^plaintext was served on a benchmark port: http-server \(ports 8080\): 48 connections over mTLS from wrk-client\S+; plaintext: 152 connections, 40199 served, 0 denied by policy; netperf-server/);
    });

    it("cannot tell when a proxy's metrics cannot be read, and says why", async () => {
        const cluster = clusterAnswers();
        const { reading } = await runEvidence({ ...cluster, get: { ...cluster.get, [metricsPath(PODS["netperf-server"])]: { status: 403 } } });
        assert.strictEqual(reading.mtls, undefined);
        assert.match(reading.detail, /^no mTLS from the benchmark clients could be shown: http-server \(ports 8080\): 48 connections .*; netperf-server: proxy metrics not read: GET \S+:4191\/proxy\/metrics: HTTP 403/);
    });

    it("cannot tell when a server has no running pod, or its client never connected", async () => {
        const cluster = clusterAnswers();
        const { reading: noPod } = await runEvidence({ ...cluster, pods: cluster.pods.slice(1) });
        assert.deepStrictEqual([noPod.mtls, /http-server: proxy metrics not read: no running pod with app.kubernetes.io\/name=http-server in meshbench;/.test(noPod.detail)], [undefined, true], noPod.detail);
        const silent = readLinkerdEvidence(new Map([["http-server", { pod: "p", lines: [] }], ["netperf-server", { pod: "q", lines: [] }]]), CTX);
        assert.strictEqual(silent.mtls, undefined);
        assert.match(silent.detail, /http-server \(ports 8080\): 0 connections over mTLS/);
        assert.strictEqual(readLinkerdEvidence(new Map(), CTX).mtls, undefined);
    });

    it("counts only the client's own identity, never another meshed workload's", () => {
        const other = linkerdIdentity("intruder", "meshbench");
        const pages = new Map([
            ["http-server", { pod: "p", lines: [`tcp_open_total{direction="inbound",peer="src",target_port="8080",tls="true",client_id="${other}"} 9`] }],
            ["netperf-server", { pod: "q", lines: [`tcp_open_total{direction="inbound",peer="src",target_port="12866",tls="true",client_id="${NETPERF_ID}"} 6`] }],
        ]);
        assert.strictEqual(readLinkerdEvidence(pages, CTX).mtls, undefined);
    });
});
