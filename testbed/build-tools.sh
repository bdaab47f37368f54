#!/usr/bin/env bash
# Builds the testbed's tools with `go build` from Go modules (through the module
# proxy) into a cache outside the clone, one directory per tool keyed by what
# decides its bytes: the Go version, the tool's go.mod, go.sum and our own .go
# files under testbed/tools/<tool>/, and the build flags below. A second run
# finds every key and only checks the binaries are there, which takes seconds.
#
# Usage: testbed/build-tools.sh [TOOL...]   (default: every tool, in the order below)
# Prints "<binary> <absolute path>" on stdout as each binary is ready, then
# "bindir <dir>": one directory holding links to every binary, to put on PATH.
# Logs and timings go to stderr.
#
# Environment:
#   MESHBENCH_TESTBED_CACHE  cache root (default ~/.cache/meshbench-testbed)
#   MESHBENCH_NICE           niceness of every go build (default 10: the CI
#                            machine has 2 cores and the build is long)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tools_dir="$here/tools"
cache_root="${MESHBENCH_TESTBED_CACHE:-$HOME/.cache/meshbench-testbed}"
nice_level="${MESHBENCH_NICE:-10}"

# Static binaries with no C toolchain needed; -trimpath so the clone's path is
# not in the binaries (and not in the key); -s -w because symbols make the link
# of kube-apiserver and pulumi much slower and nothing here debugs them.
export CGO_ENABLED=0
common_flags=(-trimpath)
common_ldflags="-s -w"

# --- versions: every pin of a built tool lives here ---------------------------
KUBERNETES_VERSION=v1.29.1
# The commit the v1.29.1 tag points at and the build date the release
# kube-apiserver reports on /version, so our binaries report what upstream's
# do (both as published for v1.29.1, e.g. by kubernetes-the-hard-way).
KUBERNETES_GIT_COMMIT=bc401b91f2782410b3fb3f9acf43a995c4de90d2
KUBERNETES_BUILD_DATE=2024-01-17T15:41:12Z
COREDNS_VERSION=v1.11.1
PULUMI_VERSION=3.248.0
# The module proxy serves provider/v4 only at one pseudo-version, commit
# f47bc2d6f199 (2026-01-15): after v4.24.0, before v4.25.0 (the first tag that
# contains it). The plugin reports the version Go would give that commit from
# v4.24.0, not the npm package's 4.34.2: see testbed/tools/README.md.
PULUMI_KUBERNETES_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
PULUMI_KUBERNETES_VERSION=4.24.1-0.20260115033456-f47bc2d6f199
# fortio, the open-loop load client (loadtest/scripts/fortio-client.sh). The
# newest release the proxy here can build: from v1.69.0 on fortio imports
# grol.io/grol, which the proxy answers 403 for (every version). The cloud's
# image is the same release (loadtest/settings.ts).
FORTIO_VERSION=v1.68.2

log() { printf '[build-tools %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null || die "go is not on PATH; the testbed builds its tools with go build (Go >= 1.24 for tool directives)"

kube_ldflags() {
  local major=${KUBERNETES_VERSION#v}; major=${major%%.*}
  local minor=${KUBERNETES_VERSION#v}; minor=${minor#*.}; minor=${minor%%.*}
  local pkg out=""
  # component-base/version is what /version and the servers report;
  # client-go/pkg/version is kubectl's client version.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    out+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    out+=" -X $pkg.gitCommit=$KUBERNETES_GIT_COMMIT -X $pkg.gitTreeState=clean -X $pkg.buildDate=$KUBERNETES_BUILD_DATE"
  done
  echo "$out"
}

# tool_spec TOOL sets: version, tags, ldflags, and pkgs (binary=package pairs).
# scripts: files of the module that are tools too (no Go), copied next to the
# binaries.
tool_spec() {
  tags=""; ldflags=""; pkgs=(); scripts=()
  case "$1" in
    kubernetes)
      version=$KUBERNETES_VERSION
      # providerless drops the in-tree cloud providers (AWS, Azure, GCE,
      # vSphere SDKs): the testbed has no cloud, and it halves the build.
      tags=providerless
      ldflags=$(kube_ldflags)
      local b
      for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
        pkgs+=("$b=k8s.io/kubernetes/cmd/$b")
      done ;;
    coredns)
      version=$COREDNS_VERSION
      pkgs=("coredns=.") ;;
    pause)
      version=own
      pkgs=("pause=.") ;;
    pulumi)
      # The CLI, our own Node.js language host and the dynamic-provider
      # plugin in one directory: the engine looks for "bundled" plugins
      # (language hosts, pulumi-resource-pulumi-nodejs) next to the real path
      # of the pulumi binary, and warns when it finds them elsewhere on PATH.
      version=$PULUMI_VERSION
      ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION -X main.version=$PULUMI_VERSION"
      pkgs=("pulumi=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
            "pulumi-language-nodejs=./pulumi-language-nodejs")
      scripts=(pulumi-resource-pulumi-nodejs) ;;
    fortio)
      # The tool directive in its go.mod names the package; fortio reads its
      # version from the module's build info, so no ldflags.
      version=$FORTIO_VERSION
      pkgs=("fortio=fortio.org/fortio") ;;
    pulumi-kubernetes)
      version=$PULUMI_KUBERNETES_VERSION
      ldflags="-X main.version=$PULUMI_KUBERNETES_VERSION"
      pkgs=("pulumi-resource-kubernetes=.") ;;
    *) die "unknown tool '$1'; allowed: ${ALL_TOOLS[*]}" ;;
  esac
}

ALL_TOOLS=(kubernetes coredns pause pulumi pulumi-kubernetes fortio)

# prepare_tool TOOL runs in the tool's module after its modules are
# downloaded. The provider's schema and Terraform mapping are data files of
# the module zip that go:embed cannot reach from our package: copy them in
# (gitignored).
prepare_tool() {
  case "$1" in
    pulumi-kubernetes)
      local src
      src=$(go list -m -f '{{.Dir}}' "$PULUMI_KUBERNETES_MODULE")/cmd/pulumi-resource-kubernetes
      install -m 0644 "$src/schema.json" "$src/terraform-mapping.json" . ;;
  esac
}

# check_tool TOOL runs once after a fresh build, in the tool's bin dir: the
# version ldflags are easy to get silently wrong (/version says v0.0.0).
check_tool() {
  local b out
  case "$1" in
    kubernetes)
      for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
        out=$(./"$b" --version)
        [ "$out" = "Kubernetes $KUBERNETES_VERSION" ] || die "$b --version says '$out', not Kubernetes $KUBERNETES_VERSION"
      done
      out=$(./kubectl version --client -o json)
      case "$out" in *"\"gitVersion\": \"$KUBERNETES_VERSION\""*) ;; *) die "kubectl version --client says $out" ;; esac ;;
    coredns)
      ./coredns -version | grep -qx "CoreDNS-${COREDNS_VERSION#v}" || die "coredns -version does not say ${COREDNS_VERSION#v}" ;;
    fortio)
      out=$(./fortio version)
      [ "$out" = "${FORTIO_VERSION#v}" ] || die "fortio version says '$out', not ${FORTIO_VERSION#v}" ;;
    pulumi)
      out=$(./pulumi version)
      [ "$out" = "v$PULUMI_VERSION" ] || die "pulumi version says '$out', not v$PULUMI_VERSION" ;;
  esac
}

tool_key() {
  local tool=$1 mod="$tools_dir/$1"
  {
    go version
    go env GOOS GOARCH
    echo "CGO_ENABLED=$CGO_ENABLED ${common_flags[*]} tags=$tags"
    echo "ldflags=$common_ldflags $ldflags"
    printf '%s\n' "${pkgs[@]}"
    # Our sources and scripts; tests do not change the binaries.
    (cd "$mod" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum -o -name 'pulumi-resource-*' \) \
      ! -name '*_test.go' | LC_ALL=C sort | xargs sha256sum)
  } | sha256sum | cut -c1-12
}

built_paths=()

build_tool() {
  local tool=$1 mod="$tools_dir/$1"
  [ -f "$mod/go.mod" ] || die "no module for $tool at $mod/go.mod"
  tool_spec "$tool"
  local key dir
  key=$(tool_key "$tool")
  dir="$cache_root/$tool-$version-$key"
  local pair bin pkg f
  if [ -f "$dir/.complete" ]; then
    log "$tool $version: cached in $dir"
    for f in "$dir"/bin/*; do
      [ -x "$f" ] || die "$tool: $f is missing or not executable; remove $dir and rerun"
      echo "$(basename "$f") $f"
      built_paths+=("$f")
    done
    return
  fi
  # Each binary is moved into place when it is built (so a caller can use it
  # while the rest build); .complete marks the whole tool. Binaries already in
  # place from an interrupted run carry the same key, so they are kept.
  mkdir -p "$dir/bin"
  local t0 b0
  t0=$(date +%s)
  log "$tool $version: downloading modules"
  (cd "$mod" && go mod download) || die "$tool: go mod download failed in $mod"
  (cd "$mod" && prepare_tool "$tool") || die "$tool: preparing the module failed"
  for pair in "${pkgs[@]}"; do
    bin=${pair%%=*}; pkg=${pair#*=}
    if [ ! -x "$dir/bin/$bin" ]; then
      b0=$(date +%s)
      log "$tool: go build $pkg"
      (cd "$mod" && nice -n "$nice_level" go build "${common_flags[@]}" ${tags:+-tags "$tags"} \
        -ldflags "$common_ldflags $ldflags" -o "$dir/bin/.$bin.tmp" "$pkg") \
        || die "$tool: go build $pkg failed (module $mod)"
      mv "$dir/bin/.$bin.tmp" "$dir/bin/$bin"
      log "$tool: $bin built in $(( $(date +%s) - b0 ))s"
    fi
    echo "$bin $dir/bin/$bin"
    built_paths+=("$dir/bin/$bin")
  done
  local s
  for s in ${scripts[@]+"${scripts[@]}"}; do
    install -m 0755 "$mod/$s" "$dir/bin/$s"
    echo "$s $dir/bin/$s"
    built_paths+=("$dir/bin/$s")
  done
  (cd "$dir/bin" && check_tool "$tool") || die "$tool: the built binaries failed their version check"
  echo "$(( $(date +%s) - t0 ))" > "$dir/.build-seconds"
  touch "$dir/.complete"
  log "$tool $version: built in $(( $(date +%s) - t0 ))s into $dir"
}

main() {
  local tools=("$@")
  [ ${#tools[@]} -gt 0 ] || tools=("${ALL_TOOLS[@]}")
  mkdir -p "$cache_root"
  local t
  for t in "${tools[@]}"; do build_tool "$t"; done
  # One directory of links, keyed by every binary it links to.
  local bkey bindir f
  bkey=$(printf '%s\n' "${built_paths[@]}" | sha256sum | cut -c1-12)
  bindir="$cache_root/bin-$bkey"
  if [ ! -d "$bindir" ]; then
    mkdir -p "$bindir.tmp.$$"
    for f in "${built_paths[@]}"; do ln -sf "$f" "$bindir.tmp.$$/$(basename "$f")"; done
    mv "$bindir.tmp.$$" "$bindir"
  fi
  echo "bindir $bindir"
}

# On one line, so bash has read all of it before main runs: an edit of this
# file during a long build cannot change what the running build does.
main "$@"; exit $?
