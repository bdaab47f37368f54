// Shared shape of every benchmark pod: one replica, placed by role, kept off the other
// side's nodes, enrolled in the mesh through its annotations. Servers and clients differ
// only in their container, so they all go through buildDeployment.
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Affinity, Container, Service, ServiceAccount, Volume } from "kubernetes-types/core/v1";
import type { NodePlacement } from "../cluster/types";
import type { Enrolment, WorkloadRole } from "../meshes/types";
import type { BenchPort } from "../shared/names";
import { BENCH_NAMESPACE } from "./ports";

import { APP_LABEL, SIDE_LABEL } from "../shared/names";

export { APP_LABEL, SIDE_LABEL };
export type Side = "server" | "client";

export function benchLabels(app: string, side: Side): Record<string, string> {
    return { [APP_LABEL]: app, "app.kubernetes.io/part-of": "meshbench", [SIDE_LABEL]: side };
}

/**
 * Required anti-affinity against the other side, on top of whatever placement the target
 * gives. In every namespace (`namespaceSelector: {}`): a term without one matches only pods
 * of the pod's own namespace, so the plaintext probe in meshbench-probe would never see
 * the servers in meshbench and could land on their node.
 */
export function awayFrom(other: Side): Affinity {
    return {
        podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{
                labelSelector: { matchLabels: { [SIDE_LABEL]: other } },
                namespaceSelector: {},
                topologyKey: "kubernetes.io/hostname",
            }],
        },
    };
}

export interface PodPlan {
    /** Deployment, ServiceAccount and app label name. */
    readonly app: string;
    /** Defaults to the benchmark namespace. */
    readonly namespace?: string;
    /** How the pod joins the mesh; absent for pods that must stay outside it (the plaintext probe). */
    readonly mesh?: { readonly role: WorkloadRole; readonly enrolment: Enrolment };
    readonly side: Side;
    readonly containers: Container[];
    readonly volumes?: Volume[];
    readonly placement: NodePlacement;
    /** Annotations the workload itself needs (e.g. a config hash); the mesh's are added. */
    readonly annotations?: Record<string, string>;
}

export function buildDeployment(plan: PodPlan): Deployment {
    const labels = benchLabels(plan.app, plan.side);
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: plan.app, namespace: plan.namespace ?? BENCH_NAMESPACE, labels },
        spec: {
            replicas: 1,
            // Never two servers (or two clients) at once: a rolling update would briefly
            // put a second pod behind the Service or on the wrong node.
            strategy: { type: "Recreate" },
            selector: { matchLabels: { [APP_LABEL]: plan.app } },
            template: {
                metadata: {
                    labels,
                    annotations: { ...plan.annotations, ...plan.mesh?.enrolment.podAnnotations(plan.mesh.role) },
                },
                spec: {
                    serviceAccountName: plan.app,
                    // Service env vars are noise for the benchmark and leak every port into each pod.
                    enableServiceLinks: false,
                    terminationGracePeriodSeconds: 5,
                    affinity: awayFrom(plan.side === "server" ? "client" : "server"),
                    nodeSelector: plan.placement.nodeSelector ? { ...plan.placement.nodeSelector } : undefined,
                    tolerations: plan.placement.tolerations ? [...plan.placement.tolerations] : undefined,
                    containers: plan.containers,
                    volumes: plan.volumes,
                },
            },
        },
    };
}

/** Each pod has its own ServiceAccount named like it; Consul requires that with ACLs, and it costs nothing elsewhere. */
export function buildServiceAccount(app: string, namespace: string = BENCH_NAMESPACE): ServiceAccount {
    return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: app, namespace } };
}

/** A Service that declares every port with its name, protocol and the mesh's appProtocol. */
export function buildService(
    app: string, ports: readonly { port: BenchPort; targetPort: number }[], enrolment: Enrolment,
): Service {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: app, namespace: BENCH_NAMESPACE, labels: benchLabels(app, "server") },
        spec: {
            selector: { [APP_LABEL]: app },
            ports: ports.map(({ port, targetPort }) => ({
                name: port.name,
                port: port.port,
                targetPort,
                protocol: "TCP",
                appProtocol: enrolment.appProtocol(port),
            })),
        },
    };
}
