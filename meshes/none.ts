// mesh: none — the baseline. No proxies, no control plane: pods talk plaintext over
// the cluster network, so mTLS cannot be turned on. Every mesh's overhead is measured
// against this. Its evidence is the absence of any proxy: every benchmark pod runs its
// own container and nothing else.
import { APP_LABEL } from "../workloads/pods";
import { BENCH_NAMESPACE } from "../workloads/ports";
import type { Mesh } from "./types";

/** One line per benchmark pod: its app, then its init and regular container names. */
const CONTAINERS_SCRIPT =
    `kubectl -n ${BENCH_NAMESPACE} get pods -o 'jsonpath={range .items[*]}PODCONTAINERS ` +
    `{.metadata.labels.${APP_LABEL.replace(/\./g, "\\.")}}{range .spec.initContainers[*]} {.name}{end}` +
    `{range .spec.containers[*]} {.name}{end}{"\\n"}{end}'`;

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
        script: () => CONTAINERS_SCRIPT,
        parse(lines) {
            const pods = lines.filter((l) => l.startsWith("PODCONTAINERS ")).map((l) => l.split(" ").slice(1));
            if (pods.length === 0) return { detail: "no benchmark pods were listed" };
            const extra = pods.filter((p) => p.length !== 2);
            if (extra.length > 0) {
                return { detail: `pods run more than their own container: ${extra.map((p) => `${p[0]} (${p.slice(1).join(", ")})`).join("; ")}` };
            }
            return { mtls: false, detail: `no proxy in the path: each of ${pods.length} benchmark pods runs only its own container` };
        },
    },
    fairness: () => ({
        dataPlane: "none: client and server talk directly over the cluster's CNI",
    }),
};
