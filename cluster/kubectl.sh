#!/bin/sh
# Runs kubectl on the machine that runs `pulumi up`, against the stack's cluster, with
# the arguments it is given. The kubeconfig arrives in $MESHBENCH_KUBECONFIG (a Pulumi
# secret) and exists on disk only in a private temporary file while kubectl runs.
#
#   kubectl.sh <kubectl arguments...>   runs kubectl once (cluster/node-report.ts reads
#                                       the nodes of the clusters meshbench makes this way;
#                                       the benchmark itself runs through runner/, without kubectl)
#
# It always exits 0 and ends with "MESHBENCH-KUBECTL exit=<code>": a failed step then
# becomes a failed result, with its reason, instead of an aborted `pulumi up`.
set -u
if [ -z "${MESHBENCH_KUBECONFIG:-}" ]; then
    echo "MESHBENCH-ERROR no kubeconfig given"
    echo "MESHBENCH-KUBECTL exit=2"
    exit 0
fi
umask 077
kubeconfig_file=$(mktemp)
trap 'rm -f "$kubeconfig_file"' EXIT
trap 'rm -f "$kubeconfig_file"; exit 130' INT TERM
printf '%s' "$MESHBENCH_KUBECONFIG" > "$kubeconfig_file"
kubectl() {
    if [ -n "${MESHBENCH_KUBE_CONTEXT:-}" ]; then
        command kubectl --kubeconfig "$kubeconfig_file" --context "$MESHBENCH_KUBE_CONTEXT" "$@"
    else
        command kubectl --kubeconfig "$kubeconfig_file" "$@"
    fi
}
kubectl "$@" 2>&1
echo "MESHBENCH-KUBECTL exit=$?"
exit 0
