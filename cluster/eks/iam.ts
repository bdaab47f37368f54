// IAM roles of an EKS cluster: one the control plane assumes, one the nodes assume. AWS
// managed policies only, attached by ARN in the account's partition.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Policies of each role, by name under arn:<partition>:iam::aws:policy/. */
export const CLUSTER_ROLE_POLICIES = ["AmazonEKSClusterPolicy"] as const;
export const NODE_ROLE_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    // The EBS CSI controller takes the node's credentials (IMDSv2 hop limit 2 lets pods reach
    // them) rather than its own role: no OIDC provider or Pod Identity agent to set up for a
    // cluster that lives for one benchmark.
    "service-role/AmazonEBSCSIDriverPolicy",
] as const;

const trust = (service: string): string => JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
});

export interface EksRole {
    readonly role: aws.iam.Role;
    /** The attachments: whatever uses the role must wait for them. */
    readonly policies: aws.iam.RolePolicyAttachment[];
}

export function eksRole(
    name: string, service: string, policies: readonly string[], tags: Record<string, string>, parent: pulumi.Resource,
): EksRole {
    const role = new aws.iam.Role(name, { assumeRolePolicy: trust(service), tags }, { parent });
    const partition = aws.getPartitionOutput({}, { parent }).partition;
    return {
        role,
        policies: policies.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-${policy.split("/").pop()}`, {
            role: role.name,
            policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
        }, { parent })),
    };
}
