// The pod that lists one node's CNI config directory for the residue check. Pure: the
// manifest only; sweep/kube-pods.ts creates it, reads its log and deletes it.
//
// No shell: the container sleeps, and the check execs `ls` in it by argv (CNI_LIST_ARGV) and
// reads its stdout from the exec, not from the pod's log: on the real tier a pod's log file
// went away before it was read, and a log read gives an error text as if it were the log. The directory is mounted read-only with a
// hostPath of type Directory (never created if missing). hostNetwork, so that it starts on
// a node with no CNI at all (a Cilium cluster after Cilium's destroy); nodeName and a
// toleration of every taint, so that it reaches tainted and NotReady nodes without the
// scheduler. It runs in kube-system, which every cluster has: a namespace of its own would
// be residue of the check itself.
import type { Pod } from "kubernetes-types/core/v1";

export const CNI_CONFIG_DIR = "/etc/cni/net.d";
export const CNI_POD_NAMESPACE = "kube-system";
export const CNI_LIST_CONTAINER = "ls";
/** What the check execs in the pod: the directory's entries, one a line. */
export const CNI_LIST_ARGV: readonly string[] = ["ls", "-1A", "/host-cni"];
/** The pod ends by itself this long after it starts, should the check that made it die first. */
const POD_DEADLINE_SECONDS = 600;

/** A pod name for the node: the prefix, and as much of the node's name as fits (253 characters). */
export const cniPodName = (node: string): string => `meshbench-cni-ls-${node}`.slice(0, 253).replace(/[-.]+$/, "");

export function buildCniListerPod(node: string, image: string): Pod {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: cniPodName(node), namespace: CNI_POD_NAMESPACE, labels: { "app.kubernetes.io/part-of": "meshbench", "app.kubernetes.io/name": "cni-ls" } },
        spec: {
            nodeName: node,
            hostNetwork: true,
            restartPolicy: "Never",
            activeDeadlineSeconds: POD_DEADLINE_SECONDS,
            automountServiceAccountToken: false,
            tolerations: [{ operator: "Exists" }],
            containers: [{
                name: CNI_LIST_CONTAINER,
                image,
                command: ["sleep", String(POD_DEADLINE_SECONDS)],
                volumeMounts: [{ name: "cni", mountPath: "/host-cni", readOnly: true }],
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
            }],
            volumes: [{ name: "cni", hostPath: { path: CNI_CONFIG_DIR, type: "Directory" } }],
        },
    };
}
