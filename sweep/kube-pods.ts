// Runs a short-lived pod and execs a command in it: how the residue check lists a node's
// CNI config (sweep/cni-pod.ts). PodRunner is the interface (tests fake it); clientPodRunner
// implements it with @kubernetes/client-node (pods) and shared/kube-client.ts (the exec),
// with the kubeconfig in memory only.
import * as k8s from "@kubernetes/client-node";
import type { Pod } from "kubernetes-types/core/v1";
import { kubeClient } from "../shared/kube-client";
import { loadKubeconfig } from "../shared/kube-get";
import { buildCniListerPod, CNI_LIST_ARGV, CNI_LIST_CONTAINER } from "./cni-pod";
import { parseFileNames, type NodeFiles } from "./residue-lister";

/** What the command in the pod printed, and how it ended; `reason` when the pod never ran it. */
export interface PodRun {
    readonly exitCode?: number;
    readonly stdout: string;
    readonly stderr: string;
    readonly reason?: string;
}

export interface PodRunner {
    /**
     * Creates the pod, waits until its container runs (or `timeoutSeconds`), execs `argv`
     * in it, and deletes it.
     */
    run(pod: Pod, container: string, argv: readonly string[], timeoutSeconds: number): Promise<PodRun>;
}

/** A node's CNI config files, through a pod on it. */
export function podNodeFiles(runner: PodRunner, image: string, timeoutSeconds = 120): NodeFiles {
    return {
        async cniConfigFiles(node) {
            const result = await runner.run(buildCniListerPod(node, image), CNI_LIST_CONTAINER, CNI_LIST_ARGV, timeoutSeconds);
            if (result.exitCode !== 0) {
                const why = result.reason ?? `${CNI_LIST_ARGV.join(" ")} exited with ${result.exitCode}`;
                throw new Error(`listing the CNI config of node ${node} failed: ${why}${result.stderr.trim() ? `: ${result.stderr.trim()}` : ""}`);
            }
            return parseFileNames(result.stdout);
        },
    };
}

/** Why a pod's container is not running: its termination, its waiting reason (e.g. a missing hostPath), or the pod's. */
function notRunningReason(pod: k8s.V1Pod): string | undefined {
    const status = pod.status?.containerStatuses?.[0]?.state;
    return status?.terminated ? `exit ${status.terminated.exitCode}${status.terminated.reason ? ` (${status.terminated.reason})` : ""}`
        : status?.waiting?.reason ?? pod.status?.reason;
}

export function clientPodRunner(kubeconfig: string, context?: string, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): PodRunner {
    const { kc } = loadKubeconfig(kubeconfig, context);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const kube = kubeClient(kubeconfig, context);
    return {
        async run(pod, container, argv, timeoutSeconds) {
            const name = pod.metadata!.name!;
            const namespace = pod.metadata!.namespace!;
            // A pod of the same name left by an interrupted check is removed first.
            await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
            for (let i = 0; i < 30; i++) {
                const gone = await core.readNamespacedPod({ name, namespace }).then(() => false, () => true);
                if (gone) break;
                await sleep(1000);
            }
            await core.createNamespacedPod({ namespace, body: pod as k8s.V1Pod });
            try {
                const deadline = Date.now() + timeoutSeconds * 1000;
                for (;;) {
                    const current = await core.readNamespacedPod({ name, namespace });
                    const phase = current.status?.phase;
                    if (phase === "Running" && current.status?.containerStatuses?.[0]?.state?.running) break;
                    if (phase === "Succeeded" || phase === "Failed") return { stdout: "", stderr: "", reason: `the pod ended before the command: ${notRunningReason(current) ?? phase}` };
                    if (Date.now() > deadline) {
                        const waiting = notRunningReason(current);
                        throw new Error(`pod ${namespace}/${name} did not run within ${timeoutSeconds} s (${phase}${waiting ? `, ${waiting}` : ""})`);
                    }
                    await sleep(1000);
                }
                const result = await kube.exec(namespace, name, container, argv, { timeoutSeconds: 60 });
                return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
            } finally {
                await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
            }
        },
    };
}
