// What every cluster target hands to the rest of the program. Nothing downstream
// imports a target's own file: meshes, workloads and the load test see only this.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Toleration } from "kubernetes-types/core/v1";
import type { FieldValues } from "../config/fields";
import type { CLUSTER_FIELDS, TargetName } from "./settings";

export type ClusterSettings = FieldValues<typeof CLUSTER_FIELDS>;

/** Where one kind of pod may run: added to its pod spec as given. */
export interface NodePlacement {
    readonly nodeSelector?: Readonly<Record<string, string>>;
    readonly tolerations?: readonly Toleration[];
}

/** How the stack reaches the cluster from the machine that runs `pulumi up`. */
export interface ClusterAccess {
    /** Kubeconfig contents. Always a Pulumi secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** Context to select in that kubeconfig; undefined means its current context. */
    readonly context?: string;
}

export interface ClusterHandle {
    readonly target: TargetName;
    /** Every Kubernetes resource is created through this provider, never a default one. */
    readonly provider: k8s.Provider;
    readonly access: ClusterAccess;
    /** Server pods (HTTP and netperf servers) land here. */
    readonly serverPlacement: NodePlacement;
    /** Client pods (wrk, netperf, probes) land here; never on a server's node. */
    readonly clientPlacement: NodePlacement;
    /** StorageClass for meshes whose control planes need volumes; undefined = the cluster default. */
    readonly storageClassName?: string;
    /** Resources that must exist before any workload: CNI, storage provisioner, node joins. */
    readonly ready: pulumi.Resource[];
    /** Kubernetes version the stack asked for, when it made the cluster; the running one is read from the nodes. */
    readonly requestedKubernetesVersion?: string;
    /** Target-specific facts for the results' provenance (instance types, AMI, ...). Never secret. */
    readonly provenance: pulumi.Output<Record<string, string>>;
}
