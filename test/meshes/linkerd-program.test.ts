// The whole program under Pulumi's mocks with mesh linkerd: the certificate chain, what
// reaches the charts (and as what), the order, enrolment, the probe and the evidence,
// and the verdict. The kubectl steps answer with what the real scripts print
// (test/helpers/linkerd-steps.ts).
import * as assert from "assert";
import type * as pulumi from "@pulumi/pulumi";
import type { BenchmarkResults } from "../../loadtest/results";
import { unknownValueKeys } from "../helpers/chart-keys";
import { programEvidence, refusedProbeStdout } from "../helpers/linkerd-steps";
import {
    assertBenchmarkWaitsForMesh, DEFAULT_STEP_STDOUT, dependsOn, findResource, kubeconfigStackConfig, runProgram,
    type ProgramRun, type RecordedResource, type StepStdout,
} from "../helpers/mocks";
import { validateKubeObject } from "../helpers/schema";
import { isSecretValue as isSecret, secretValue } from "../helpers/secrets";


/** MOCK DATA: PEM-shaped placeholders the mocks hand back where @pulumi/tls would compute real ones. */
const mockPem = (label: string, name: string) =>
    `-----BEGIN ${label}-----\nMOCK DATA for meshbench tests, not real key material: ${name}\n-----END ${label}-----\n`;
const computed = (args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined => {
    switch (args.type) {
        case "tls:index/privateKey:PrivateKey": return { privateKeyPem: mockPem("EC PRIVATE KEY", args.name), publicKeyPem: mockPem("PUBLIC KEY", args.name) };
        case "tls:index/selfSignedCert:SelfSignedCert": return { certPem: mockPem("CERTIFICATE", args.name) };
        case "tls:index/certRequest:CertRequest": return { certRequestPem: mockPem("CERTIFICATE REQUEST", args.name) };
        case "tls:index/locallySignedCert:LocallySignedCert": return { certPem: mockPem("CERTIFICATE", args.name) };
        default: return undefined;
    }
};
const ANCHOR_KEY = mockPem("EC PRIVATE KEY", "mesh-trust-anchor-key");
const ISSUER_KEY = mockPem("EC PRIVATE KEY", "mesh-issuer-key");
const ANCHOR_CERT = mockPem("CERTIFICATE", "mesh-trust-anchor");
const ISSUER_CERT = mockPem("CERTIFICATE", "mesh-issuer");

/** Every place a string occurs in a recorded input, with whether a secret wraps it. */
function occurrences(value: unknown, needle: string, secret = false, where = ""): { where: string; secret: boolean }[] {
    if (typeof value === "string") return value.includes(needle) ? [{ where, secret }] : [];
    if (typeof value !== "object" || value === null) return [];
    if (isSecret(value)) return occurrences(secretValue(value), needle, true, where);
    return Object.entries(value).flatMap(([k, v]) => occurrences(v, needle, secret, `${where}.${k}`));
}

describe("program, target kubeconfig, mesh linkerd", function () {
    this.timeout(60_000);
    let steps: StepStdout;
    let run: ProgramRun;
    let results: BenchmarkResults;
    const tlsResource = (type: string, name: string) => findResource(run.resources, `tls:index/${type}`, name);
    const release = (name: string) => findResource(run.resources, "kubernetes:helm.sh/v3:Release", `mesh-${name}`);

    before(async () => {
        steps = {
            ...DEFAULT_STEP_STDOUT,
            probe: await refusedProbeStdout(),
        };
        run = await runProgram(kubeconfigStackConfig({ mesh: "linkerd", repetitions: "2" }), steps, { computed, evidence: programEvidence() });
        results = run.outputs.results as BenchmarkResults;
    });

    it("installs the CRDs, then the control plane, at 2025.4.1 from the edge repository, in a namespace it creates", () => {
        assert.deepStrictEqual(["linkerd-crds", "linkerd-control-plane"].map((n) => [release(n).inputs.chart, release(n).inputs.version, release(n).inputs.repositoryOpts.repo, release(n).inputs.namespace]), [
            ["linkerd-crds", "2025.4.1", "https://helm.linkerd.io/edge", "linkerd"],
            ["linkerd-control-plane", "2025.4.1", "https://helm.linkerd.io/edge", "linkerd"],
        ]);
        assert.ok(dependsOn(release("linkerd-control-plane"), release("linkerd-crds")));
        assert.ok(dependsOn(release("linkerd-crds"), findResource(run.resources, "kubernetes:core/v1:Namespace", "linkerd")));
    });

    it("makes an ECDSA P-256 trust anchor, self-signed as a CA", () => {
        const key = tlsResource("privateKey:PrivateKey", "mesh-trust-anchor-key");
        assert.deepStrictEqual([key.inputs.algorithm, key.inputs.ecdsaCurve], ["ECDSA", "P256"]);
        const anchor = tlsResource("selfSignedCert:SelfSignedCert", "mesh-trust-anchor");
        assert.deepStrictEqual(
            [anchor.inputs.isCaCertificate, anchor.inputs.allowedUses, anchor.inputs.maxPathLength, anchor.inputs.validityPeriodHours, anchor.inputs.subject],
            [true, ["cert_signing", "crl_signing"], 1, 87600, { commonName: "root.linkerd.cluster.local" }]);
        assert.ok(isSecret(anchor.inputs.privateKeyPem) && anchor.inputs.privateKeyPem.value === ANCHOR_KEY, "signed with its own key, passed as a secret");
        assert.match(anchor.urn, /meshbench:meshes:MeshInstall\$tls:index\/selfSignedCert:SelfSignedCert::mesh-trust-anchor$/);
    });

    it("makes an ECDSA P-256 issuer CA signed by the anchor, renewed before it expires", () => {
        const key = tlsResource("privateKey:PrivateKey", "mesh-issuer-key");
        assert.deepStrictEqual([key.inputs.algorithm, key.inputs.ecdsaCurve], ["ECDSA", "P256"]);
        const request = tlsResource("certRequest:CertRequest", "mesh-issuer-request");
        assert.ok(isSecret(request.inputs.privateKeyPem) && request.inputs.privateKeyPem.value === ISSUER_KEY, "the request is the issuer key's");
        assert.deepStrictEqual(request.inputs.subject, { commonName: "identity.linkerd.cluster.local" });
        const issuer = tlsResource("locallySignedCert:LocallySignedCert", "mesh-issuer");
        assert.strictEqual(issuer.inputs.certRequestPem, mockPem("CERTIFICATE REQUEST", "mesh-issuer-request"));
        assert.strictEqual(issuer.inputs.caCertPem, ANCHOR_CERT, "signed by the trust anchor");
        assert.ok(isSecret(issuer.inputs.caPrivateKeyPem) && issuer.inputs.caPrivateKeyPem.value === ANCHOR_KEY, "with the anchor's key, as a secret");
        assert.deepStrictEqual(
            [issuer.inputs.isCaCertificate, issuer.inputs.allowedUses, issuer.inputs.maxPathLength, issuer.inputs.validityPeriodHours, issuer.inputs.earlyRenewalHours],
            [true, ["cert_signing", "crl_signing"], 0, 8760, 720]);
    });

    it("hands the chart the anchor and issuer certificates and the issuer key, the values as a secret", () => {
        // A secret anywhere in the values makes Pulumi send (and store) the whole values as one secret.
        const sent = release("linkerd-control-plane").inputs.values;
        assert.ok(isSecret(sent), "the chart values are a secret");
        const values = sent.value as any;
        assert.strictEqual(values.identityTrustAnchorsPEM, ANCHOR_CERT);
        assert.strictEqual(values.identity.issuer.tls.crtPEM, ISSUER_CERT);
        assert.strictEqual(values.identity.issuer.tls.keyPEM, ISSUER_KEY);
        assert.ok(!isSecret(release("linkerd-crds").inputs.values), "the CRD chart has nothing to hide");
        assert.deepStrictEqual(unknownValueKeys(values, "linkerd-control-plane", "2025.4.1"), [], "every key sent exists in the chart");
    });

    it("keeps every private key a secret wherever it goes, and out of the outputs", () => {
        for (const key of [ANCHOR_KEY, ISSUER_KEY]) {
            const seen = run.resources.flatMap((r) => occurrences(r.inputs, key).map((o) => ({ ...o, where: `${r.name}${o.where}` })));
            assert.ok(seen.length >= 2, `${key} reaches its uses`);
            assert.deepStrictEqual(seen.filter((o) => !o.secret), [], "never in the clear");
            assert.ok(!JSON.stringify(run.outputs).includes("MOCK DATA"), "no key or certificate in the outputs");
        }
    });

    it("annotates the benchmark namespace, and marks netperf's ports opaque on the Service and on netserver", () => {
        const ns = findResource(run.resources, "kubernetes:core/v1:Namespace", "meshbench");
        assert.deepStrictEqual(ns.inputs.metadata.annotations,
            { "linkerd.io/inject": "enabled", "config.linkerd.io/default-inbound-policy": "all-authenticated" });
        const service = (name: string) => findResource(run.resources, "kubernetes:core/v1:Service", name).inputs.spec.ports.map((p: any) => p.appProtocol);
        assert.deepStrictEqual([service("http-server"), service("netperf-server")], [["http"], ["linkerd.io/opaque", "linkerd.io/opaque"]]);
        const netserver = findResource(run.resources, "kubernetes:apps/v1:Deployment", "netperf-server");
        assert.strictEqual(netserver.inputs.spec.template.metadata.annotations["config.linkerd.io/opaque-ports"], "12865,12866");
        const probe = findResource(run.resources, "kubernetes:core/v1:Namespace", "meshbench-probe");
        assert.strictEqual(probe.inputs.metadata.annotations, undefined, "the probe stays outside the mesh");
    });

    it("applies the admin-port Server after the charts and the namespace, and starts no benchmark pod before the mesh", () => {
        const server = findResource(run.resources, "kubernetes:policy.linkerd.io/v1beta3:Server", "meshbench-proxy-admin");
        assert.ok(dependsOn(server, release("linkerd-control-plane")) && dependsOn(server, findResource(run.resources, "kubernetes:core/v1:Namespace", "meshbench")));
        assertBenchmarkWaitsForMesh(run.resources);
        for (const r of run.resources.filter((x: RecordedResource) => x.type.startsWith("kubernetes:") && ["core", "apps"].some((g) => x.type.includes(`:${g}/`)))) {
            validateKubeObject(r.inputs as any);
        }
    });

    it("verifies mTLS: plaintext refused by both servers, and mTLS from both clients in the proxies' counters", () => {
        assert.strictEqual(results.status, "ok", results.reasons.join("; "));
        const { mtls } = results;
        assert.deepStrictEqual([mtls.requested, mtls.verdict, mtls.enforced, mtls.evidence.mtls], [true, "verified", true, true]);
        assert.match(mtls.plaintext.http.detail, /^no plaintext HTTP request served: \d+ responses, \d+ not 2xx\/3xx/);
        assert.strictEqual(mtls.plaintext.netperf.detail, "netperf exited with 1: recv_response: partial response received: 0 bytes");
        assert.match(mtls.evidence.source, /^linkerd-proxy inbound metrics of both servers/);
        assert.match(mtls.evidence.detail, /48 connections \(4918372 requests\) over mTLS from wrk-client\.meshbench\.serviceaccount\.identity\.linkerd\.cluster\.local/);
    });

    it("records the chart and proxy pins and the fairness profile with the results", () => {
        const p = results.provenance;
        assert.ok(p.pins.some((x) => x.name === "cr.l5d.io/linkerd/proxy" && x.version === "edge-25.4.1"));
        assert.deepStrictEqual(p.pins.filter((x) => x.kind === "chart").map((x) => `${x.name}@${x.version}`), ["linkerd-crds@2025.4.1", "linkerd-control-plane@2025.4.1"]);
        assert.match(p.fairness.workerThreads, /^2 per proxy/);
    });

    it("fails the run as a mismatch when the proxies show plaintext served, though the probe was refused", async () => {
        const unenforced = await runProgram(kubeconfigStackConfig({ mesh: "linkerd", repetitions: "2" }), {
            ...steps,
        }, { computed, evidence: programEvidence({ "http-server": "linkerd/proxy-metrics-http-server-unenforced.txt" }) });
        const r = unenforced.outputs.results as BenchmarkResults;
        assert.deepStrictEqual([r.mtls.verdict, r.mtls.evidence.mtls, r.status], ["mismatch", false, "failed"]);
        assert.ok(r.reasons.some((x) => x.startsWith("mTLS mismatch: asked for mTLS on, but plaintext HTTP refused, plaintext netperf refused; evidence")));
    });

    it("fails at preview, before creating anything, when mTLS off is asked of it", async () => {
        await assert.rejects(runProgram(kubeconfigStackConfig({ mesh: "linkerd", mtls: "false" }), steps, { computed }),
            /meshbench:mtls: got "false"; allowed: true for mesh linkerd, because Linkerd always requires identity/);
    });
});
