// mesh cilium under the program's mocks on target vms, mTLS on and off: the cluster comes
// up without a CNI, Cilium goes in through that seam before every workload, and the run
// is judged from a dropped probe and cilium-dbg's evidence.
import * as assert from "assert";
import type { BenchmarkResults } from "../../loadtest/results";
import { buildCiliumValues, cilium, CILIUM_NODE_PORTS } from "../../meshes/cilium";
import { wireguardWitness } from "../../meshes/cilium-steps";
import type { MeshContext } from "../../meshes/types";
import { ciliumExtras, MTLS_OFF_CLUSTER, MTLS_ON_CLUSTER } from "../helpers/cilium-steps";
import { fakePodName } from "../helpers/fake-kube";
import { loadCrdSchemas, validateCustomResource } from "../helpers/crd-schema";
import { HELM_RELEASE, meshPolicies, releaseNamed } from "../helpers/mesh-program";
import {
    assertBenchmarkWaitsForMesh, dependsOn, findResource, fixture, named, ofType, runProgram, vmsStackConfig, VMS_STEPS, type ProgramRun,
} from "../helpers/mocks";
import { validateKubeObject } from "../helpers/schema";

const CILIUM_CRDS = loadCrdSchemas("cilium@1.17.17.json");
const ctxOf = (mtls: boolean): MeshContext => ({ mtls, target: "vms", benchNamespace: "meshbench", storageClassName: "local-path" });

/** The steps: the probe dropped (on) or served (off). */
const ciliumSteps = (mtls: boolean) => ({ ...VMS_STEPS, probe: mtls ? fixture("probe-dropped-cilium.txt") : VMS_STEPS.probe });
/** What Cilium's evidence, gate and witness read: a cluster with mTLS on or off. */
const ciliumEvidence = (mtlsOn: boolean) => ciliumExtras(mtlsOn ? MTLS_ON_CLUSTER : MTLS_OFF_CLUSTER, fakePodName);

/** Does an ingress rule of the nodes' group admit this protocol and port from the group itself? */
const admitsFromNodes = (rule: Record<string, any>, protocol: string, port: number): boolean =>
    rule.referencedSecurityGroupId === rule.securityGroupId &&
    (rule.ipProtocol === "-1" || (rule.ipProtocol === protocol && rule.fromPort <= port && port <= rule.toPort));

for (const mtls of [true, false]) {
    describe(`mesh cilium on target vms, mTLS ${mtls ? "on" : "off"}, under mocks`, function () {
        this.timeout(60_000);
        let run: ProgramRun;
        let results: BenchmarkResults;

        before(async () => {
            run = await runProgram(vmsStackConfig({ mesh: "cilium", mtls: String(mtls) }), ciliumSteps(mtls), { evidence: ciliumEvidence(mtls) });
            results = run.outputs.results as BenchmarkResults;
        });

        it("brings the cluster up without another CNI: no Flannel, and it says the mesh is the CNI", () => {
            assert.deepStrictEqual(ofType(run, HELM_RELEASE).map((r) => r.name).sort(), ["cluster-local-path", "mesh-cilium"]);
            assert.strictEqual(results.provenance.cluster.cni, "none installed by the cluster: the mesh is the CNI");
        });

        it("installs Cilium once the nodes have joined, waiting for nothing that needs a pod network", () => {
            const release = releaseNamed(run, "cilium");
            for (const join of ["cluster-server-1-join", "cluster-client-1-join"]) assert.ok(dependsOn(release, named(run, join)), join);
            // The storage provisioner is in `ready`, but Helm does not wait for its pod, which
            // cannot start before Cilium; its StorageClass exists at once for SPIRE's claim.
            const storage = named(run, "cluster-local-path");
            assert.ok(dependsOn(release, storage));
            assert.strictEqual(storage.inputs.skipAwait, true);
            for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:") && dependsOn(release, x))) {
                assert.ok(["kubernetes:helm.sh/v3:Release", "pulumi:providers:kubernetes"].includes(r.type), `${r.type} ${r.name} before Cilium`);
            }
        });

        it("installs Cilium before every workload, the plaintext probe included", () => {
            assertBenchmarkWaitsForMesh(run.resources);
            const release = releaseNamed(run, "cilium");
            for (const d of ofType(run, "kubernetes:apps/v1:Deployment")) assert.ok(dependsOn(d, release), `${d.inputs.metadata.name} after Cilium`);
        });

        it("installs chart cilium 1.17.17 into kube-system with the values for the mode, SPIRE on the local-path class", () => {
            const release = releaseNamed(run, "cilium").inputs;
            assert.deepStrictEqual([release.chart, release.version, release.repositoryOpts.repo, release.namespace, release.timeout],
                ["cilium", "1.17.17", "https://helm.cilium.io", "kube-system", 900]);
            assert.deepStrictEqual(release.values, buildCiliumValues(ctxOf(mtls)));
            assert.strictEqual((release.values as any).authentication?.mutual.spire.install.server.dataStorage.storageClass, mtls ? "local-path" : undefined);
            assert.deepStrictEqual(release.values.encryption, mtls ? { enabled: true, type: "wireguard" } : undefined, "WireGuard only with mTLS on");
            assert.deepStrictEqual(ofType(run, "kubernetes:core/v1:Namespace").map((n) => n.inputs.metadata.name).filter((n) => n.startsWith("kube")),
                [], "kube-system is never created");
        });

        it(`applies ${mtls ? "the two authentication policies after the chart and the benchmark namespace" : "no policy"}`, () => {
            const policies = meshPolicies(run);
            assert.deepStrictEqual(policies.map((p) => `${p.type} ${p.inputs.metadata.name}`), mtls
                ? ["kubernetes:cilium.io/v2:CiliumNetworkPolicy meshbench-http-server-mutual-auth",
                    "kubernetes:cilium.io/v2:CiliumNetworkPolicy meshbench-netperf-server-mutual-auth"]
                : []);
            const namespace = findResource(run.resources, "kubernetes:core/v1:Namespace", "meshbench");
            for (const p of policies) {
                assert.ok(dependsOn(p, releaseNamed(run, "cilium")) && dependsOn(p, namespace), p.name);
                assert.deepStrictEqual(p.inputs.spec.ingress[0].authentication, { mode: "required" });
            }
        });

        it("needs no extra security-group rule: the nodes' group admits Cilium's ports from its own members", () => {
            const rules = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.inputs);
            for (const { protocol, port, purpose } of CILIUM_NODE_PORTS) {
                assert.ok(rules.some((rule) => admitsFromNodes(rule, protocol, port)), `${protocol}/${port} (${purpose}) between nodes`);
            }
            assert.ok(!rules.some((rule) => admitsFromNodes(rule, "udp", 51871) && rule.ipProtocol !== "-1"), "no rule of its own");
        });

        it(`verifies mTLS ${mtls ? "on" : "off"} from the probe and cilium-dbg, and says what the probe's outcome means`, () => {
            assert.strictEqual(results.status, "ok", results.reasons.join("; "));
            assert.strictEqual(results.mtls.verdict, "verified");
            assert.strictEqual(results.mtls.evidence.mtls, mtls);
            assert.strictEqual(results.mtls.evidence.source, `${cilium.evidence.source}; ${wireguardWitness.source}`);
            assert.match(results.mtls.evidence.detail, mtls
                ? /; the measured bytes crossed WireGuard: cilium_wg0 on server-1 moved 34500000 bytes \(rx\+tx\) during the load; the tools counted \d+/
                : /; no cilium_wg0 on server-1: the load did not cross WireGuard$/);
            const probe = results.mtls.plaintext;
            if (mtls) {
                assert.deepStrictEqual([probe.http.result, probe.netperf.result], ["refused", "refused"]);
                assert.strictEqual(probe.http.detail, `${cilium.evidence.probeRefusal!(ctxOf(true))}: wrk exited with 124 (stopped by the run timeout)`);
                assert.strictEqual(probe.netperf.detail, `${cilium.evidence.probeRefusal!(ctxOf(true))}: netperf exited with 124 (stopped by the run timeout)`);
            } else {
                assert.deepStrictEqual([probe.http.result, probe.netperf.result], ["accepted", "accepted"]);
            }
            // The mode's own pins: SPIRE's images only with mTLS on (their list is checked in cilium.test.ts).
            assert.deepStrictEqual(results.provenance.pins.map((p) => `${p.name}@${p.version}`).slice(0, 3),
                ["cilium@1.17.17", "quay.io/cilium/cilium@v1.17.17", "quay.io/cilium/operator-generic@v1.17.17"]);
            assert.deepStrictEqual(results.provenance.pins, cilium.pins(ctxOf(mtls)));
            assert.strictEqual(results.provenance.pins.some((p) => p.name === "ghcr.io/spiffe/spire-server"), mtls);
            assert.deepStrictEqual(results.provenance.fairness, cilium.fairness(ctxOf(mtls)));
        });

        it("creates Kubernetes objects that validate against their schemas", () => {
            for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:") && x.type !== HELM_RELEASE)) {
                if (r.type.startsWith("kubernetes:cilium.io/")) validateCustomResource(r.inputs as any, CILIUM_CRDS);
                else validateKubeObject(r.inputs as any);
            }
        });
    });
}

describe("mesh cilium, runs that must fail", function () {
    this.timeout(60_000);

    it("calls it a mismatch when mTLS was asked for but the agents show neither WireGuard nor SPIRE", async () => {
        const run = await runProgram(vmsStackConfig({ mesh: "cilium" }), ciliumSteps(true), { evidence: ciliumEvidence(false) });
        const r = run.outputs.results as BenchmarkResults;
        assert.deepStrictEqual([r.status, r.mtls.verdict, r.mtls.evidence.mtls], ["failed", "mismatch", false]);
        assert.match(r.reasons[0], /^SPIRE registration and mutual authentication not ready after 300 s: wrk-client → http-server \(identities 48302 → 25871\) not yet authenticated on server-1; /);
    });

    it("calls it a mismatch when mTLS off still shows WireGuard and SPIRE", async () => {
        const run = await runProgram(vmsStackConfig({ mesh: "cilium", mtls: "false" }), ciliumSteps(false), { evidence: ciliumEvidence(true) });
        const r = run.outputs.results as BenchmarkResults;
        assert.deepStrictEqual([r.status, r.mtls.verdict, r.mtls.evidence.mtls], ["failed", "mismatch", true]);
    });

    it("refuses target eks before creating anything, naming target vms", async () => {
        await assert.rejects(runProgram({ target: "eks", "aws:region": "us-east-1", operatorCidr: "203.0.113.7/32", mesh: "cilium" }, VMS_STEPS),
            /meshbench:mesh: got "cilium"; allowed: .*target vms is the supported path for cilium/);
    });
});
