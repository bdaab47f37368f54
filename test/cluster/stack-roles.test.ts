// The cluster as a stack of its own, under Pulumi's mocks: a cluster stack (role cluster)
// makes only the cluster and exports its handoff and a secret kubeconfig; a setup stack
// (role setup) reads them through a StackReference, creates no cloud resource, and runs.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { BenchmarkResults } from "../../loadtest/results";
import { handoffProblem, type ClusterHandoff } from "../../cluster/handoff";
import { MOCK_ADMIN_KEY } from "../helpers/cloud-mocks";
import { configProblems } from "../helpers/config";
import { runProgram, vmsStackConfig, VMS_STEPS, type ProgramRun, type ReferencedStack } from "../helpers/mocks";
import { isSecretValue } from "../helpers/secrets";
import { clusterRawConfig } from "../../sweep/cluster-stacks";

/** The mocked admin kubeconfig's client key: what must never leave the secrets. */
const TOKEN = MOCK_ADMIN_KEY;

/** The cluster stack's outputs as the engine would record them for a StackReference: secret ones by name. */
async function asReferenced(run: ProgramRun): Promise<ReferencedStack> {
    const secretOutputNames: string[] = [];
    for (const [name, output] of Object.entries(run.rawOutputs)) {
        if (output !== undefined && await pulumi.isSecret(output)) secretOutputNames.push(name);
    }
    return { outputs: run.outputs, secretOutputNames };
}

/** An Output's value, or its failure (unwrap waits forever on a failed Output). */
const settled = (output: pulumi.Output<unknown>): Promise<unknown> =>
    (output as unknown as { promise(): Promise<unknown> }).promise();

describe("stack roles: a cluster stack and the setup stacks on it", function () {
    this.timeout(120_000);
    let clusterRun: ProgramRun;
    let referenced: ReferencedStack;
    let setupRun: ProgramRun;

    before(async () => {
        // As the sweep writes it: the cluster's keys of a setup's config (a cluster stack refuses the others).
        clusterRun = await runProgram(clusterRawConfig("installed", vmsStackConfig()), VMS_STEPS);
        referenced = await asReferenced(clusterRun);
        setupRun = await runProgram(vmsStackConfig({ role: "setup", clusterStack: "organization/meshbench/cluster-lane1", mesh: "istio" }),
            VMS_STEPS, { stacks: { "organization/meshbench/cluster-lane1": referenced } });
    });

    it("the cluster stack makes the cluster and nothing of a setup: no mesh, no workloads, no results", () => {
        const types = new Set(clusterRun.resources.map((r) => r.type));
        assert.ok(types.has("aws:ec2/instance:Instance"));
        assert.ok(!clusterRun.resources.some((r) => /meshbench:(meshes|workloads|runner)/.test(r.urn)), "no setup resource");
        assert.strictEqual(clusterRun.outputs.results, undefined);
        assert.deepStrictEqual(Object.keys(clusterRun.outputs).sort(), ["cluster", "clusterReport", "kubeconfig"]);
    });

    it("hands over target, CNI, the meshes it is ready for, pins and the nodes, with the kubeconfig only as a secret", async () => {
        const handoff = clusterRun.outputs.cluster as ClusterHandoff;
        assert.strictEqual(handoff.target, "vms");
        assert.strictEqual(handoff.cni, "installed");
        assert.ok(!handoff.meshes.includes("cilium") && handoff.meshes.includes("istio") && handoff.meshes.includes("none"));
        assert.match(handoff.provenance.cni, /flannel/);
        assert.match(handoff.provenance.containerd, /\d/);
        assert.deepStrictEqual(handoff.nodes.map((n) => n.role).sort(), ["client", "server", "system"]);
        assert.deepStrictEqual(referenced.secretOutputNames, ["kubeconfig"]);
        assert.ok(!JSON.stringify(clusterRun.outputs.cluster).includes(TOKEN));
        assert.ok(!JSON.stringify(clusterRun.outputs.clusterReport).includes(TOKEN));
    });

    it("the setup stack creates no cloud resource: only its provider, mesh, workloads and measurement", () => {
        assert.ok(!setupRun.resources.some((r) => r.type.startsWith("aws:") || r.type.startsWith("tls:") || r.type.startsWith("command:remote")),
            setupRun.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.name).join(", "));
        assert.ok(setupRun.resources.some((r) => r.type === "pulumi:pulumi:StackReference"));
        assert.ok(setupRun.resources.some((r) => r.urn.includes("meshbench:meshes:MeshInstall")));
    });

    it("the setup's provider gets the referenced kubeconfig as a secret, and no output of the setup carries it", async () => {
        const provider = setupRun.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.ok(isSecretValue(provider.inputs.kubeconfig), "provider kubeconfig is secret");
        assert.match((provider.inputs.kubeconfig as { value: string }).value, new RegExp(TOKEN));
        assert.strictEqual(setupRun.outputs.kubeconfig, undefined);
        assert.ok(!JSON.stringify(setupRun.outputs).includes(TOKEN), "never in the setup's outputs");
    });

    it("the kubeconfig stays secret when the referenced stack does not flag it (pulumi.secret in the setup)", async () => {
        const run = await runProgram(vmsStackConfig({ role: "setup", clusterStack: "c" }), VMS_STEPS,
            { stacks: { c: { outputs: referenced.outputs, secretOutputNames: [] } } });
        const provider = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.ok(isSecretValue(provider.inputs.kubeconfig));
        assert.ok(!JSON.stringify(run.outputs).includes(TOKEN));
    });

    it("the setup measures, and its results carry the cluster stack's provenance", () => {
        const results = setupRun.outputs.results as BenchmarkResults;
        assert.notStrictEqual(results, undefined);
        assert.strictEqual(results.mesh, "istio");
        assert.strictEqual(results.provenance.cluster.clusterStack, "organization/meshbench/cluster-lane1");
        assert.match(results.provenance.cluster.cni, /flannel/);
    });

    it("a setup on a cluster stack of another target fails at preview, naming the key, the value and what is allowed", async () => {
        const eksHandoff = { ...(referenced.outputs.cluster as ClusterHandoff), target: "eks" };
        const run = runProgram(vmsStackConfig({ role: "setup", clusterStack: "other" }), VMS_STEPS, {
            stacks: { other: { outputs: { ...referenced.outputs, cluster: eksHandoff }, secretOutputNames: ["kubeconfig"] } },
            program: () => {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const { ReferencedCluster } = require("../../cluster/referenced") as typeof import("../../cluster/referenced");
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const { parseConfig } = require("../../config") as typeof import("../../config");
                const config = parseConfig({ target: "vms", operatorCidr: "203.0.113.7/32", role: "setup", clusterStack: "other" }, { awsRegion: "us-east-1" });
                const c = new ReferencedCluster("cluster", { settings: config.cluster, mesh: { name: "none", providesCni: false } });
                handoff = c.handoff;
                return {};
            },
        });
        let handoff: pulumi.Output<unknown> | undefined;
        await run;
        await assert.rejects(settled(handoff!), (e: Error) => e.message.endsWith(
            "invalid stack config:\n  - meshbench:clusterStack: got \"other\" (a cluster of target eks); allowed: a cluster stack of target vms, this stack's target"));
    });

    it("Cilium's setup refuses the cluster stack that brings a CNI", async () => {
        let handoff: pulumi.Output<unknown> | undefined;
        await runProgram({}, VMS_STEPS, {
            stacks: { c: referenced },
            program: () => {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const { ReferencedCluster } = require("../../cluster/referenced") as typeof import("../../cluster/referenced");
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const { parseConfig } = require("../../config") as typeof import("../../config");
                const config = parseConfig({ target: "vms", operatorCidr: "203.0.113.7/32", role: "setup", clusterStack: "c", mesh: "cilium" }, { awsRegion: "us-east-1" });
                handoff = new ReferencedCluster("cluster", { settings: config.cluster, mesh: { name: "cilium", providesCni: true } }).handoff;
                return {};
            },
        });
        await assert.rejects(settled(handoff!), (e: Error) => e.message.endsWith(
            "invalid stack config:\n  - meshbench:clusterStack: got \"c\" (a cluster with its own CNI); allowed: a cluster stack with clusterCni mesh for mesh cilium"));
    });

    it("the Cilium cluster stack comes up without a CNI and is ready for Cilium only", async () => {
        const run = await runProgram(clusterRawConfig("mesh", vmsStackConfig()), VMS_STEPS);
        const handoff = run.outputs.cluster as ClusterHandoff;
        assert.deepStrictEqual([handoff.cni, handoff.meshes], ["mesh", ["cilium"]]);
        assert.ok(!run.resources.some((r) => r.name === "cluster-flannel"), "no Flannel");
        assert.match(handoff.provenance.cni, /the mesh is the CNI/);
    });
});

describe("stack roles: the handoff check (pure)", () => {
    const handoff = { target: "vms", cni: "installed", meshes: ["none", "istio"], requestedKubernetesVersion: "1.29.1", provenance: {}, nodes: [] };
    const expect = { clusterStack: "c", target: "vms" as const, mesh: "istio", providesCni: false, kubernetesVersion: "1.29.1" };
    it("accepts the cluster it was made for", () => assert.strictEqual(handoffProblem(handoff, expect), undefined));
    it("refuses a cluster of another Kubernetes version, naming the setup's key", () => {
        assert.strictEqual(handoffProblem(handoff, { ...expect, kubernetesVersion: "1.29.6" }),
            "meshbench:kubernetesVersion: got \"1.29.6\"; allowed: 1.29.1, the version of cluster stack c (the results record it as requested)");
    });
    it("refuses a stack without the output, and a cluster not prepared for the mesh", () => {
        assert.strictEqual(handoffProblem(undefined, expect),
            "meshbench:clusterStack: got \"c\" (a stack without the output \"cluster\"); allowed: a cluster stack (role cluster) that is up (pulumi up on it first)");
        assert.strictEqual(handoffProblem({ ...handoff, meshes: ["none"] }, expect),
            "meshbench:clusterStack: got \"c\" (a cluster prepared for none); allowed: a cluster stack prepared for mesh istio");
    });
});

describe("stack roles: bad config fails at preview with key, value and allowed", () => {
    const vms = (extra: Record<string, string>) => ({ target: "vms", operatorCidr: "203.0.113.7/32", ...extra });
    const ctx = { awsRegion: "us-east-1" };

    it("an unknown role", () => {
        assert.deepStrictEqual(configProblems(vms({ role: "clusters" }), ctx),
            ["meshbench:role: got \"clusters\"; allowed: standalone, cluster, setup"]);
    });
    it("role setup without clusterStack", () => {
        assert.deepStrictEqual(configProblems(vms({ role: "setup" }), ctx), ["meshbench:clusterStack: missing; allowed: the name of a cluster stack "
            + "(role cluster) of the same target, required with role setup (pulumi config set clusterStack <org/project/stack>)"]);
    });
    it("clusterStack on a stack that is not a setup", () => {
        assert.deepStrictEqual(configProblems(vms({ clusterStack: "c" }), ctx),
            ["meshbench:clusterStack: got \"c\"; allowed: nothing with role standalone; it is read by role setup only"]);
    });
    it("clusterCni on a setup", () => {
        assert.deepStrictEqual(configProblems(vms({ role: "setup", clusterStack: "c", clusterCni: "mesh" }), ctx),
            ["meshbench:clusterCni: got \"mesh\"; allowed: nothing with role setup; it is read by role cluster only"]);
    });
    it("a key that shapes the cluster, on a setup stack (the cluster stack decided it)", () => {
        assert.deepStrictEqual(configProblems(vms({ role: "setup", clusterStack: "cluster-lane1", serverInstanceType: "c6i.8xlarge", clientNodeCount: "2" }), ctx), [
            "meshbench:serverInstanceType: got \"c6i.8xlarge\"; allowed: nothing with role setup: the cluster stack cluster-lane1 made the cluster; set it there",
            "meshbench:clientNodeCount: got \"2\"; allowed: nothing with role setup: the cluster stack cluster-lane1 made the cluster; set it there",
        ]);
    });
    it("a setup's own key on a cluster stack (each setup stack sets it), but not one at its Pulumi.yaml default", () => {
        const allowed = "nothing with role cluster: a cluster stack makes only the cluster; set it on each setup stack (role setup) that runs on it";
        assert.deepStrictEqual(configProblems(vms({
            role: "cluster", mesh: "istio", mtls: "true", runId: "7", wrkThreads: "4", openLoopFractions: "none", wrkImage: "wrk:mine",
        }), ctx), [
            `meshbench:mesh: got "istio"; allowed: ${allowed}`,
            `meshbench:mtls: got "true"; allowed: ${allowed}`,
            `meshbench:runId: got "7"; allowed: ${allowed}`,
            `meshbench:wrkThreads: got "4"; allowed: ${allowed}`,
            `meshbench:openLoopFractions: got "none"; allowed: ${allowed}`,
            `meshbench:wrkImage: got "wrk:mine"; allowed: ${allowed}`,
        ]);
        assert.deepStrictEqual(configProblems(vms({ role: "cluster", mesh: "none", runId: "1", wrkThreads: "8", wrkImage: "williamyeh/wrk:4.0.2" }), ctx), []);
    });
    it("a misspelt key on a cluster stack: its own message only", () => {
        const problems = configProblems(vms({ role: "cluster", wrkThread: "4" }), ctx);
        assert.strictEqual(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /^meshbench:wrkThread: unknown config key/);
    });
    it("a cluster stack with target kubeconfig", () => {
        assert.deepStrictEqual(configProblems({ target: "kubeconfig", role: "cluster" }, ctx),
            ["meshbench:role: got \"cluster\"; allowed: standalone with target kubeconfig (the cluster is yours: no cluster stack makes it)"]);
    });
    it("a Cilium cluster stack on eks, where no mesh that is the CNI runs", () => {
        assert.deepStrictEqual(configProblems({ target: "eks", operatorCidr: "203.0.113.7/32", role: "cluster", clusterCni: "mesh" }, ctx),
            ["meshbench:clusterCni: got \"mesh\"; allowed: installed on target eks: no mesh that is the CNI runs there"]);
    });
    it("a clusterStack that is not a stack name", () => {
        assert.deepStrictEqual(configProblems(vms({ role: "setup", clusterStack: "a b" }), ctx),
            ["meshbench:clusterStack: got \"a b\"; allowed: a stack name: stack, project/stack or organization/project/stack"]);
    });
});
