// What every cluster target hands to the rest of the program. Nothing downstream
// imports a target's own file: meshes, workloads and the load test see only this.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Toleration } from "kubernetes-types/core/v1";
import type { FieldValues } from "../shared/fields";
import type { CLUSTER_FIELDS, TargetName } from "./settings";

/** Parsed cluster keys, plus `aws:region` and `aws:profile` (the AWS provider's keys, read alongside them). */
export type ClusterSettings = FieldValues<typeof CLUSTER_FIELDS> & { readonly awsRegion?: string; readonly awsProfile?: string };

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
    /**
     * The pod network, on clusters meshbench made. `cni` undefined is the seam for a mesh that
     * is itself the CNI (ClusterNeeds.installCni false, i.e. Cilium): the nodes then join
     * without one and stay NotReady, `ready` holds the joins but no CNI, and the mesh's chart
     * installs the CNI for the podCidr below, reaching the API server at apiServerHost:apiServerPort
     * (no Service network exists before it runs).
     */
    readonly podNetwork?: PodNetwork;
    /** Stack outputs of a cluster meshbench made; undefined for a cluster it was given. */
    readonly outputs?: ClusterOutputs;
}

export interface PodNetwork {
    /** The CNI the cluster installed, with its pinned version; undefined when the mesh must install one. */
    readonly cni?: string;
    readonly podCidr: string;
    /** Address of the API server on the nodes' network. */
    readonly apiServerHost: pulumi.Output<string>;
    readonly apiServerPort: number;
}

export interface ClusterOutputs {
    /** Admin kubeconfig of the cluster. Always a Pulumi secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** What the cluster is, as read from its nodes. Never secret. */
    readonly report: pulumi.Output<ClusterReport>;
}

/** One node of a cluster meshbench made: what was asked for, and what the node says it runs. */
export interface NodeReport {
    readonly name: string;
    readonly role: string;
    readonly instanceType: string;
    readonly availabilityZone: string;
    readonly amiId: string;
    /** Read from the node; absent when it could not be read. */
    readonly kernelVersion?: string;
    readonly kubeletVersion?: string;
    readonly osImage?: string;
    readonly containerRuntime?: string;
    /** vms: how kubelet, kubeadm and kubectl were installed (packages, or the fallback binaries). */
    readonly kubernetesInstall?: string;
}

export interface ClusterReport {
    readonly target: TargetName;
    readonly region: string;
    readonly availabilityZone: string;
    /** The version asked for, and the kubelet versions the nodes report. */
    readonly kubernetes: { readonly requested?: string; readonly running: string[] };
    readonly nodes: NodeReport[];
    /** Why a fact above is missing, when one is. */
    readonly problems: string[];
}
