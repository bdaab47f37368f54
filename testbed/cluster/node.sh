#!/bin/bash
# One node: a containerd of its own (its own root, state, socket and runc root), the local
# images imported into it, a bridge CNI config for its pod range, a kubelet and a
# kube-proxy, all in the node's network namespace. Sourced after lib.sh.

# Cgroup v1 hierarchies the kubelet puts pods under: $TB_CGROUP/NODE in every controller.
tb_make_cgroups() {
    local node=$1 controller dir
    for controller in /sys/fs/cgroup/*/; do
        [ -e "$controller/cgroup.procs" ] || continue
        for dir in "$controller$TB_CGROUP" "$controller$TB_CGROUP/$node"; do
            mkdir -p "$dir"
            # cpuset children start empty; give them the parent's CPUs and memory nodes.
            if [ -e "$dir/cpuset.cpus" ]; then
                cat "$(dirname "$dir")/cpuset.cpus" > "$dir/cpuset.cpus"
                cat "$(dirname "$dir")/cpuset.mems" > "$dir/cpuset.mems"
            fi
        done
    done
}

tb_start_node() {
    local node=$1 dir ns ip
    dir=$(tb_node_dir "$node")
    ns=$(tb_node_netns "$node")
    ip=$(tb_node_ip "$node")
    mkdir -p "$dir/cni" "$dir/kubelet" "$dir/containerd" "$dir/run"
    tb_make_cgroups "$node"

    sed -e "s#@DIR@#$dir#g" -e "s#@PAUSE_IMAGE@#$TB_PAUSE_IMAGE#g" \
        "$TB_ROOT/testbed/cluster/containerd.toml" > "$dir/containerd.toml"
    sed -e "s#@POD_CIDR@#$(tb_node_pod_cidr "$node")#g" \
        "$TB_ROOT/testbed/cluster/cni.conflist" > "$dir/cni/10-testbed.conflist"
    tb_start "containerd-$node" "$ns" containerd --config "$dir/containerd.toml"
    tb_wait 30 "containerd of $node" "$TB_LOGS/containerd-$node.log" \
        ctr --address "$dir/run/containerd.sock" version
    local archive
    for archive in $TB_IMAGE_ARCHIVES; do
        ctr --address "$dir/run/containerd.sock" -n k8s.io images import --no-unpack=false "$archive" > /dev/null \
            || tb_die "importing $archive into $node's containerd failed"
    done

    : > "$dir/resolv.conf"   # the kubelet reads the node's resolver for pods; there is none
    sed -e "s#@DIR@#$dir#g" -e "s#@DNS_IP@#$TB_DNS_SERVICE_IP#g" -e "s#@PKI@#$TB_PKI#g" \
        -e "s#@CGROUP@#/$TB_CGROUP/$node#g" -e "s#@NODE_IP@#$ip#g" \
        "$TB_ROOT/testbed/cluster/kubelet.yaml" > "$dir/kubelet.yaml"
    tb_start "kubelet-$node" "$ns" "$TB_BIN/kubelet" --config "$dir/kubelet.yaml" \
        --kubeconfig "$TB_PKI/$node.kubeconfig" --root-dir "$dir/kubelet" --cert-dir "$dir/kubelet/pki" \
        --hostname-override "$node" --node-ip "$ip" --v=1

    sed -e "s#@KUBECONFIG@#$TB_PKI/kube-proxy.kubeconfig#g" -e "s#@NODE@#$node#g" \
        -e "s#@POD_CIDR@#$TB_POD_CIDR#g" "$TB_ROOT/testbed/cluster/kube-proxy.yaml" > "$dir/kube-proxy.yaml"
    tb_start "kube-proxy-$node" "$ns" "$TB_BIN/kube-proxy" --config "$dir/kube-proxy.yaml" --v=1
}

# A node counts as up once the API server reports it Ready.
tb_node_ready() {
    [ "$(tb_kubectl get node "$1" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = "True" ]
}
