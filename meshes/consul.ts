// mesh: consul — Consul 1.21.0's service mesh, from HashiCorp's chart `consul` 1.7.0:
// one Consul server, the connect injector, and a consul-dataplane sidecar (Envoy 1.33.2)
// in every benchmark pod, with transparent proxy. Traffic between two sidecars is always
// mutual TLS: Consul has no switch to turn it off, so `mtls: false` is refused at preview.
//
// netperf through Consul. Under transparent proxy Consul registers one port per pod and
// redirects every other inbound port to the sidecar's public listener, which speaks only
// mTLS. netperf uses two ports: the control connection (12865) that sets up each test and
// carries its results, and the data connection (12866, pinned) that carries the measured
// transactions. Of the two routes upstream allows, this file takes the one that leaves
// netperf as it is, so the baseline stays comparable: the data port is the port Consul
// registers for the netperf server, so the measured transactions cross both sidecars
// with mTLS, and the control port is excluded from redirection on both ends (server
// inbound, client outbound). The other route, netperf -N, drops the control connection
// and needs an echo server instead of netserver: a different tool on the server side.
import type { Service } from "kubernetes-types/core/v1";
import type { KubeObject } from "../cluster/kube-objects";
import { NETPERF_CLIENT, WRK_CLIENT } from "../shared/names";
import { APP_LABEL } from "../shared/names";
import {
    BENCH_NAMESPACE, HTTP_CONTAINER_PORT, HTTP_SERVICE, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT, NETPERF_SERVICE,
} from "../shared/names";
import { readListenerTlsEvidence, readStatsPages, type InboundListener } from "./envoy-stats";
import { chartPin, chartRelease, imagePin, pinList, type BundledVersion, type PinTable } from "./pin-table";
import type { HelmReleaseSpec, Mesh, MeshContext, WorkloadRole } from "./types";

export const CONSUL_NAMESPACE = "consul";

/** Chart consul 1.7.0 and the images it runs by default (its values.yaml): the chart version pins them. */
export const CONSUL_PINS = {
    chart: chartPin("consul", "1.7.0", "https://helm.releases.hashicorp.com"),
    consul: imagePin("hashicorp/consul", "1.21.0", "docker.io"),
    controlPlane: imagePin("hashicorp/consul-k8s-control-plane", "1.7.0", "docker.io"),
    dataplane: imagePin("hashicorp/consul-dataplane", "1.7.0", "docker.io"),
} as const satisfies PinTable;

/** The Envoy inside the consul-dataplane image, which the fairness text names; the image's pin pins it. */
export const CONSUL_BUNDLED_PINS = {
    envoy: { version: "1.33.2", in: "dataplane" },
} as const satisfies Record<string, BundledVersion<keyof typeof CONSUL_PINS>>;

/** The sidecar's public listener, where every mesh connection into a pod arrives (consul-k8s constants.ProxyDefaultInboundPort). */
export const PUBLIC_LISTENER_PORT = 20000;
/**
 * Where the server sidecars expose Envoy's read-only `/stats` for the evidence. The
 * consul-dataplane image has no shell and its Envoy admin listens on 127.0.0.1:19000
 * only; the proxy setting envoy_stats_bind_addr adds a listener that serves `/stats`
 * and nothing else of the admin API, which the API server's pod proxy can reach.
 */
export const STATS_PORT = 9102;

const ANNOTATION = {
    inject: "consul.hashicorp.com/connect-inject",
    servicePort: "consul.hashicorp.com/connect-service-port",
    proxyConfig: "consul.hashicorp.com/proxy-config-map",
    excludeInbound: "consul.hashicorp.com/transparent-proxy-exclude-inbound-ports",
    excludeOutbound: "consul.hashicorp.com/transparent-proxy-exclude-outbound-ports",
} as const;

export function buildConsulValues(ctx: MeshContext): Record<string, unknown> {
    return {
        // Stable names (consul-server, consul-connect-injector) instead of release-derived ones.
        global: { name: "consul" },
        server: {
            replicas: 1,
            // Its PVC goes on the cluster's StorageClass; unset = the cluster default.
            ...(ctx.storageClassName ? { storageClass: ctx.storageClassName } : {}),
        },
        connectInject: {
            enabled: true,
            // Pods join by their own annotation, so the plaintext probe and anything else stays out.
            default: false,
            transparentProxy: { defaultEnabled: true },
            sidecarProxy: {
                // House profile: two Envoy worker threads, as Istio's sidecar default.
                concurrency: 2,
                // The chart sets no request and no limit. A sidecar without a CPU request runs at
                // the lowest CPU weight beside a 1-CPU nginx, so it gets a modest request (Istio's
                // default); no limit, which would measure the limit rather than the proxy.
                resources: { requests: { cpu: "100m", memory: "128Mi" } },
            },
        },
        // dns.enableRedirection defaults to transparent proxy's setting, and with it the injector
        // runs with -enable-consul-dns=true (templates/connect-inject-deployment.yaml @ v1.7.0): every
        // injected pod gets dnsPolicy None and consul-dataplane's resolver at 127.0.0.1 before the
        // cluster's (control-plane/connect-inject/webhook/dns.go). No other mesh touches the pods'
        // resolver, so it stays off: lookups go to the cluster DNS as in the baseline.
        dns: { enableRedirection: false },
    };
}

/** Each pod joins by annotation; the netperf pods route the control port around the sidecars. */
export function consulPodAnnotations(role: WorkloadRole): Record<string, string> {
    const inject = { [ANNOTATION.inject]: "true" };
    // The server sidecars serve /stats on STATS_PORT, excluded from redirection so that the
    // API server reaches it rather than the mTLS-only public listener.
    const stats = { [ANNOTATION.proxyConfig]: JSON.stringify({ envoy_stats_bind_addr: `0.0.0.0:${STATS_PORT}` }) };
    switch (role) {
        case "http-server":
            return { ...inject, ...stats, [ANNOTATION.servicePort]: String(HTTP_CONTAINER_PORT), [ANNOTATION.excludeInbound]: String(STATS_PORT) };
        case "netperf-server":
            return {
                ...inject, ...stats,
                // The data port is the one Consul registers and proxies; the control port bypasses the sidecar.
                [ANNOTATION.servicePort]: String(NETPERF_DATA_PORT.port),
                [ANNOTATION.excludeInbound]: `${NETPERF_CONTROL_PORT.port},${STATS_PORT}`,
            };
        case "netperf-client":
            return { ...inject, [ANNOTATION.excludeOutbound]: String(NETPERF_CONTROL_PORT.port) };
        case "wrk-client":
            return inject;
    }
}

/** Consul registers only pods that a Service selects; the clients get one each, which nothing dials. */
function clientService(app: string): Service {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
            name: app,
            namespace: BENCH_NAMESPACE,
            labels: { "app.kubernetes.io/part-of": "meshbench" },
            // Created before its pods exist (with the mesh's policies): Pulumi must not wait for endpoints.
            annotations: { "pulumi.com/skipAwait": "true" },
        },
        spec: { selector: { [APP_LABEL]: app }, ports: [{ name: "tcp-unused", port: 80, targetPort: 80, protocol: "TCP", appProtocol: "tcp" }] },
    };
}

const serviceDefaults = (service: string, protocol: "http" | "tcp"): KubeObject => ({
    apiVersion: "consul.hashicorp.com/v1alpha1",
    kind: "ServiceDefaults",
    metadata: { name: service, namespace: BENCH_NAMESPACE },
    spec: { protocol },
});

export function buildConsulPolicies(): KubeObject[] {
    return [
        // Protocols declared, not left to Consul's default (tcp): the HTTP server at L7, as in
        // every other mesh; netserver's data port as opaque TCP.
        serviceDefaults(HTTP_SERVICE, "http"),
        serviceDefaults(NETPERF_SERVICE, "tcp"),
        clientService(WRK_CLIENT) as KubeObject,
        clientService(NETPERF_CLIENT) as KubeObject,
    ];
}

/** Both servers' public listeners: the HTTP requests, and netperf's data connection (the only port proxied there). */
export const CONSUL_LISTENERS: readonly InboundListener[] = [
    { app: HTTP_SERVICE, port: PUBLIC_LISTENER_PORT, carries: "public listener: HTTP" },
    { app: NETPERF_SERVICE, port: PUBLIC_LISTENER_PORT, carries: `public listener: netperf data port ${NETPERF_DATA_PORT.port}` },
];

export const CONSUL_MTLS_OFF_REASON =
    "Consul always secures traffic between its sidecars with mutual TLS and has no switch to turn it off " +
    "(its permissive mode only admits clients outside the mesh); measure plaintext with the baseline, mesh: none";

export const consul: Mesh = {
    name: "consul",
    description: `Consul ${CONSUL_PINS.consul.version} service mesh (chart ${CONSUL_PINS.chart.name} ${CONSUL_PINS.chart.version}): ` +
        "consul-dataplane (Envoy) sidecars with transparent proxy.",
    mtlsOn: { supported: true },
    mtlsOff: { supported: false, reason: CONSUL_MTLS_OFF_REASON },
    providesCni: false,
    smpType: "CONSUL",
    webhookPorts: [{ port: 8080, why: "Consul: connect-injector webhook (connect-inject-service targetPort)" }],
    pins: () => pinList(CONSUL_PINS),
    releases: (ctx): HelmReleaseSpec[] => [{
        name: "consul",
        ...chartRelease(CONSUL_PINS.chart),
        namespace: CONSUL_NAMESPACE,
        values: buildConsulValues(ctx),
    }],
    policies: () => buildConsulPolicies(),
    enrolment: () => ({
        namespaceLabels: {},
        namespaceAnnotations: {},
        podAnnotations: consulPodAnnotations,
        appProtocol: (port) => port.defaultAppProtocol,
    }),
    evidence: {
        source: `Envoy /stats of both server sidecars (listener :${PUBLIC_LISTENER_PORT}), read through the API server's pod proxy on :${STATS_PORT}`,
        read: async (kube, ctx) => readListenerTlsEvidence(
            await readStatsPages(kube, [HTTP_SERVICE, NETPERF_SERVICE], BENCH_NAMESPACE,
                (pod) => `/api/v1/namespaces/${BENCH_NAMESPACE}/pods/${pod}:${STATS_PORT}/proxy/stats`),
            CONSUL_LISTENERS, ctx.mtls),
        exemptions: () => [
            `netperf control port ${NETPERF_CONTROL_PORT.port}: outside the sidecars on both ends (Consul proxies one port per pod ` +
            `under transparent proxy, and the measured data port ${NETPERF_DATA_PORT.port} is that port). It carries netperf's ` +
            "test setup and results in plaintext, never the measured transactions, and is idle while they run. The plaintext " +
            "probe's control connection is therefore served; its netperf refusal comes from the data port.",
        ],
    },
    // The consul namespace holds the server and connect-injector; no client agents or CNI (connectInject.cni off).
    resourceTargets: () => ({
        sidecar: "consul-dataplane", nodeAgents: [],
        controlPlane: [{ name: "consul control plane", namespace: CONSUL_NAMESPACE }],
    }),
    fairness: () => ({
        dataPlane: `consul-dataplane ${CONSUL_PINS.dataplane.version} sidecar (Envoy ${CONSUL_BUNDLED_PINS.envoy.version}) in every benchmark pod; transparent proxy set up by the ` +
            "connect-inject init container's iptables rules (NET_ADMIN), no CNI plugin (chart default)",
        mtls: "always on between sidecars, Consul's built-in CA (chart defaults); no intentions created: ACLs are off " +
            "(chart default), so Consul's default intention allows all",
        protocol: `ServiceDefaults: protocol http for ${HTTP_SERVICE} (L7, like the other meshes), tcp for ${NETPERF_SERVICE}; ` +
            `Consul registers one port per pod: ${HTTP_CONTAINER_PORT} (nginx) and ${NETPERF_DATA_PORT.port} (netperf data)`,
        netperf: `data port ${NETPERF_DATA_PORT.port} through both sidecars with mTLS; control port ${NETPERF_CONTROL_PORT.port} ` +
            "excluded from redirection on the server (inbound) and the client (outbound), plaintext, idle during measurement",
        proxyConcurrency: "2 Envoy worker threads (chart connectInject.sidecarProxy.concurrency)",
        proxyResources: "requests 100m CPU and 128Mi (set; the chart sets none); no CPU limit, no memory limit",
        accessLogs: "off (Consul's default: no access logs unless a ProxyDefaults enables them)",
        tracing: "off (no tracing configured)",
        telemetry: `no metrics (chart default); the two server sidecars serve Envoy's /stats on :${STATS_PORT} ` +
            "(envoy_stats_bind_addr), read once after the runs",
        dns: "the cluster's DNS, as every other mesh: dns.enableRedirection false, so the injector leaves each pod's " +
            "dnsPolicy and resolver alone (the chart's default follows transparent proxy and puts Consul DNS first)",
        clientServices: `${WRK_CLIENT} and ${NETPERF_CLIENT} each get a Service, because Consul registers only pods a Service selects; nothing dials them`,
    }),
};
