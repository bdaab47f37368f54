// MeshInstall with a made-up two-chart mesh: what it decides about namespaces, order,
// repositories and policies, independent of any real mesh.
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { Mesh } from "../../meshes/types";
import { dependsOn, findResource, installMocks, type RecordedResource } from "../helpers/mocks";
import { SECRET_SIG } from "../helpers/secrets";

const example: Mesh = {
    name: "istio", // any registered name; this mesh is made up for the test
    description: "a made-up mesh with two charts",
    mtlsOn: { supported: true },
    mtlsOff: { supported: true },
    providesCni: false,
    pins: () => [],
    resourceTargets: () => ({ nodeAgents: [], controlPlane: [] }),
    prerequisites: ({ name, parent }) => {
        const key = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
        return { caKey: pulumi.secret(key.privateKeyPem) };
    },
    releases: (_ctx, prerequisites) => [
        { name: "crds", chart: "example-crds", version: "1.0.0", repo: "https://charts.example.com", namespace: "example-system", values: {} },
        { name: "control-plane", chart: "example", version: "1.0.0", repo: "https://charts.example.com", namespace: "example-system", values: { caKey: prerequisites.caKey } },
        { name: "node-agent", chart: "example-agent", version: "1.0.0", repo: "https://charts.example.com", namespace: "kube-system", values: {} },
    ],
    policies: (ctx) => [
        { apiVersion: "example.com/v1", kind: "Policy", metadata: { name: "strict", namespace: ctx.benchNamespace }, spec: { mtls: ctx.mtls } },
        { apiVersion: "example.com/v1", kind: "Permission", metadata: { name: "allow", namespace: ctx.benchNamespace }, spec: { policy: "strict" } },
    ],
    enrolment: () => ({ namespaceLabels: {}, namespaceAnnotations: {}, podAnnotations: () => ({}), appProtocol: (p) => p.defaultAppProtocol }),
    evidence: { source: "none", read: async () => ({ detail: "" }) },
    fairness: () => ({ note: "test" }),
};

describe("MeshInstall", () => {
    let resources: RecordedResource[];

    before(async () => {
        const recorder = await installMocks();
        const { ExistingCluster } = await import("../../cluster/existing");
        const { MeshInstall } = await import("../../meshes/mesh-install");
        const { BenchNamespace } = await import("../../workloads/namespace");
        const { parseConfig } = await import("../../config");
        const settings = parseConfig({ target: "kubeconfig", kubeconfig: path.join(__dirname, "..", "fixtures", "kubeconfig.yaml") }).cluster;
        const cluster = new ExistingCluster("cluster", { settings }).handle;
        const enrolment = example.enrolment({ mtls: true, target: "kubeconfig", benchNamespace: "meshbench" });
        const bench = new BenchNamespace("bench", { cluster, enrolment });
        new MeshInstall("mesh", { mesh: example, ctx: { mtls: true, target: "kubeconfig", benchNamespace: "meshbench" }, cluster, benchNamespace: bench.namespace });
        resources = await recorder.settle();
    });

    const release = (name: string) => findResource(resources, "kubernetes:helm.sh/v3:Release", `mesh-${name}`);

    it("creates each chart namespace once, but never a system namespace", () => {
        const namespaces = resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => r.inputs.metadata.name).sort();
        assert.deepStrictEqual(namespaces, ["example-system", "meshbench"]);
    });

    it("installs the charts from their repository at their pinned versions, each after the one before", () => {
        assert.deepStrictEqual(
            ["crds", "control-plane", "node-agent"].map((n) => [release(n).inputs.chart, release(n).inputs.version, release(n).inputs.repositoryOpts.repo, release(n).inputs.namespace]),
            [["example-crds", "1.0.0", "https://charts.example.com", "example-system"],
                ["example", "1.0.0", "https://charts.example.com", "example-system"],
                ["example-agent", "1.0.0", "https://charts.example.com", "kube-system"]]);
        assert.ok(dependsOn(release("crds"), findResource(resources, "kubernetes:core/v1:Namespace", "example-system")));
        assert.ok(dependsOn(release("control-plane"), release("crds")));
        assert.ok(dependsOn(release("node-agent"), release("control-plane")));
        assert.ok(!dependsOn(release("crds"), release("node-agent")));
    });

    it("passes prerequisites into the values as secrets, created under the install", () => {
        const key = findResource(resources, "tls:index/privateKey:PrivateKey", "mesh-ca-key");
        assert.match(key.urn, /meshbench:meshes:MeshInstall\$tls:index\/privateKey:PrivateKey::mesh-ca-key$/);
        assert.ok(JSON.stringify(release("control-plane").inputs.values).includes(SECRET_SIG), "caKey is secret");
    });

    it("applies the policies after every chart and after the benchmark namespace", () => {
        const policy = findResource(resources, "kubernetes:example.com/v1:Policy", "strict");
        for (const r of ["crds", "control-plane", "node-agent"]) assert.ok(dependsOn(policy, release(r)), `after ${r}`);
        assert.ok(dependsOn(policy, findResource(resources, "kubernetes:core/v1:Namespace", "meshbench")));
        assert.deepStrictEqual(policy.inputs.spec, { mtls: true });
    });

    it("applies the policies in list order, each after the one before", () => {
        const policy = findResource(resources, "kubernetes:example.com/v1:Policy", "strict");
        const permission = findResource(resources, "kubernetes:example.com/v1:Permission", "allow");
        assert.ok(dependsOn(permission, policy) && !dependsOn(policy, permission));
        assert.ok(dependsOn(permission, release("node-agent")));
    });

    it("waits for each chart's workloads and jobs", () => {
        assert.deepStrictEqual([release("crds").inputs.waitForJobs, release("crds").inputs.timeout], [true, 600]);
    });
});
