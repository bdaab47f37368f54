// Export in the Service Mesh Performance (SMP) format, for tools that speak it (Meshery).
//
// Messages and field names follow the SMP protos at
// github.com/service-mesh-performance/service-mesh-performance, commit
// 6ecbce7985dddb5577509f25a1ab67959da8ca68 (2026-04-20): protos/service_mesh_performance.proto
// (PerformanceTestConfig, PerformanceTestResult, ServiceMeshConfig, EnvironmentConfig) and
// protos/service_mesh.proto (ServiceMesh.Type). The protos last changed in 69125ea, released
// as v0.6.1, hence SMP_VERSION. JSON uses the proto field names (snake_case), as the spec's
// own example files do, and enum values by name. proto3 declares no field required: the
// fields below are the ones SMP's consumers read to identify and plot a result.
//
// Absent on purpose, since no run measures them: start_time/end_time (the results carry
// no clock), latency min/max, and CPU, memory and swap.
import type { BenchmarkResults } from "../loadtest/results";
import { round } from "../loadtest/stats";
import { MESHES } from "../meshes";
import type { MeshName } from "../meshes/types";
import type { SetupRow } from "./summarize";

export const SMP_VERSION = "v0.6.1";


type Labels = Record<string, string>;

export interface SmpPerformanceTestConfig {
    smp_version: string; id: string; name: string; labels: Labels; duration: string;
    clients: {
        internal: boolean; load_generator: string; protocol: "PROTOCOL_HTTP" | "PROTOCOL_TCP"; connections: number;
        endpoint_urls: string[]; additional_options: string;
    }[];
}

export interface SmpPerformanceTestResult {
    smp_version: string; id: string; labels: Labels; test_id: string; mesh_config_id: string; env_id: string; details_uri: string;
    latencies_ms?: { average: number; p50: number; p90: number; p99: number };
    actual_qps?: number;
}

export interface SmpServiceMeshConfig {
    smp_version: string; id: string; labels: Labels; mtls_enabled: boolean;
    mesh_type?: { type: string; annotations: Labels };
}

export interface SmpEnvironmentConfig {
    smp_version: string; id: string; labels: Labels; kubernetes_version?: string; nodes?: { type: string }[];
}

/** meshbench's bundle of whole SMP messages, linked by their ids. */
export interface SmpExport {
    smp_version: string;
    run_id: string;
    environment_configs: SmpEnvironmentConfig[];
    service_mesh_configs: SmpServiceMeshConfig[];
    performance_test_configs: SmpPerformanceTestConfig[];
    performance_test_results: SmpPerformanceTestResult[];
}

const ms = (micros: number): number => round(micros / 1000, 6);

function labelsOf(runId: string, row: SetupRow, extra: Labels = {}): Labels {
    return { meshbench_run_id: runId, meshbench_setup: row.stack, meshbench_mesh: row.mesh, ...extra };
}

function testConfigs(runId: string, row: SetupRow): SmpPerformanceTestConfig[] {
    const { wrk, netperf } = row.results;
    const base = { smp_version: SMP_VERSION, labels: labelsOf(runId, row) };
    return [{
        ...base, id: `${runId}/${row.stack}/wrk`, name: `${row.label}: wrk`,
        duration: `${wrk.settings.durationSeconds}s`,
        labels: { ...base.labels, meshbench_repetitions: String(wrk.settings.repetitions), meshbench_warmup: `${wrk.settings.warmupSeconds}s` },
        clients: [{
            internal: true, load_generator: "wrk", protocol: "PROTOCOL_HTTP", connections: wrk.settings.connections,
            endpoint_urls: [wrk.settings.url], additional_options: `--threads ${wrk.settings.threads} --latency (closed loop, as fast as it goes)`,
        }],
    }, {
        ...base, id: `${runId}/${row.stack}/netperf`, name: `${row.label}: netperf`,
        duration: `${netperf.settings.durationSeconds}s`,
        labels: { ...base.labels, meshbench_repetitions: String(netperf.settings.repetitions), meshbench_warmup: `${netperf.settings.warmupSeconds}s` },
        clients: [{
            internal: true, load_generator: "netperf", protocol: "PROTOCOL_TCP", connections: 1,
            endpoint_urls: [`tcp://${netperf.settings.host}:${netperf.settings.controlPort}`],
            additional_options: `-t ${netperf.settings.test} -- -r ${netperf.settings.requestSize},${netperf.settings.responseSize} -P ,${netperf.settings.dataPort}`,
        }],
    }];
}

function testResults(runId: string, row: SetupRow): SmpPerformanceTestResult[] {
    const { wrk, netperf } = row.results;
    const base = (tool: string, status: string, reason?: string): SmpPerformanceTestResult => ({
        smp_version: SMP_VERSION,
        id: `${runId}/${row.stack}/${tool}/result`,
        labels: labelsOf(runId, row, { meshbench_status: status, ...(reason ? { meshbench_reason: reason } : {}), meshbench_statistic: "median over repetitions" }),
        test_id: `${runId}/${row.stack}/${tool}`,
        mesh_config_id: `${runId}/${row.stack}/mesh`,
        env_id: `${runId}/${row.stack}/environment`,
        details_uri: `${row.stack}.json`,
    });
    const wrkResult = base("wrk", wrk.status, wrk.reason);
    const netperfResult = base("netperf", netperf.status, netperf.reason);
    return [
        wrk.latencyMicros && wrk.rps ? {
            ...wrkResult,
            latencies_ms: { average: ms(wrk.latencyMicros.avg), p50: ms(wrk.latencyMicros.p50), p90: ms(wrk.latencyMicros.p90), p99: ms(wrk.latencyMicros.p99) },
            actual_qps: wrk.rps.median,
        } : wrkResult,
        netperf.latencyMicros && netperf.transactionsPerSecond !== undefined ? {
            ...netperfResult,
            latencies_ms: { average: ms(netperf.latencyMicros.mean), p50: ms(netperf.latencyMicros.p50), p90: ms(netperf.latencyMicros.p90), p99: ms(netperf.latencyMicros.p99) },
            actual_qps: netperf.transactionsPerSecond,
        } : netperfResult,
    ];
}

function meshConfig(runId: string, row: SetupRow): SmpServiceMeshConfig {
    // Each mesh declares its ServiceMesh.Type (Mesh.smpType); none is not a mesh and has none.
    const type = MESHES[row.mesh as MeshName]?.smpType;
    return {
        smp_version: SMP_VERSION,
        id: `${runId}/${row.stack}/mesh`,
        labels: labelsOf(runId, row, { meshbench_mtls_probe: row.mtlsVerdict }),
        mtls_enabled: row.mtls,
        ...(type ? { mesh_type: { type, annotations: Object.fromEntries(row.pins.map((p) => [p.name, `${p.version} (${p.source})`])) } } : {}),
    };
}

function environment(runId: string, row: SetupRow, results: BenchmarkResults): SmpEnvironmentConfig {
    const types = results.provenance.nodes.map((n) => n.instanceType).filter((t): t is string => t !== undefined);
    const running = results.provenance.kubernetes.running;
    return {
        smp_version: SMP_VERSION,
        id: `${runId}/${row.stack}/environment`,
        labels: labelsOf(runId, row, { meshbench_target: results.provenance.target }),
        ...(running.length > 0 ? { kubernetes_version: running.join(", ") } : {}),
        ...(types.length > 0 ? { nodes: types.map((type) => ({ type })) } : {}),
    };
}

export function smpExport(runId: string, rows: readonly SetupRow[]): SmpExport {
    return {
        smp_version: SMP_VERSION,
        run_id: runId,
        environment_configs: rows.map((r) => environment(runId, r, r.results)),
        service_mesh_configs: rows.map((r) => meshConfig(runId, r)),
        performance_test_configs: rows.flatMap((r) => testConfigs(runId, r)),
        performance_test_results: rows.flatMap((r) => testResults(runId, r)),
    };
}
