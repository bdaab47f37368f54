#!/bin/bash
# Starts the local testbed cluster: Kubernetes v1.29.1 with three nodes, each a network
# namespace with its own containerd, kubelet and kube-proxy, on this machine, with no way
# out (see lib.sh). Needs root, the tools testbed/build-tools.sh builds, the images
# testbed/images/build.sh builds, and the packages testbed/install-packages.sh installs.
#
#   MESHBENCH_TESTBED_BIN=<dir with kube-*, kubelet, kubectl, coredns> \
#   MESHBENCH_TESTBED_IMAGES="<OCI archive> ..." MESHBENCH_TESTBED_PAUSE_IMAGE=<name:tag> \
#     testbed/cluster/up.sh
#
# On success it prints the admin kubeconfig's path; it is reachable only inside the
# testbed's network namespace (testbed/cluster/in-testbed.sh runs a command there).
# On any failure it stops whatever it started (down.sh) and exits non-zero. A testbed left up
# by a run.sh that was killed outright (its owner, recorded in lib.sh's owner file, is gone)
# is stopped first; one whose owner still runs, or that was started by hand, is left alone.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pki.sh"
. "$(dirname "$0")/network.sh"
. "$(dirname "$0")/control-plane.sh"
. "$(dirname "$0")/node.sh"

TB_BIN=${MESHBENCH_TESTBED_BIN:?set MESHBENCH_TESTBED_BIN to the directory testbed/build-tools.sh printed}
TB_IMAGE_ARCHIVES=${MESHBENCH_TESTBED_IMAGES:?set MESHBENCH_TESTBED_IMAGES to the OCI archives testbed/images/build.sh printed}
TB_PAUSE_IMAGE=${MESHBENCH_TESTBED_PAUSE_IMAGE:?set MESHBENCH_TESTBED_PAUSE_IMAGE to the pause image name}
TB_ETCD=${MESHBENCH_TESTBED_ETCD:-$(command -v etcd || true)}


[ "$(id -u)" -eq 0 ] || tb_die "run as root: it makes network namespaces, cgroups and mounts"
for tool in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl coredns; do
    [ -x "$TB_BIN/$tool" ] || tb_die "$TB_BIN/$tool is missing; run testbed/build-tools.sh"
done
for tool in containerd ctr runc nsenter iptables openssl curl "$TB_ETCD"; do
    command -v "$tool" > /dev/null || tb_die "$tool is missing; run testbed/install-packages.sh"
done
for archive in $TB_IMAGE_ARCHIVES; do [ -f "$archive" ] || tb_die "image archive $archive is missing"; done
if [ -e "/run/netns/$TB_NETNS" ] || [ -e "$TB_STATE" ]; then
    read -r owner_state owner_pid <<< "$(tb_owner_state)"
    case $owner_state in
        gone)
            tb_log "a testbed is up, left by run.sh (pid $owner_pid), which ended without stopping it: stopping it first"
            "$(dirname "$0")/down.sh"
            ;;
        alive)
            tb_die "a testbed is already up, owned by pid $owner_pid, which is still running: wait for it to end, or stop it with testbed/cluster/down.sh"
            ;;
    esac
fi
[ -e "/run/netns/$TB_NETNS" ] && tb_die "a testbed is already up (namespace $TB_NETNS); stop it with testbed/cluster/down.sh"
[ -e "$TB_STATE" ] && tb_die "$TB_STATE exists from an earlier testbed; remove it with testbed/cluster/down.sh"

stop_on_failure() {
    local status=$?
    if [ "$status" -ne 0 ]; then
        tb_log "start failed; stopping what was started"
        "$(dirname "$0")/down.sh" || true
    fi
}
trap stop_on_failure EXIT

started=$SECONDS
mkdir -p "$TB_STATE" "$TB_LOGS" "$TB_PIDS"
if [ -n "${MESHBENCH_TESTBED_OWNER:-}" ]; then tb_record_owner "$MESHBENCH_TESTBED_OWNER"; fi
tb_make_network
tb_make_pki
tb_start_control_plane
tb_start_dns
for node in $TB_NODES; do tb_start_node "$node"; done
for node in $TB_NODES; do
    tb_wait 120 "node $node" "$TB_LOGS/kubelet-$node.log" tb_node_ready "$node"
done
tb_log "up in $((SECONDS - started))s: $(echo "$TB_NODES" | wc -w) nodes Ready"
echo "$TB_KUBECONFIG"
