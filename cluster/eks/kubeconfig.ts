// The kubeconfig of an EKS cluster: its endpoint and CA, and the `aws eks get-token` exec
// plugin, so no credential is stored in it; kubectl and the Kubernetes provider then need
// the AWS CLI where `pulumi up` runs. With `aws:profile` set, the plugin gets AWS_PROFILE:
// the access entry is the identity that created the cluster, which is that profile's, and
// the CLI would otherwise use whatever identity its environment names.
import { stringify } from "yaml";

export interface EksEndpoint {
    readonly clusterName: string;
    readonly endpoint: string;
    /** Base64 PEM, as EKS reports it. */
    readonly certificateAuthority: string;
    readonly region: string;
    /** `aws:profile`, when the stack sets it: the identity the AWS provider used, and so the cluster's admin. */
    readonly awsProfile?: string;
}

export function buildEksKubeconfig(cluster: EksEndpoint): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: cluster.clusterName, cluster: { server: cluster.endpoint, "certificate-authority-data": cluster.certificateAuthority } }],
        contexts: [{ name: cluster.clusterName, context: { cluster: cluster.clusterName, user: "aws" } }],
        "current-context": cluster.clusterName,
        users: [{
            name: "aws",
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["--region", cluster.region, "eks", "get-token", "--cluster-name", cluster.clusterName, "--output", "json"],
                    ...(cluster.awsProfile !== undefined ? { env: [{ name: "AWS_PROFILE", value: cluster.awsProfile }] } : {}),
                },
            },
        }],
    });
}
