#!/bin/sh
# Runs over SSH as the `ubuntu` user on a worker node: `kubeadm join` with the
# kubeadm.k8s.io/v1beta3 JoinConfiguration it reads from stdin. That config holds a
# bootstrap token, so it only ever exists in a root-only file.
#
# It is safe to run again: a node that already belongs to the cluster the config names
# (same CA hash) is left alone; a node of another cluster is reset first.
set -eu

CONFIG_DIR=/etc/kubernetes/meshbench
CONFIG="${CONFIG_DIR}/kubeadm-join.yaml"
LOG=/var/log/meshbench-kubeadm-join.log

sudo install -d -m 0700 "$CONFIG_DIR"
sudo sh -c 'umask 077 && cat > "$1"' sh "$CONFIG"
wanted_ca=$(sudo sed -n 's/.*\(sha256:[0-9a-f]\{64\}\).*/\1/p' "$CONFIG" | head -n 1)
if [ -z "$wanted_ca" ]; then
    echo "kubeadm join: the config names no CA hash" >&2
    exit 1
fi

# The CA public-key hash kubeadm prints in join commands (kubeadm docs, "kubeadm join").
current_ca_hash() {
    sudo openssl x509 -pubkey -noout -in /etc/kubernetes/pki/ca.crt |
        openssl pkey -pubin -outform der 2> /dev/null | sha256sum | cut -d ' ' -f 1
}

if sudo test -f /etc/kubernetes/kubelet.conf; then
    if [ "sha256:$(current_ca_hash)" = "$wanted_ca" ]; then
        echo "kubeadm join: already a node of this cluster"
        exit 0
    fi
    echo "kubeadm join: a node of another cluster; resetting it first"
    sudo kubeadm reset -f > /dev/null 2>&1
fi

if ! sudo sh -c 'umask 077 && kubeadm join --config "$1" > "$2" 2>&1' sh "$CONFIG" "$LOG"; then
    echo "kubeadm join failed; the end of ${LOG} (token lines removed):" >&2
    sudo tail -n 60 "$LOG" | grep -v -e '--token' -e 'discovery-token' -e 'token:' >&2
    exit 1
fi
echo "kubeadm join: done"
