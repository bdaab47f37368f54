// Runs a pod to completion and reads its log: how the residue check lists a node's CNI
// config (sweep/cni-pod.ts). PodRunner is the interface (tests fake it); clientPodRunner
// implements it with @kubernetes/client-node, with the kubeconfig in memory only.
import * as k8s from "@kubernetes/client-node";
import type { Pod } from "kubernetes-types/core/v1";
import { buildCniListerPod } from "./cni-pod";
import { parseFileNames, type NodeFiles } from "./residue-lister";

/** How a pod ended: its phase, its log, and why when it failed. */
export interface PodRun {
    readonly phase: "Succeeded" | "Failed";
    readonly log: string;
    readonly reason?: string;
}

export interface PodRunner {
    /** Creates the pod, waits until it ends (or `timeoutSeconds`, then rejects), reads its log, deletes it. */
    run(pod: Pod, timeoutSeconds: number): Promise<PodRun>;
}

/** A node's CNI config files, through a pod on it. */
export function podNodeFiles(runner: PodRunner, image: string, timeoutSeconds = 120): NodeFiles {
    return {
        async cniConfigFiles(node) {
            const result = await runner.run(buildCniListerPod(node, image), timeoutSeconds);
            if (result.phase !== "Succeeded") {
                throw new Error(`listing the CNI config of node ${node} failed: ${result.reason ?? "the pod failed"}${result.log ? `: ${result.log.trim()}` : ""}`);
            }
            return parseFileNames(result.log);
        },
    };
}

/** Why a pod that failed did: its container's termination, or its waiting reason (e.g. a missing hostPath). */
function failureReason(pod: k8s.V1Pod): string | undefined {
    const status = pod.status?.containerStatuses?.[0]?.state;
    return status?.terminated ? `exit ${status.terminated.exitCode}${status.terminated.reason ? ` (${status.terminated.reason})` : ""}`
        : status?.waiting?.reason ?? pod.status?.reason;
}

export function clientPodRunner(kubeconfig: string, context?: string, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): PodRunner {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    if (context) kc.setCurrentContext(context);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    return {
        async run(pod, timeoutSeconds) {
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
                    if (phase === "Succeeded" || phase === "Failed") {
                        const log = await core.readNamespacedPodLog({ name, namespace }).catch(() => "");
                        return { phase, log, ...(phase === "Failed" ? { reason: failureReason(current) } : {}) };
                    }
                    const waiting = failureReason(current);
                    if (Date.now() > deadline) throw new Error(`pod ${namespace}/${name} did not end within ${timeoutSeconds} s (${phase}${waiting ? `, ${waiting}` : ""})`);
                    await sleep(1000);
                }
            } finally {
                await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
            }
        },
    };
}
