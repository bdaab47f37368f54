#!/bin/sh
# Runs on `pulumi destroy`, on the machine that runs it, once every chart and workload is
# gone and before the EBS CSI add-on is removed: deletes the PersistentVolumeClaims of
# meshbench's StorageClass (Helm leaves a StatefulSet's claims behind) and waits until
# their PersistentVolumes are gone, that is until the driver has deleted the EBS volumes.
# Without the driver nothing would delete them, and they would outlive the cluster.
#
# In its environment: MESHBENCH_KUBECONFIG (a Pulumi secret, on disk only in a private
# temporary file), MESHBENCH_STORAGE_CLASS, and MESHBENCH_RELEASE_TIMEOUT_SECONDS (600).
set -u
: "${MESHBENCH_KUBECONFIG:?}"
: "${MESHBENCH_STORAGE_CLASS:?}"
timeout=${MESHBENCH_RELEASE_TIMEOUT_SECONDS:-600}
class=$MESHBENCH_STORAGE_CLASS

umask 077
kubeconfig_file=$(mktemp)
trap 'rm -f "$kubeconfig_file"' EXIT
printf '%s' "$MESHBENCH_KUBECONFIG" > "$kubeconfig_file"
k() { kubectl --kubeconfig "$kubeconfig_file" --request-timeout=30s "$@"; }

if ! k get --raw /readyz > /dev/null 2>&1; then
    # A cluster that is already gone took its volumes' claims with it; nothing to wait for here.
    echo "meshbench: the cluster's API server does not answer; no volumes to release through it"
    exit 0
fi

of_class="?(@.spec.storageClassName==\"${class}\")"
claims=$(k get pvc --all-namespaces -o "jsonpath={range .items[${of_class}]}{.metadata.namespace} {.metadata.name}{\"\\n\"}{end}") || exit 1
echo "$claims" | while read -r namespace claim; do
    [ -z "$claim" ] || k delete pvc --namespace "$namespace" "$claim" --wait=false || exit 1
done || exit 1

waited=0
while :; do
    volumes=$(k get pv -o "jsonpath={range .items[${of_class}]}{.metadata.name} {end}") || exit 1
    if [ -z "$volumes" ]; then
        echo "meshbench: no PersistentVolume of ${class} is left"
        exit 0
    fi
    if [ "$waited" -ge "$timeout" ]; then
        echo "meshbench: after ${timeout} s these PersistentVolumes of ${class} remain: ${volumes}; their EBS volumes would outlive the EBS CSI driver. Delete them (kubectl delete pv ...), then run pulumi destroy again." >&2
        exit 1
    fi
    sleep 5
    waited=$((waited + 5))
done
