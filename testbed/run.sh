#!/bin/bash
# `npm run test:cluster`: the real-cluster tier. Builds (or finds in the cache) the tools
# and images, starts the testbed cluster, runs testbed/test/*.test.ts inside its network
# namespace with the real Pulumi engine and providers, and stops the cluster on every exit
# path. Prints the wall time of each phase. Needs root and the packages of
# testbed/install-packages.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
phase_started=$SECONDS
phases=()
phase() { phases+=("$(printf '%-22s %4ss' "$1" "$((SECONDS - phase_started))")"); phase_started=$SECONDS; }
print_phases() { printf 'testbed: phase times\n'; printf '  %s\n' "${phases[@]}"; }

[ "$(id -u)" -eq 0 ] || { echo "testbed: run as root (it makes network namespaces, cgroups and mounts)" >&2; exit 1; }

tools_out=$(testbed/build-tools.sh)
bin=$(awk '$1 == "bindir" { print $2 }' <<< "$tools_out")
[ -n "$bin" ] || { echo "testbed: build-tools.sh printed no bindir" >&2; exit 1; }
phase "tools"
images_dir=$(testbed/images/build.sh --pause "$bin/pause" --fortio "$bin/fortio" | tail -n 1)
[ -f "$images_dir/images.txt" ] || { echo "testbed: images/build.sh made no $images_dir/images.txt" >&2; exit 1; }
phase "images"
image() { awk -v name="$1" '$1 == name { print $2 }' "$images_dir/images.txt"; }

export MESHBENCH_TESTBED_BIN=$bin
export MESHBENCH_TESTBED_IMAGES MESHBENCH_TESTBED_PAUSE_IMAGE
MESHBENCH_TESTBED_IMAGES=$(awk -v dir="$images_dir" '{ print dir "/" $3 }' "$images_dir/images.txt" | tr '\n' ' ')
MESHBENCH_TESTBED_PAUSE_IMAGE=$(image pause)
export MESHBENCH_TESTBED_HTTP_IMAGE MESHBENCH_TESTBED_WRK_IMAGE MESHBENCH_TESTBED_NETPERF_IMAGE MESHBENCH_TESTBED_FORTIO_IMAGE
MESHBENCH_TESTBED_HTTP_IMAGE=$(image nginx)
MESHBENCH_TESTBED_WRK_IMAGE=$(image wrk)
MESHBENCH_TESTBED_NETPERF_IMAGE=$(image netperf)
MESHBENCH_TESTBED_FORTIO_IMAGE=$(image fortio)

export MESHBENCH_TESTBED_STATE=${MESHBENCH_TESTBED_STATE:-/var/lib/meshbench-testbed}
trap print_phases EXIT
# up.sh stops what it started if it fails; from here on, this script stops the cluster. It
# names this script the owner, so that a later run can stop a cluster this one, killed
# outright, could not.
MESHBENCH_TESTBED_OWNER=$$ testbed/cluster/up.sh
trap 'testbed/cluster/down.sh || true; print_phases' EXIT
phase "cluster up"

export PATH="$bin:$PATH"
export MESHBENCH_TESTBED_KUBECONFIG=$MESHBENCH_TESTBED_STATE/admin.kubeconfig
# This shell stays in the machine's own network namespace: the tests look at its routes there.
export MESHBENCH_MACHINE_NETNS=/proc/$$/ns/net
testbed/cluster/in-testbed.sh "$root/node_modules/.bin/mocha" --config testbed/test/mocharc.json
phase "tests"
