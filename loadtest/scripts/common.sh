# Shared by the client scripts; sourced, never run. POSIX sh, so that it runs on the
# busybox shells of the client images as well as on the test machine.
#
# The clients print a small line protocol around each tool run so the parsers in
# loadtest/*.ts can tell a warm-up from a measured repetition, and a crash from a result:
#   MESHBENCH-TOOL <tool> <version line>
#   MESHBENCH-BEGIN run=<warmup|1..N>
#   ...whatever the tool printed...
#   MESHBENCH-CPU run=<r> usage_usec=<client CPU time> wall_usec=<elapsed>
#   MESHBENCH-NODE-CPU run=<r> busy_ticks=<b> total_ticks=<t> cores=<n>
#   MESHBENCH-THREADS run=<r> busiest_ticks=<b> elapsed_ticks=<e> threads=<n>   (wrk only)
#   MESHBENCH-END run=<r> exit=<tool exit code>
#   MESHBENCH-DONE

# CPU time used so far by this container's cgroup, in microseconds; empty if unknown.
cpu_usage_usec() {
    cgroup_dir=${MESHBENCH_CGROUP_DIR:-/sys/fs/cgroup}
    if [ -r "$cgroup_dir/cpu.stat" ]; then
        # cgroup v2
        awk '$1 == "usage_usec" { print $2 }' "$cgroup_dir/cpu.stat"
    elif [ -r "$cgroup_dir/cpuacct/cpuacct.usage" ]; then
        # cgroup v1 counts nanoseconds
        awk '{ printf "%d\n", $1 / 1000 }' "$cgroup_dir/cpuacct/cpuacct.usage"
    fi
}

# The node's CPU time so far, from /proc/stat's "cpu" line, which counts every core of the
# node (a container sees the node's, not its own): "<busy ticks> <total ticks> <cores>".
# Busy is everything but idle and iowait, so softirq and steal count as busy: a node whose
# hypervisor steals its time or whose network interrupts eat it cannot drive more load.
node_cpu_ticks() {
    awk '$1 == "cpu" { total = 0; for (i = 2; i <= 9; i++) total += $i; busy = total - $5 - $6 }
         $1 ~ /^cpu[0-9]+$/ { cores++ }
         END { print busy, total, cores }' "${MESHBENCH_PROC_DIR:-/proc}/stat"
}

# Monotonic time in microseconds (10 ms resolution), from the kernel's uptime.
uptime_usec() {
    # %.0f, not %d: mawk's %d stops at 2^31 - 1, about 36 minutes of uptime in µs.
    awk '{ printf "%.0f\n", $1 * 1000000 }' /proc/uptime
}

# with_timeout <command...>: runs the command, killed after $MESHBENCH_RUN_TIMEOUT_SECONDS
# if that is set, so that a tool stuck on a dead connection ends the step instead of
# hanging `pulumi up`. busybox before 1.30 spells it `timeout -t N`.
with_timeout() {
    limit=${MESHBENCH_RUN_TIMEOUT_SECONDS:-}
    if [ -z "$limit" ]; then
        "$@"
    elif timeout 1 true 2>/dev/null; then
        timeout "$limit" "$@"
    elif timeout -t 1 true 2>/dev/null; then
        timeout -t "$limit" "$@"
    else
        "$@"
    fi
}

require_env() {
    for name in "$@"; do
        eval "value=\${$name:-}"
        if [ -z "$value" ]; then
            echo "MESHBENCH-ERROR missing environment variable $name"
            exit 2
        fi
    done
}

# run_measured <run label> <command...>: one tool run between markers, with the CPU the
# client container burned while it ran.
run_measured() {
    label=$1
    shift
    echo "MESHBENCH-BEGIN run=$label"
    cpu_before=$(cpu_usage_usec)
    wall_before=$(uptime_usec)
    node_before=$(node_cpu_ticks)
    "$@" 2>&1
    status=$?
    node_after=$(node_cpu_ticks)
    cpu_after=$(cpu_usage_usec)
    wall_after=$(uptime_usec)
    if [ -n "$cpu_before" ] && [ -n "$cpu_after" ]; then
        echo "MESHBENCH-CPU run=$label usage_usec=$((cpu_after - cpu_before)) wall_usec=$((wall_after - wall_before))"
    fi
    # shellcheck disable=SC2086 # three numbers, split on purpose
    if [ -n "$node_before" ] && [ -n "$node_after" ]; then
        set -- $node_before $node_after
        echo "MESHBENCH-NODE-CPU run=$label busy_ticks=$(($4 - $1)) total_ticks=$(($5 - $2)) cores=$6"
    fi
    echo "MESHBENCH-END run=$label exit=$status"
}

# run_all <command>: the warm-up (if any), then each repetition. The command gets the
# length of the run, in seconds, as its one argument.
run_all() {
    if [ "$MESHBENCH_WARMUP_SECONDS" -gt 0 ]; then
        run_measured warmup "$1" "$MESHBENCH_WARMUP_SECONDS"
    fi
    repetition=1
    while [ "$repetition" -le "$MESHBENCH_REPETITIONS" ]; do
        run_measured "$repetition" "$1" "$MESHBENCH_DURATION_SECONDS"
        repetition=$((repetition + 1))
    done
    echo "MESHBENCH-DONE"
}
