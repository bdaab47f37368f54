// mesh: none — the baseline. No proxies, no control plane: pods talk plaintext over
// the cluster network, so mTLS cannot be turned on. Every mesh's overhead is measured
// against this.
import type { Mesh } from "./types";

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
    fairness: () => ({
        dataPlane: "none: client and server talk directly over the cluster's CNI",
    }),
};
