// The network of a cluster on AWS: its own VPC (no reliance on a default VPC, which many
// accounts have deleted), public subnets, and one security group for the nodes that lets
// them talk to each other freely and lets only the operator in.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The VPC's range; pod and Service ranges must stay clear of it. */
export const VPC_CIDR = "10.20.0.0/16";

/** One /20 per subnet: room for the VPC CNI's pod addresses on eks. */
export const subnetCidr = (index: number): string => `10.20.${index * 16}.0/20`;

export interface AwsNetworkArgs {
    /** One subnet per zone; the first holds the nodes. */
    readonly zones: pulumi.Input<string>[];
    /** The only source allowed in from outside the node group. */
    readonly operatorCidr: string;
    /** TCP ports the operator may reach on the nodes (e.g. SSH and the API server). */
    readonly operatorPorts: readonly { readonly port: number; readonly description: string }[];
    /** Tags every resource carries. */
    readonly tags: Readonly<Record<string, string>>;
}

export class AwsNetwork extends pulumi.ComponentResource {
    public readonly vpc: aws.ec2.Vpc;
    public readonly subnets: aws.ec2.Subnet[];
    /** The nodes' security group. */
    public readonly nodeSecurityGroup: aws.ec2.SecurityGroup;
    /**
     * The nodes' route out: the internet gateway, the route table with its default route,
     * each subnet's association with it, and the egress rule (the AWS provider removes a
     * security group's default allow-all egress). Nodes that boot before these exist
     * cannot reach a package mirror, and their first-boot preparation fails.
     */
    public readonly egress: pulumi.Resource[];

    constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:cluster:AwsNetwork", name, {}, opts);
        const childOpts = { parent: this };
        const tags = (role: string) => ({ ...args.tags, Name: `${name}-${role}` });

        this.vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: VPC_CIDR, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc"),
        }, childOpts);
        const gateway = new aws.ec2.InternetGateway(`${name}-gateway`, { vpcId: this.vpc.id, tags: tags("gateway") }, childOpts);
        const routes = new aws.ec2.RouteTable(`${name}-routes`, {
            vpcId: this.vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
            tags: tags("routes"),
        }, childOpts);
        const associations: aws.ec2.RouteTableAssociation[] = [];
        this.subnets = args.zones.map((zone, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-subnet-${i + 1}`, {
                vpcId: this.vpc.id,
                cidrBlock: subnetCidr(i),
                availabilityZone: zone,
                // Nodes reach package mirrors and registries directly, with no NAT gateway to pay for.
                mapPublicIpOnLaunch: true,
                tags: tags(`subnet-${i + 1}`),
            }, childOpts);
            associations.push(new aws.ec2.RouteTableAssociation(`${name}-subnet-${i + 1}-routes`, {
                subnetId: subnet.id, routeTableId: routes.id,
            }, childOpts));
            return subnet;
        });

        // Rules are separate resources, never inline, so that a target can add its own (eks
        // lets its control plane in) without the group's inline rules removing them.
        this.nodeSecurityGroup = new aws.ec2.SecurityGroup(`${name}-nodes`, {
            vpcId: this.vpc.id,
            description: "meshbench nodes: all traffic between members, operator ports from operatorCidr only",
            tags: tags("nodes"),
        }, childOpts);
        const groupId = this.nodeSecurityGroup.id;
        new aws.vpc.SecurityGroupIngressRule(`${name}-nodes-from-nodes`, {
            securityGroupId: groupId, referencedSecurityGroupId: groupId, ipProtocol: "-1",
            description: "all traffic between the cluster's nodes and pods",
        }, childOpts);
        for (const { port, description } of args.operatorPorts) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-nodes-from-operator-${port}`, {
                securityGroupId: groupId, cidrIpv4: args.operatorCidr, ipProtocol: "tcp", fromPort: port, toPort: port, description,
            }, childOpts);
        }
        const egressRule = new aws.vpc.SecurityGroupEgressRule(`${name}-nodes-to-anywhere`, {
            securityGroupId: groupId, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", description: "packages, images, AWS APIs",
        }, childOpts);
        this.egress = [gateway, routes, ...associations, egressRule];

        this.registerOutputs({ vpcId: this.vpc.id, nodeSecurityGroupId: this.nodeSecurityGroup.id });
    }
}
