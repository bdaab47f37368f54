// Every mesh in every mTLS mode it supports, on every target, under mocks: the program
// either evaluates (the mesh installs after the cluster is ready, the benchmark after the
// mesh) or refuses the combination at preview with a message. Each mesh's and target's
// own tests check the details; this catches combinations nobody tried by hand.
import * as assert from "assert";
import type { BenchmarkResults } from "../loadtest/results";
import { MESHES } from "../meshes";
import { TARGET_NAMES } from "../cluster";
import { EKS_STEP_STDOUT, VMS_STEP_STDOUT } from "./helpers/cloud-mocks";
import { configProblems } from "./helpers/config";
import { assertBenchmarkWaitsForMesh, DEFAULT_STEP_STDOUT, dependsOn, kubeconfigStackConfig, runProgram } from "./helpers/mocks";

const CONFIG: Record<string, Record<string, string>> = {
    kubeconfig: kubeconfigStackConfig(),
    vms: { target: "vms", "aws:region": "us-east-1", operatorCidr: "203.0.113.7/32" },
    eks: { target: "eks", "aws:region": "us-east-1", operatorCidr: "203.0.113.7/32" },
};
const STEPS: Record<string, Record<string, string>> = {
    kubeconfig: DEFAULT_STEP_STDOUT,
    vms: { ...DEFAULT_STEP_STDOUT, "node-facts": VMS_STEP_STDOUT["node-facts"], facts: VMS_STEP_STDOUT.facts },
    eks: { ...DEFAULT_STEP_STDOUT, "node-facts": EKS_STEP_STDOUT["node-facts"], facts: EKS_STEP_STDOUT.facts },
};

/** The problems the preview reports for a stack config (aws:region split off), or []. */
function refusal(config: Record<string, string>): string[] {
    const { "aws:region": awsRegion, ...meshbench } = config;
    return configProblems(meshbench, { awsRegion });
}

describe("every mesh, mTLS mode and target", function () {
    this.timeout(120_000);
    assert.deepStrictEqual(Object.keys(CONFIG).sort(), [...TARGET_NAMES].sort(), "a config for every target");

    for (const [name, mesh] of Object.entries(MESHES)) {
        if (!mesh) continue;
        for (const mtls of [true, false].filter((on) => (on ? mesh.mtlsOn : mesh.mtlsOff).supported)) {
            for (const target of TARGET_NAMES) {
                it(`${name}, mTLS ${mtls ? "on" : "off"}, target ${target}`, async () => {
                    const config = { ...CONFIG[target], mesh: name, mtls: String(mtls) };
                    const problems = refusal(config);
                    if (problems.length > 0) {
                        // A refused combination must say so with the key and what is allowed.
                        assert.ok(problems.every((p) => /^(meshbench|aws):\w+: /.test(p)), problems.join("\n"));
                        await assert.rejects(runProgram(config, STEPS[target]), /invalid stack config/);
                        return;
                    }
                    const run = await runProgram(config, STEPS[target]);
                    assertBenchmarkWaitsForMesh(run.resources);
                    // The mesh's first chart installs only once the cluster's own charts (CNI,
                    // storage) are in; the others follow it one by one.
                    const helm = run.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
                    const meshCharts = helm.filter((r) => r.urn.includes("MeshInstall$"));
                    const clusterCharts = helm.filter((r) => !r.urn.includes("MeshInstall$"));
                    const first = meshCharts.filter((r) => !meshCharts.some((other) => dependsOn(r, other)));
                    assert.ok(meshCharts.length === 0 || first.length === 1, "mesh charts install in one chain");
                    for (const chart of first) {
                        for (const ready of clusterCharts) assert.ok(dependsOn(chart, ready), `${chart.name} after ${ready.name}`);
                    }
                    assert.ok(run.outputs.results, "results are exported");
                    // The fake cluster serves no kubelet metrics: the section is there, unmeasured, never zero.
                    const resources = (run.outputs.results as BenchmarkResults).resources;
                    assert.strictEqual(resources.status, "unmeasured", `${name}: ${resources.reason}`);
                    assert.ok(resources.repetitions.every((r) => r.dataPlaneCpuPer1kRequests === undefined));
                    if (target === "eks") {
                        // The nodes open to the control plane exactly the webhook ports the mesh declares.
                        const opened = run.resources.filter((r) => r.name.includes("-control-plane-to-")).map((r) => r.inputs.fromPort);
                        const declared = (mesh.webhookPorts ?? []).map((p) => p.port);
                        assert.deepStrictEqual([...opened].sort((a, b) => a - b), [...new Set([443, 10250, ...declared])].sort((a, b) => a - b));
                    }
                });
            }
        }
    }
});
