// One EKS managed node group per role, each with its own launch template: Canonical's
// Ubuntu EKS AMI, the role's instance type, IMDSv2 with hop limit 2, gp3, the cluster
// placement group, meshbench's node security group, and user data that runs the AMI's
// bootstrap with the role's label and taint.
import * as aws from "@pulumi/aws";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { nodeLabelsFlag, nodeTaintsFlag, roleLabels, roleTaints, ROLE_KEY, type NodeRole } from "../node-roles";
import { dnsServiceAddress } from "../cidr";
import { readScript, renderUserData } from "../user-data";
import { EKS_SERVICE_CIDR } from "../versions";

const BOOTSTRAP_NODE = readScript(path.join(__dirname, "scripts", "bootstrap-node.sh"));

/** Root volume of every node, in GiB: the OS, containerd's images of every mesh. */
const ROOT_VOLUME_GIB = 50;

export interface NodeBootstrap {
    readonly clusterName: string;
    readonly endpoint: string;
    /** Base64 PEM. */
    readonly certificateAuthority: string;
    /** The cluster's Service range; the kubelet's cluster DNS is its 10th address. */
    readonly serviceCidr: string;
    readonly role: NodeRole;
}

/** The user data of a node of `role`: bootstrap-node.sh with its settings. */
export function buildEksUserData(node: NodeBootstrap): string {
    return renderUserData("cluster/eks/scripts/bootstrap-node.sh", BOOTSTRAP_NODE, {
        MESHBENCH_CLUSTER_NAME: node.clusterName,
        MESHBENCH_API_SERVER: node.endpoint,
        MESHBENCH_CLUSTER_CA: node.certificateAuthority,
        MESHBENCH_DNS_CLUSTER_IP: dnsServiceAddress(node.serviceCidr),
        MESHBENCH_NODE_LABELS: nodeLabelsFlag(roleLabels(node.role)),
        MESHBENCH_NODE_TAINTS: nodeTaintsFlag(roleTaints(node.role)),
    });
}

/** The EKS API's spelling of a taint effect. */
const EKS_TAINT_EFFECT = { NoSchedule: "NO_SCHEDULE", PreferNoSchedule: "PREFER_NO_SCHEDULE", NoExecute: "NO_EXECUTE" } as const;

export interface NodeGroupArgs {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly role: NodeRole;
    readonly count: number;
    readonly instanceType: string;
    readonly cluster: aws.eks.Cluster;
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly subnetId: pulumi.Input<string>;
    readonly securityGroupId: pulumi.Input<string>;
    readonly placementGroupName: pulumi.Input<string>;
    readonly imageId: pulumi.Input<string>;
    /** True when the AMI came from SSM: the nodes then keep the one they were created with. */
    readonly keepImage: boolean;
    readonly tags: Record<string, string>;
    /** The VPC CNI, the node role's policies, the security rules: nodes cannot join before them. */
    readonly after: pulumi.Resource[];
}

export interface EksNodeGroup {
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly nodeGroup: aws.eks.NodeGroup;
}

export function createNodeGroup(args: NodeGroupArgs): EksNodeGroup {
    const name = `${args.name}-${args.role}`;
    const userData = pulumi.all([args.cluster.name, args.cluster.endpoint, args.cluster.certificateAuthority.data])
        .apply(([clusterName, endpoint, certificateAuthority]) => Buffer.from(buildEksUserData({
            clusterName, endpoint, certificateAuthority, serviceCidr: EKS_SERVICE_CIDR, role: args.role,
        })).toString("base64"));
    const tags = { ...args.tags, Name: name, [ROLE_KEY]: args.role };
    const launchTemplate = new aws.ec2.LaunchTemplate(name, {
        imageId: args.imageId,
        instanceType: args.instanceType,
        userData,
        // Pods (the EBS CSI controller) use the node's role through the instance metadata,
        // one hop further than the node itself.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 },
        placement: { groupName: args.placementGroupName },
        vpcSecurityGroupIds: [args.securityGroupId],
        blockDeviceMappings: [{
            // The root device of Canonical's AMIs.
            deviceName: "/dev/sda1",
            ebs: { volumeSize: ROOT_VOLUME_GIB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        }],
        tagSpecifications: [{ resourceType: "instance", tags }, { resourceType: "volume", tags }],
        tags,
    }, { parent: args.parent, ignoreChanges: args.keepImage ? ["imageId"] : [] });

    const nodeGroup = new aws.eks.NodeGroup(name, {
        clusterName: args.cluster.name,
        nodeRoleArn: args.nodeRoleArn,
        // One subnet, so one zone: a cluster placement group cannot span zones.
        subnetIds: [args.subnetId],
        scalingConfig: { desiredSize: args.count, minSize: args.count, maxSize: args.count },
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        // Also set through the EKS API, so that `aws eks describe-nodegroup` shows them; the
        // kubelet flags in the user data apply them before any pod can land.
        labels: roleLabels(args.role),
        taints: roleTaints(args.role).map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECT[t.effect as keyof typeof EKS_TAINT_EFFECT] })),
        updateConfig: { maxUnavailable: 1 },
        tags,
    }, { parent: args.parent, dependsOn: args.after, customTimeouts: { create: "30m" } });
    return { launchTemplate, nodeGroup };
}
