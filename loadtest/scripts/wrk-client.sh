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

# CPU ticks (user + system) of each thread of process $1, one number per line, from
# /proc/<pid>/task/*/stat; the fields after the command name, which may hold spaces.
thread_ticks() {
    for stat in "${MESHBENCH_PROC_DIR:-/proc}/$1"/task/*/stat; do
        [ -r "$stat" ] || continue
        sed 's/^.*) //' "$stat" | awk '{ print $12 + $13 }'
    done
}

# The wrk process started by background job $1: the job is a subshell, which may run
# `timeout`, which runs wrk; so wrk is the job's child or grandchild.
wrk_pid() {
    # "pid ppid comm" of every process (comm without its parentheses).
    processes=$(for stat in "${MESHBENCH_PROC_DIR:-/proc}"/[0-9]*/stat; do
        sed -n 's/^\([0-9]*\) (\(.*\)) [A-Za-z] \([0-9]*\) .*/\1 \3 \2/p' "$stat" 2>/dev/null
    done)
    echo "$processes" | awk -v job="$1" '
        { parent[$1] = $2; name[$1] = $3 }
        END { for (p in name) if (name[p] == "wrk" && (parent[p] == job || parent[parent[p]] == job)) { print p; exit } }'
}

# Runs wrk in the background and reads its threads' CPU ticks every second while it runs;
# the last reading, over the time since wrk started, is how busy its busiest thread was
# (a thread near 100 % means wrk, not the server, set the pace).
wrk_once() {
    run_seconds=$1
    started=$(uptime_usec)
    with_timeout wrk --threads "$MESHBENCH_WRK_THREADS" --connections "$MESHBENCH_WRK_CONNECTIONS" \
        --duration "${run_seconds}s" --latency "$MESHBENCH_URL" &
    job=$!
    busiest=""
    threads=0
    read_at=$started
    while kill -0 "$job" 2>/dev/null; do
        sleep 1
        pid=$(wrk_pid "$job")
        [ -n "$pid" ] || continue
        ticks=$(thread_ticks "$pid")
        [ -n "$ticks" ] || continue
        read_at=$(uptime_usec)
        busiest=$(echo "$ticks" | sort -n | tail -n 1)
        threads=$(echo "$ticks" | wc -l | tr -d ' ')
    done
    wait "$job"
    wrk_status=$?
    if [ -n "$busiest" ]; then
        hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
        echo "MESHBENCH-THREADS run=$label busiest_ticks=$busiest elapsed_ticks=$(((read_at - started) * hz / 1000000)) threads=$threads"
    fi
    return "$wrk_status"
}
run_all wrk_once
