// mesh: linkerd — Linkerd edge-25.4.1, the paper's fastest mesh under mTLS. Two Helm
// charts from the edge repository (CRDs, then the control plane) with identity
// certificates made in the program; a linkerd2-proxy sidecar in every benchmark pod.
//
// mTLS is automatic between meshed pods and cannot be turned off: Linkerd always requires
// identity. It is enforced (plaintext refused) by the benchmark namespace's default
// inbound policy, all-authenticated, and proven by the proxies' inbound counters.
import type { Mesh, MeshContext, MeshPrerequisiteArgs } from "./types";
import { NETPERF_CONTROL_PORT, NETPERF_DATA_PORT } from "../shared/names";
import { SIDE_LABEL } from "../shared/names";
import { linkerdEvidence, LINKERD_ADMIN_PORT } from "./linkerd-evidence";
import { CERT_VALIDITY, createLinkerdIdentity } from "./linkerd-identity";
import { chartPin, chartRelease, imagePin, pinList, type BundledVersion, type PinTable } from "./pin-table";

export const LINKERD_REPO = "https://helm.linkerd.io/edge";
export const LINKERD_NAMESPACE = "linkerd";

/**
 * Everything Linkerd edge-25.4.1 installs. Edge charts are versioned YYYY.M.N from the
 * edge-YY.M.N tag (linkerd2 bin/helm-bump-edge); every Linkerd image carries the release's
 * tag (the chart's appVersion) except proxy-init, whose tag the chart pins itself
 * (values.yaml proxyInit.image.version @ edge-25.4.1).
 */
export const LINKERD_PINS = {
    crds: chartPin("linkerd-crds", "2025.4.1", LINKERD_REPO),
    controlPlane: chartPin("linkerd-control-plane", "2025.4.1", LINKERD_REPO),
    proxy: imagePin("cr.l5d.io/linkerd/proxy", "edge-25.4.1", "cr.l5d.io"),
    proxyInit: imagePin("cr.l5d.io/linkerd/proxy-init", "v2.4.2", "cr.l5d.io"),
    controller: imagePin("cr.l5d.io/linkerd/controller", "edge-25.4.1", "cr.l5d.io"),
    policyController: imagePin("cr.l5d.io/linkerd/policy-controller", "edge-25.4.1", "cr.l5d.io"),
} as const satisfies PinTable;

/** The proxy release inside the proxy image (linkerd2 .proxy-version @ edge-25.4.1). */
export const LINKERD_BUNDLED_PINS = {
    proxyRelease: { version: "v2.290.0", in: "proxy" },
} as const satisfies Record<string, BundledVersion<keyof typeof LINKERD_PINS>>;

/** The release, and the tag of every Linkerd image it runs. */
export const LINKERD_VERSION = LINKERD_PINS.proxy.version;

/** Worker threads per proxy, as Istio's sidecar default `concurrency: 2` (the house fairness profile). */
export const PROXY_WORKER_THREADS = 2;

/** The benchmark namespace's annotations: enrol every pod, and refuse plaintext to them. */
export const LINKERD_NAMESPACE_ANNOTATIONS = {
    "linkerd.io/inject": "enabled",
    // Scoped to the benchmark namespace rather than the chart's proxy.defaultInboundPolicy,
    // which would also change the control plane's own proxies and every other meshed
    // workload: only what is measured is enforced, the rest stays at the chart defaults.
    // The proxy injector copies it onto each pod, where the policy controller reads it.
    "config.linkerd.io/default-inbound-policy": "all-authenticated",
};

const OPAQUE = "linkerd.io/opaque";
const NETPERF_PORTS = `${NETPERF_CONTROL_PORT.port},${NETPERF_DATA_PORT.port}`;

/** The Server that keeps the servers' proxy admin port readable without mTLS. */
export const ADMIN_SERVER_NAME = "meshbench-proxy-admin";

/**
 * proxy-init's iptables back end. The chart's default is legacy (values.yaml @ edge-25.4.1);
 * Ubuntu 22.04's iptables is the nft back end (the iptables-nft alternative), and so are
 * the node's own rules (kube-proxy picks the back end the host uses). Pinned to nft, so
 * that the pods' redirect rules go through the same kernel back end as the node's, and the
 * mode does not depend on the chart's default.
 */
export const PROXY_INIT_IPTABLES_MODE = "nft";

// The control-plane chart's values. Everything not set here is the chart's default.
function controlPlaneValues(prerequisites: Record<string, unknown>): Record<string, unknown> {
    return {
        // The chart's default, Ignore, admits a pod without its proxy when the injector is slow
        // or down: a benchmark pod would then run unmeshed. Fail refuses it instead (Linkerd's
        // own HA values, values-ha.yaml, do the same). The control plane's own pods are exempt
        // through the webhook's objectSelector (linkerd.io/control-plane-component DoesNotExist),
        // so the injector never waits for itself.
        webhookFailurePolicy: "Fail",
        proxyInit: { iptablesMode: PROXY_INIT_IPTABLES_MODE },
        identityTrustAnchorsPEM: prerequisites.trustAnchorPem,
        identity: { issuer: { tls: { crtPEM: prerequisites.issuerCertPem, keyPEM: prerequisites.issuerKeyPem } } },
        proxy: {
            // The chart's default already (linkerdVersion); stated so that the pin is here.
            image: { version: LINKERD_VERSION },
            // linkerd2-proxy runs ONE worker thread by default. `minimum` with no maximum and
            // no maximumCPURatio gives exactly this many (LINKERD2_PROXY_CORES_MIN; proxy
            // linkerd/workers/src/lib.rs @ release/v2.290.0). No CPU-request annotation is
            // set on any pod, so nothing overrides it per pod.
            runtime: { workers: { minimum: PROXY_WORKER_THREADS } },
            // Requests as Linkerd's own HA values (values-ha.yaml); no CPU limit, since a
            // limit would measure the limit, not the proxy; no memory limit either.
            resources: { cpu: { request: "100m", limit: "" }, memory: { request: "20Mi", limit: "" } },
        },
    };
}

export const linkerd: Mesh = {
    name: "linkerd",
    description: `Linkerd ${LINKERD_VERSION}: linkerd2-proxy sidecars, mTLS always on and enforced in the benchmark namespace.`,
    mtlsOn: { supported: true },
    mtlsOff: {
        supported: false,
        reason: 'Linkerd always requires identity, so meshed pods always talk mTLS (its CLI: "--disable-identity is no longer supported"); ' +
            "the plaintext baseline to compare it with is mesh none",
    },
    providesCni: false,
    smpType: "LINKERD",
    webhookPorts: [8443, 8089, 9443].map((port) => ({ port, why: "Linkerd: admission webhooks (Linkerd cluster-configuration doc)" })),
    pins: () => pinList(LINKERD_PINS),
    prerequisites: ({ name, parent }: MeshPrerequisiteArgs) => ({ ...createLinkerdIdentity(name, parent) }),
    releases: (_ctx, prerequisites) => [
        // Gateway API route CRDs included (installGatewayAPI defaults to true).
        { name: "linkerd-crds", ...chartRelease(LINKERD_PINS.crds), namespace: LINKERD_NAMESPACE, values: {} },
        { name: "linkerd-control-plane", ...chartRelease(LINKERD_PINS.controlPlane), namespace: LINKERD_NAMESPACE, values: controlPlaneValues(prerequisites) },
    ],
    policies: (ctx: MeshContext) => [{
        // all-authenticated applies to every port of a pod, the proxy's admin port too
        // (linkerd/linkerd2#10691), so the evidence could not read /metrics through the API
        // server. This Server gives the servers' admin port back Linkerd's install default,
        // all-unauthenticated; it carries no benchmark traffic. The benchmark ports stay
        // all-authenticated, as the plaintext probe shows.
        apiVersion: "policy.linkerd.io/v1beta3",
        kind: "Server",
        metadata: { name: ADMIN_SERVER_NAME, namespace: ctx.benchNamespace },
        spec: {
            podSelector: { matchLabels: { [SIDE_LABEL]: "server" } },
            port: "linkerd-admin",
            proxyProtocol: "HTTP/1",
            accessPolicy: "all-unauthenticated",
        },
    }],
    enrolment: () => ({
        namespaceLabels: {},
        namespaceAnnotations: LINKERD_NAMESPACE_ANNOTATIONS,
        // netserver's ports are opaque on the server side too, so its proxy skips protocol
        // detection and clients' proxies carry them in Linkerd's opaque transport.
        podAnnotations: (role): Record<string, string> =>
            (role === "netperf-server" ? { "config.linkerd.io/opaque-ports": NETPERF_PORTS } : {}),
        // On the Service: client proxies treat netperf's ports as opaque TCP (no detection,
        // still mTLS) and the HTTP port as HTTP/1 (policy-controller outbound AppProtocol).
        appProtocol: (port) => (port.role === "http" ? "http" : OPAQUE),
    }),
    evidence: linkerdEvidence,
    // The linkerd namespace holds only the control plane (destination, identity, proxy-injector); no linkerd2-cni.
    resourceTargets: () => ({
        sidecar: "linkerd-proxy", nodeAgents: [],
        controlPlane: [{ name: "linkerd control plane", namespace: LINKERD_NAMESPACE }],
    }),
    fairness: () => ({
        dataPlane: `linkerd2-proxy ${LINKERD_BUNDLED_PINS.proxyRelease.version} sidecar (image ${LINKERD_PINS.proxy.name}:${LINKERD_PINS.proxy.version}) in every benchmark pod; traffic redirected by the proxy-init container (iptables, mode ${PROXY_INIT_IPTABLES_MODE} as on the Ubuntu 22.04 nodes; the chart's default is legacy), no linkerd2-cni`,
        injection: "the proxy injector's webhook fails closed (webhookFailurePolicy Fail; the chart's default Ignore would admit a benchmark pod without its proxy when the injector is slow)",
        mtls: "on between meshed pods (Linkerd's default: TLS 1.3, one identity per ServiceAccount, 24 h proxy certificates); enforced by the namespace annotation config.linkerd.io/default-inbound-policy: all-authenticated",
        identity: `trust anchor and issuer made by the program, ECDSA P-256; anchor ${CERT_VALIDITY.trustAnchorHours} h, issuer ${CERT_VALIDITY.issuerHours} h, reissued on the last ${CERT_VALIDITY.issuerEarlyRenewalHours} h`,
        workerThreads: `${PROXY_WORKER_THREADS} per proxy: proxy.runtime.workers.minimum=${PROXY_WORKER_THREADS} (chart default 1)`,
        proxyResources: "CPU request 100m, no CPU limit; memory request 20Mi, no memory limit",
        accessLogs: "off (Linkerd's default; only the config.linkerd.io/access-log annotation turns them on, and it is not set)",
        tracing: "off: no linkerd-jaeger extension, controlPlaneTracing false (chart default)",
        telemetry: `the proxies' built-in Prometheus metrics on port ${LINKERD_ADMIN_PORT} (always on, pull only); nothing scrapes them during the runs (no linkerd-viz); read once after the runs as evidence`,
        protocol: `HTTP port: appProtocol http (HTTP/1; proxies upgrade it to HTTP/2 between them, enableH2Upgrade true by default); netperf ports ${NETPERF_PORTS}: opaque TCP, declared by appProtocol ${OPAQUE} and config.linkerd.io/opaque-ports, never detected`,
        other: "everything else at the chart defaults (proxy.await true, outbound transport header mode, proxy log level warn,linkerd=info,hickory=error)",
    }),
};
