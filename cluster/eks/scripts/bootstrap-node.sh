#!/bin/sh
# User data of every EKS node (cluster/eks/node-groups.ts prepends the MESHBENCH_* settings).
# Canonical's Ubuntu EKS AMI joins the cluster only when told to: EKS merges no user data
# into a launch template that names its own AMI. So this runs the AMI's own bootstrap,
# registering the node with its meshbench role label and taint at once: a taint set only
# through the EKS API arrives later, after pods may already have landed on the node.
set -eu

: "${MESHBENCH_CLUSTER_NAME:?}"
: "${MESHBENCH_API_SERVER:?}"
: "${MESHBENCH_CLUSTER_CA:?}"     # base64 PEM
: "${MESHBENCH_DNS_CLUSTER_IP:?}" # the cluster's DNS Service, e.g. 10.100.0.10; bootstrap.sh would otherwise guess it from the VPC's range
: "${MESHBENCH_NODE_LABELS:?}"    # kubelet --node-labels value
MESHBENCH_NODE_TAINTS=${MESHBENCH_NODE_TAINTS:-}   # kubelet --register-with-taints value; empty on the system node

# Background apt runs take CPU and may restart services in the middle of a benchmark. A
# disabled timer leaves a run it already started going, so stop the services too.
systemctl disable --now unattended-upgrades.service apt-daily.timer apt-daily-upgrade.timer 2>/dev/null || true
systemctl stop apt-daily.service apt-daily-upgrade.service 2>/dev/null || true

kubelet_args="--node-labels=${MESHBENCH_NODE_LABELS}"
if [ -n "$MESHBENCH_NODE_TAINTS" ]; then
    kubelet_args="${kubelet_args} --register-with-taints=${MESHBENCH_NODE_TAINTS}"
fi

exec /etc/eks/bootstrap.sh "$MESHBENCH_CLUSTER_NAME" \
    --apiserver-endpoint "$MESHBENCH_API_SERVER" \
    --b64-cluster-ca "$MESHBENCH_CLUSTER_CA" \
    --dns-cluster-ip "$MESHBENCH_DNS_CLUSTER_IP" \
    --kubelet-extra-args "$kubelet_args"
