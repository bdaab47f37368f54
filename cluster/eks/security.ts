// What the EKS control plane may reach on the nodes. The nodes carry only meshbench's
// security group (their launch template names it), so EKS's cluster security group does
// not open them to the control plane: these rules do, port by port, and one rule lets the
// nodes reach the API server.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NodePort } from "../../shared/support";

/** TCP ports on the nodes (and their pods) the control plane must reach, and why. */
export const CONTROL_PLANE_TO_NODE_PORTS: readonly { readonly port: number; readonly why: string }[] = [
    { port: 443, why: "webhooks and extension API servers served on 443" },
    { port: 10250, why: "kubelet: logs, exec, port-forward (the load test execs its clients)" },
];

export interface ControlPlaneAccessArgs {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly nodeSecurityGroupId: pulumi.Input<string>;
    /** The security group EKS made for the control plane's network interfaces. */
    readonly clusterSecurityGroupId: pulumi.Input<string>;
    /** The installed mesh's admission webhooks, which the mesh declares (Mesh.webhookPorts). */
    readonly webhookPorts: readonly NodePort[];
}

export function allowControlPlane(args: ControlPlaneAccessArgs): pulumi.Resource[] {
    const opts = { parent: args.parent };
    const ports = [...CONTROL_PLANE_TO_NODE_PORTS, ...args.webhookPorts.filter((w) => !CONTROL_PLANE_TO_NODE_PORTS.some((p) => p.port === w.port))];
    const toNodes = ports.map(({ port, why }) => new aws.vpc.SecurityGroupIngressRule(`${args.name}-control-plane-to-${port}`, {
        securityGroupId: args.nodeSecurityGroupId,
        referencedSecurityGroupId: args.clusterSecurityGroupId,
        ipProtocol: "tcp", fromPort: port, toPort: port,
        description: `from the EKS control plane: ${why}`,
    }, opts));
    const toApiServer = new aws.vpc.SecurityGroupIngressRule(`${args.name}-nodes-to-api-server`, {
        securityGroupId: args.clusterSecurityGroupId,
        referencedSecurityGroupId: args.nodeSecurityGroupId,
        ipProtocol: "tcp", fromPort: 443, toPort: 443,
        description: "from meshbench's nodes: the Kubernetes API",
    }, opts);
    return [...toNodes, toApiServer];
}
