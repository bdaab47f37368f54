// The kubeconfig of an EKS cluster: its endpoint and CA, and the `aws eks get-token` exec
// plugin, so no credential is stored in it; kubectl and the Kubernetes provider then need
// the AWS CLI where `pulumi up` runs.
import { stringify } from "yaml";

export interface EksEndpoint {
    readonly clusterName: string;
    readonly endpoint: string;
    /** Base64 PEM, as EKS reports it. */
    readonly certificateAuthority: string;
    readonly region: string;
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
                },
            },
        }],
    });
}
