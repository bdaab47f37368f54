#!/bin/bash
# Stops the local testbed cluster and removes everything up.sh made: it ends the daemons it
# started, by the pids it recorded, then whatever still runs in the testbed's own cgroups
# (the pods' processes and their shims, all started by those daemons), unmounts what the
# kubelets and containerds mounted under the testbed's directory, and removes the cgroups,
# the network namespaces, the unreachable routes and the directory. Safe to run twice.
# shellcheck source-path=SCRIPTDIR
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/network.sh"

[ "$(id -u)" -eq 0 ] || tb_die "run as root"

# Ends the processes in the given pid files together: TERM, up to 10 s, then KILL.
stop_pidfiles() {
    local file pids=()
    for file in "$@"; do
        [ -e "$file" ] || continue
        pids+=("$(cat "$file")")
        rm -f "$file"
    done
    [ ${#pids[@]} -eq 0 ] && return 0
    kill -TERM "${pids[@]}" 2> /dev/null || true
    for _ in $(seq 1 20); do
        kill -0 "${pids[@]}" 2> /dev/null || break
        sleep 0.5
    done
    kill -KILL "${pids[@]}" 2> /dev/null || true
}

if [ -d "$TB_PIDS" ]; then
    # Kubelets first, so that nothing restarts the containers; the control plane last.
    stop_pidfiles "$TB_PIDS"/kubelet-* "$TB_PIDS"/kube-proxy-*
    stop_pidfiles "$TB_PIDS"/containerd-*
    stop_pidfiles "$TB_PIDS"/coredns "$TB_PIDS"/kube-scheduler "$TB_PIDS"/kube-controller-manager "$TB_PIDS"/kube-apiserver
    stop_pidfiles "$TB_PIDS"/etcd
fi

# What the daemons left running (containers, shims) sits in the testbed's cgroups.
for _ in 1 2 3; do
    left=$(find /sys/fs/cgroup/pids/"$TB_CGROUP" -name cgroup.procs -exec cat {} + 2> /dev/null | sort -u)
    [ -z "$left" ] && break
    # shellcheck disable=SC2086  # one pid a word
    kill -KILL $left 2> /dev/null || true
    sleep 1
done
# Shims are not in the pods' cgroups: find them by the testbed's socket in their arguments.
for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $TB_STATE/" || true); do kill -KILL "$pid" 2> /dev/null || true; done

# Mounts under the state directory, deepest first.
if [ -d "$TB_STATE" ]; then
    awk -v root="$TB_STATE/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r mount; do
        umount -l "$mount" 2> /dev/null || true
    done
fi

# Cgroups, deepest first (a cgroup with processes in it can't go; those were killed above).
for controller in /sys/fs/cgroup/*/; do
    [ -d "$controller$TB_CGROUP" ] || continue
    find "$controller$TB_CGROUP" -depth -type d -exec rmdir {} \; 2> /dev/null || true
done

tb_remove_network
rm -rf "$TB_STATE"
tb_log "down"
