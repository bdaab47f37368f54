#!/bin/sh
# Prepares an Ubuntu 22.04 EC2 instance for kubeadm. cloud-init runs it once, as root, at
# first boot (it is the instance's user data; cluster/vms/node-scripts.ts prepends the
# MESHBENCH_* settings). It does everything that needs no other node: kernel modules and
# sysctls, containerd, and kubelet/kubeadm/kubectl at exactly the chosen version. The
# cluster steps (kubeadm init, join) run later, over SSH, from `pulumi up`. The functions
# of containerd-config.sh come before it in the user data.
#
# It ends by writing /var/lib/meshbench/prepared, which cluster/vms/scripts/await-node.sh
# waits for: a node without that file failed here, and its log says where.
set -eu

: "${MESHBENCH_KUBERNETES_VERSION:?}"   # e.g. 1.29.1
: "${MESHBENCH_REPOSITORY_MINOR:?}"     # e.g. v1.29: the pkgs.k8s.io repository
: "${MESHBENCH_PACKAGE_REVISION:?}"     # e.g. 1.1: pkgs.k8s.io ships 1.29.1 as 1.29.1-1.1
: "${MESHBENCH_CURRENT_KEY_MINORS:?}"   # e.g. "v1.37 v1.36": supported minors whose key may replace an expired one
: "${MESHBENCH_PAUSE_IMAGE:?}"          # e.g. registry.k8s.io/pause:3.9
: "${MESHBENCH_CONTAINERD_VERSION:?}"   # e.g. 1.7.34: containerd's release tarball
: "${MESHBENCH_RUNC_VERSION:?}"         # e.g. v1.3.6: the runc that containerd release is tested with
MESHBENCH_KERNEL_MODULES=${MESHBENCH_KERNEL_MODULES:-}   # modules the mesh needs (e.g. wireguard); may be empty
: "${MESHBENCH_CNI_PLUGINS_VERSION:?}"  # fallback only
: "${MESHBENCH_CRICTL_VERSION:?}"       # fallback only

PACKAGE_VERSION="${MESHBENCH_KUBERNETES_VERSION}-${MESHBENCH_PACKAGE_REVISION}"
REPOSITORY="https://pkgs.k8s.io/core:/stable:/${MESHBENCH_REPOSITORY_MINOR}/deb/"
# Overridable only so that test/cluster/vms/prepare-node.test.ts can run the apt steps unprivileged.
KEYRING=${MESHBENCH_KEYRING:-/etc/apt/keyrings/kubernetes-apt-keyring.gpg}
SOURCES_LIST=${MESHBENCH_SOURCES_LIST:-/etc/apt/sources.list.d/kubernetes.list}
MODULES_FILE=${MESHBENCH_MODULES_FILE:-/etc/modules-load.d/kubernetes.conf}
STATE_DIR=/var/lib/meshbench
ARCH=amd64
export DEBIAN_FRONTEND=noninteractive

log() { echo "meshbench-prepare: $*"; }

# The first boot races apt-daily for the dpkg lock; wait for it rather than fail.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }

# DPkg::Lock::Timeout covers the dpkg lock only: `apt-get update` takes the lists lock
# without waiting (apt 2.4 pkgAcquire::GetLock: "Unable to lock directory"), so retry it,
# at most $1 times (default 10): a repository apt cannot verify fails every attempt.
apt_update() {
    attempt=1
    until apt_get update; do
        [ "$attempt" -lt "${1:-10}" ] || return 1
        attempt=$((attempt + 1))
        sleep 15
    done
}

# Background apt runs take CPU and may restart services in the middle of a benchmark.
# Disabling a timer does not stop the service it already started, so stop those too.
quiet_background_jobs() {
    systemctl disable --now unattended-upgrades.service apt-daily.timer apt-daily-upgrade.timer 2>/dev/null || true
    systemctl stop apt-daily.service apt-daily-upgrade.service 2>/dev/null || true
}

# What the mesh needs of the nodes (Cilium: wireguard for its transparent encryption),
# loaded now so that a kernel without it fails here, before any chart is installed.
load_mesh_modules() {
    for module in $MESHBENCH_KERNEL_MODULES; do
        if ! modprobe "$module"; then
            log "the mesh needs kernel module ${module}, and this kernel ($(uname -r)) cannot load it"
            return 1
        fi
        echo "$module" >> "$MODULES_FILE"
    done
}

kernel_settings() {
    printf 'overlay\nbr_netfilter\n' > "$MODULES_FILE"
    modprobe overlay
    modprobe br_netfilter
    load_mesh_modules || return 1
    printf '%s\n' \
        'net.bridge.bridge-nf-call-iptables = 1' \
        'net.bridge.bridge-nf-call-ip6tables = 1' \
        'net.ipv4.ip_forward = 1' > /etc/sysctl.d/99-kubernetes.conf
    sysctl --system > /dev/null
    # Ubuntu's EC2 images have no swap; make sure, since the kubelet refuses to run with it.
    swapoff -a
}

# Downloads containerd's release tarball and runc into directory $1, each SHA-256 checked.
download_containerd() {
    tarball="containerd-${MESHBENCH_CONTAINERD_VERSION}-linux-${ARCH}.tar.gz"
    url="https://github.com/containerd/containerd/releases/download/v${MESHBENCH_CONTAINERD_VERSION}/${tarball}"
    download_verified "$url" "$1/containerd.tar.gz" "${url}.sha256sum" || return 1
    runc="https://github.com/opencontainers/runc/releases/download/${MESHBENCH_RUNC_VERSION}"
    download_verified "${runc}/runc.${ARCH}" "$1/runc" "${runc}/runc.sha256sum"
}

# containerd from its release tarball, not Ubuntu's package: jammy-updates moved to
# containerd 2.x, which containerd's RELEASES.md recommends only from Kubernetes 1.30, and
# Ubuntu keeps no older version installable. The tarball of a release stays published,
# with its SHA-256 beside it. runc is the release containerd's script/setup/runc-version names.
install_containerd() {
    apt_update || return 1
    apt_get install --no-install-recommends ca-certificates curl gpg conntrack socat ebtables ethtool || return 1
    work=$(mktemp -d)
    download_containerd "$work" || return 1
    tar -C /usr/local -xzf "${work}/containerd.tar.gz"
    install -m 0755 "${work}/runc" /usr/local/sbin/runc
    rm -rf "$work"
    installed=$(containerd --version)
    case "$installed" in *" v${MESHBENCH_CONTAINERD_VERSION} "*) ;; *)
        log "containerd reports \"${installed}\", not v${MESHBENCH_CONTAINERD_VERSION}"
        return 1 ;;
    esac
    write_containerd_config /etc/containerd/config.toml "$MESHBENCH_PAUSE_IMAGE" || return 1
    verify_containerd_config /etc/containerd/config.toml "$MESHBENCH_PAUSE_IMAGE" || return 1
    # Delegate: containerd manages its containers' cgroups; KillMode=process: a restart
    # leaves the shims, and with them the running containers, alone.
    cat > /etc/systemd/system/containerd.service <<'UNIT'
[Unit]
Description=containerd container runtime
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5
LimitNPROC=infinity
LimitCORE=infinity
LimitNOFILE=infinity
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
UNIT
    systemctl daemon-reload
    systemctl enable containerd
    systemctl restart containerd
}

# Writes the dearmored Release.key of each given minor's repository into the keyring.
fetch_keys() {
    work=$(mktemp -d)
    for minor in "$@"; do
        if ! curl -fsSL --retry 3 -o "${work}/armored" "https://pkgs.k8s.io/core:/stable:/${minor}/deb/Release.key" ||
            ! gpg --dearmor < "${work}/armored" >> "${work}/keyring"; then
            rm -rf "$work"
            return 1
        fi
    done
    install -m 0644 "${work}/keyring" "$KEYRING"
    rm -rf "$work"
}

# The package path: pkgs.k8s.io, exact version, held so that nothing upgrades it.
install_from_packages() {
    install -d -m 0755 "$(dirname "$KEYRING")"
    fetch_keys "$MESHBENCH_REPOSITORY_MINOR" || return 1
    echo "deb [signed-by=${KEYRING}] ${REPOSITORY} /" > "$SOURCES_LIST"
    if ! apt_update 3; then
        # The repository's signing key has expired before (kubernetes/release#3818): the
        # Release.key of end-of-life repositories kept the expired key, while the repositories
        # were signed with the renewed one that supported minors publish. Try those, newest
        # first; a minor pkgs.k8s.io does not serve is skipped, not fatal.
        log "apt could not verify ${REPOSITORY}; trying the key of supported minors"
        verified=0
        for minor in $MESHBENCH_CURRENT_KEY_MINORS; do
            if ! fetch_keys "$MESHBENCH_REPOSITORY_MINOR" "$minor"; then
                log "pkgs.k8s.io serves no Release.key for ${minor}; skipping it"
                continue
            fi
            if apt_update 3; then
                verified=1
                break
            fi
        done
        [ "$verified" = 1 ] || return 1
    fi
    if ! apt-cache madison kubeadm | grep -q " ${PACKAGE_VERSION} "; then
        log "pkgs.k8s.io does not offer kubeadm ${PACKAGE_VERSION}"
        return 1
    fi
    apt_get install --no-install-recommends "kubelet=${PACKAGE_VERSION}" "kubeadm=${PACKAGE_VERSION}" "kubectl=${PACKAGE_VERSION}" || return 1
    apt-mark hold kubelet kubeadm kubectl
}

# Downloads $1 to $2 and checks it against its published SHA-256: the checksum file $3
# (default: $1.sha256) holds a bare hash, or `hash  name` lines, one of them for $1's name.
download_verified() {
    url=$1
    target=$2
    curl -fsSL --retry 3 -o "$target" "$url" || return 1
    checksums=$(curl -fsSL --retry 3 "${3:-${url}.sha256}") || return 1
    expected=$(printf '%s\n' "$checksums" | awk -v name="${url##*/}" 'NF == 1 || $2 == name || $2 == "*" name { print $1; exit }')
    if [ -z "$expected" ] || ! echo "${expected}  ${target}" | sha256sum -c - > /dev/null; then
        log "${url} does not match its published SHA-256"
        return 1
    fi
}

# The fallback path: the release binaries (kubeadm's "without a package manager" install),
# the CNI plugins and crictl, and the kubelet units the packages would have installed.
install_from_binaries() {
    base="https://dl.k8s.io/release/v${MESHBENCH_KUBERNETES_VERSION}/bin/linux/${ARCH}"
    for binary in kubeadm kubelet kubectl; do
        download_verified "${base}/${binary}" "/usr/bin/${binary}" || return 1
        chmod 0755 "/usr/bin/${binary}"
    done
    work=$(mktemp -d)
    cni="cni-plugins-linux-${ARCH}-${MESHBENCH_CNI_PLUGINS_VERSION}.tgz"
    download_verified "https://github.com/containernetworking/plugins/releases/download/${MESHBENCH_CNI_PLUGINS_VERSION}/${cni}" "${work}/${cni}" || return 1
    mkdir -p /opt/cni/bin
    tar -C /opt/cni/bin -xzf "${work}/${cni}"
    crictl="crictl-${MESHBENCH_CRICTL_VERSION}-linux-${ARCH}.tar.gz"
    download_verified "https://github.com/kubernetes-sigs/cri-tools/releases/download/${MESHBENCH_CRICTL_VERSION}/${crictl}" "${work}/${crictl}" || return 1
    tar -C /usr/bin -xzf "${work}/${crictl}"
    rm -rf "$work"
    cat > /etc/systemd/system/kubelet.service <<'UNIT'
[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
UNIT
    mkdir -p /etc/systemd/system/kubelet.service.d
    cat > /etc/systemd/system/kubelet.service.d/10-kubeadm.conf <<'UNIT'
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
UNIT
    systemctl daemon-reload
}

main() {
    mkdir -p "$STATE_DIR"
    rm -f "${STATE_DIR}/prepared"
    quiet_background_jobs
    kernel_settings
    install_containerd
    if install_from_packages; then
        install="packages pkgs.k8s.io ${PACKAGE_VERSION}"
    else
        log "falling back to the release binaries from dl.k8s.io"
        rm -f "$SOURCES_LIST"
        install_from_binaries
        install="binaries dl.k8s.io v${MESHBENCH_KUBERNETES_VERSION}"
    fi
    installed=$(kubeadm version -o short)
    if [ "$installed" != "v${MESHBENCH_KUBERNETES_VERSION}" ]; then
        log "kubeadm is ${installed}, not v${MESHBENCH_KUBERNETES_VERSION}"
        exit 1
    fi
    systemctl enable kubelet
    echo "install=${install}" > "${STATE_DIR}/prepared"
    log "ready: ${install}"
}

# The tests source this file for its functions; cloud-init runs it.
if [ "${MESHBENCH_PREPARE_FUNCTIONS_ONLY:-0}" != 1 ]; then
    main
fi
