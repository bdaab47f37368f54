// The report's resource cost: the data plane's CPU per 1,000 requests and the memory per
// proxy, per setup, against the baseline. The baseline (mesh none) runs no proxies, so its
// proxy memory is none, not zero: a mesh's proxy memory is what it adds, never a ratio.
import type { BenchmarkResults, ResourceResult } from "../loadtest/results";
import { medianOrNone } from "../loadtest/stats";
import { formatChange, markdownTable, MISSING } from "./format";
import { baselineRow, type SetupRow } from "./summarize";

const MIB = 1048576;

interface ResourceRow {
    readonly label: string;
    readonly cpuPer1k?: number;
    /** The same under netperf TCP_CRR, per 1,000 connections (each a handshake). */
    readonly cpuPer1kConnections?: number;
    readonly sidecarBytes?: number;
    readonly agentsBytes?: number;
    readonly controlPlaneCores?: number;
    readonly controlPlaneBytes?: number;
    /** Runs whose sections (wrk's, TCP_CRR's) have no numbers or only some, and why. */
    readonly gaps: string[];
    /** Whether every run's wrk section was measured in full. */
    readonly wrkMeasured: boolean;
    /** Whether the setup has any sidecar, node agent or control-plane container at all (mesh none has none). */
    readonly has: { readonly sidecars: boolean; readonly agents: boolean; readonly controlPlane: boolean };
}

/** One setup's numbers: a run's medians, or, pooled, the median over its runs of them. */
function resourceRow(row: SetupRow, results: readonly BenchmarkResults[]): ResourceRow {
    const runs = results.filter((r) => r.mesh === row.mesh && r.mtls.requested === row.mtls && r.status !== "failed" && r.resources);
    const sections: ResourceResult[] = runs.map((r) => r.resources);
    const crr = runs.map((r) => r.netperfCrr.resources).filter((s): s is ResourceResult => s !== undefined);
    const medianOf = (of: readonly ResourceResult[], f: (s: ResourceResult) => number | undefined) =>
        medianOrNone(of.map(f).filter((v): v is number => v !== undefined));
    const pick = (f: (s: ResourceResult) => number | undefined) => medianOf(sections, f);
    return {
        label: row.label,
        cpuPer1k: pick((s) => s.median.dataPlaneCpuPer1kRequests),
        cpuPer1kConnections: medianOf(crr, (s) => s.median.dataPlaneCpuPer1kRequests),
        sidecarBytes: pick((s) => s.median.memoryPerSidecarBytes),
        agentsBytes: pick((s) => s.median.memoryPerNodeAgentsBytes),
        controlPlaneCores: pick((s) => s.median.groups.controlPlane?.cpuCores),
        controlPlaneBytes: pick((s) => s.median.groups.controlPlane?.memoryBytes),
        wrkMeasured: sections.every((s) => s.status === "measured"),
        gaps: [...sections.map((s) => ["wrk", s] as const), ...crr.map((s) => ["TCP_CRR", s] as const)]
            .filter(([, s]) => s.status !== "measured").map(([tool, s]) => `${tool}: ${s.status}: ${s.reason ?? "no reason given"}`),
        has: {
            sidecars: sections.some((s) => s.repetitions.some((r) => r.groups.proxies.containers > 0)),
            agents: sections.some((s) => s.repetitions.some((r) => r.groups.clientNodeAgents.containers + r.groups.serverNodeAgents.containers > 0)),
            controlPlane: sections.some((s) => s.repetitions.some((r) => r.groups.controlPlane.containers > 0)),
        },
    };
}

const ms = (coreSeconds: number | undefined) => coreSeconds === undefined ? MISSING : (coreSeconds * 1000).toFixed(1);
const mib = (bytes: number | undefined) => bytes === undefined ? MISSING : (bytes / MIB).toFixed(1);
const cores = (n: number | undefined) => n === undefined ? MISSING : n.toFixed(3);

export function resourceSection(results: readonly BenchmarkResults[], rows: readonly SetupRow[]): string[] {
    const baseline = baselineRow(rows);
    const all = rows.map((r) => resourceRow(r, results));
    const base = baseline ? all[rows.indexOf(baseline)] : undefined;
    const change = (r: ResourceRow, key: "cpuPer1k" | "cpuPer1kConnections"): string => {
        if (r === base) return "baseline";
        const [mine, theirs] = [r[key], base?.[key]];
        return mine === undefined || theirs === undefined ? MISSING : formatChange((mine / theirs - 1) * 100);
    };
    /** "none" where the setup has no such container (read, and found none), a dash where it was not measured. */
    const none = (r: ResourceRow, present: boolean, text: string) => !present && r.wrkMeasured && r.cpuPer1k !== undefined ? "none" : text;
    const gaps = all.flatMap((r) => r.gaps.map((g) => `- ${r.label}: ${g}`));
    return [
        "CPU of the data plane (the benchmark pods' containers, sidecars included, and the mesh's agents on the client and "
            + "server nodes) per 1,000 of wrk's requests, in CPU milliseconds, against the baseline; the working set of each sidecar "
            + "and of each node's agents, in MiB; the control plane's cores and working set while wrk ran. Medians over the "
            + "repetitions" + (rows.some((r) => r.runs !== undefined) ? ", then over runs." : ".")
            + " The baseline runs no proxies, so its proxy memory is none: a mesh's figure is what it adds, not a ratio to the baseline's."
            + " The same data plane's CPU per 1,000 of netperf TCP_CRR's connections (one transaction each, so each pays a "
            + "handshake, mTLS's included) shows what a connection costs.",
        "",
        markdownTable(
            ["setup", "CPU ms / 1,000 req", "against baseline", "CPU ms / 1,000 conn (TCP_CRR)", "against baseline",
                "MiB per sidecar", "MiB of agents per node", "control plane cores", "control plane MiB"],
            all.map((r) => [r.label, ms(r.cpuPer1k), change(r, "cpuPer1k"), ms(r.cpuPer1kConnections), change(r, "cpuPer1kConnections"),
                none(r, r.has.sidecars, mib(r.sidecarBytes)), none(r, r.has.agents, mib(r.agentsBytes)),
                none(r, r.has.controlPlane, cores(r.controlPlaneCores)), none(r, r.has.controlPlane, mib(r.controlPlaneBytes))]),
            ["l", "r", "r", "r", "r", "r", "r", "r", "r"],
        ),
        "",
        "Read from each node's kubelet (/metrics/resource, cAdvisor's samples) as each wrk and netperf repetition began and ended; the rates "
            + "span the samples' own timestamps, which the kubelet takes every 10 to 15 s, so each covers most but not all of its "
            + "repetition (docs/measurement.md). A dash: not measured.",
        ...(gaps.length ? ["", "Not fully measured:", "", ...gaps] : []),
    ];
}
