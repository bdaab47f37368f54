#!/usr/bin/env bash
# Builds the real-cluster tier's container images from Debian packages, as OCI image
# archives for `ctr -n k8s.io images import`, and caches them outside the clone.
#
#   testbed/images/build.sh [--pause PATH] [--fortio PATH]   (root; after testbed/install-packages.sh)
#   testbed/images/check.sh "$(testbed/images/build.sh)"   runs each image once (~35 s)
#
# Prints the cache directory of this build on its last line of stdout; in it:
#   images.txt     one line per image: <name> <reference> <archive file>
#   <name>.tar     the OCI archive (oci-archive layout, gzip layers)
#   <name>.dpkg    every Debian package in that image, with its version
#   key.txt        what the cache key was computed from
#
# The images (no registry can be reached here, and the names say so):
#   meshbench.local/nginx:<nginx version>      the HTTP server: Debian's nginx
#   meshbench.local/wrk:<wrk version>          the wrk client: Debian's wrk
#   meshbench.local/netperf:<netperf version>  netserver and the netperf client (non-free)
#   meshbench.local/pause:<sha256 of binary>   the pod sandbox: PATH, or pause.c beside this
#   meshbench.local/fortio:<fortio version>    only with --fortio: that binary (testbed/build-tools.sh
#                                              fortio) as /usr/bin/fortio and nothing else, as
#                                              fortio's own image is (FROM scratch)
# nginx, wrk and netperf share one base layer: `debootstrap --variant=minbase` of bookworm
# (dash as /bin/sh, mawk, coreutils' timeout/head/dirname, grep, cat: what
# loadtest/scripts/*.sh and a netserver exec probe call). Each adds one layer: its
# packages, installed with apt-get from bookworm, bookworm-updates and bookworm-security.
#
# Cache: ${MESHBENCH_TESTBED_CACHE:-~/.cache/meshbench-testbed}/images/<key>/, whose
# Debian images are hard links into images/debian-<dkey>/: <dkey> hashes this script
# (less its comment lines) and the candidate versions, in the host's apt lists, of the
# images' packages and all their dependencies; <key> hashes <dkey> and the pause binary,
# so a new pause binary rebuilds only the pause image. The build fails if what it
# installed differs from those versions (stale host lists: run install-packages.sh).
# A new key leaves older builds in place; remove images/ to reclaim them.
#
# Measured here (2 cores shared with other jobs, load 10+, 2026-12-01; check.sh runs them):
#   cold, empty cache (5 runs): 2m33s to 3m44s wall, of which debootstrap 60-106 s, the
#     base's apt-get update + upgrade 26-39 s, each image's apt-get install 11-29 s,
#     archives 2 s; debootstrap fetches 31 MB of .debs; 340 MB of scratch, removed after.
#   warm (cache hit): 2-5 s, the two apt-cache calls of the key; a new pause binary alone: 3 s.
#   archives: nginx 35.6 MB, wrk 32.6 MB, netperf 30.0 MB (each 28.4 MB base layer plus
#     5.5 / 2.7 / 0.2 MB of its own), pause 0.3 MB (pause.c) or 0.8 MB (testbed/tools');
#     95 MB in the cache per key. One node's containerd holds 141 MB after importing all.
#   fortio (--fortio, 2026-12-02): 1 s, a 6.3 MB archive (one layer: usr/bin/fortio).
# Found while checking: netperf resolves -H with AI_ADDRCONFIG, so it fails ("could not
# resolve host '127.0.0.1'") in a network namespace whose only interface is `lo`; pods
# have eth0 and are fine, a lo-only test namespace is not (check.sh adds a veth).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache_root=${MESHBENCH_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meshbench-testbed}
mirror=http://deb.debian.org/debian
security_mirror=http://deb.debian.org/debian-security
suite=bookworm
registry=meshbench.local

# image name -> the Debian packages it adds to the base
declare -A PACKAGES=(
    [nginx]="nginx"
    [wrk]="wrk"
    [netperf]="netperf"
)
# Start commands, "|" between arguments. The pod specs override them for wrk and netperf (the client idles,
# netserver gets -D -p), but not for nginx: the HTTP server pod sets no command, so, as
# in the nginx image on Docker Hub, the image runs nginx in the foreground; its config
# (/etc/nginx/nginx.conf, Debian's compiled-in path) comes from the pod's ConfigMap.
declare -A CMD=(
    [nginx]='nginx|-g|daemon off;'
    [wrk]='sh'
    [netperf]='netserver|-D'
)
# Base packages the client scripts and probes call, listed so the key follows them too.
BASE_TOOLS="dash mawk coreutils grep base-files libc6"

log() { echo "build.sh: $*" >&2; }
die() { log "$*"; exit 1; }

pause_bin=""
fortio_bin=""
while [ $# -gt 0 ]; do
    case $1 in
        --pause) [ $# -ge 2 ] || die "--pause needs a path"; pause_bin=$2; shift 2 ;;
        --fortio) [ $# -ge 2 ] || die "--fortio needs a path"; fortio_bin=$2; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) die "unknown argument \"$1\"; allowed: --pause PATH, --fortio PATH" ;;
    esac
done
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot)"
for tool in debootstrap umoci skopeo apt-cache sha256sum; do
    command -v "$tool" >/dev/null || die "$tool is missing; run testbed/install-packages.sh"
done

# The pause binary: the one given, or our own stand-in, built static from pause.c.
mkdir -p "$cache_root"
if [ -z "$pause_bin" ]; then
    pause_bin=$cache_root/pause-$(sha256sum "$here/pause.c" | cut -c1-16)
    if [ ! -x "$pause_bin" ]; then
        gcc -static -Os -s -o "$pause_bin.tmp" "$here/pause.c" || die "could not build pause.c (gcc, libc6-dev)"
        mv "$pause_bin.tmp" "$pause_bin"
    fi
fi
[ -f "$pause_bin" ] || die "--pause: no file at $pause_bin"
pause_sha=$(sha256sum "$pause_bin" | cut -d' ' -f1)
fortio_sha=""
fortio_version=""
if [ -n "$fortio_bin" ]; then
    [ -x "$fortio_bin" ] || die "--fortio: no executable at $fortio_bin"
    fortio_sha=$(sha256sum "$fortio_bin" | cut -d' ' -f1)
    fortio_version=$("$fortio_bin" version)
fi

# name=version lines for the packages and their whole dependency closure, as the host's
# apt lists give them (same suites and components as the images use).
candidates() {
    # shellcheck disable=SC2046
    apt-cache policy $(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances "$@" | grep -v '^ ' | tr -d '<>' | sort -u) |
        awk '/^[^ ]/ { name = $1; sub(/:$/, "", name) } $1 == "Candidate:" && $2 != "(none)" { print name "=" $2 }' |
        sort -u
}
# shellcheck disable=SC2086 # lists of package names, split on purpose
versions=$(candidates $BASE_TOOLS ${PACKAGES[nginx]} ${PACKAGES[wrk]} ${PACKAGES[netperf]})
candidate() { awk -F= -v p="$1" '$1 == p { print $2 }' <<<"$versions"; }
# A Debian version as a tag: [A-Za-z0-9_.-] only (no "+", "~" or ":").
tag_of() { printf '%s' "$1" | tr -c 'A-Za-z0-9_.-' '_'; }

# The Debian images have a key of their own, so that a new pause binary rebuilds only the
# pause image.
deb_key_text=$(
    # Comments don't change the images, so they don't change the key.
    echo "script $(sed '/^[[:space:]]*#/d' "$0" | sha256sum | cut -d' ' -f1)"
    echo "$versions"
)
deb_key=$(printf '%s\n' "$deb_key_text" | sha256sum | cut -c1-16)
deb_dir=$cache_root/images/debian-$deb_key
key_text=$(printf 'debian %s\npause %s\nfortio %s\n' "$deb_key" "$pause_sha" "$fortio_sha")
for name in nginx wrk netperf; do
    for p in ${PACKAGES[$name]}; do
        v=$(candidate "$p")
        if [ -z "$v" ]; then die "the apt lists have no $p (netperf needs bookworm non-free); run testbed/install-packages.sh"; fi
    done
done
key=$(printf '%s\n' "$key_text" | sha256sum | cut -c1-16)
out=$cache_root/images/$key
if [ -f "$out/images.txt" ]; then
    log "cached: $out"
    echo "$out"
    exit 0
fi

started=$(date +%s)
work=$(mktemp -d "$cache_root/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
phase() { log "$(( $(date +%s) - started ))s: $*"; }
# quietly LABEL CMD...: the command's output goes to a log, shown only if it fails.
quietly() {
    local label=$1
    shift
    "$@" >"$work/$label.log" 2>&1 || { tail -n 30 "$work/$label.log" >&2; die "$label failed (log above)"; }
}
# store DIR TARGET MARKER: moves a finished build into the cache. A build that ran at the
# same time may have stored the same key first; its copy wins.
store() {
    mkdir -p "$(dirname "$2")"
    if ! mv -T "$1" "$2" 2>/dev/null; then
        [ -f "$2/$3" ] || die "could not store $2"
    fi
}

build_debian_images() {
    layout=$work/layout
    umoci init --layout "$layout"

    # Every chroot runs in its own mount namespace, so its bind mounts (shared apt lists and
    # package archives, /proc) vanish with it on every exit path.
    mkdir -p "$work/lists/partial" "$work/archives/partial"
    in_chroot() {
        local rootfs=$1
        shift
        # shellcheck disable=SC2016 # expanded by the inner sh
        unshare --mount --propagation private sh -c '
            r=$1; w=$2; shift 2
            mount --bind "$w/lists" "$r/var/lib/apt/lists"
            mount --bind "$w/archives" "$r/var/cache/apt/archives"
            mount -t proc proc "$r/proc"
            exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"
        ' sh "$rootfs" "$work" "$@"
    }

    # Removes what no container needs and what would differ from build to build.
    slim() {
        local r=$1
        rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/* \
            "$r"/var/cache/apt/*.bin "$r"/var/cache/debconf/*-old "$r"/var/lib/dpkg/*-old \
            "$r"/var/log/apt/* "$r"/var/log/dpkg.log "$r"/var/log/alternatives.log "$r"/var/log/bootstrap.log
    }

    phase "debootstrap --variant=minbase $suite"
    umoci new --image "$layout:base"
    umoci unpack --image "$layout:base" "$work/base"
    base=$work/base/rootfs
    quietly debootstrap debootstrap --variant=minbase --components=main,non-free --cache-dir="$work/archives" \
        "$suite" "$base" "$mirror"
    rm -f "$base/etc/apt/sources.list"
    cat >"$base/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    # Later installs (the images' own layers) skip docs, man pages and translations.
    cat >"$base/etc/dpkg/dpkg.cfg.d/meshbench-slim" <<'EOF'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
EOF
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$base/etc/apt/apt.conf.d/90meshbench"
    rm -rf "$base"/var/lib/apt/lists/* "$base"/var/cache/apt/archives/*.deb
    slim "$base"
    # The build host's resolver serves the apt-get runs below; every copy is emptied
    # before its repack (in a pod, the kubelet mounts its own).
    cp /etc/resolv.conf "$work/resolv.conf"
    cp "$work/resolv.conf" "$base/etc/resolv.conf"
    printf '#!/bin/sh\nexit 101\n' >"$base/usr/sbin/policy-rc.d"
    chmod +x "$base/usr/sbin/policy-rc.d"
    # Upgrades from bookworm-updates and -security, so that the base matches the key.
    phase "base: apt-get update, upgrade"
    quietly apt-update in_chroot "$base" apt-get -q update
    quietly apt-upgrade in_chroot "$base" apt-get -q -y -o Dpkg::Use-Pty=0 upgrade
    rm -f "$base/usr/sbin/policy-rc.d"
    : >"$base/etc/resolv.conf"
    slim "$base"
    umoci repack --image "$layout:base" "$work/base"

    : >"$work/debian.txt"
    for name in nginx wrk netperf; do
        phase "image $name: ${PACKAGES[$name]}"
        bundle=$work/$name
        umoci unpack --image "$layout:base" "$bundle"
        r=$bundle/rootfs
        cp "$work/resolv.conf" "$r/etc/resolv.conf"
        # Maintainer scripts must not start services (nginx, netserver) on the build host.
        printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
        chmod +x "$r/usr/sbin/policy-rc.d"
        # shellcheck disable=SC2086
        quietly "install-$name" in_chroot "$r" apt-get -q -y -o Dpkg::Use-Pty=0 install ${PACKAGES[$name]}
        rm -f "$r/usr/sbin/policy-rc.d"
        : >"$r/etc/resolv.conf"
        slim "$r"
        # shellcheck disable=SC2016 # dpkg-query's own format
        in_chroot "$r" dpkg-query -W -f '${Package}=${Version}\n' >"$work/$name.dpkg"
        for p in ${PACKAGES[$name]} $BASE_TOOLS; do
            want=$(candidate "$p")
            got=$(awk -F= -v p="$p" '$1 == p { print $2 }' "$work/$name.dpkg")
            [ "$got" = "$want" ] || die "$name: installed $p $got, but the host's apt lists say $want (stale lists? run testbed/install-packages.sh)"
        done
        umoci repack --image "$layout:$name" "$bundle"
        rm -rf "$bundle"
        IFS='|' read -r -a cmd <<<"${CMD[$name]}"
        cfg=(--image "$layout:$name" --config.workingdir / --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
        for c in "${cmd[@]}"; do cfg+=(--config.cmd "$c"); done
        umoci config "${cfg[@]}"
        main=${PACKAGES[$name]%% *}
        echo "$name $registry/$name:$(tag_of "$(candidate "$main")") $name.tar" >>"$work/debian.txt"
    done

    phase "archives"
    mkdir -p "$work/deb"
    while read -r name ref archive; do
        skopeo copy -q "oci:$layout:$name" "oci-archive:$work/deb/$archive:$ref"
        mv "$work/$name.dpkg" "$work/deb/"
    done <"$work/debian.txt"
    mv "$work/debian.txt" "$work/deb/"
    printf '%s\n' "$deb_key_text" >"$work/deb/key.txt"
    phase "the build used $(du -sh "$work" | cut -f1) of scratch space in $work"
    store "$work/deb" "$deb_dir" debian.txt
}
if [ -f "$deb_dir/debian.txt" ]; then
    log "cached: $deb_dir"
else
    build_debian_images
fi

phase "image pause: $pause_bin"
pause_layout=$work/pause-layout
pause_ref=$registry/pause:${pause_sha:0:16}
umoci init --layout "$pause_layout"
umoci new --image "$pause_layout:pause"
umoci unpack --image "$pause_layout:pause" "$work/pause"
install -m 0755 "$pause_bin" "$work/pause/rootfs/pause"
umoci repack --image "$pause_layout:pause" "$work/pause"
# 65535: the user the upstream pause image runs as; the sandbox needs no privilege.
umoci config --image "$pause_layout:pause" --config.entrypoint /pause --config.user 65535:65535
mkdir -p "$work/out"
skopeo copy -q "oci:$pause_layout:pause" "oci-archive:$work/out/pause.tar:$pause_ref"
fortio_line=""
if [ -n "$fortio_bin" ]; then
    phase "image fortio: $fortio_bin"
    fortio_layout=$work/fortio-layout
    fortio_ref=$registry/fortio:$(tag_of "$fortio_version")
    umoci init --layout "$fortio_layout"
    umoci new --image "$fortio_layout:fortio"
    umoci unpack --image "$fortio_layout:fortio" "$work/fortio"
    install -D -m 0755 "$fortio_bin" "$work/fortio/rootfs/usr/bin/fortio"
    umoci repack --image "$fortio_layout:fortio" "$work/fortio"
    umoci config --image "$fortio_layout:fortio" --config.entrypoint /usr/bin/fortio --config.workingdir /
    skopeo copy -q "oci:$fortio_layout:fortio" "oci-archive:$work/out/fortio.tar:$fortio_ref"
    fortio_line="fortio $fortio_ref fortio.tar"
fi

# The Debian images' files are hard links into their own cache dir: no second copy.
for f in "$deb_dir"/*.tar "$deb_dir"/*.dpkg; do
    ln "$f" "$work/out/" 2>/dev/null || cp "$f" "$work/out/"
done
{ cat "$deb_dir/debian.txt"; echo "pause $pause_ref pause.tar"; [ -z "$fortio_line" ] || echo "$fortio_line"; } >"$work/out/images.txt"
printf '%s\n' "$key_text" >"$work/out/key.txt"
store "$work/out" "$out" images.txt
log "built in $(( $(date +%s) - started ))s: $out"
echo "$out"
