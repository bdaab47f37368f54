// mesh: istio — Istio 1.25.1 with Envoy sidecars (charts base → istiod).
//
// mTLS on:  PeerAuthentication `default` in istio-system, STRICT. Client sidecars
//           originate Istio mutual TLS by themselves (auto mTLS, on by default); the
//           servers' sidecars refuse anything else.
// mTLS off: PeerAuthentication `default` DISABLE, plus a mesh-wide DestinationRule with
//           tls.mode DISABLE. The sidecars stay in the path on both ends and carry
//           plaintext: a mesh without mTLS, not PERMISSIVE (which would still do mTLS
//           between sidecars). Auto mTLS already sends plaintext to a DISABLE server
//           (pilot/pkg/networking/core/cluster_tls.go @1.25.1); the DestinationRule makes
//           the client side say so instead of leaving it to inference.
// Proven by: the servers' sidecars' own counters (see istio-evidence.ts), next to the
//           shared plaintext probe.
//
// What else changes the numbers, and why it is as it is:
// - Every benchmark pod, clients included, gets a sidecar: the clients are long-running
//   Deployments the load test execs into, so no Job ever waits on a sidecar that will
//   not exit. The probe's namespace carries no injection label and stays outside.
// - The HTTP port is declared HTTP, so each sidecar parses, routes and re-encodes every
//   request (L7) and keeps its own connection pool to the server's sidecar; netperf's
//   ports are declared TCP and only proxied (L4). Ambient mode (istio-ambient.ts) has no
//   L7 step at all; the two modes measure different data paths.
// - holdApplicationUntilProxyStarts stays off (Istio's default): the servers only
//   accept, and the clients idle until the load test execs them, long after every
//   sidecar is ready, so nothing connects before its proxy exists.
// - Sidecar CPU: requested, never limited. The injector takes resources from pod
//   annotations as soon as any sidecar.istio.io/proxy* annotation is set, and otherwise
//   from global.proxy.resources, whose 2000m CPU limit Helm cannot unset (the charts
//   merge user values over their defaults); so the annotations below set requests and
//   the memory limit, and leave out the CPU limit (files/injection-template.yaml @1.25.1).
// - Traffic capture: the istio-init init container's iptables (needs NET_ADMIN, as the
//   facts note for every such mesh); Istio's CNI plugin is not installed in this mode.
import {
    ISTIO_APP_PROTOCOL, ISTIO_HUB, ISTIO_NAMESPACE, ISTIO_VERSION, istioGlobalImage, istioImageTag, istioMeshConfig,
    istioPins, istioRelease, meshPeerAuthentication, PROXY_WORKER_THREADS,
} from "./istio-common";
import { notFromProbe, readIstioEvidence, readIstioPages, serverPod, type IstioEvidenceRules, type ScrapeTarget } from "./istio-evidence";
import type { KubeObject, Mesh, MeshContext } from "./types";

/** Per-pod sidecar resources; with any of these set, the injector ignores global.proxy.resources. */
export const SIDECAR_RESOURCE_ANNOTATIONS = {
    // Istio's own default requests (istiod values.yaml, global.proxy.resources.requests).
    "sidecar.istio.io/proxyCPU": "100m",
    "sidecar.istio.io/proxyMemory": "128Mi",
    // Istio's default memory limit, kept: a leak would end the run rather than the node.
    "sidecar.istio.io/proxyMemoryLimit": "1Gi",
} as const;

/** The mesh-wide DestinationRule of mTLS off: every *.local service, plaintext from the client sidecar. */
export function plaintextDestinationRule(): KubeObject {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: { name: "meshbench-plaintext", namespace: ISTIO_NAMESPACE },
        spec: { host: "*.local", trafficPolicy: { tls: { mode: "DISABLE" } } },
    };
}

/** Each server's own sidecar, read on pilot-agent's status port, which merges Envoy's stats. */
const SIDECAR_STATS: ScrapeTarget = {
    locate: async (kube, ctx, app) => {
        const pod = await serverPod(kube, ctx, app);
        return typeof pod === "string" ? pod : { namespace: pod.namespace, pod: pod.name };
    },
    path: "stats/prometheus",
};

/**
 * Envoy's Istio stats filter labels a connection at the destination "mutual_tls" when
 * both ends presented certificates and "none" otherwise (istio/proxy @1.25.1,
 * source/extensions/filters/http/istio_stats/istio_stats.cc). "none" is not in Istio's
 * metrics reference; it is observed in the wild and is what that source emits.
 */
export const SIDECAR_EVIDENCE_RULES: IstioEvidenceRules = {
    policies: { mutual_tls: true, none: false },
    // Plaintext TCP carries no peer metadata, so its source reads "unknown": the source
    // cannot be required to be a client; only the probe's own series are left out.
    countsSource: notFromProbe,
};

export const istio: Mesh = {
    name: "istio",
    description: `Istio ${ISTIO_VERSION} with Envoy sidecars in every benchmark pod.`,
    mtlsOn: { supported: true },
    mtlsOff: { supported: true },
    providesCni: false,
    smpType: "ISTIO",
    webhookPorts: [{ port: 15017, why: "Istio: istiod's injection and validation webhooks" }],
    pins: () => istioPins(["base", "istiod"], ["pilot", "proxyv2"], ""),
    releases: () => [
        istioRelease("istio-base", "base", {}),
        istioRelease("istiod", "istiod", {
            global: { ...istioGlobalImage(""), proxy: { tracer: "none" } },
            meshConfig: istioMeshConfig(),
        }),
    ],
    policies: (ctx) => ctx.mtls
        ? [meshPeerAuthentication("STRICT")]
        : [meshPeerAuthentication("DISABLE"), plaintextDestinationRule()],
    enrolment: (ctx: MeshContext) => ({
        namespaceLabels: { "istio-injection": "enabled" },
        namespaceAnnotations: {},
        podAnnotations: () => ({
            ...SIDECAR_RESOURCE_ANNOTATIONS,
            // A change of mTLS mode changes the pod template, so the pods (and their
            // sidecars' counters and pooled connections) start afresh in the new mode.
            "meshbench.io/mtls": String(ctx.mtls),
        }),
        appProtocol: (port) => ISTIO_APP_PROTOCOL[port.role],
    }),
    evidence: {
        source: "Istio metrics of each server's sidecar (istio-proxy), reporter=destination, read through the API server's pod proxy on port 15020",
        read: async (kube, ctx) => readIstioEvidence(await readIstioPages(kube, ctx, SIDECAR_STATS), ctx, SIDECAR_EVIDENCE_RULES),
    },
    // istiod's Deployment labels its pods app=istiod (istiod chart templates/deployment.yaml); no istio-cni here (istio-init).
    resourceTargets: () => ({
        sidecar: "istio-proxy", nodeAgents: [],
        controlPlane: [{ name: "istiod", namespace: ISTIO_NAMESPACE, labelSelector: "app=istiod" }],
    }),
    fairness: (ctx) => ({
        dataPlane: `Envoy sidecar (istio-proxy, ${ISTIO_HUB}/proxyv2:${istioImageTag("")}) in each benchmark pod: client → client sidecar → server sidecar → server`,
        mtls: ctx.mtls
            ? "PeerAuthentication default STRICT in istio-system; client sidecars originate Istio mutual TLS (auto mTLS, default); TLS versions and ciphers at Istio's defaults"
            : "PeerAuthentication default DISABLE and DestinationRule meshbench-plaintext (host *.local, tls DISABLE) in istio-system: both sidecars stay in the path and carry plaintext",
        protocol: "declared, never sniffed: the HTTP port as appProtocol http (Envoy's HTTP connection manager, L7, a pool of its own connections between the sidecars), the netperf control and data ports as appProtocol tcp (TCP proxy, L4)",
        proxyWorkerThreads: `${PROXY_WORKER_THREADS} per sidecar (meshConfig.defaultConfig.concurrency; set, because without a CPU limit Istio would size it from the node's cores)`,
        proxyResources: "each sidecar requests 100m CPU and 128Mi memory, memory limit 1Gi, no CPU limit (sidecar.istio.io/proxyCPU, proxyMemory, proxyMemoryLimit; Istio's default 2000m CPU limit dropped)",
        accessLog: "off (meshConfig.accessLogFile empty, no Telemetry access-log provider)",
        tracing: "off (meshConfig.enableTracing false, global.proxy.tracer none); Istio defaults to enableTracing true, which samples spans in every HTTP connection manager",
        telemetry: "Istio's default Prometheus stats kept (istio_requests_total, istio_tcp_*): the mTLS evidence reads them",
        startup: "holdApplicationUntilProxyStarts off (default): nothing connects until the load test execs into pods whose sidecars are long ready",
        trafficCapture: "istio-init iptables redirection (Istio CNI not installed)",
        controlPlane: "istiod at chart defaults (1 replica, autoscaling 1-5), not in the data path",
    }),
};
