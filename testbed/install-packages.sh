#!/usr/bin/env bash
# Installs the Debian packages the real-cluster tier (testbed/) needs, on Debian 12
# (bookworm), as root. Idempotent: a second run installs nothing and only refreshes the
# package lists. Usage: testbed/install-packages.sh
#
# What each package is for, and the versions bookworm serves (measured 2026-12-01):
#   containerd 1.6.20, runc 1.1.5  each node's container runtime (CRI plugin built in)
#   containernetworking-plugins    /usr/lib/cni: bridge, host-local, loopback, portmap
#   iptables, conntrack            kube-proxy's rules (iptables mode) and its conntrack flushes
#   socat, ethtool                 what the vms target's nodes get too (prepare-node.sh), for
#                                  parity; kubeadm's preflight wants them, the local tier may not
#   iproute2                       ip netns / ip route for the cluster's namespace
#   util-linux                     nsenter: every testbed process enters its namespace with it
#   curl, openssl                  up.sh's health checks (etcd, CoreDNS) and the cluster's PKI
#   etcd-server 3.4.23             checked 2026-12-01: kube-apiserver v1.29.1 (testbed/tools'
#                                  build) on it passed /readyz (etcd ok), created a ConfigMap and
#                                  watched it. kubeadm 1.29 accepts external etcd >= 3.4.13; the
#                                  Kubernetes docs recommend >= 3.4.22 in production.
#   debootstrap                    testbed/images/build.sh: the images' Debian rootfs
#   umoci, skopeo                  testbed/images/build.sh: rootfs -> OCI layout -> archive
#   netperf 2.7.0 (non-free)       the host's netperf/netserver; the images get their own copy
#                                  from the mirror through debootstrap, and build.sh reads the
#                                  version to expect from the host's lists of non-free
# Measured here: a first run 26 s (12 packages and their dependencies), a second 5 s.
# netperf is in bookworm's non-free component, which this machine's sources don't list:
# the script adds it in its own deb822 file, so nothing of the machine's is edited.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "install-packages.sh: must run as root (it runs apt-get install)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
    containerd runc containernetworking-plugins
    iptables conntrack socat ethtool iproute2 util-linux
    etcd-server curl openssl
    debootstrap umoci skopeo
    netperf
)

# Other processes (a second helper, unattended upgrades) may hold dpkg's lock for a while.
APT=(apt-get -q -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)

NON_FREE=/etc/apt/sources.list.d/meshbench-bookworm-non-free.sources
wanted_sources='Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
if [ ! -f "$NON_FREE" ] || [ "$(cat "$NON_FREE")" != "$wanted_sources" ]; then
    printf '%s\n' "$wanted_sources" > "$NON_FREE"
fi

"${APT[@]}" update -qq

# A package the lists don't know fails here by name, before apt-get's own longer message.
missing=()
for p in "${PACKAGES[@]}"; do
    candidate=$(apt-cache policy "$p" | awk '$1 == "Candidate:" { print $2 }')
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then missing+=("$p"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "install-packages.sh: no installable version of: ${missing[*]} (check the apt sources, incl. $NON_FREE)" >&2
    exit 1
fi

# Only what is not installed yet: a second run does no dpkg work at all.
todo=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then todo+=("$p"); fi
done
if [ "${#todo[@]}" -gt 0 ]; then
    "${APT[@]}" install -y -qq --no-install-recommends "${todo[@]}" >/dev/null
fi

# Debian starts containerd and etcd as services on install. The tier runs its own
# instances (own root, state, socket and ports), so the packaged ones are stopped where a
# service manager runs them; without systemd (a container, this machine) they never started.
if [ -d /run/systemd/system ]; then
    systemctl disable --now containerd.service etcd.service >/dev/null 2>&1 || true
fi

for p in "${PACKAGES[@]}"; do
    printf '%-30s %s\n' "$p" "$(dpkg-query -W -f '${Version}' "$p")"
done
