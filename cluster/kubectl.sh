#!/bin/sh
# Runs kubectl on the machine that runs `pulumi up`, against the stack's cluster, with
# the arguments it is given. The kubeconfig arrives in $MESHBENCH_KUBECONFIG (a Pulumi
# secret) and exists on disk only in a private temporary file while kubectl runs.
#
#   kubectl.sh <kubectl arguments...>   runs kubectl once
#   kubectl.sh --script '<shell>'       runs a shell snippet in which `kubectl` is a
#                                       function using the stack's kubeconfig (for steps
#                                       that need several calls, e.g. a pod name first)
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
if [ "${1:-}" = "--script" ]; then
    eval "$2" 2>&1
else
    kubectl "$@" 2>&1
fi
echo "MESHBENCH-KUBECTL exit=$?"
exit 0
