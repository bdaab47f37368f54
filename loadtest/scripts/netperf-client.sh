#!/bin/sh
# Runs inside the netperf client pod (mounted from a ConfigMap). Request/response
# latency over one connection: netperf TCP_RR (or TCP_CRR) against netserver, with the
# data port pinned so that it is the port the Service declares.
set -u
# shellcheck source=loadtest/scripts/common.sh
. "$(dirname "$0")/common.sh"
require_env MESHBENCH_NETPERF_HOST MESHBENCH_NETPERF_CONTROL_PORT MESHBENCH_NETPERF_DATA_PORT \
    MESHBENCH_NETPERF_TEST MESHBENCH_NETPERF_REQUEST_SIZE MESHBENCH_NETPERF_RESPONSE_SIZE \
    MESHBENCH_DURATION_SECONDS MESHBENCH_WARMUP_SECONDS MESHBENCH_REPETITIONS

# The output selectors, in the order the parser (loadtest/netperf.ts) expects them.
selectors=MEAN_LATENCY,RT_LATENCY,P50_LATENCY,P90_LATENCY,P99_LATENCY,TRANSACTION_RATE,REQUEST_SIZE,RESPONSE_SIZE

echo "MESHBENCH-TOOL netperf $(netperf -V 2>&1 | head -n 1)"

netperf_once() {
    run_seconds=$1
    # -j keeps the latency histogram the P50/P90/P99 selectors are computed from.
    with_timeout netperf -H "$MESHBENCH_NETPERF_HOST" -p "$MESHBENCH_NETPERF_CONTROL_PORT" \
        -t "$MESHBENCH_NETPERF_TEST" -l "$run_seconds" -j -- \
        -P ",$MESHBENCH_NETPERF_DATA_PORT" \
        -r "$MESHBENCH_NETPERF_REQUEST_SIZE,$MESHBENCH_NETPERF_RESPONSE_SIZE" \
        -o "$selectors"
}
run_all netperf_once
