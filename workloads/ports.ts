// Every port a client uses, in one place: the servers listen on them, the Services
// declare them with a protocol, the clients dial them and the meshes classify them.
import type { BenchPort } from "../meshes/types";

export const BENCH_NAMESPACE = "meshbench";

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

export const HTTP_SERVICE = "http-server";
export const NETPERF_SERVICE = "netperf-server";

/** In-cluster DNS name of a benchmark Service. */
export const serviceHost = (service: string): string => `${service}.${BENCH_NAMESPACE}.svc.cluster.local`;
