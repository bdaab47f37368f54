// mesh: cilium — Cilium 1.17.17 (chart cilium 1.17.17) as the cluster's CNI and its
// sidecar-less "service mesh": every pod is a Cilium endpoint with an identity, the data
// path is eBPF in the kernel, and no proxy sits in the benchmark's path.
//
// mTLS on takes two features, because neither alone is what the other meshes do:
// - mutual authentication with the bundled SPIRE: before a flow that a policy marks
//   `authentication.mode: required` may pass, the two nodes' agents do a TLS handshake
//   with the workloads' SPIFFE identities, out of band, and cache the result in a BPF
//   auth map; it authenticates workloads but does not encrypt a byte of their traffic;
// - WireGuard transparent encryption between the nodes (UDP 51871): it encrypts the pod
//   traffic but authenticates only the nodes.
// Together: the clients' workload identities are proven and the bytes are encrypted.
// The CiliumNetworkPolicies admit only the benchmark clients, on the benchmark ports,
// with authentication required; everything else is dropped at the servers.
//
// mTLS off: Cilium is still the CNI (same datapath, same VXLAN tunnel), with no policy
// and no encryption. That is not mesh none, which runs on Flannel; fairness() says which.
//
// Choices that change the numbers (stated again in fairness()):
// - kube-proxy is kept (kubeProxyReplacement false): Services go through the same
//   kube-proxy iptables rules as in every other stack, so the comparison is the mesh,
//   not the Service load balancer. Cilium's mutual auth and WireGuard do not need KPR.
// - VXLAN tunnel, as Flannel's backend, and IPAM from the nodes' podCIDRs that kubeadm
//   hands out from the stack's podCidr, as Flannel uses them.
// - No L7 rule: Envoy (the cilium-envoy DaemonSet, a chart default) is never in the
//   path, so the HTTP port is handled at L4 like the netperf ports.
import { CLIENT_SERVER_PAIRS } from "../shared/names";
import { roleLabels } from "../cluster/node-roles";
import { FLANNEL_CHART } from "../cluster/versions";
import { APP_LABEL } from "../shared/names";
import { ciliumEvidence } from "./cilium-evidence";
import { ciliumRunnerSteps, SPIRE_NAMESPACE } from "./cilium-steps";
import { chartPin, chartRelease, imagePin, pinList, type PinTable } from "./pin-table";
import type { HelmReleaseSpec, KubeObject, Mesh, MeshContext } from "./types";

/**
 * Chart cilium 1.17.17 and the images it runs. The agent and the operator carry the
 * release's own tag (the operator's name gets the chart's "-generic"); the chart pins the
 * others by tag and digest (install/kubernetes/cilium/values.yaml @ v1.17.17), listed so
 * that the results name them: cilium-envoy, since l7Proxy is on and envoy.enabled unset
 * means on from 1.16; with mTLS on, SPIRE's agent and server and the busybox init
 * container of SPIRE's pods (CILIUM_MTLS_ONLY_PINS).
 */
export const CILIUM_PINS = {
    chart: chartPin("cilium", "1.17.17", "https://helm.cilium.io"),
    agent: imagePin("quay.io/cilium/cilium", "v1.17.17", "quay.io"),
    operator: imagePin("quay.io/cilium/operator-generic", "v1.17.17", "quay.io"),
    envoy: imagePin("quay.io/cilium/cilium-envoy",
        "v1.36.8-1781157951-a7f42a3390781539911b5b9107881b35ecc4e752@sha256:326f872e19ce8aa45170efbf583b3f301586ba3feead14b864676d4baf3b45ed", "quay.io"),
    spireAgent: imagePin("ghcr.io/spiffe/spire-agent", "1.9.6@sha256:5106ac601272a88684db14daf7f54b9a45f31f77bb16a906bd5e87756ee7b97c", "ghcr.io"),
    spireServer: imagePin("ghcr.io/spiffe/spire-server", "1.9.6@sha256:59a0b92b39773515e25e68a46c40d3b931b9c1860bc445a79ceb45a805cab8b4", "ghcr.io"),
    busybox: imagePin("docker.io/library/busybox", "1.37.0@sha256:9532d8c39891ca2ecde4d30d7710e01fb739c87a8b9299685c63704296b16028", "docker.io"),
} as const satisfies PinTable;

/** The pins of SPIRE's pods, which only mTLS on runs. */
const CILIUM_MTLS_ONLY_PINS: ReadonlySet<keyof typeof CILIUM_PINS> = new Set(["spireAgent", "spireServer", "busybox"] as const);

/** The release: the chart's version, and (with a v) the agent's and operator's tag. */
export const CILIUM_VERSION = CILIUM_PINS.chart.version;
export const CILIUM_NAMESPACE = "kube-system";

/**
 * The operator's pods repel each other (required anti-affinity per node), and they are
 * kept on the system role's nodes, away from the measured ones; the clusters meshbench
 * makes have one system node, so one replica (the chart's 2 would leave one Pending).
 */
export const OPERATOR_REPLICAS = 1;

/**
 * What Cilium needs between the nodes, for the security-group check (the vms node group
 * already admits all traffic among its members): WireGuard, mutual-auth handshakes,
 * health checks, and the VXLAN tunnel (routing is not native).
 */
export const CILIUM_NODE_PORTS = [
    { protocol: "udp", port: 51871, purpose: "WireGuard" },
    { protocol: "tcp", port: 4250, purpose: "mutual authentication handshake" },
    { protocol: "tcp", port: 4240, purpose: "cilium-health" },
    { protocol: "udp", port: 8472, purpose: "VXLAN tunnel" },
] as const;

/** The chart's values: the same datapath with mTLS on and off; SPIRE and WireGuard only with it on. */
export function buildCiliumValues(ctx: MeshContext): Record<string, unknown> {
    return {
        // Each node's pod range is the /24 of the stack's podCidr that kubeadm's controller
        // manager allocated to it (node.spec.podCIDR), as with Flannel; Cilium's own cluster
        // pool (10.0.0.0/8 by default) could overlap the VPC.
        ipam: { mode: "kubernetes" },
        // kube-proxy stays: see the header.
        kubeProxyReplacement: false,
        // The chart's defaults, stated: an overlay like Flannel's.
        routingMode: "tunnel",
        tunnelProtocol: "vxlan",
        // The chart's default tolerations let the operator go anywhere; the nodeSelector
        // keeps it with the other control planes.
        operator: { replicas: OPERATOR_REPLICAS, nodeSelector: roleLabels("system") },
        ...(ctx.mtls ? mtlsValues(ctx) : {}),
    };
}

function mtlsValues(ctx: MeshContext): Record<string, unknown> {
    return {
        authentication: {
            mutual: {
                spire: {
                    enabled: true,
                    install: {
                        enabled: true,
                        // The SPIRE agent serves the Cilium agent on its own node, so it must run
                        // wherever that does; the chart's default tolerations do not include the
                        // meshbench.io/role taint of the server and client nodes.
                        agent: { tolerations: [{ operator: "Exists" }] },
                        // The SPIRE server's data (1Gi) on the cluster's StorageClass.
                        ...(ctx.storageClassName ? { server: { dataStorage: { storageClass: ctx.storageClassName } } } : {}),
                    },
                },
            },
        },
        encryption: { enabled: true, type: "wireguard" },
    };
}

/**
 * mTLS on: one policy per server, admitting only its client, on the ports the client
 * uses, with SPIRE authentication required. A policy that selects a pod puts its ingress
 * in default deny, so anything else (the plaintext probe included) is dropped; the
 * kubelet's readiness probes come from the node itself, which Cilium admits to its local
 * pods whatever the policy (its allow-localhost default).
 */
export function buildCiliumPolicies(ctx: MeshContext): KubeObject[] {
    if (!ctx.mtls) return [];
    return CLIENT_SERVER_PAIRS.map(({ app, client, ports }) => ({
        apiVersion: "cilium.io/v2",
        kind: "CiliumNetworkPolicy",
        metadata: { name: `meshbench-${app}-mutual-auth`, namespace: ctx.benchNamespace },
        spec: {
            description: `Only ${client} may reach ${app}, on its benchmark ports, and only once SPIRE has authenticated both`,
            endpointSelector: { matchLabels: { [APP_LABEL]: app } },
            ingress: [{
                // Without a namespace label, the policy's own namespace: the benchmark's.
                fromEndpoints: [{ matchLabels: { [APP_LABEL]: client } }],
                toPorts: [{ ports: ports.map((port) => ({ port: String(port), protocol: "TCP" })) }],
                authentication: { mode: "required" },
            }],
        },
    }));
}

const OFF = "no CiliumNetworkPolicy and no encryption: pod traffic crosses the VXLAN tunnel in plaintext, unauthenticated";

export const cilium: Mesh = {
    name: "cilium",
    description: `Cilium ${CILIUM_VERSION} as the CNI: eBPF datapath without proxies; mTLS = SPIRE mutual authentication plus WireGuard.`,
    mtlsOn: { supported: true },
    mtlsOff: { supported: true },
    providesCni: true,
    // WireGuard's kernel module, for the transparent encryption of the mTLS-on profile.
    nodeKernelModules: ["wireguard"],
    smpType: "CILIUM_SERVICE_MESH",
    pins: (ctx) => pinList(Object.fromEntries(Object.entries(CILIUM_PINS)
        .filter(([role]) => ctx.mtls || !CILIUM_MTLS_ONLY_PINS.has(role as keyof typeof CILIUM_PINS)))),
    releases: (ctx): HelmReleaseSpec[] => [{
        name: "cilium", ...chartRelease(CILIUM_PINS.chart), namespace: CILIUM_NAMESPACE, values: buildCiliumValues(ctx),
        // The agents must come up on every node, and with mTLS on SPIRE's server must get
        // its volume, which the storage provisioner can only make once the CNI runs.
        timeoutSeconds: 900,
    }],
    policies: buildCiliumPolicies,
    enrolment: () => ({
        // Nothing to inject: every pod is a Cilium endpoint, and policies select by label.
        namespaceLabels: {},
        namespaceAnnotations: {},
        podAnnotations: () => ({}),
        // Cilium reads no appProtocol; with no L7 rule every port is plain TCP to it.
        appProtocol: (port) => port.defaultAppProtocol,
    }),
    evidence: ciliumEvidence,
    runnerSteps: ciliumRunnerSteps,
    // Pod labels of the chart: agent k8s-app=cilium, envoy k8s-app=cilium-envoy, operator io.cilium/app=operator,
    // SPIRE (mTLS on only) app=spire-agent and app=spire-server (templates/spire/agent/daemonset.yaml, server/statefulset.yaml).
    resourceTargets: (ctx) => ({
        nodeAgents: [
            { name: "cilium-agent", namespace: CILIUM_NAMESPACE, labelSelector: "k8s-app=cilium" },
            { name: "cilium-envoy", namespace: CILIUM_NAMESPACE, labelSelector: "k8s-app=cilium-envoy" },
            ...(ctx.mtls ? [{ name: "spire-agent", namespace: SPIRE_NAMESPACE, labelSelector: "app=spire-agent" }] : []),
        ],
        controlPlane: [
            { name: "cilium-operator", namespace: CILIUM_NAMESPACE, labelSelector: "io.cilium/app=operator" },
            ...(ctx.mtls ? [{ name: "spire-server", namespace: SPIRE_NAMESPACE, labelSelector: "app=spire-server" }] : []),
        ],
    }),
    fairness: (ctx) => ({
        dataPlane: `Cilium ${CILIUM_VERSION} eBPF datapath in the kernel; no sidecar and no node proxy in the path (no L7 rule, ` +
            "so the cilium-envoy DaemonSet the chart runs by default carries none of the benchmark's traffic)",
        cni: `Cilium ${CILIUM_VERSION} is the cluster's CNI (the cluster installs none): VXLAN tunnel, IPAM from the nodes' ` +
            `podCIDRs. Every other mesh, and mesh none, runs on Flannel ${FLANNEL_CHART.version} (VXLAN) instead`,
        kubeProxy: "kept (kubeadm's kube-proxy, iptables mode); kubeProxyReplacement false, so Services are load-balanced " +
            "by the same iptables rules as in every other stack",
        mtls: ctx.mtls
            ? "SPIRE mutual authentication (bundled SPIRE, trust domain spiffe.cilium; out-of-band TLS handshake between " +
                "the nodes' agents on TCP 4250, result cached in the BPF auth map) required by a CiliumNetworkPolicy on every " +
                "benchmark port, plus WireGuard encryption of pod traffic between nodes (UDP 51871, node-to-node encryption off). " +
                "The first packet of a client/server pair is dropped while the agents authenticate it (TCP resends it); the " +
                "warm-up run (warmupSeconds, 10 s by default) absorbs that, and the pair stays authenticated for the life of its SPIRE certificates"
            : OFF,
        mtlsOffVersusNone: ctx.mtls
            ? "not applicable (mTLS on)"
            : `mesh cilium with mTLS off measures Cilium's datapath as the CNI (${OFF}); mesh none measures Flannel's`,
        protocol: "L4 on every port: no L7 policy, so the HTTP port is not parsed (unlike the sidecar meshes, which handle it " +
            "as HTTP); Cilium ignores appProtocol",
        proxyConcurrency: "not applicable: no proxy in the path; WireGuard encrypts in the kernel on every CPU",
        proxyResources: "cilium-agent: no requests or limits (chart default resources {}); its eBPF programs run in the " +
            "kernel on the pods' CPUs, not in a container",
        operator: `${OPERATOR_REPLICAS} cilium-operator replica on the system node`,
        accessLogs: "off: no L7 policy, so no proxy access logs (Cilium's default)",
        tracing: "off (Cilium has none without an L7 proxy)",
        telemetry: "Hubble's in-agent flow observer on (chart default hubble.enabled true), no Hubble Relay, no " +
            "Prometheus metrics (chart defaults); cilium-dbg read once after the runs as evidence",
    }),
};
