// The paper meshbench reproduces, as data: its five setups and what it reported for each.
// The sweep's default plan is these setups; the report puts our numbers beside them.
//
// Heesu Lee, Jaeyoung Lee and Jaehyun Nam, "Quantitative Analysis of Network Performance
// Impact of mTLS in Kubernetes-based Service Meshes" (Dankook University, 2025), section 5
// and Figures 3 and 4: wrk with 8 threads and 8 connections for RPS, netperf for latency.
// The paper does not say which netperf statistic its latency is; we compare it with
// netperf's mean (1 / transaction rate for one connection), and the report says so.
import type { MeshName } from "../meshes/types";

export interface PaperSetup {
    readonly mesh: MeshName;
    readonly mtls: boolean;
    /** Requests per second, as printed in the paper (e.g. 51.24K). */
    readonly rps: number;
    readonly latencyMicros: number;
    /** The mesh version the paper ran, as it names it. */
    readonly version?: string;
}

export const PAPER = {
    citation: "Lee, Lee and Nam, Quantitative Analysis of Network Performance Impact of mTLS in Kubernetes-based Service Meshes, 2025",
    kubernetesVersion: "1.29.1",
    /** In the order the paper lists them: the baseline first. */
    setups: [
        { mesh: "none", mtls: false, rps: 51_240, latencyMicros: 260 },
        { mesh: "istio", mtls: true, rps: 21_790, latencyMicros: 500, version: "1.25.1" },
        { mesh: "linkerd", mtls: true, rps: 27_940, latencyMicros: 360, version: "edge-25.4.1" },
        { mesh: "consul", mtls: true, rps: 23_540, latencyMicros: 400, version: "1.21.0" },
        { mesh: "kuma", mtls: true, rps: 24_420, latencyMicros: 380, version: "2.9.0" },
    ] as const satisfies readonly PaperSetup[],
} as const;

/** What the paper reported for a setup, if it measured it. */
export function paperSetup(mesh: MeshName, mtls: boolean): PaperSetup | undefined {
    return PAPER.setups.find((s) => s.mesh === mesh && s.mtls === mtls);
}
