// Stack config for the clusters meshbench makes on AWS (targets vms and eks): where the
// nodes go, what they are, and how to reach them. The fields carry no default of their
// own, so that a key given for the wrong target can be told from one left unset; each
// target applies the defaults below (resolveAwsSettings).
import { integerField, patternField, problemMessage } from "../../shared/fields";
import { canonicalCidr, parseCidr } from "../cidr";
import { NODE_ROLES, type NodeRole } from "../node-roles";
import type { ClusterSettings } from "../types";

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/** Instance types of each role when none is given. */
export const DEFAULT_INSTANCE_TYPES: { readonly [R in NodeRole]: string } = {
    // 8 vCPUs: the control plane (vms), CoreDNS, the storage provisioner and the mesh control plane.
    system: "c6i.2xlarge",
    // 16 vCPUs: wrk's 8 threads get a core each (wrkCpu), with room for netperf and a sidecar.
    // The benchmark's traffic is small requests, a few hundred Mbit/s at most, far below
    // the sustained (baseline) bandwidth of c6i.4xlarge, so its "up to 12.5 Gbps" burst
    // credits never decide the numbers; CPU does.
    server: "c6i.4xlarge",
    client: "c6i.4xlarge",
};

export const AWS_CLUSTER_FIELDS = {
    availabilityZone: patternField("availabilityZone", /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/,
        "an availability zone of aws:region, such as us-east-1a",
        "vms, eks: the one availability zone of every node (a cluster placement group needs one). Default: the first zone of aws:region that offers every chosen instance type."),
    systemInstanceType: patternField("systemInstanceType", INSTANCE_TYPE, "an EC2 instance type such as c6i.2xlarge",
        `vms, eks: instance type of the system node: the kubeadm control plane on vms, the add-on node on eks; it also runs the mesh control plane. Default: ${DEFAULT_INSTANCE_TYPES.system}.`),
    serverInstanceType: patternField("serverInstanceType", INSTANCE_TYPE, "an EC2 instance type such as c6i.4xlarge",
        `vms, eks: instance type of the server nodes (HTTP and netperf servers). Default: ${DEFAULT_INSTANCE_TYPES.server}.`),
    clientInstanceType: patternField("clientInstanceType", INSTANCE_TYPE, "an EC2 instance type such as c6i.4xlarge",
        `vms, eks: instance type of the client nodes (wrk and netperf clients). Default: ${DEFAULT_INSTANCE_TYPES.client}.`),
    serverNodeCount: integerField("serverNodeCount", { min: 1, max: 5 },
        "vms, eks: number of server nodes. Default: 1."),
    clientNodeCount: integerField("clientNodeCount", { min: 1, max: 5 },
        "vms, eks: number of client nodes. Default: 1."),
    amiId: patternField("amiId", /^ami-[0-9a-f]{8,17}$/, "an AMI ID such as ami-0123456789abcdef0",
        "vms, eks: pin the node AMI (x86_64). Default: Canonical's current Ubuntu 22.04 AMI from its public SSM parameter; the AMI used is exported either way."),
} as const;

/** AWS settings with every default applied. */
export interface AwsSettings {
    readonly region: string;
    /** Undefined: chosen at deploy time among the region's zones that offer every instance type. */
    readonly availabilityZone?: string;
    readonly instanceTypes: { readonly [R in NodeRole]: string };
    readonly nodeCounts: { readonly server: number; readonly client: number };
    readonly operatorCidr: string;
    readonly amiId?: string;
}

/** Defaults applied; call only after validateAwsSettings found nothing. */
export function resolveAwsSettings(settings: ClusterSettings): AwsSettings {
    return {
        region: settings.awsRegion!,
        availabilityZone: settings.availabilityZone,
        instanceTypes: {
            system: settings.systemInstanceType ?? DEFAULT_INSTANCE_TYPES.system,
            server: settings.serverInstanceType ?? DEFAULT_INSTANCE_TYPES.server,
            client: settings.clientInstanceType ?? DEFAULT_INSTANCE_TYPES.client,
        },
        nodeCounts: { server: settings.serverNodeCount ?? 1, client: settings.clientNodeCount ?? 1 },
        operatorCidr: settings.operatorCidr!,
        amiId: settings.amiId,
    };
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** AWS Graviton (arm64) families: a digit run followed by "g", e.g. c6g, m7gd, t4g, and a1. */
const ARM64_FAMILY = /^([a-z]+\d+g[a-z]*|a1)\./;

/**
 * Config problems common to vms and eks, in the house format; [] when the settings are usable.
 * `operatorReaches` says what operatorCidr opens, e.g. "SSH and the Kubernetes API".
 */
export function validateAwsSettings(settings: ClusterSettings, target: string, operatorReaches: string): string[] {
    const problems: string[] = [];
    const region = settings.awsRegion;
    if (region === undefined) {
        problems.push(`aws:region: not set; allowed: an AWS region such as us-east-1 ` +
            `(target ${target} makes its cluster there: pulumi config set aws:region us-east-1)`);
    } else if (!REGION.test(region)) {
        problems.push(`aws:region: got ${JSON.stringify(region)}; allowed: an AWS region such as us-east-1`);
    }
    const zone = settings.availabilityZone;
    if (zone !== undefined && region !== undefined && !(zone.startsWith(region) && /^[a-z]$/.test(zone.slice(region.length)))) {
        problems.push(problemMessage("availabilityZone", zone, `an availability zone of aws:region ${region}, such as ${region}a`));
    }
    const cidr = settings.operatorCidr;
    if (cidr === undefined) {
        problems.push(`meshbench:operatorCidr: not set; allowed: the IPv4 CIDR you run pulumi from, such as 203.0.113.7/32 ` +
            `(target ${target} opens ${operatorReaches} only to it; there is no default)`);
    } else if (parseCidr(cidr)[1] === 0) {
        problems.push(problemMessage("operatorCidr", cidr,
            `a CIDR narrower than the whole internet, such as 203.0.113.7/32: it is the only source allowed to reach ${operatorReaches}`));
    } else if (canonicalCidr(cidr) !== cidr) {
        problems.push(problemMessage("operatorCidr", cidr, `a CIDR without host bits, such as ${canonicalCidr(cidr)}`));
    }
    for (const role of NODE_ROLES) {
        const key = `${role}InstanceType` as const;
        const type = settings[key];
        if (type !== undefined && ARM64_FAMILY.test(type)) {
            problems.push(problemMessage(key, type, "an x86_64 instance type such as c6i.4xlarge (the nodes run the amd64 Ubuntu AMI; Graviton types are arm64)"));
        }
    }
    return problems;
}
