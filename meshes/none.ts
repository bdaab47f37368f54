// mesh: none — the baseline. No proxies, no control plane: pods talk plaintext over
// the cluster network, so mTLS cannot be turned on. Every mesh's overhead is measured
// against this. Its evidence is the absence of any proxy: every benchmark pod runs its
// own container and nothing else.
import { listPods, type PodSummary } from "../shared/kube-api";
import { APP_LABEL, BENCH_SIDE_CONTAINERS } from "../shared/names";
import type { EvidenceReading, Mesh } from "./types";

/** Reads the benchmark pods' containers: with no mesh, each runs its own container and nothing else. */
export function readContainers(pods: readonly PodSummary[]): EvidenceReading {
    if (pods.length === 0) return { detail: "no benchmark pods were listed" };
    // meshbench's own side containers (the wrk client pod's idle fortio) are no proxy.
    const own = (p: PodSummary) => BENCH_SIDE_CONTAINERS[p.labels[APP_LABEL] ?? ""] ?? [];
    const extra = pods.filter((p) => p.initContainers.length + p.containers.filter((c) => !own(p).includes(c)).length !== 1);
    if (extra.length > 0) {
        return {
            detail: `pods run more than their own container: ${extra.map((p) =>
                `${p.labels[APP_LABEL] ?? p.name} (${[...p.initContainers, ...p.containers].join(", ")})`).join("; ")}`,
        };
    }
    return { mtls: false, detail: `no proxy in the path: each of ${pods.length} benchmark pods runs only its own container` };
}

export const none: Mesh = {
    name: "none",
    description: "No service mesh: the plaintext baseline every mesh is compared against.",
    mtlsOn: {
        supported: false,
        reason: "mesh none is the plaintext baseline and has nothing that could do mTLS; choose a mesh (e.g. istio) to measure mTLS",
    },
    mtlsOff: { supported: true },
    providesCni: false,
    pins: () => [],
    releases: () => [],
    policies: () => [],
    enrolment: () => ({
        namespaceLabels: {},
        namespaceAnnotations: {},
        podAnnotations: () => ({}),
        appProtocol: (port) => port.defaultAppProtocol,
    }),
    evidence: {
        source: "containers of the benchmark pods (no proxy may be present)",
        read: async (kube, ctx) => {
            try {
                return readContainers(await listPods(kube, ctx.benchNamespace));
            } catch (e) {
                return { detail: `the benchmark pods could not be listed: ${(e as Error).message}` };
            }
        },
    },
    // No mesh: the benchmark pods only.
    resourceTargets: () => ({ nodeAgents: [], controlPlane: [] }),
    fairness: () => ({
        dataPlane: "none: client and server talk directly over the cluster's CNI",
    }),
};
