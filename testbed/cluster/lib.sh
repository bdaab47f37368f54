#!/bin/bash
# Shared settings of the local testbed cluster (sourced by up.sh, down.sh and in-testbed.sh).
#
# Layout: one network namespace, "mbtb", is the testbed's host: etcd, the control plane,
# CoreDNS, and whatever runs against the cluster (pulumi, the tests) live there, and the
# API server is reached on its loopback. Each node is a network namespace of its own,
# "mbtb-node-N", joined to mbtb's bridge by a veth; it runs its own containerd, kubelet
# and kube-proxy. No namespace has a default route or any link to the machine's own
# network, so no packet can leave; the machine also gets unreachable routes for the
# testbed's ranges, so that nothing on it can send to them by mistake.
#
# Processes enter a namespace with `nsenter --net` only (not `ip netns exec`, which also
# makes a mount namespace): kubelet and containerd must see each other's mounts.

# shellcheck disable=SC2034  # sourced: the scripts that source it use these settings
{
TB_NETNS=mbtb

TB_NODES=${MESHBENCH_TESTBED_NODES:-"node-1 node-2 node-3"}
TB_NODE_CIDR=10.213.0.0/24     # the nodes' and the host's addresses on the testbed bridge
TB_HOST_IP=10.213.0.1          # the testbed host (API server's advertised address, CoreDNS)
TB_POD_CIDR=10.214.0.0/16      # node-N gets 10.214.N.0/24
TB_SERVICE_CIDR=10.215.0.0/24
TB_API_SERVICE_IP=10.215.0.1
TB_DNS_SERVICE_IP=10.215.0.10
TB_CIDRS="$TB_NODE_CIDR $TB_POD_CIDR $TB_SERVICE_CIDR"

# Where everything the testbed creates lives; down.sh removes it.
TB_STATE=${MESHBENCH_TESTBED_STATE:-/var/lib/meshbench-testbed}
TB_PKI=$TB_STATE/pki
TB_LOGS=$TB_STATE/logs
TB_PIDS=$TB_STATE/pids
TB_KUBECONFIG=$TB_STATE/admin.kubeconfig
# Every cgroup controller gets this parent: the pods' cgroups are created under it.
TB_CGROUP=meshbench-testbed

TB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
}

tb_log() { echo "testbed: $*" >&2; }
tb_die() { echo "testbed: error: $*" >&2; exit 1; }

# node-N -> N
tb_node_index() { echo "${1#node-}"; }
tb_node_ip() { echo "10.213.0.$((10 + $(tb_node_index "$1")))"; }
tb_node_pod_cidr() { echo "10.214.$(tb_node_index "$1").0/24"; }
tb_node_dir() { echo "$TB_STATE/nodes/$1"; }
tb_node_netns() { echo "mbtb-$1"; }

# Runs a command in a network namespace (and nothing else).
tb_in() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

# Starts a daemon in a namespace, logging to $TB_LOGS/NAME.log, its pid in $TB_PIDS/NAME.
tb_start() {
    local name=$1 ns=$2; shift 2
    tb_log "starting $name"
    nsenter --net="/run/netns/$ns" -- "$@" > "$TB_LOGS/$name.log" 2>&1 &
    echo $! > "$TB_PIDS/$name"
}

# Waits up to SECONDS for a command to succeed; on time-out, fails naming WHAT and the log.
tb_wait() {
    local seconds=$1 what=$2 log=$3; shift 3
    local deadline=$((SECONDS + seconds))
    until "$@" > /dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "testbed: error: $what: not ready after ${seconds}s; last lines of $log:" >&2
            tail -n 20 "$log" >&2 || true
            exit 1
        fi
        sleep 1
    done
}

tb_kubectl() { tb_in "$TB_NETNS" "$TB_BIN/kubectl" --kubeconfig "$TB_KUBECONFIG" "$@"; }

# Who owns a running testbed: run.sh names itself (MESHBENCH_TESTBED_OWNER=$$), since it
# stops the cluster on every exit path it can catch. A run killed outright (SIGKILL, a
# machine's job ending) leaves the cluster up with no owner; the next up.sh can tell, and
# stops it. The owner file holds the pid and its start time (field 22 of /proc/PID/stat), so
# a pid the kernel has since given to another process does not count as the owner.
TB_OWNER_FILE=$TB_STATE/owner

tb_process_start() {
    local stat
    stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
    # The command name (field 2) may hold spaces and ')': count fields after its last ')'.
    stat=${stat##*) }
    echo "$stat" | awk '{ print $20 }'
}

tb_record_owner() {
    local pid=$1 start
    start=$(tb_process_start "$pid") || tb_die "owner pid $pid is not running"
    echo "$pid $start" > "$TB_OWNER_FILE"
}

# Prints "alive PID", "gone PID" or "unknown" (no owner recorded: started by hand).
tb_owner_state() {
    local pid start
    [ -f "$TB_OWNER_FILE" ] || { echo unknown; return 0; }
    read -r pid start < "$TB_OWNER_FILE" || { echo unknown; return 0; }
    if [ -n "$pid" ] && [ "$(tb_process_start "$pid" || true)" = "$start" ]; then
        echo "alive $pid"
    else
        echo "gone $pid"
    fi
}
