#!/bin/sh
# Runs inside the wrk client pod (mounted from a ConfigMap): open-loop latency. For each
# fixed rate, a warm-up and then each repetition of `fortio load -qps <rate>` against the
# HTTP server. fortio's pinned image has no shell (it is built FROM scratch), so it runs
# as its own container of this pod, idle, and this script, in the wrk container, runs its
# binary through /proc/<pid>/root: the pod shares one process namespace, and Kubernetes
# shows each container's filesystem to the others there. The load then runs in this
# container's cgroup, whose CPU run_measured reads.
#
# Each rate's block opens with `MESHBENCH-RATE qps=<rate>`; inside it, the usual markers
# (common.sh). fortio prints its text report (with the sleep-time histogram, at -loglevel
# verbose) on stderr and the JSON result on stdout; the parser (loadtest/fortio.ts) reads both.
set -u
# shellcheck source=loadtest/scripts/common.sh
. "$(dirname "$0")/common.sh"
require_env MESHBENCH_URL MESHBENCH_FORTIO_RATES MESHBENCH_FORTIO_CONNECTIONS \
    MESHBENCH_DURATION_SECONDS MESHBENCH_WARMUP_SECONDS MESHBENCH_REPETITIONS

# The fortio binary: MESHBENCH_FORTIO_BIN if set (the tests), else the one the fortio
# container of this pod runs.
find_fortio() {
    for dir in /proc/[0-9]*; do
        exe=$(readlink "$dir/exe" 2>/dev/null) || continue
        case "$exe" in
            */fortio)
                if [ -x "$dir/root$exe" ]; then
                    echo "$dir/root$exe"
                    return 0
                fi ;;
        esac
    done
    return 1
}
fortio=${MESHBENCH_FORTIO_BIN:-}
if [ -z "$fortio" ]; then
    fortio=$(find_fortio) || {
        echo "MESHBENCH-ERROR no fortio process in this pod (the fortio container, with shareProcessNamespace)"
        exit 2
    }
fi

echo "MESHBENCH-TOOL fortio $("$fortio" version 2>&1 | head -n 1)"

# -r: histogram buckets of 10 µs at the low end (fortio's default is 1 ms, coarser than the
# latencies measured); -p: the percentiles the results report, from the whole histogram.
# fortio's own log lines (one JSON object a line, per connection at that level) are left
# out of what is printed: only its report and its result are read. Its logger and its
# report share stderr unsynchronised, so a log object can land inside a report line (seen
# once in CI): every object is cut out, wherever it is, and a line that was only that goes.
fortio_once() {
    run_seconds=$1
    log=$(mktemp)
    with_timeout "$fortio" load -qps "$rate" -c "$MESHBENCH_FORTIO_CONNECTIONS" -t "${run_seconds}s" \
        -r 0.00001 -p 50,90,99,99.9 -loglevel verbose -json - "$MESHBENCH_URL" 2>"$log"
    fortio_status=$?
    sed -e '/^{"ts":[^}]*}$/d' -e 's/{"ts":[^}]*}//g' "$log" >&2
    rm -f "$log"
    return "$fortio_status"
}

for rate in $(echo "$MESHBENCH_FORTIO_RATES" | tr ',' ' '); do
    echo "MESHBENCH-RATE qps=$rate"
    run_all fortio_once
done
echo "MESHBENCH-RATES-DONE"
