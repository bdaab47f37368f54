#!/bin/bash
# Makes the testbed's certificates and kubeconfigs: one CA, the API server's serving
# certificate, a client certificate per component (RBAC knows them by CN and O), and the
# service-account key pair. Sourced by up.sh, after lib.sh; every key stays in $TB_PKI.

# cert NAME SUBJECT [SAN]: a key and a certificate signed by the testbed CA.
tb_cert() {
    local name=$1 subject=$2 san=${3:-}
    openssl req -new -newkey rsa:2048 -nodes -keyout "$TB_PKI/$name.key" \
        -subj "$subject" -out "$TB_PKI/$name.csr" 2> /dev/null
    {
        echo "basicConstraints=CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        if [ -n "$san" ]; then echo "extendedKeyUsage=serverAuth"; echo "subjectAltName=$san";
        else echo "extendedKeyUsage=clientAuth"; fi
    } > "$TB_PKI/$name.ext"
    openssl x509 -req -in "$TB_PKI/$name.csr" -CA "$TB_PKI/ca.crt" -CAkey "$TB_PKI/ca.key" \
        -CAcreateserial -days 7 -sha256 -extfile "$TB_PKI/$name.ext" -out "$TB_PKI/$name.crt" 2> /dev/null
    rm -f "$TB_PKI/$name.csr" "$TB_PKI/$name.ext"
}

# kubeconfig NAME SERVER: a kubeconfig for the client certificate NAME.
tb_kubeconfig() {
    local name=$1 server=$2 file=$TB_PKI/$1.kubeconfig
    cat > "$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: testbed
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 < "$TB_PKI/ca.crt")
users:
- name: $name
  user:
    client-certificate-data: $(base64 -w0 < "$TB_PKI/$name.crt")
    client-key-data: $(base64 -w0 < "$TB_PKI/$name.key")
contexts:
- name: testbed
  context: {cluster: testbed, user: $name}
current-context: testbed
KUBECONFIG
    chmod 600 "$file"
}

tb_make_pki() {
    mkdir -p "$TB_PKI"
    chmod 700 "$TB_PKI"
    openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$TB_PKI/ca.key" -days 7 -sha256 \
        -subj "/CN=meshbench-testbed-ca" -out "$TB_PKI/ca.crt" 2> /dev/null
    tb_cert apiserver "/CN=kube-apiserver" \
        "IP:127.0.0.1,IP:$TB_HOST_IP,IP:$TB_API_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    tb_cert admin "/O=system:masters/CN=meshbench-testbed-admin"
    tb_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
    tb_cert controller-manager "/CN=system:kube-controller-manager"
    tb_cert scheduler "/CN=system:kube-scheduler"
    tb_cert kube-proxy "/CN=system:kube-proxy"
    tb_cert coredns "/CN=meshbench-testbed:coredns"
    local node
    for node in $TB_NODES; do
        tb_cert "$node" "/O=system:nodes/CN=system:node:$node"
        tb_kubeconfig "$node" "https://$TB_HOST_IP:6443"
    done
    openssl genrsa -out "$TB_PKI/sa.key" 2048 2> /dev/null
    openssl rsa -in "$TB_PKI/sa.key" -pubout -out "$TB_PKI/sa.pub" 2> /dev/null
    tb_kubeconfig admin "https://127.0.0.1:6443"
    tb_kubeconfig controller-manager "https://127.0.0.1:6443"
    tb_kubeconfig scheduler "https://127.0.0.1:6443"
    tb_kubeconfig coredns "https://127.0.0.1:6443"
    tb_kubeconfig kube-proxy "https://$TB_HOST_IP:6443"
    cp "$TB_PKI/admin.kubeconfig" "$TB_KUBECONFIG"
}
