// mesh: istio-ambient — Istio 1.25.1 in ambient mode: no sidecars; one ztunnel per node
// carries every enrolled pod's traffic (charts base → istiod → cni → ztunnel, each
// with profile ambient, as istio.io's Helm install for ambient orders them).
//
// mTLS on:  always, for enrolled pods: ztunnels talk HBONE (HTTP/2 CONNECT inside
//           mutual TLS, port 15008) to each other. PeerAuthentication `default` STRICT
//           in istio-system adds what HBONE alone does not: ztunnel refuses plaintext
//           from outside the mesh, which is what the plaintext probe checks.
// mTLS off: not possible (a preview error). Istio ignores DISABLE in ambient mode
//           (istio.io, ambient L4 policy; istiod treats it as PERMISSIVE,
//           pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go @1.25.1),
//           so ztunnel-to-ztunnel traffic stays mutual TLS.
// Proven by: the metrics of the ztunnel on each server's node (see istio-evidence.ts).
//
// What else changes the numbers, and why it is as it is:
// - L4 only. No waypoint is deployed, so nothing parses HTTP: the HTTP port is declared
//   http, but ztunnel carries its bytes opaquely. mesh istio (sidecars) handles the same
//   port at L7. Results of the two modes measure different data paths.
// - One ztunnel serves every pod of its node, so the wrk and netperf clients share the
//   client node's ztunnel; they never run at the same time.
// - The probe's namespace carries no dataplane-mode label and stays outside.
import {
    ISTIO_APP_PROTOCOL, ISTIO_HUB, ISTIO_NAMESPACE, ISTIO_VERSION, istioGlobalImage, istioImageTag, istioMeshConfig, istioPins,
    istioRelease, meshPeerAuthentication, PROXY_WORKER_THREADS,
} from "./istio-common";
import { listPods } from "../shared/kube-api";
import { readIstioEvidence, readIstioPages, serverPod, type IstioEvidenceRules, type ScrapeTarget } from "./istio-evidence";
import type { Mesh } from "./types";

/** Every ambient component runs the distroless images, as the ambient profile sets (files/profile-ambient.yaml). */
const AMBIENT_VARIANT = "distroless";
const AMBIENT_PROFILE = "ambient";

export const ISTIO_AMBIENT_MTLS_OFF_REASON =
    "Istio ignores PeerAuthentication mode DISABLE in ambient mode (ztunnel's HBONE tunnels are always mutual TLS), " +
    "so mTLS cannot be turned off without leaving ambient; run mesh none for the plaintext baseline " +
    "(or mesh istio with mtls false for Istio's sidecars without mTLS)";

/**
 * ztunnel's values. Its release must be named ztunnel: istiod trusts the ztunnel service
 * account of that name (the chart names its DaemonSet and account after the release).
 */
export function ztunnelValues(): Record<string, unknown> {
    return {
        profile: AMBIENT_PROFILE,
        hub: ISTIO_HUB,
        tag: ISTIO_VERSION,
        variant: AMBIENT_VARIANT,
        // ztunnel's worker threads; 2 is its default (src/config.rs @1.25.1), set so that
        // the house profile's 2 does not rest on a default.
        env: { ZTUNNEL_WORKER_THREADS: String(PROXY_WORKER_THREADS) },
        // RUST_LOG. ztunnel logs every completed connection at info under the target
        // "access" (src/proxy/metrics.rs @1.25.1): that is its access log, turned off here;
        // failed connections are still logged, at warn and error.
        logLevel: "info,access=warn",
    };
}

/** The ztunnel on the server's node: it terminates the HBONE tunnel and reports as destination. */
const ZTUNNEL_METRICS: ScrapeTarget = {
    locate: async (kube, ctx, app) => {
        const server = await serverPod(kube, ctx, app);
        if (typeof server === "string") return server;
        const ztunnels = (await listPods(kube, ISTIO_NAMESPACE, "app=ztunnel"))
            .filter((p) => p.phase === "Running" && p.nodeName === server.nodeName);
        return ztunnels.length > 0
            ? { namespace: ISTIO_NAMESPACE, pod: ztunnels[0].name }
            : `no running ztunnel on ${server.nodeName ?? "an unscheduled node"}, the node of ${server.name}`;
    },
    path: "metrics",
};

/**
 * ztunnel's connection_security_policy has two values: mutual_tls for HBONE, and
 * unknown for plaintext it accepted or refused (src/proxy/metrics.rs, SecurityPolicy;
 * inbound_passthrough.rs @1.25.1). It counts a plaintext connection as opened even when
 * policy refuses it, so the probe's refused attempts show up as "unknown": only series
 * whose source is a pod of the benchmark namespace count. ztunnel knows the source of
 * HBONE traffic from its certificate, and of plaintext from its address.
 */
export const ZTUNNEL_EVIDENCE_RULES: IstioEvidenceRules = {
    policies: { mutual_tls: true, unknown: false },
    countsSource: (labels, ctx) => labels.source_workload_namespace === ctx.benchNamespace,
};

export const istioAmbient: Mesh = {
    name: "istio-ambient",
    description: `Istio ${ISTIO_VERSION} in ambient mode: a ztunnel per node, L4 only (no waypoint).`,
    mtlsOn: { supported: true },
    mtlsOff: { supported: false, reason: ISTIO_AMBIENT_MTLS_OFF_REASON },
    providesCni: false,
    smpType: "ISTIO",
    webhookPorts: [{ port: 15017, why: "Istio: istiod's injection and validation webhooks" }],
    pins: () => istioPins(["base", "istiod", "cni", "ztunnel"], ["pilot", "install-cni", "ztunnel"], AMBIENT_VARIANT),
    releases: () => [
        istioRelease("istio-base", "base", {}),
        istioRelease("istiod", "istiod", {
            profile: AMBIENT_PROFILE,
            global: { ...istioGlobalImage(AMBIENT_VARIANT), proxy: { tracer: "none" } },
            meshConfig: istioMeshConfig(),
        }),
        istioRelease("istio-cni", "cni", { profile: AMBIENT_PROFILE, global: istioGlobalImage(AMBIENT_VARIANT) }),
        istioRelease("ztunnel", "ztunnel", ztunnelValues()),
    ],
    policies: () => [meshPeerAuthentication("STRICT")],
    enrolment: () => ({
        namespaceLabels: { "istio.io/dataplane-mode": "ambient" },
        namespaceAnnotations: {},
        podAnnotations: () => ({}),
        appProtocol: (port) => ISTIO_APP_PROTOCOL[port.role],
    }),
    evidence: {
        source: "Istio metrics of the ztunnel on each server's node, reporter=destination, read through the API server's pod proxy on port 15020",
        read: async (kube, ctx) => readIstioEvidence(await readIstioPages(kube, ctx, ZTUNNEL_METRICS), ctx, ZTUNNEL_EVIDENCE_RULES),
    },
    // Pod labels of the charts: ztunnel app=ztunnel, cni k8s-app=istio-cni-node (templates/daemonset.yaml), istiod app=istiod.
    resourceTargets: () => ({
        nodeAgents: [
            { name: "ztunnel", namespace: ISTIO_NAMESPACE, labelSelector: "app=ztunnel" },
            { name: "istio-cni", namespace: ISTIO_NAMESPACE, labelSelector: "k8s-app=istio-cni-node" },
        ],
        controlPlane: [{ name: "istiod", namespace: ISTIO_NAMESPACE, labelSelector: "app=istiod" }],
    }),
    fairness: () => ({
        dataPlane: `ztunnel (${ISTIO_HUB}/ztunnel:${istioImageTag(AMBIENT_VARIANT)}), one per node, no sidecars, no waypoint: client → client-node ztunnel → HBONE → server-node ztunnel → server`,
        mtls: "always on between ztunnels (HBONE); PeerAuthentication default STRICT in istio-system makes ztunnel refuse plaintext from outside the mesh; TLS versions and ciphers at ztunnel's defaults",
        protocol: "L4 only: the HTTP port is declared appProtocol http and the netperf ports tcp, but without a waypoint ztunnel carries all of them as opaque bytes (mesh istio handles HTTP at L7)",
        proxyWorkerThreads: `${PROXY_WORKER_THREADS} per ztunnel (ZTUNNEL_WORKER_THREADS; ztunnel's default); one ztunnel serves every pod of its node`,
        proxyResources: "ztunnel requests 200m CPU and 512Mi memory, no limits (chart defaults)",
        accessLog: "off: ztunnel's per-connection log (target access) raised to warn (logLevel info,access=warn)",
        tracing: "none in ztunnel; meshConfig.enableTracing false (would apply only to waypoints, of which there are none)",
        telemetry: "ztunnel's default Prometheus metrics kept: the mTLS evidence reads them",
        trafficCapture: "istio-cni node agent (profile ambient) redirects in each pod's network namespace; DNS capture on (the cni chart's default), so ztunnel answers the benchmark pods' DNS",
        controlPlane: "istiod at chart defaults (1 replica, autoscaling 1-5), not in the data path",
    }),
};
