// target: eks — an EKS cluster with Canonical's Ubuntu 22.04 EKS nodes: a system node,
// server nodes and client nodes in one zone and one cluster placement group, like vms. EKS
// no longer creates 1.29 clusters, so it runs a newer Kubernetes (1.32 by default) and the
// results say which: an EKS run is never a 1.29 run.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AwsNetwork } from "../aws/network";
import { chooseAvailabilityZone, describeImage, distinctInstanceTypes, nodeImage, nodeProvenance, otherZone, zoneOfferings } from "../aws/nodes";
import type { ClusterNeeds } from "../index";
import { readNodes, reportNodes, runningVersions } from "../node-report";
import { NODE_ROLES, rolePlacement } from "../node-roles";
import type { ClusterHandle, ClusterReport, ClusterSettings } from "../types";
import { EKS_SERVICE_CIDR, EKS_STORAGE_CLASS, ubuntuEksSsmParameter } from "../versions";
import { buildGp3StorageClass, eksAddon, releaseVolumesOnDestroy } from "./addons";
import { CLUSTER_ROLE_POLICIES, eksRole, NODE_ROLE_POLICIES } from "./iam";
import { buildEksKubeconfig } from "./kubeconfig";
import { createNodeGroup } from "./node-groups";
import { allowControlPlane } from "./security";
import { resolveEksSettings, supportType } from "./validate";

export interface EksClusterArgs {
    /** Cluster settings from the stack config, already validated. */
    readonly settings: ClusterSettings;
    readonly needs: ClusterNeeds;
    /** The day of the deployment; it decides between standard and extended support. */
    readonly today?: Date;
}

export class EksCluster extends pulumi.ComponentResource {
    public readonly handle: ClusterHandle;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:cluster:EksCluster", name, {}, opts);
        const eks = resolveEksSettings(args.settings);
        const { aws: awsSettings, kubernetesVersion } = eks;
        const childOpts = { parent: this };
        const tags = { "meshbench:stack": `${pulumi.getProject()}/${pulumi.getStack()}` };

        const types = distinctInstanceTypes(awsSettings.instanceTypes);
        const zones = zoneOfferings(types, this).apply((offerings) => {
            const nodes = chooseAvailabilityZone(awsSettings.region, offerings, types, awsSettings.availabilityZone);
            return { nodes, other: otherZone(awsSettings.region, offerings, nodes) };
        });
        // The control plane spans two zones (EKS requires it); every node sits in the first.
        const network = new AwsNetwork(`${name}-network`, {
            zones: [zones.nodes, zones.other], operatorCidr: awsSettings.operatorCidr, operatorPorts: [], tags,
        }, childOpts);

        const clusterRole = eksRole(`${name}-cluster-role`, "eks.amazonaws.com", CLUSTER_ROLE_POLICIES, tags, this);
        const nodeRole = eksRole(`${name}-node-role`, "ec2.amazonaws.com", NODE_ROLE_POLICIES, tags, this);
        const support = supportType(kubernetesVersion, args.today ?? new Date());
        const cluster = new aws.eks.Cluster(`${name}-eks`, {
            version: kubernetesVersion,
            roleArn: clusterRole.role.arn,
            vpcConfig: {
                subnetIds: network.subnets.map((s) => s.id),
                // The public endpoint only for the operator; the nodes use the private one.
                endpointPublicAccess: true,
                publicAccessCidrs: [awsSettings.operatorCidr],
                endpointPrivateAccess: true,
            },
            // Access entries, not the aws-auth ConfigMap; whoever runs `pulumi up` is admin.
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
            upgradePolicy: { supportType: support },
            // No unpinned default add-ons: the pinned ones below are all the cluster gets.
            bootstrapSelfManagedAddons: false,
            // Stated, not left to EKS (which picks 10.100.0.0/16 or 172.20.0.0/16 by the VPC's
            // range), so that the nodes' bootstrap is told the DNS Service address.
            kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: EKS_SERVICE_CIDR },
            tags,
        }, { ...childOpts, dependsOn: clusterRole.policies });

        const securityRules = allowControlPlane({
            name, parent: this,
            nodeSecurityGroupId: network.nodeSecurityGroup.id,
            clusterSecurityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
            webhookPorts: args.needs.webhookPorts ?? [],
        });
        const addonArgs = (after: pulumi.Resource[]) => ({ name, parent: this, cluster, kubernetesVersion, after });
        // The node agents first: without the VPC CNI no node becomes Ready.
        const vpcCni = eksAddon("vpc-cni", addonArgs([]));
        const kubeProxy = eksAddon("kube-proxy", addonArgs([]));

        const image = nodeImage(ubuntuEksSsmParameter(kubernetesVersion), awsSettings.amiId, this);
        const placementGroup = new aws.ec2.PlacementGroup(`${name}-placement`, { strategy: "cluster", tags }, childOpts);
        const groups = NODE_ROLES.map((role) => createNodeGroup({
            name, parent: this, role,
            count: role === "system" ? 1 : awsSettings.nodeCounts[role],
            instanceType: awsSettings.instanceTypes[role],
            cluster,
            nodeRoleArn: nodeRole.role.arn,
            subnetId: network.subnets[0].id,
            securityGroupId: network.nodeSecurityGroup.id,
            placementGroupName: placementGroup.name,
            imageId: image.id,
            keepImage: awsSettings.amiId === undefined,
            tags,
            // The route out too: a node's bootstrap fetches its credentials and images at boot.
            after: [vpcCni, kubeProxy, ...nodeRole.policies, ...securityRules, ...network.egress],
        }));
        const nodeGroups = groups.map((g) => g.nodeGroup);
        // These run Deployments: they need nodes to become ACTIVE.
        const coredns = eksAddon("coredns", addonArgs(nodeGroups));
        const ebsCsi = eksAddon("aws-ebs-csi-driver", addonArgs(nodeGroups));
        const addons = { "vpc-cni": vpcCni, "kube-proxy": kubeProxy, coredns, "aws-ebs-csi-driver": ebsCsi };

        // No credential inside (the exec plugin fetches a token), but it names the cluster's
        // endpoint and is a secret like every kubeconfig meshbench hands out.
        const kubeconfig = pulumi.secret(pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data])
            .apply(([clusterName, endpoint, certificateAuthority]) =>
                buildEksKubeconfig({ clusterName, endpoint, certificateAuthority, region: awsSettings.region, awsProfile: eks.awsProfile })));
        const provider = new k8s.Provider(`${name}-provider`, {
            kubeconfig,
            // `pulumi destroy` still finishes if the cluster is already gone.
            deleteUnreachable: true,
        }, { ...childOpts, dependsOn: [...nodeGroups, coredns] });
        const access = { kubeconfig };
        const storageClass = new k8s.storage.v1.StorageClass(`${name}-storage-class`, buildGp3StorageClass() as k8s.storage.v1.StorageClassArgs,
            { ...childOpts, provider, dependsOn: [ebsCsi] });
        const releaseVolumes = releaseVolumesOnDestroy(`${name}-release-volumes`, kubeconfig, [ebsCsi, storageClass], this);
        const ready: pulumi.Resource[] = [...nodeGroups, ...Object.values(addons), storageClass, releaseVolumes];

        // The AMI the nodes run: the launch template's, kept once created.
        const amiId = groups[0].launchTemplate.imageId.apply((id) => id!); // always set: meshbench names the AMI
        const amiName = describeImage(amiId, this).name;
        const reading = readNodes(`${name}-node-facts`, access, ready, [cluster.id, ...nodeGroups.map((g) => g.id)], this);
        const report: pulumi.Output<ClusterReport> = pulumi.all([reading, zones, amiId]).apply(([read, z, ami]) => {
            // EKS names its nodes: they are reported from what they say about themselves.
            const { nodes, problems } = reportNodes(read, [], { amiId: ami, availabilityZone: z.nodes });
            return {
                target: "eks" as const, region: awsSettings.region, availabilityZone: z.nodes,
                kubernetes: { requested: kubernetesVersion, running: runningVersions(nodes) },
                nodes, problems,
            };
        });

        const addonVersions = pulumi.all(Object.entries(addons).map(([addon, a]) => a.addonVersion.apply((v) => `${addon} ${v}`)));
        const provenance = pulumi.all([zones, amiId, amiName, cluster.platformVersion, addonVersions])
            .apply(([z, ami, name, platformVersion, versions]): Record<string, string> => ({
                ...nodeProvenance(awsSettings, z.nodes, { id: ami, name, source: image.source }),
                controlPlaneZones: `${z.nodes}, ${z.other}`,
                eksVersion: kubernetesVersion,
                eksPlatformVersion: platformVersion,
                eksSupport: support,
                addons: versions.join("; "),
                cni: versions.find((v) => v.startsWith("vpc-cni "))!,
                storage: `aws-ebs-csi-driver (StorageClass ${EKS_STORAGE_CLASS}, gp3)`,
            }));

        this.handle = {
            target: "eks",
            provider,
            access,
            serverPlacement: rolePlacement("server"),
            clientPlacement: rolePlacement("client"),
            storageClassName: EKS_STORAGE_CLASS,
            ready,
            requestedKubernetesVersion: kubernetesVersion,
            provenance,
            outputs: { kubeconfig, report },
        };
        this.registerOutputs({ report });
    }
}
