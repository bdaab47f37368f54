// Target vms's config checks and defaults: the AWS ones shared with eks, plus the
// Kubernetes version (1.29 only, see cluster/versions.ts) and the pod network.
import { problemMessage } from "../../shared/fields";
import { resolveAwsSettings, validateAwsSettings, type AwsSettings } from "../aws/settings";
import { VPC_CIDR } from "../aws/network";
import { canonicalCidr, cidrsOverlap, parseCidr } from "../cidr";
import { keysOfOtherTargets } from "../settings";
import type { ClusterSettings } from "../types";
import { KUBEADM_RELEASES, type KubeadmRelease } from "../versions";
import { DEFAULT_POD_CIDR, SERVICE_CIDR } from "./settings";

export interface VmsSettings {
    readonly aws: AwsSettings;
    /** Without the leading v, e.g. 1.29.1. */
    readonly kubernetesVersion: string;
    readonly release: KubeadmRelease;
    readonly podCidr: string;
    /** Given as secret config; undefined means meshbench generates a key. */
    readonly sshPrivateKey?: string;
}

const minorOf = (version: string): string => version.split(".").slice(0, 2).join(".");

function kubernetesVersionProblems(version: string): string[] {
    const release = KUBEADM_RELEASES[minorOf(version)];
    const patch = Number(version.split(".")[2]);
    if (release && patch <= release.lastPatch) return [];
    const allowed = Object.entries(KUBEADM_RELEASES).map(([minor, r]) => `${minor}.0 to ${minor}.${r.lastPatch}`).join(", ");
    return [problemMessage("kubernetesVersion", version,
        `${allowed} on target vms (its package repository, pause image and kubeadm config API are pinned per minor in cluster/versions.ts)`)];
}

function podCidrProblems(cidr: string | undefined): string[] {
    if (cidr === undefined) return [];
    const prefix = parseCidr(cidr)[1];
    if (prefix < 8 || prefix > 20) return [problemMessage("podCidr", cidr, "a prefix from /8 to /20: each node takes a /24 of it")];
    if (canonicalCidr(cidr) !== cidr) return [problemMessage("podCidr", cidr, `a CIDR without host bits, such as ${canonicalCidr(cidr)}`)];
    const clash = [[VPC_CIDR, "the VPC"], [SERVICE_CIDR, "the Service network"]].find(([other]) => cidrsOverlap(cidr, other));
    return clash ? [problemMessage("podCidr", cidr, `a range that does not overlap ${clash[1]} (${clash[0]})`)] : [];
}

export function validateVmsSettings(settings: ClusterSettings): string[] {
    return [
        ...keysOfOtherTargets(settings, "vms"),
        ...validateAwsSettings(settings, "vms", "SSH and the Kubernetes API"),
        ...(settings.kubernetesVersion !== undefined ? kubernetesVersionProblems(settings.kubernetesVersion) : []),
        ...podCidrProblems(settings.podCidr),
    ];
}

/** Defaults applied; call only after validateVmsSettings found nothing. */
export function resolveVmsSettings(settings: ClusterSettings): VmsSettings {
    const kubernetesVersion = settings.kubernetesVersion!;
    return {
        aws: resolveAwsSettings(settings),
        kubernetesVersion,
        release: KUBEADM_RELEASES[minorOf(kubernetesVersion)],
        podCidr: settings.podCidr ?? DEFAULT_POD_CIDR,
        sshPrivateKey: settings.sshPrivateKey,
    };
}
