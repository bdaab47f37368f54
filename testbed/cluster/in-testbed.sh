#!/bin/bash
# Runs a command inside the testbed's host namespace, where the API server is on loopback
# and the admin kubeconfig is KUBECONFIG: e.g. `in-testbed.sh kubectl get nodes`.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ -e "/run/netns/$TB_NETNS" ] || tb_die "no testbed is up; start it with testbed/cluster/up.sh"
export KUBECONFIG=$TB_KUBECONFIG
exec nsenter --net="/run/netns/$TB_NETNS" -- "$@"
