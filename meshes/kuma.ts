// mesh: kuma — Kuma 2.9.0 (chart kuma 2.9.0) as one standalone zone control plane, with
// a kuma-dp sidecar (Envoy 1.30.6) in every benchmark pod. The program owns `Mesh default`:
// the control plane is told not to create it, and the program creates it without Kuma's
// initial policies (circuit breaker, retries, timeouts), which would shape the traffic the
// other meshes do not shape. mTLS on: the Mesh with a builtin CA backend (STRICT) and a
// MeshTrafficPermission allowing all traffic, since with mTLS every connection is denied
// unless a permission allows it. mTLS off: the Mesh without mtls; the sidecars stay in the
// path and carry the traffic in plaintext.
import type { KubeObject } from "../cluster/kube-objects";
import { BENCH_NAMESPACE, HTTP_CONTAINER_PORT, HTTP_SERVICE, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT, NETPERF_SERVICE } from "../shared/names";
import { readListenerTlsEvidence, readStatsPages, type InboundListener } from "./envoy-stats";
import { chartPin, chartRelease, imagePin, pinList, type BundledVersion, type PinTable } from "./pin-table";
import type { HelmReleaseSpec, Mesh, MeshContext } from "./types";

export const KUMA_NAMESPACE = "kuma-system";
/** The chart names its control-plane Service after the chart (templates/_helpers.tpl kuma.controlPlane.serviceName). */
const CONTROL_PLANE_SERVICE = "kuma-control-plane";
/** The control plane's HTTP API, which serves a dataplane's Envoy stats (what `kumactl inspect dataplane --type stats` reads). */
const CONTROL_PLANE_API_PORT = 5681;
const MESH = "default";
const CA_BACKEND = "ca-1";
/** Removes the CPU limit Kuma's injector always sets on the sidecar (1000m by default). */
const NO_CPU_LIMIT_PATCH = "meshbench-sidecar-no-cpu-limit";

/**
 * Chart kuma 2.9.0 and the images it runs. The Kuma images: registry docker.io/kumahq,
 * tag = the chart's appVersion, so the chart version pins them; kumactl runs in the CRD
 * hook job's init container, which is a pre-install hook as well as a pre-upgrade one
 * (templates/pre-upgrade-install-crds-job.yaml).
 *
 * kubectl: the image of the chart's kubectl hook jobs: pre-install (label the namespace), pre-install
 * and pre-upgrade (apply the CRDs, through `install_crds.sh`, a `#!/usr/bin/env sh` script)
 * and pre-delete (remove the validating webhook). The chart's default, docker.io/bitnami/kubectl:1.27.5,
 * is gone: Bitnami moved every versioned tag to docker.io/bitnamilegacy in 2025
 * (bitnami/containers#83267), and a hook that cannot pull its image fails both `pulumi up`
 * and `pulumi destroy`. Kuma's own fix (release-2.9, after 2.9.0) switched to images without
 * a shell only after removing the shell script from the CRD job (kumahq/kuma#14287), so
 * chart 2.9.0 needs kubectl and a shell: the same image, from where Bitnami moved it.
 */
export const KUMA_PINS = {
    chart: chartPin("kuma", "2.9.0", "https://kumahq.github.io/charts"),
    cp: imagePin("kumahq/kuma-cp", "2.9.0", "docker.io"),
    dp: imagePin("kumahq/kuma-dp", "2.9.0", "docker.io"),
    init: imagePin("kumahq/kuma-init", "2.9.0", "docker.io"),
    kumactl: imagePin("kumahq/kumactl", "2.9.0", "docker.io"),
    kubectl: imagePin("docker.io/bitnamilegacy/kubectl", "1.27.5", "docker.io"),
} as const satisfies PinTable;

/** The Envoy inside the kuma-dp image, which the fairness text names; the image's pin pins it. */
export const KUMA_BUNDLED_PINS = {
    envoy: { version: "1.30.6", in: "dp" },
} as const satisfies Record<string, BundledVersion<keyof typeof KUMA_PINS>>;

/** The kubectl hook image as the chart's values take it: registry, repository and tag. */
export const KUMA_KUBECTL_IMAGE = {
    registry: KUMA_PINS.kubectl.source,
    repository: KUMA_PINS.kubectl.name.slice(`${KUMA_PINS.kubectl.source}/`.length),
    tag: KUMA_PINS.kubectl.version,
} as const;

export function buildKumaValues(): Record<string, unknown> {
    return {
        controlPlane: {
            // Zone mode with no global control plane to join: a standalone control plane.
            mode: "zone",
            replicas: 1,
            // The program creates Mesh default itself, without Kuma's initial policies.
            defaults: { skipMeshCreation: true },
            envVars: {
                // The benchmark clusters are IPv4; kuma-init then sets up iptables only, never
                // ip6tables, which fails on nodes without IPv6 (EKS, facts §7.5).
                KUMA_RUNTIME_KUBERNETES_INJECTOR_SIDECAR_CONTAINER_IP_FAMILY_MODE: "ipv4",
            },
        },
        // Traffic is redirected by the kuma-init container (NET_ADMIN), as Istio's and Consul's
        // defaults do, not by Kuma's CNI plugin; the chart's CNI paths (cni.netDir
        // /etc/cni/multus/net.d, cni.binDir /var/lib/cni/bin) are Multus-style and would need
        // /etc/cni/net.d and /opt/cni/bin on kubeadm if the plugin were turned on.
        cni: { enabled: false },
        kubectl: { image: { ...KUMA_KUBECTL_IMAGE } },
    };
}

export function buildMesh(ctx: MeshContext): KubeObject {
    return {
        apiVersion: "kuma.io/v1alpha1",
        kind: "Mesh",
        metadata: { name: MESH },
        spec: {
            // No MeshCircuitBreaker, MeshRetry or MeshTimeout defaults: Envoy's own apply.
            skipCreatingInitialPolicies: ["*"],
            ...(ctx.mtls ? { mtls: { enabledBackend: CA_BACKEND, backends: [{ name: CA_BACKEND, type: "builtin", mode: "STRICT" }] } } : {}),
        },
    };
}

/** The Mesh first: Kuma's webhook refuses a mesh-scoped policy whose Mesh does not exist yet. */
export function buildKumaPolicies(ctx: MeshContext): KubeObject[] {
    const allowAll: KubeObject = {
        apiVersion: "kuma.io/v1alpha1",
        kind: "MeshTrafficPermission",
        metadata: { name: "allow-all", namespace: KUMA_NAMESPACE, labels: { "kuma.io/mesh": MESH } },
        spec: { targetRef: { kind: "Mesh" }, from: [{ targetRef: { kind: "Mesh" }, default: { action: "Allow" } }] },
    };
    const noCpuLimit: KubeObject = {
        apiVersion: "kuma.io/v1alpha1",
        kind: "ContainerPatch",
        metadata: { name: NO_CPU_LIMIT_PATCH, namespace: KUMA_NAMESPACE },
        spec: { sidecarPatch: [{ op: "remove", path: "/resources/limits/cpu" }] },
    };
    return [buildMesh(ctx), ...(ctx.mtls ? [allowAll] : []), noCpuLimit];
}

/** The servers' inbound listeners: Kuma binds one per Service port, on the pod's address and container port. */
export const KUMA_LISTENERS: readonly InboundListener[] = [
    { app: HTTP_SERVICE, port: HTTP_CONTAINER_PORT, carries: "inbound: HTTP" },
    { app: NETPERF_SERVICE, port: NETPERF_CONTROL_PORT.port, carries: "inbound: netperf control" },
    { app: NETPERF_SERVICE, port: NETPERF_DATA_PORT.port, carries: "inbound: netperf data" },
];

export const kuma: Mesh = {
    name: "kuma",
    description: `Kuma ${KUMA_PINS.cp.version} (chart ${KUMA_PINS.chart.name} ${KUMA_PINS.chart.version}), standalone zone control plane, kuma-dp (Envoy) sidecars.`,
    mtlsOn: { supported: true },
    mtlsOff: { supported: true },
    providesCni: false,
    smpType: "KUMA",
    webhookPorts: [{ port: 5443, why: "Kuma: control plane admission server (controlPlane.admissionServerPort)" }],
    pins: () => pinList(KUMA_PINS),
    releases: (): HelmReleaseSpec[] => [{ name: "kuma", ...chartRelease(KUMA_PINS.chart), namespace: KUMA_NAMESPACE, values: buildKumaValues() }],
    policies: buildKumaPolicies,
    enrolment: () => ({
        namespaceLabels: { "kuma.io/sidecar-injection": "enabled" },
        namespaceAnnotations: {},
        podAnnotations: () => ({
            // House profile: two Envoy workers. Without it Kuma derives them from the CPU limit.
            "kuma.io/sidecar-proxy-concurrency": "2",
            "kuma.io/container-patches": NO_CPU_LIMIT_PATCH,
        }),
        // http → the HTTP port at L7; tcp → both netperf ports as opaque TCP (kuma.io/protocol).
        appProtocol: (port) => port.defaultAppProtocol,
    }),
    evidence: {
        source: "Envoy /stats of both server sidecars (inbound listeners), read through the control plane's API via the API server's service proxy",
        read: async (kube, ctx) => readListenerTlsEvidence(
            await readStatsPages(kube, [HTTP_SERVICE, NETPERF_SERVICE], BENCH_NAMESPACE, (pod) =>
                `/api/v1/namespaces/${KUMA_NAMESPACE}/services/${CONTROL_PLANE_SERVICE}:${CONTROL_PLANE_API_PORT}` +
                `/proxy/meshes/${MESH}/dataplanes/${pod}.${BENCH_NAMESPACE}/stats`),
            KUMA_LISTENERS, ctx.mtls),
    },
    // kuma-system holds only the control plane (cni.enabled false: no kuma-cni DaemonSet).
    resourceTargets: () => ({
        sidecar: "kuma-sidecar", nodeAgents: [],
        controlPlane: [{ name: "kuma-control-plane", namespace: KUMA_NAMESPACE }],
    }),
    fairness: (ctx) => ({
        dataPlane: `kuma-dp ${KUMA_PINS.dp.version} sidecar (Envoy ${KUMA_BUNDLED_PINS.envoy.version}) in every benchmark pod; traffic redirected by the kuma-init ` +
            "container's iptables rules, IPv4 only (NET_ADMIN; cni.enabled false)",
        mtls: ctx.mtls
            ? `Mesh default with a builtin CA backend, mode STRICT; MeshTrafficPermission allow-all from every source`
            : "Mesh default without mtls: sidecars in the path, plaintext between them",
        defaultPolicies: "none: the program owns Mesh default (controlPlane.defaults.skipMeshCreation) and creates it with " +
            "skipCreatingInitialPolicies [\"*\"], so no default MeshCircuitBreaker, MeshRetry or MeshTimeout; Envoy's own defaults apply",
        protocol: `appProtocol http on the HTTP port (L7), tcp on netperf ports ${NETPERF_CONTROL_PORT.port} and ${NETPERF_DATA_PORT.port} ` +
            "(L4), declared on every Service port; both netperf ports are in the mesh",
        proxyConcurrency: "2 Envoy worker threads (pod annotation kuma.io/sidecar-proxy-concurrency)",
        proxyResources: `requests 50m CPU and 64Mi (Kuma's defaults); no CPU limit (ContainerPatch ${NO_CPU_LIMIT_PATCH} removes ` +
            "the injector's 1000m); memory limit 512Mi (Kuma's default)",
        accessLogs: "off (no MeshAccessLog policy; Kuma logs nothing by default)",
        tracing: "off (no MeshTrace policy)",
        telemetry: "no metrics backend on the Mesh; Envoy's /stats read once after the runs through the control plane",
    }),
};
