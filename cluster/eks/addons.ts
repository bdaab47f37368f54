// EKS add-ons and the default StorageClass. With bootstrapSelfManagedAddons off, EKS
// installs nothing by itself: these are the cluster's only networking and storage pieces.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { EKS_STORAGE_CLASS, type EksAddonName } from "../versions";

/** gp3 volumes from the EBS CSI driver, bound where their pod runs, as the cluster default. */
export function buildGp3StorageClass(): StorageClass {
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: {
            name: EKS_STORAGE_CLASS,
            annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
            labels: { "app.kubernetes.io/part-of": "meshbench" },
        },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        // A volume is made in the zone of the node its pod was scheduled to.
        volumeBindingMode: "WaitForFirstConsumer",
        reclaimPolicy: "Delete",
        allowVolumeExpansion: true,
    };
}

export interface AddonArgs {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly cluster: aws.eks.Cluster;
    readonly kubernetesVersion: string;
    readonly after: pulumi.Resource[];
}

/**
 * One add-on at the version EKS names as default for the Kubernetes version. Resolved at
 * creation and then kept, so that a newer default does not change a cluster mid-study; the
 * version is in the results.
 */
export function eksAddon(addonName: EksAddonName, args: AddonArgs): aws.eks.Addon {
    const version = aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: args.kubernetesVersion, mostRecent: false }, { parent: args.parent });
    return new aws.eks.Addon(`${args.name}-${addonName}`, {
        clusterName: args.cluster.name,
        addonName,
        addonVersion: version.version,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
    }, { parent: args.parent, dependsOn: args.after, ignoreChanges: ["addonVersion"], customTimeouts: { create: "20m" } });
}
