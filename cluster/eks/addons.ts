// EKS add-ons and the default StorageClass. With bootstrapSelfManagedAddons off, EKS
// installs nothing by itself: these are the cluster's only networking and storage pieces.
import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { readScript } from "../user-data";
import { EKS_STORAGE_CLASS, type EksAddonName } from "../versions";

/** Deletes the StorageClass's claims and waits for their volumes; run on destroy. */
export const RELEASE_VOLUMES_SCRIPT = readScript(path.join(__dirname, "scripts", "release-volumes.sh"));

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

/**
 * A step that does nothing on `pulumi up` and, on `pulumi destroy`, releases the EBS volumes
 * of EKS_STORAGE_CLASS (release-volumes.sh) before the EBS CSI driver goes. It depends on the
 * driver and the StorageClass, so it is deleted before them; it is one of the cluster's
 * `ready` resources, so every chart and workload is deleted before it. The script travels in
 * the environment, like the kubectl wrapper's, so the command is the same on every checkout.
 */
export function releaseVolumesOnDestroy(
    name: string, kubeconfig: pulumi.Output<string>, after: pulumi.Resource[], parent: pulumi.Resource,
): command.local.Command {
    return new command.local.Command(name, {
        delete: 'sh -c "$MESHBENCH_RELEASE_VOLUMES"',
        environment: {
            MESHBENCH_RELEASE_VOLUMES: RELEASE_VOLUMES_SCRIPT,
            MESHBENCH_KUBECONFIG: kubeconfig,
            MESHBENCH_STORAGE_CLASS: EKS_STORAGE_CLASS,
        },
        // What it printed names volumes, never a credential.
        logging: "stdoutAndStderr",
    }, { parent, dependsOn: after, customTimeouts: { delete: "15m" } });
}
