// The whole program under Pulumi's mocks: target kubeconfig, mesh none.
import * as assert from "assert";
import type { BenchmarkResults } from "../loadtest/results";
import {
    assertBenchmarkWaitsForMesh, DEFAULT_STEP_STDOUT, dependsOn, findResource, kubeconfigStackConfig, runProgram,
    type ProgramRun, type RecordedResource,
} from "./helpers/mocks";
import { validateKubeObject } from "./helpers/schema";
import { isSecretValue } from "./helpers/secrets";

const kubernetesObjects = (run: ProgramRun): RecordedResource[] =>
    run.resources.filter((r) => r.type.startsWith("kubernetes:"));

describe("program, target kubeconfig, mesh none", function () {
    this.timeout(60_000);
    let run: ProgramRun;
    let results: BenchmarkResults;

    before(async () => {
        run = await runProgram(kubeconfigStackConfig({ repetitions: "2", warmupSeconds: "1", wrkThreads: "2", wrkConnections: "2" }));
        results = run.outputs.results as BenchmarkResults;
        // Evaluate once more, warm, for the time a program evaluation takes.
        const warm = await runProgram(kubeconfigStackConfig({ repetitions: "2" }));
        console.log(`      program evaluation under mocks: ${run.milliseconds.toFixed(0)} ms cold, ${warm.milliseconds.toFixed(0)} ms warm`);
    });

    it("creates the namespaces, both servers, both clients, the probe and one measurement", () => {
        const names = (type: string) => run.resources.filter((r) => r.type === type).map((r) => r.inputs.metadata?.name ?? r.name).sort();
        assert.deepStrictEqual(names("kubernetes:core/v1:Namespace"), ["meshbench", "meshbench-probe"]);
        assert.deepStrictEqual(names("kubernetes:apps/v1:Deployment"),
            ["http-server", "netperf-client", "netperf-server", "plaintext-probe", "wrk-client"]);
        assert.deepStrictEqual(names("kubernetes:core/v1:Service"), ["http-server", "netperf-server"]);
        assert.deepStrictEqual(names("kubernetes:core/v1:ServiceAccount"),
            ["http-server", "netperf-client", "netperf-server", "plaintext-probe", "wrk-client"]);
        assert.strictEqual(names("kubernetes:core/v1:ConfigMap").length, 3);
        assert.deepStrictEqual(names("command:local:Command"), [], "no command provider: kubectl is no prerequisite");
        assert.deepStrictEqual(names("pulumi-nodejs:dynamic:Resource"), ["loadtest-measurement"]);
        assert.deepStrictEqual(names("kubernetes:helm.sh/v3:Release"), [], "the baseline installs no mesh");
    });

    it("uses the meshbench component type tokens", () => {
        const components = run.resources.filter((r) => !r.custom).map((r) => r.type).sort();
        assert.deepStrictEqual(components, [
            "meshbench:cluster:ExistingCluster", "meshbench:meshes:MeshInstall", "meshbench:runner:LoadTest",
            "meshbench:workloads:BenchNamespace", "meshbench:workloads:Workloads",
        ]);
    });

    it("parents every resource to a meshbench component", () => {
        for (const r of run.resources.filter((x) => x.custom)) {
            const parentType = r.urn.split("::")[2].split("$").slice(-2)[0];
            assert.match(parentType, /^meshbench:[a-z]+:[A-Za-z]+$/, `${r.type} ${r.name} has parent ${parentType}`);
        }
    });

    it("creates every Kubernetes object through the cluster's provider, never a default one", () => {
        for (const r of kubernetesObjects(run)) {
            assert.match(r.provider ?? "", /ExistingCluster\$pulumi:providers:kubernetes::cluster-provider::/, `${r.name}`);
        }
    });

    it("creates Kubernetes objects that validate against the schema", () => {
        const objects = kubernetesObjects(run);
        assert.ok(objects.length >= 10);
        for (const r of objects) validateKubeObject(r.inputs as any);
    });

    it("measures once, after the clients and the probe, with the plan and the identity of what was deployed as its inputs", () => {
        const measurement = findResource(run.resources, "pulumi-nodejs:dynamic:Resource", "loadtest-measurement");
        const clients = ["wrk-client", "netperf-client", "plaintext-probe"].map((n) => findResource(run.resources, "kubernetes:apps/v1:Deployment", n));
        for (const client of clients) assert.ok(dependsOn(measurement, client), `the measurement waits for ${client.name}`);
        assert.deepStrictEqual(Object.keys(measurement.inputs.deployed).sort(), ["clients", "mesh", "probe", "servers"]);
        assert.deepStrictEqual(Object.keys(measurement.inputs.plan).sort(), ["inputs", "meshContext"]);
        assert.strictEqual(measurement.inputs.plan.inputs.runId, "1");
        assert.match(measurement.inputs.__provider, /provider\.ts/, "the provider requires the runner by path");
        assert.ok(measurement.inputs.__provider.length < 20_000, `a small serialized provider (${measurement.inputs.__provider.length} characters)`);
    });

    it("starts servers and clients only after the benchmark namespace and the mesh, and clients after the servers", () => {
        assertBenchmarkWaitsForMesh(run.resources);
        const server = findResource(run.resources, "kubernetes:apps/v1:Deployment", "http-server");
        assert.ok(dependsOn(findResource(run.resources, "kubernetes:apps/v1:Deployment", "wrk-client"), server));
    });

    it("probes from an unenrolled namespace with the same scripts, one short light run of each tool", () => {
        const probe = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.inputs.metadata.name === "plaintext-probe")!;
        assert.strictEqual(probe.inputs.metadata.namespace, "meshbench-probe");
        assert.deepStrictEqual(probe.inputs.spec.template.metadata.annotations, {});
        const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
        const [wrk, netperf] = probe.inputs.spec.template.spec.containers;
        assert.deepStrictEqual([env(wrk).MESHBENCH_WRK_THREADS, env(wrk).MESHBENCH_REPETITIONS, env(wrk).MESHBENCH_WARMUP_SECONDS], ["1", "1", "0"]);
        assert.strictEqual(env(netperf).MESHBENCH_NETPERF_DATA_PORT, "12866");
        assert.deepStrictEqual([env(wrk).MESHBENCH_RUN_TIMEOUT_SECONDS, env(netperf).MESHBENCH_RUN_TIMEOUT_SECONDS], ["30", "30"],
            "a dropped connect ends the probe in 30 s");
    });

    it("hands the kubeconfig to the provider and the measurement only as a secret, and never out", () => {
        const provider = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.ok(isSecretValue(provider.inputs.kubeconfig), "provider kubeconfig is secret");
        const measurement = findResource(run.resources, "pulumi-nodejs:dynamic:Resource", "loadtest-measurement");
        assert.ok(isSecretValue(measurement.inputs.kubeconfig), "measurement kubeconfig is secret");
        assert.match(measurement.inputs.kubeconfig.value, /meshbench-test-token/);
        assert.ok(!JSON.stringify(measurement.inputs.plan).includes("meshbench-test-token"), "never in the plan");
        assert.ok(!measurement.inputs.__provider.includes("meshbench-test-token"), "never in the provider");
        assert.ok(!JSON.stringify(run.outputs).includes("meshbench-test-token"), "never in the outputs");
    });

    it("exports typed results: status, RPS per repetition and median, latencies, errors, netperf, provenance", () => {
        assert.strictEqual(results.status, "ok", results.reasons.join("; "));
        assert.strictEqual(results.schemaVersion, 2);
        assert.strictEqual(results.mesh, "none");
        assert.deepStrictEqual(results.mtls.requested, false);
        assert.strictEqual(results.mtls.verdict, "verified");
        assert.deepStrictEqual([results.mtls.plaintext.http.result, results.mtls.plaintext.netperf.result], ["accepted", "accepted"]);
        assert.deepStrictEqual(results.wrk.rps, { perRepetition: [32087.34, 33666.8], median: 32877.07 });
        assert.deepStrictEqual(Object.keys(results.wrk.latencyMicros!), ["avg", "p50", "p90", "p99"]);
        assert.deepStrictEqual(results.wrk.errors, { connect: 0, read: 0, write: 0, timeout: 0, non2xx3xx: 0 });
        assert.deepStrictEqual(results.wrk.settings, {
            url: "http://http-server.meshbench.svc.cluster.local:80/", threads: 2, connections: 2, durationSeconds: 30,
            warmupSeconds: 1, repetitions: 2, cpu: 2, responseBytes: 10,
        });
        assert.deepStrictEqual(results.netperf.latencyMicros, { mean: 9.585, roundTrip: 9.622, p50: 5, p90: 5, p99: 14 });
        assert.strictEqual(results.netperf.transactionsPerSecond, 104038.247);
        assert.deepStrictEqual([results.netperfCrr.settings.test, results.netperfCrr.transactionsPerSecond], ["TCP_CRR", 23292.439]);
        for (const part of [results, results.wrk, results.netperf, results.netperfCrr]) {
            assert.ok(Date.parse(part.measured!.start) <= Date.parse(part.measured!.end), JSON.stringify(part.measured));
        }
        const p = results.provenance;
        assert.deepStrictEqual([p.mesh, p.mtls, p.target, p.runId], ["none", false, "kubeconfig", "1"]);
        assert.deepStrictEqual(p.images, {
            httpServerImage: "nginx:1.27.4-alpine", wrkImage: "williamyeh/wrk:4.0.2", netperfImage: "cilium/netperf:2.0", fortioImage: "fortio/fortio:1.68.2",
        });
        // fortio's real session at the mocks' rates (OPEN_LOOP_CONFIG): 200/s held, 100/s not, which does not fail the run.
        assert.deepStrictEqual(results.openLoop.rates!.map((r) => [r.targetQps, r.status]), [[100, "notHeld"], [200, "ok"]]);
        assert.deepStrictEqual(p.kubernetes.running, ["v1.29.1"]);
        assert.strictEqual(p.placement["wrk-client"], "worker-2");
        assert.ok(!isSecretValue(run.outputs.results), "results are readable without --show-secrets");
    });

    it("exports a failed status and no numbers when a client run fails", async () => {
        const failed = await runProgram(kubeconfigStackConfig({ repetitions: "2" }), {
            ...DEFAULT_STEP_STDOUT,
            "wrk-run": "MESHBENCH-ERROR missing environment variable MESHBENCH_URL\n",
            "netperf-run": "",
        });
        const r = failed.outputs.results as BenchmarkResults;
        assert.strictEqual(r.status, "failed");
        assert.strictEqual(r.wrk.rps, undefined);
        assert.strictEqual(r.netperf.latencyMicros, undefined);
        assert.deepStrictEqual(r.reasons, [
            "wrk client refused to start: missing environment variable MESHBENCH_URL",
            "netperf client did not finish (no MESHBENCH-DONE marker)",
        ]);
    });

    it("fails before creating anything when the config is bad", async () => {
        await assert.rejects(runProgram(kubeconfigStackConfig({ mesh: "istoi", wrkThreads: "0" })),
            /invalid stack config:\n {2}- meshbench:mesh: got "istoi"; allowed: none, istio, istio-ambient, linkerd, consul, kuma, cilium\n {2}- meshbench:wrkThreads: got "0"/);
    });
});
