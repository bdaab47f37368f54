#!/bin/bash
# etcd, the API server, the controller manager, the scheduler and CoreDNS, all in the
# testbed host namespace. Sourced after lib.sh and pki.sh.

tb_start_control_plane() {
    mkdir -p "$TB_STATE/etcd"
    tb_start etcd "$TB_NETNS" "$TB_ETCD" --name testbed --data-dir "$TB_STATE/etcd" \
        --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
        --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
        --initial-cluster testbed=http://127.0.0.1:2380 --log-level warn
    tb_wait 30 "etcd" "$TB_LOGS/etcd.log" tb_in "$TB_NETNS" curl -sf http://127.0.0.1:2379/health

    tb_start kube-apiserver "$TB_NETNS" "$TB_BIN/kube-apiserver" \
        --etcd-servers=http://127.0.0.1:2379 \
        --advertise-address="$TB_HOST_IP" --bind-address=0.0.0.0 --secure-port=6443 \
        --service-cluster-ip-range="$TB_SERVICE_CIDR" \
        --tls-cert-file="$TB_PKI/apiserver.crt" --tls-private-key-file="$TB_PKI/apiserver.key" \
        --client-ca-file="$TB_PKI/ca.crt" \
        --kubelet-client-certificate="$TB_PKI/apiserver-kubelet-client.crt" \
        --kubelet-client-key="$TB_PKI/apiserver-kubelet-client.key" \
        --kubelet-preferred-address-types=InternalIP \
        --service-account-issuer=https://kubernetes.default.svc.cluster.local \
        --service-account-key-file="$TB_PKI/sa.pub" --service-account-signing-key-file="$TB_PKI/sa.key" \
        --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
        --allow-privileged=true --profiling=false --v=1
    tb_wait 90 "kube-apiserver" "$TB_LOGS/kube-apiserver.log" tb_kubectl get --raw /readyz

    tb_start kube-controller-manager "$TB_NETNS" "$TB_BIN/kube-controller-manager" \
        --kubeconfig="$TB_PKI/controller-manager.kubeconfig" \
        --authentication-kubeconfig="$TB_PKI/controller-manager.kubeconfig" \
        --authorization-kubeconfig="$TB_PKI/controller-manager.kubeconfig" \
        --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
        --service-account-private-key-file="$TB_PKI/sa.key" --root-ca-file="$TB_PKI/ca.crt" \
        --cluster-signing-cert-file="$TB_PKI/ca.crt" --cluster-signing-key-file="$TB_PKI/ca.key" \
        --service-cluster-ip-range="$TB_SERVICE_CIDR" --allocate-node-cidrs=false --profiling=false --v=1
    tb_start kube-scheduler "$TB_NETNS" "$TB_BIN/kube-scheduler" \
        --kubeconfig="$TB_PKI/scheduler.kubeconfig" \
        --authentication-kubeconfig="$TB_PKI/scheduler.kubeconfig" \
        --authorization-kubeconfig="$TB_PKI/scheduler.kubeconfig" \
        --bind-address=127.0.0.1 --leader-elect=false --profiling=false --v=1
}

# CoreDNS runs as a process of the testbed host, not as a pod, so that it needs no image;
# the kube-dns Service points at it through a selector-less Endpoints object.
tb_start_dns() {
    tb_kubectl apply -f "$TB_ROOT/testbed/cluster/manifests/dns.yaml" > /dev/null
    sed -e "s#@HOST_IP@#$TB_HOST_IP#g" -e "s#@KUBECONFIG@#$TB_PKI/coredns.kubeconfig#g" \
        "$TB_ROOT/testbed/cluster/Corefile" > "$TB_STATE/Corefile"
    tb_start coredns "$TB_NETNS" "$TB_BIN/coredns" -conf "$TB_STATE/Corefile"
    tb_wait 30 "CoreDNS" "$TB_LOGS/coredns.log" tb_in "$TB_NETNS" curl -sf "http://127.0.0.1:8181/ready"
}
