// Stack config owned by cluster/: which target makes the cluster, and how to reach it.
import { enumField, patternField } from "../shared/fields";
import { AWS_CLUSTER_FIELDS } from "./aws/settings";
import { IPV4_CIDR } from "./cidr";
import { ROLE_FIELDS } from "./roles";
import { VMS_CLUSTER_FIELDS } from "./vms/settings";

export const TARGET_NAMES = ["kubeconfig", "vms", "eks"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** The paper ran v1.29.1; see README for why the default is not the last 1.29 patch. */
export const PAPER_KUBERNETES_VERSION = "1.29.1";

const DNS_LABEL_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export const CLUSTER_FIELDS = {
    target: enumField("target", TARGET_NAMES,
        "Where the cluster comes from: kubeconfig (an existing cluster), vms (EC2 + kubeadm) or eks. Default: vms.",
        "vms"),
    kubernetesVersion: patternField("kubernetesVersion", /^1\.\d{1,2}(\.\d{1,3})?$/,
        "a Kubernetes version without a leading v: a patch such as 1.29.1 on vms, a minor such as 1.32 on eks",
        // No fixed default: each target that creates clusters has its own (see its module).
        "Kubernetes version of clusters meshbench creates; recorded with the results. Default: 1.29.1 on vms, 1.32 on eks (see README)."),
    operatorCidr: patternField("operatorCidr", IPV4_CIDR,
        "an IPv4 CIDR such as 203.0.113.7/32",
        "The only CIDR allowed to reach SSH and the API server of clusters meshbench creates. No default."),
    kubeconfig: patternField("kubeconfig", /^\S.*$/,
        "a path to a kubeconfig file",
        "target kubeconfig: path to the kubeconfig file. Default: $KUBECONFIG, else ~/.kube/config."),
    kubeContext: patternField("kubeContext", /^\S+$/,
        "a context name from the kubeconfig",
        "target kubeconfig: the context to use. Default: the kubeconfig's current context."),
    serverNodeName: patternField("serverNodeName", DNS_LABEL_NAME,
        "a Kubernetes node name",
        "target kubeconfig: pin the servers to this node. Default: any node (clients are kept off it)."),
    clientNodeName: patternField("clientNodeName", DNS_LABEL_NAME,
        "a Kubernetes node name",
        "target kubeconfig: pin the clients to this node. Default: any node without a server."),
    ...AWS_CLUSTER_FIELDS,
    ...VMS_CLUSTER_FIELDS,
    ...ROLE_FIELDS,
} as const;

/** The keys cluster/ owns: all a cluster stack (role cluster) reads. */
export const CLUSTER_KEYS: ReadonlySet<string> = new Set(Object.values(CLUSTER_FIELDS).map((field) => field.key));

/** The targets that read each key; a key given for another target is refused at preview. */
export const KEY_TARGETS: { readonly [K in Exclude<keyof typeof CLUSTER_FIELDS, "target">]: readonly TargetName[] } = {
    kubernetesVersion: ["vms", "eks"],
    operatorCidr: ["vms", "eks"],
    kubeconfig: ["kubeconfig"],
    kubeContext: ["kubeconfig"],
    serverNodeName: ["kubeconfig"],
    clientNodeName: ["kubeconfig"],
    availabilityZone: ["vms", "eks"],
    systemInstanceType: ["vms", "eks"],
    serverInstanceType: ["vms", "eks"],
    clientInstanceType: ["vms", "eks"],
    serverNodeCount: ["vms", "eks"],
    clientNodeCount: ["vms", "eks"],
    amiId: ["vms", "eks"],
    podCidr: ["vms"],
    sshPrivateKey: ["vms"],
    role: ["kubeconfig", "vms", "eks"],
    clusterStack: ["vms", "eks"],
    clusterCni: ["vms", "eks"],
};

/** One problem per key that was given but that `target` does not read. */
export function keysOfOtherTargets(given: Readonly<Record<string, unknown>>, target: TargetName): string[] {
    return Object.entries(KEY_TARGETS)
        .filter(([key, targets]) => given[key] !== undefined && !targets.includes(target))
        .map(([key, targets]) => `meshbench:${key}: applies only to target ${targets.join(" and ")}, not ${target}; ` +
            `remove it (pulumi config rm ${key}) or change target`);
}
