// Every port a client uses lives in shared/names.ts, the bottom module every folder may
// import; re-exported here for the workload builders.
export {
    BENCH_NAMESPACE, HTTP_CONTAINER_PORT, HTTP_PORT, HTTP_SERVICE, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT, NETPERF_SERVICE,
    serviceHost,
} from "../shared/names";
