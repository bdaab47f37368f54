// Target eks's config checks and defaults: the AWS ones shared with vms, plus the EKS
// version, which must be one EKS still creates, and the CNI, which EKS provides.
import { problemMessage } from "../../shared/fields";
import type { ModeSupport } from "../../shared/support";
import type { ClusterNeeds } from "../index";
import { resolveAwsSettings, validateAwsSettings, type AwsSettings } from "../aws/settings";
import { keysOfOtherTargets } from "../settings";
import type { ClusterSettings } from "../types";
import { EKS_VERSIONS, EKS_VERSIONS_AS_OF, KUBEADM_RELEASES } from "../versions";

export interface EksSettings {
    readonly aws: AwsSettings;
    /** `aws:profile`, if set: the kubeconfig's token comes from the same profile. */
    readonly awsProfile?: string;
    /** A minor version, e.g. 1.32: EKS chooses the patch. */
    readonly kubernetesVersion: string;
}

/** Minors EKS still created on the day the calendar was read. */
export const creatableEksVersions = (): string[] =>
    Object.entries(EKS_VERSIONS).filter(([, v]) => v.endOfExtendedSupport > EKS_VERSIONS_AS_OF).map(([minor]) => minor);

const orList = (items: string[]): string => (items.length > 1 ? `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}` : items.join(""));

export function eksVersionProblems(version: string): string[] {
    const creatable = creatableEksVersions();
    const minor = version.split(".").slice(0, 2).join(".");
    const isPatch = minor !== version;
    if (!isPatch && creatable.includes(version)) return [];
    const allowed = `${isPatch ? "a minor version (EKS chooses the patch; the one running is recorded with the results): " : ""}` +
        `${orList(creatable)} on target eks`;
    const lifecycle = EKS_VERSIONS[minor];
    if (lifecycle === undefined || creatable.includes(minor)) return [problemMessage("kubernetesVersion", version, allowed)];
    const toVms = KUBEADM_RELEASES[minor]
        ? `. For Kubernetes ${minor} itself, as in the paper, use target vms (kubeadm on EC2): pulumi config set target vms`
        : "";
    return [problemMessage("kubernetesVersion", version,
        `${allowed}: EKS stopped creating ${minor} clusters when its extended support ended on ${lifecycle.endOfExtendedSupport}${toVms}`)];
}

export function validateEksSettings(settings: ClusterSettings): string[] {
    return [
        ...keysOfOtherTargets(settings, "eks"),
        ...validateAwsSettings(settings, "eks", "the Kubernetes API"),
        ...(settings.kubernetesVersion !== undefined ? eksVersionProblems(settings.kubernetesVersion) : []),
    ];
}

/**
 * Cilium would have to replace the VPC CNI (ENI mode) or chain onto it; meshbench does
 * neither (the chaining flags could not be checked here), and target vms brings a cluster
 * without a CNI for it instead.
 */
export function eksMeshSupport(needs: ClusterNeeds): ModeSupport {
    return needs.installCni ? { supported: true } : {
        supported: false,
        reason: `EKS nodes come with the VPC CNI, which meshbench neither replaces nor chains ${needs.mesh} onto; ` +
            `target vms is the supported path for ${needs.mesh} (pulumi config set target vms)`,
    };
}

/** Defaults applied; call only after validateEksSettings found nothing. */
export function resolveEksSettings(settings: ClusterSettings): EksSettings {
    return {
        aws: resolveAwsSettings(settings), kubernetesVersion: settings.kubernetesVersion!,
        ...(settings.awsProfile !== undefined ? { awsProfile: settings.awsProfile } : {}),
    };
}

/**
 * Standard support where the version still has it on `today`, else extended (EKS would
 * otherwise upgrade a STANDARD cluster past its version). Extended support costs more per hour.
 */
export function supportType(version: string, today: Date): "STANDARD" | "EXTENDED" {
    const day = today.toISOString().slice(0, 10);
    return day < EKS_VERSIONS[version].endOfStandardSupport ? "STANDARD" : "EXTENDED";
}
