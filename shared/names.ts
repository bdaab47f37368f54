// Names every folder shares: the benchmark's namespaces, apps, labels and ports, and who
// loads whom. A bottom module: it imports nothing of ours, so any folder may import it
// and no import arrow can point back up from here.

/** Namespace of the benchmark servers and clients. */
export const BENCH_NAMESPACE = "meshbench";
/** Namespace of the plaintext probe, outside every mesh. */
export const PROBE_NAMESPACE = "meshbench-probe";
export const PROBE_APP = "plaintext-probe";

/** The label every benchmark pod carries its app name in. */
export const APP_LABEL = "app.kubernetes.io/name";
/** The node label (and taint key) of a node's role on the clusters meshbench makes: system, server or client. */
export const ROLE_KEY = "meshbench.io/role";
/** Servers and clients must never share a node; this label tells them apart. */
export const SIDE_LABEL = "meshbench.io/side";

export const HTTP_SERVICE = "http-server";
export const NETPERF_SERVICE = "netperf-server";
export const WRK_CLIENT = "wrk-client";
export const NETPERF_CLIENT = "netperf-client";
/** The idle fortio container meshbench puts beside wrk in the wrk client pod (loadtest/clients.ts). */
export const FORTIO_CONTAINER = "fortio";
/** Containers meshbench itself adds to an app's pod beside the app's own, by app; never a proxy. */
export const BENCH_SIDE_CONTAINERS: Readonly<Record<string, readonly string[]>> = { [WRK_CLIENT]: [FORTIO_CONTAINER] };

/** A port the clients use, as declared on its Service. */
export interface BenchPort {
    /** Service port name; Istio reads the protocol from its prefix. */
    readonly name: string;
    readonly port: number;
    readonly role: "http" | "netperf-control" | "netperf-data";
    /** appProtocol when the mesh has no opinion. */
    readonly defaultAppProtocol: string;
}

export const HTTP_PORT: BenchPort = { name: "http", port: 80, role: "http", defaultAppProtocol: "http" };
/** The port nginx listens on inside its pod. */
export const HTTP_CONTAINER_PORT = 8080;

// netperf opens a control connection to netserver and a second, data connection whose
// port is negotiated unless pinned. Pinning it (netperf `-- -P ,12866`) lets the Service
// declare it, so every mesh routes and classifies it like any other declared port.
export const NETPERF_CONTROL_PORT: BenchPort = {
    name: "tcp-netperf-control", port: 12865, role: "netperf-control", defaultAppProtocol: "tcp",
};
export const NETPERF_DATA_PORT: BenchPort = {
    name: "tcp-netperf-data", port: 12866, role: "netperf-data", defaultAppProtocol: "tcp",
};

/**
 * Who loads whom: each server, its client, and the ports the client reaches on the
 * server's pod (container ports, after the Service). Meshes that reason per client and
 * server (Linkerd's evidence, Cilium's policies) read it from here.
 */
export const CLIENT_SERVER_PAIRS = [
    { app: HTTP_SERVICE, client: WRK_CLIENT, ports: [HTTP_CONTAINER_PORT] },
    { app: NETPERF_SERVICE, client: NETPERF_CLIENT, ports: [NETPERF_CONTROL_PORT.port, NETPERF_DATA_PORT.port] },
] as const;
export type ClientServerPair = (typeof CLIENT_SERVER_PAIRS)[number];

/** In-cluster DNS name of a benchmark Service. */
export const serviceHost = (service: string): string => `${service}.${BENCH_NAMESPACE}.svc.cluster.local`;
