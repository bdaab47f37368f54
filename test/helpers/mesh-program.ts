// What the mesh tests read from a program run under mocks: the mesh's Helm releases in
// install order, its custom resources, and the objects built for the benchmark.
import * as assert from "assert";
import type { BenchmarkResults } from "../../loadtest/results";
import { fakePodName } from "./fake-kube";
import { DEFAULT_STEP_STDOUT, dependsOn, fixture, type EvidenceCluster, type ProgramRun, type RecordedResource, type StepStdout } from "./mocks";

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** chart@version from repo into namespace, per release, in the order each depends on the one before. */
export function releaseChain(run: ProgramRun): { name: string; chart: string; version: string; repo: string; namespace: string }[] {
    const releases = run.resources.filter((r) => r.type === HELM_RELEASE);
    const first = releases.filter((r) => !releases.some((other) => dependsOn(r, other)));
    assert.strictEqual(first.length, 1, `exactly one release depends on no other: ${first.map((r) => r.name).join(", ")}`);
    const chain: RecordedResource[] = [first[0]];
    for (;;) {
        const next = releases.filter((r) => dependsOn(r, chain[chain.length - 1]));
        if (next.length === 0) break;
        assert.strictEqual(next.length, 1, `one release follows ${chain[chain.length - 1].name}`);
        chain.push(next[0]);
    }
    assert.strictEqual(chain.length, releases.length, "every release is in one chain");
    return chain.map((r) => ({
        name: r.inputs.name, chart: r.inputs.chart, version: r.inputs.version, repo: r.inputs.repositoryOpts.repo, namespace: r.inputs.namespace,
    }));
}

/** The recorded resource of a Helm release, by release name. */
export const releaseNamed = (run: ProgramRun, name: string): RecordedResource => {
    const found = run.resources.find((r) => r.type === HELM_RELEASE && r.inputs.name === name);
    assert.ok(found, `release ${name}`);
    return found;
};

/** The mesh's policies as created: what MeshInstall made besides charts and namespaces. */
export const meshPolicies = (run: ProgramRun): RecordedResource[] =>
    run.resources.filter((r) => r.urn.includes("meshbench:meshes:MeshInstall$") && r.type.startsWith("kubernetes:")
        && r.type !== HELM_RELEASE && r.type !== "kubernetes:core/v1:Namespace");

export const resultsOf = (run: ProgramRun): BenchmarkResults => run.outputs.results as BenchmarkResults;

/** Every policy waits for every release and for the benchmark namespace. */
export function assertPoliciesAfterCharts(run: ProgramRun, policies: RecordedResource[]): void {
    const namespace = run.resources.find((r) => r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata?.name === "meshbench");
    assert.ok(namespace);
    for (const policy of policies) {
        for (const release of run.resources.filter((r) => r.type === HELM_RELEASE)) {
            assert.ok(dependsOn(policy, release), `${policy.name} after ${release.name}`);
        }
        assert.ok(dependsOn(policy, namespace), `${policy.name} after the benchmark namespace`);
    }
}

/** The steps for a run of a mesh: the probe refused plaintext (mTLS on) or was served (off). */
export const meshSteps = (mtls: boolean): StepStdout => ({
    ...DEFAULT_STEP_STDOUT,
    probe: fixture(mtls ? "probe-plaintext-refused.txt" : "probe-plaintext-accepted.txt"),
});

/** Istio's sidecar metrics, as the mocks' fake cluster serves them for its server pods (test/fixtures/istio). */
export const istioSidecarEvidence = (mode: "mtls" | "plaintext"): EvidenceCluster => ({
    get: Object.fromEntries(["http-server", "netperf-server"].map((app) =>
        [`/api/v1/namespaces/meshbench/pods/${fakePodName(app)}:15020/proxy/stats/prometheus`, { fixture: `istio/sidecar-${app}-${mode}.prom` }])),
});

/** The ztunnel on the servers' node (worker-1 in the facts fixture) and its metrics. */
export const ztunnelEvidence = (): EvidenceCluster => ({
    pods: [{ name: "ztunnel-x7k2p", namespace: "istio-system", labels: { app: "ztunnel" }, node: "worker-1", containers: [] }],
    get: { "/api/v1/namespaces/istio-system/pods/ztunnel-x7k2p:15020/proxy/metrics": { fixture: "istio/ztunnel-server-node.prom" } },
});
