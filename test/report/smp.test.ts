// The SMP export against the field lists of the SMP protos (test/fixtures/smp-fields.txt).
import * as assert from "assert";
import { smpExport, SMP_VERSION } from "../../report/smp";
import { setupRows } from "../../report/summarize";
import { fixture } from "../helpers/mocks";
import { buildFixtureRun, withFailedWrk } from "../fixtures/results/build";

/** Message name → its declared field names (or enum value names). */
const SMP_FIELDS: Record<string, string[]> = Object.fromEntries(fixture("smp-fields.txt").split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => { const [name, fields] = l.split(": "); return [name, fields.split(" ")]; }));

/** Every key of `value` is a field of `message`. */
function declaredOnly(value: object, message: string): void {
    const unknown = Object.keys(value).filter((k) => !SMP_FIELDS[message].includes(k));
    assert.deepStrictEqual(unknown, [], `${message} has no field ${unknown.join(", ")}`);
}

/** The fields a consumer needs to identify and plot a result, present and not empty. */
function present(value: Record<string, unknown>, fields: string[], what: string): void {
    for (const f of fields) assert.ok(value[f] !== undefined && value[f] !== "", `${what} lacks ${f}`);
}

const RUN = buildFixtureRun();

describe("SMP export", () => {
    const exported = smpExport("fixture", setupRows(Object.values(RUN)));

    it("uses only fields the SMP protos declare, with the required ones filled", () => {
        for (const env of exported.environment_configs) {
            declaredOnly(env, "EnvironmentConfig");
            present(env as any, ["smp_version", "id", "kubernetes_version"], env.id);
            env.nodes?.forEach((n) => declaredOnly(n, "EnvironmentConfig.Node"));
        }
        for (const mesh of exported.service_mesh_configs) {
            declaredOnly(mesh, "ServiceMeshConfig");
            present(mesh as any, ["smp_version", "id", "mtls_enabled"], mesh.id);
            if (mesh.sidecar) declaredOnly(mesh.sidecar, "ServiceMeshConfig.Sidecar");
            if (mesh.mesh_control_plane) declaredOnly(mesh.mesh_control_plane, "ServiceMeshConfig.MeshControlPlane");
            if (mesh.mesh_type) {
                declaredOnly(mesh.mesh_type, "ServiceMesh");
                assert.ok(SMP_FIELDS["ServiceMesh.Type"].includes(mesh.mesh_type.type), mesh.mesh_type.type);
            }
        }
        for (const test of exported.performance_test_configs) {
            declaredOnly(test, "PerformanceTestConfig");
            present(test as any, ["smp_version", "id", "name", "duration", "clients"], test.id);
            for (const client of test.clients) {
                declaredOnly(client, "PerformanceTestConfig.Client");
                present(client as any, ["load_generator", "protocol", "connections", "endpoint_urls"], test.id);
                assert.ok(SMP_FIELDS["PerformanceTestConfig.Client.Protocol"].includes(client.protocol));
            }
        }
        for (const result of exported.performance_test_results) {
            declaredOnly(result, "PerformanceTestResult");
            // A fixed rate fortio did not hold has no latencies (it is not open-loop latency); every other result has them.
            const notHeld = result.labels.meshbench_status === "notHeld";
            present(result as any, ["smp_version", "id", "test_id", "mesh_config_id", "env_id", "start_time", "end_time", "actual_qps",
                ...(notHeld ? [] : ["latencies_ms"])], result.id);
            if (result.latencies_ms) declaredOnly(result.latencies_ms, "PerformanceTestResult.Latency");
        }
        assert.ok([...exported.environment_configs, ...exported.performance_test_results].every((m) => m.smp_version === SMP_VERSION));
    });

    it("links every result to its test, mesh and environment", () => {
        const ids = (list: { id: string }[]) => new Set(list.map((m) => m.id));
        const [tests, meshes, envs] = [ids(exported.performance_test_configs), ids(exported.service_mesh_configs), ids(exported.environment_configs)];
        // wrk, netperf TCP_RR and TCP_CRR, and fortio at three rates, for each of six setups.
        assert.strictEqual(exported.performance_test_results.length, 6 * 6);
        for (const r of exported.performance_test_results) {
            assert.ok(tests.has(r.test_id) && meshes.has(r.mesh_config_id) && envs.has(r.env_id), r.id);
        }
    });

    it("carries our numbers in SMP's units: latency in ms, wrk's RPS and netperf's transaction rate as QPS", () => {
        const result = (id: string) => exported.performance_test_results.find((r) => r.id === id)!;
        assert.deepStrictEqual(result("fixture/istio-mtls-on/wrk/result").latencies_ms, { average: 0.5698, p50: 0.548, p90: 0.64, p99: 1.012 });
        assert.strictEqual(result("fixture/istio-mtls-on/wrk/result").actual_qps, 14055.6);
        assert.deepStrictEqual(result("fixture/none-mtls-off/netperf/result").latencies_ms, { average: 0.2125, p50: 0.206, p90: 0.234, p99: 0.329 });
        assert.strictEqual(result("fixture/none-mtls-off/netperf/result").actual_qps, RUN["none-mtls-off"].netperf.transactionsPerSecond);
        const istio = exported.service_mesh_configs.find((m) => m.id === "fixture/istio-mtls-on/mesh")!;
        assert.deepStrictEqual([istio.mtls_enabled, istio.mesh_type?.type], [true, "ISTIO"]);
        assert.strictEqual(exported.service_mesh_configs.find((m) => m.id === "fixture/none-mtls-off/mesh")!.mesh_type, undefined, "no mesh, no mesh type");
        const wrkTest = exported.performance_test_configs.find((t) => t.id === "fixture/istio-mtls-on/wrk")!;
        assert.deepStrictEqual([wrkTest.duration, wrkTest.clients[0].connections, wrkTest.clients[0].protocol], ["30s", 8, "PROTOCOL_HTTP"]);
    });

    it("carries TCP_CRR, each tool's start and end, and fortio's latencies only at the rates it held", () => {
        const result = (id: string) => exported.performance_test_results.find((r) => r.id === id)!;
        const crr = result("fixture/istio-mtls-on/netperf-crr/result");
        assert.strictEqual(crr.actual_qps, RUN["istio-mtls-on"].netperfCrr.transactionsPerSecond);
        assert.deepStrictEqual([crr.start_time, crr.end_time], ["2026-01-15T09:46:30.000Z", "2026-01-15T09:49:15.000Z"]);
        assert.deepStrictEqual([result("fixture/istio-mtls-on/wrk/result").start_time, result("fixture/istio-mtls-on/wrk/result").end_time],
            ["2026-01-15T09:41:00.000Z", "2026-01-15T09:43:45.000Z"]);
        const held = result("fixture/istio-mtls-on/fortio-12810/result");
        assert.deepStrictEqual([held.labels.meshbench_status, held.latencies_ms, held.actual_qps], ["ok", { p50: 0.6763, p90: 1.38, p99: 2.8935 }, 12803.6]);
        const notHeld = result("fixture/istio-mtls-on/fortio-25620/result");
        assert.deepStrictEqual([notHeld.labels.meshbench_status, notHeld.latencies_ms, notHeld.actual_qps], ["notHeld", undefined, 22488.96]);
        const test = exported.performance_test_configs.find((t) => t.id === "fixture/istio-mtls-on/fortio-25620")!;
        assert.deepStrictEqual([test.clients[0].load_generator, test.clients[0].rps, test.duration], ["fortio", 25620, "30s"]);
    });

    it("puts the sidecars' and the control plane's medians in the mesh config, and none for the baseline", () => {
        const mesh = (stack: string) => exported.service_mesh_configs.find((m) => m.id === `fixture/${stack}/mesh`)!;
        // istio-mtls-on: four sidecars, 5.6262 cores and 260,046,848 B of working set together; istiod 0.01 cores, 188,743,680 B.
        assert.deepStrictEqual(mesh("istio-mtls-on").sidecar, { count: 4, cpu_mcores: 5626, mem_mb: 260 });
        assert.deepStrictEqual(mesh("istio-mtls-on").mesh_control_plane, { count: 1, cpu_mcores: 10, mem_mb: 189 });
        assert.deepStrictEqual([mesh("none-mtls-off").sidecar, mesh("none-mtls-off").mesh_control_plane], [undefined, undefined]);
        const unmeasured = { ...RUN["istio-mtls-on"], resources: { ...RUN["istio-mtls-on"].resources, status: "unmeasured" as const, median: { groups: {} } } };
        assert.strictEqual(smpExport("r", setupRows([unmeasured])).service_mesh_configs[0].sidecar, undefined, "no numbers, no sidecar block");
    });

    it("exports no numbers for a tool that failed, only its status and reason", () => {
        const failed = withFailedWrk(RUN["kuma-mtls-on"], "wrk saw errors (timeout 3)");
        const [wrkResult, netperfResult] = smpExport("r", setupRows([failed])).performance_test_results;
        assert.strictEqual(wrkResult.latencies_ms, undefined);
        assert.strictEqual(wrkResult.actual_qps, undefined);
        assert.deepStrictEqual([wrkResult.labels.meshbench_status, wrkResult.labels.meshbench_reason], ["failed", "wrk saw errors (timeout 3)"]);
        assert.ok(netperfResult.latencies_ms, "netperf was measured");
    });
});
