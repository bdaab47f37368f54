// Shared by the clusters on AWS: which zone the nodes go to and which AMI they boot.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NodeRole } from "../node-roles";
import type { AwsSettings } from "./settings";

/** The instance types a stack asks for, each once. */
export const distinctInstanceTypes = (types: { readonly [R in NodeRole]: string }): string[] =>
    [...new Set(Object.values(types))].sort();

/** What getInstanceTypeOfferings answers for location type availability-zone. */
export interface ZoneOfferings {
    readonly locations: readonly string[];
    readonly instanceTypes: readonly string[];
}

/**
 * The zone for every node: the one given, if it offers every instance type, else the first
 * zone of the region (by name) that does. Local and Wavelength zones are not considered.
 */
export function chooseAvailabilityZone(
    region: string, offerings: ZoneOfferings, types: readonly string[], given?: string,
): string {
    const offered = new Map<string, Set<string>>();
    offerings.locations.forEach((zone, i) => offered.set(zone, (offered.get(zone) ?? new Set()).add(offerings.instanceTypes[i])));
    const candidates = [...offered.keys()]
        .filter((z) => z.startsWith(region) && /^[a-z]$/.test(z.slice(region.length)) && types.every((t) => offered.get(z)!.has(t)))
        .sort();
    if (given !== undefined) {
        const missing = types.filter((t) => !offered.get(given)?.has(t));
        if (missing.length > 0) {
            throw new Error(`meshbench:availabilityZone: ${given} does not offer ${missing.join(", ")}; ` +
                `zones of ${region} that offer every chosen instance type: ${candidates.join(", ") || "none"}`);
        }
        return given;
    }
    const zone = candidates[0];
    if (!zone) throw new Error(`no availability zone of ${region} offers every chosen instance type (${types.join(", ")}); choose other instance types`);
    return zone;
}

/** Where the region offers each instance type, by zone (at preview when nothing is unknown). */
export function zoneOfferings(types: readonly string[], parent: pulumi.Resource): pulumi.Output<ZoneOfferings> {
    return aws.ec2.getInstanceTypeOfferingsOutput({
        locationType: "availability-zone",
        filters: [{ name: "instance-type", values: [...types] }],
    }, { parent });
}

/** The zone of every node, checked against what the region offers. */
export function nodeZone(region: string, types: readonly string[], given: string | undefined, parent: pulumi.Resource): pulumi.Output<string> {
    return zoneOfferings(types, parent).apply((offerings) => chooseAvailabilityZone(region, offerings, types, given));
}

/** A zone of the region other than `first`, the first by name; EKS wants its control plane in two. */
export function otherZone(region: string, offerings: ZoneOfferings, first: string): string {
    const zone = [...new Set(offerings.locations)]
        .filter((z) => z !== first && z.startsWith(region) && /^[a-z]$/.test(z.slice(region.length))).sort()[0];
    if (!zone) throw new Error(`${region} offers the chosen instance types in no zone besides ${first}; EKS needs two zones`);
    return zone;
}

/** The AMI every node boots. */
export interface NodeImage {
    readonly id: pulumi.Output<string>;
    /** Where the ID came from: the pinned amiId, or the SSM parameter. */
    readonly source: string;
}

/** The image, if it is x86_64: meshbench's nodes run amd64 builds (Ubuntu, containerd, kubeadm). */
export function requireX86(image: { imageId: string; name: string; architecture: string }): void {
    if (image.architecture !== "x86_64") {
        throw new Error(`AMI ${image.imageId} (${image.name}) is ${image.architecture}; meshbench's nodes need x86_64`);
    }
}

/** An AMI as DescribeImages has it; refuses anything but x86_64. */
export function describeImage(id: pulumi.Input<string>, parent: pulumi.Resource): pulumi.Output<aws.ec2.GetAmiResult> {
    return aws.ec2.getAmiOutput({
        filters: [{ name: "image-id", values: [id] }],
        // Canonical deprecates older serials; a pinned AMI, or one the nodes already run, must still be found.
        includeDeprecated: true,
        mostRecent: true,
    }, { parent }).apply((image) => {
        requireX86(image);
        return image;
    });
}

/** The pinned AMI, or the one a public SSM parameter names. */
export function nodeImage(ssmParameter: string, pinned: string | undefined, parent: pulumi.Resource): NodeImage {
    // The parameter is a public String: `insecureValue` keeps the AMI ID readable in the results.
    const id = pinned !== undefined ? pulumi.output(pinned) : aws.ssm.getParameterOutput({ name: ssmParameter }, { parent }).insecureValue;
    return {
        id: describeImage(id, parent).imageId,
        source: pinned !== undefined ? "meshbench:amiId" : `SSM ${ssmParameter}`,
    };
}

/** Where the nodes are and what they are: the provenance every AWS target records. */
export function nodeProvenance(settings: AwsSettings, zone: string, ami: { id: string; name: string; source: string }): Record<string, string> {
    return {
        region: settings.region,
        availabilityZone: zone,
        ami: ami.id,
        amiName: ami.name,
        amiSource: ami.source,
        systemInstanceType: settings.instanceTypes.system,
        serverInstanceType: settings.instanceTypes.server,
        clientInstanceType: settings.instanceTypes.client,
        serverNodes: String(settings.nodeCounts.server),
        clientNodes: String(settings.nodeCounts.client),
        placementGroup: "cluster",
    };
}
