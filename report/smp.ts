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
// One test per tool: wrk, netperf TCP_RR and TCP_CRR, and fortio at each fixed rate (its
// latencies only where fortio held the rate: a rate not held is not open-loop latency).
// Resource cost goes where SMP has room for it, the mesh config's sidecar and control
// plane (cores as mCores, working set as MB of 10^6 bytes, medians over repetitions).
// Absent on purpose, since no run measures them: latency min/max, the node's memory and
// swap; SMP's PerformanceTestResult declares CPU, Memory and Swap messages but no field
// of those types.
import type { BenchmarkResults, MeasuredTime, NetperfResult, OpenLoopRate } from "../loadtest/results";
import { round } from "../loadtest/stats";
import { optional } from "../shared/optional";
import { MESHES } from "../meshes";
import type { MeshName } from "../meshes/types";
import { DEFAULT_RESPONSE_BYTES, responseBytesOf } from "./payload";
import type { SetupRow } from "./summarize";

export const SMP_VERSION = "v0.6.1";


type Labels = Record<string, string>;

export interface SmpPerformanceTestConfig {
    smp_version: string; id: string; name: string; labels: Labels; duration: string;
    clients: {
        internal: boolean; load_generator: string; protocol: "PROTOCOL_HTTP" | "PROTOCOL_TCP"; connections: number;
        endpoint_urls: string[]; additional_options: string; rps?: number;
    }[];
}

export interface SmpPerformanceTestResult {
    smp_version: string; id: string; labels: Labels; test_id: string; mesh_config_id: string; env_id: string; details_uri: string;
    start_time?: string; end_time?: string;
    latencies_ms?: { average?: number; p50: number; p90: number; p99: number };
    actual_qps?: number;
}

/** SMP's ServiceMeshConfig.Sidecar and .MeshControlPlane: the fields a run measures. */
export interface SmpResourceUse { count: number; cpu_mcores?: number; mem_mb?: number }

export interface SmpServiceMeshConfig {
    smp_version: string; id: string; labels: Labels; mtls_enabled: boolean;
    mesh_type?: { type: string; annotations: Labels };
    sidecar?: SmpResourceUse; mesh_control_plane?: SmpResourceUse;
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

/** A setup's id prefix; a run of several response sizes has a setup per size, so a size but the default is in it. */
const idOf = (runId: string, row: SetupRow): string => {
    const bytes = responseBytesOf(row.results);
    return `${runId}/${row.stack}${bytes === DEFAULT_RESPONSE_BYTES ? "" : `-${bytes}b`}`;
};

function labelsOf(runId: string, row: SetupRow, extra: Labels = {}): Labels {
    return { meshbench_run_id: runId, meshbench_setup: row.stack, meshbench_mesh: row.mesh,
        meshbench_response_bytes: String(responseBytesOf(row.results)), ...extra };
}

const fortioId = (rate: number) => `fortio-${rate}`;
const netperfTests = (r: BenchmarkResults): [string, NetperfResult][] => [["netperf", r.netperf], ["netperf-crr", r.netperfCrr]];

function testConfigs(runId: string, row: SetupRow): SmpPerformanceTestConfig[] {
    const { wrk, openLoop } = row.results;
    const base = { smp_version: SMP_VERSION, labels: labelsOf(runId, row) };
    const repeated = (s: { repetitions: number; warmupSeconds: number }) =>
        ({ ...base.labels, meshbench_repetitions: String(s.repetitions), meshbench_warmup: `${s.warmupSeconds}s` });
    return [{
        ...base, id: `${idOf(runId, row)}/wrk`, name: `${row.label}: wrk`,
        duration: `${wrk.settings.durationSeconds}s`,
        labels: repeated(wrk.settings),
        clients: [{
            internal: true, load_generator: "wrk", protocol: "PROTOCOL_HTTP", connections: wrk.settings.connections,
            endpoint_urls: [wrk.settings.url], additional_options: `--threads ${wrk.settings.threads} --latency (closed loop, as fast as it goes)`,
        }],
    }, ...netperfTests(row.results).map(([tool, netperf]): SmpPerformanceTestConfig => ({
        ...base, id: `${idOf(runId, row)}/${tool}`, name: `${row.label}: netperf ${netperf.settings.test}`,
        duration: `${netperf.settings.durationSeconds}s`,
        labels: repeated(netperf.settings),
        clients: [{
            internal: true, load_generator: "netperf", protocol: "PROTOCOL_TCP", connections: 1,
            endpoint_urls: [`tcp://${netperf.settings.host}:${netperf.settings.controlPort}`],
            additional_options: `-t ${netperf.settings.test} -- -r ${netperf.settings.requestSize},${netperf.settings.responseSize} -P ,${netperf.settings.dataPort}`,
        }],
    })), ...openLoop.settings.rates.map((rate): SmpPerformanceTestConfig => ({
        ...base, id: `${idOf(runId, row)}/${fortioId(rate)}`, name: `${row.label}: fortio at ${rate}/s`,
        duration: `${openLoop.settings.durationSeconds}s`,
        labels: repeated(openLoop.settings),
        clients: [{
            internal: true, load_generator: "fortio", protocol: "PROTOCOL_HTTP", connections: openLoop.settings.connections, rps: rate,
            endpoint_urls: [openLoop.settings.url], additional_options: "fixed rate (open loop only where the rate held)",
        }],
    }))];
}

const times = (m: MeasuredTime | undefined) => m ? { start_time: m.start, end_time: m.end } : {};

function testResults(runId: string, row: SetupRow): SmpPerformanceTestResult[] {
    const { wrk, openLoop } = row.results;
    const base = (tool: string, status: string, reason: string | undefined, measured: MeasuredTime | undefined): SmpPerformanceTestResult => ({
        smp_version: SMP_VERSION,
        id: `${idOf(runId, row)}/${tool}/result`,
        labels: labelsOf(runId, row, { meshbench_status: status, ...(reason ? { meshbench_reason: reason } : {}), meshbench_statistic: "median over repetitions" }),
        test_id: `${idOf(runId, row)}/${tool}`,
        mesh_config_id: `${idOf(runId, row)}/mesh`,
        env_id: `${idOf(runId, row)}/environment`,
        details_uri: `${row.stack}.json`,
        ...times(measured),
    });
    const wrkResult = base("wrk", wrk.status, wrk.reason, wrk.measured);
    const rate = (r: OpenLoopRate): SmpPerformanceTestResult => {
        const result = base(fortioId(r.targetQps), r.status, r.reason, openLoop.measured);
        const l = r.latencyMicros;
        return {
            ...result,
            ...(r.status === "ok" && l ? { latencies_ms: { p50: ms(l.p50), p90: ms(l.p90), p99: ms(l.p99) } } : {}),
            ...(r.achievedQps ? { actual_qps: r.achievedQps.median } : {}),
        };
    };
    return [
        wrk.latencyMicros && wrk.rps ? {
            ...wrkResult,
            latencies_ms: { average: ms(wrk.latencyMicros.avg), p50: ms(wrk.latencyMicros.p50), p90: ms(wrk.latencyMicros.p90), p99: ms(wrk.latencyMicros.p99) },
            actual_qps: wrk.rps.median,
        } : wrkResult,
        ...netperfTests(row.results).map(([tool, netperf]) => {
            const result = base(tool, netperf.status, netperf.reason, netperf.measured);
            return netperf.latencyMicros && netperf.transactionsPerSecond !== undefined ? {
                ...result,
                latencies_ms: { average: ms(netperf.latencyMicros.mean), p50: ms(netperf.latencyMicros.p50), p90: ms(netperf.latencyMicros.p90), p99: ms(netperf.latencyMicros.p99) },
                actual_qps: netperf.transactionsPerSecond,
            } : result;
        }),
        ...(openLoop.rates ?? []).map(rate),
    ];
}

/** A group's medians as SMP's resource use; absent when the group has no containers or no numbers. */
function resourceUse(results: BenchmarkResults, group: "proxies" | "controlPlane"): SmpResourceUse | undefined {
    const used = results.resources.median.groups[group];
    const count = results.resources.repetitions[0]?.groups[group].containers ?? 0;
    if (count === 0 || !used || (used.cpuCores === undefined && used.memoryBytes === undefined)) return undefined;
    return {
        count,
        ...(used.cpuCores !== undefined ? { cpu_mcores: Math.round(used.cpuCores * 1000) } : {}),
        ...(used.memoryBytes !== undefined ? { mem_mb: Math.round(used.memoryBytes / 1e6) } : {}),
    };
}

function meshConfig(runId: string, row: SetupRow): SmpServiceMeshConfig {
    // Each mesh declares its ServiceMesh.Type (Mesh.smpType); none is not a mesh and has none.
    const type = MESHES[row.mesh as MeshName]?.smpType;
    return {
        smp_version: SMP_VERSION,
        id: `${idOf(runId, row)}/mesh`,
        labels: labelsOf(runId, row, { meshbench_mtls_probe: row.mtlsVerdict }),
        mtls_enabled: row.mtls,
        ...(type ? { mesh_type: { type, annotations: Object.fromEntries(row.pins.map((p) => [p.name, `${p.version} (${p.source})`])) } } : {}),
        ...optional("sidecar", resourceUse(row.results, "proxies")),
        ...optional("mesh_control_plane", resourceUse(row.results, "controlPlane")),
    };
}

function environment(runId: string, row: SetupRow, results: BenchmarkResults): SmpEnvironmentConfig {
    const types = results.provenance.nodes.map((n) => n.instanceType).filter((t): t is string => t !== undefined);
    const running = results.provenance.kubernetes.running;
    return {
        smp_version: SMP_VERSION,
        id: `${idOf(runId, row)}/environment`,
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
