#!/bin/sh
# Runs over SSH as the `ubuntu` user on the control-plane node: `kubeadm init` with the
# kubeadm.k8s.io/v1beta3 config it reads from stdin (rendered by cluster/vms/kubeadm-config.ts).
#
# It is safe to run again: a node already initialised with the same config is left alone;
# one initialised with another config is reset first.
#
# kubeadm's own output ends with a join command holding a bootstrap token, so it goes to a
# root-only log on the node, never to stdout; on failure the end of the log is printed
# with every token-bearing line removed.
set -eu

CONFIG_DIR=/etc/kubernetes/meshbench
CONFIG="${CONFIG_DIR}/kubeadm-init.yaml"
LOG=/var/log/meshbench-kubeadm-init.log

sudo install -d -m 0700 "$CONFIG_DIR"
new_config=$(mktemp)
trap 'rm -f "$new_config"' EXIT
cat > "$new_config"

if sudo test -f /etc/kubernetes/admin.conf; then
    if sudo cmp -s "$new_config" "$CONFIG"; then
        echo "kubeadm init: already initialised with this config"
        exit 0
    fi
    echo "kubeadm init: initialised with another config; resetting the node first"
    sudo kubeadm reset -f > /dev/null 2>&1
fi

sudo install -m 0600 "$new_config" "$CONFIG"
if ! sudo sh -c 'umask 077 && kubeadm init --config "$1" > "$2" 2>&1' sh "$CONFIG" "$LOG"; then
    echo "kubeadm init failed; the end of ${LOG} (token lines removed):" >&2
    sudo tail -n 60 "$LOG" | grep -v -e '--token' -e 'discovery-token' -e 'certificate-key' >&2
    # The config is kept only for a node that initialised, so that a rerun tries again.
    sudo rm -f "$CONFIG"
    exit 1
fi
echo "kubeadm init: done"
