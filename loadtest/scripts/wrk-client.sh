#!/bin/sh
# Runs inside the wrk client pod (mounted from a ConfigMap) and, in the tests, against a
# local HTTP server. Closed-loop maximum throughput, as in the paper: wrk keeps
# $MESHBENCH_WRK_CONNECTIONS connections busy from $MESHBENCH_WRK_THREADS threads.
set -u
# shellcheck source=loadtest/scripts/common.sh
. "$(dirname "$0")/common.sh"
require_env MESHBENCH_URL MESHBENCH_WRK_THREADS MESHBENCH_WRK_CONNECTIONS \
    MESHBENCH_DURATION_SECONDS MESHBENCH_WARMUP_SECONDS MESHBENCH_REPETITIONS

# `wrk -v` prints its version line, then usage, and exits 1.
echo "MESHBENCH-TOOL wrk $(wrk -v 2>&1 | head -n 1)"

wrk_once() {
    run_seconds=$1
    with_timeout wrk --threads "$MESHBENCH_WRK_THREADS" --connections "$MESHBENCH_WRK_CONNECTIONS" \
        --duration "${run_seconds}s" --latency "$MESHBENCH_URL"
}
run_all wrk_once
