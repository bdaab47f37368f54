// What a kubeadm cluster needs before any workload: a CNI (unless the mesh is the CNI) and
// a default StorageClass. Values are built as plain data (tests check every key against the
// pinned charts' values.yaml); installCniAndStorage creates the releases.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    FLANNEL_BACKEND, FLANNEL_CHART, LOCAL_PATH_CHART, LOCAL_PATH_HELPER_IMAGE, LOCAL_PATH_STORAGE_CLASS, type ClusterChart,
} from "../versions";

export function flannelValues(podCidr: string): Record<string, unknown> {
    return {
        // Must equal kubeadm's podSubnet: Flannel hands each node a /24 of it.
        podCidr,
        flannel: { backend: FLANNEL_BACKEND },
    };
}

export function localPathValues(): Record<string, unknown> {
    return {
        storageClass: { create: true, name: LOCAL_PATH_STORAGE_CLASS, defaultClass: true },
        helperImage: LOCAL_PATH_HELPER_IMAGE,
    };
}

export interface AddonArgs {
    /** Prefix of the child resource names. */
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly provider: k8s.Provider;
    readonly podCidr: string;
    /** False when the mesh is the CNI: then no CNI is installed here. */
    readonly installCni: boolean;
    /** The node joins: the CNI's DaemonSet must see every node. */
    readonly after: pulumi.Resource[];
}

export interface Addons {
    /** Undefined when the mesh brings the CNI. */
    readonly cni?: k8s.helm.v3.Release;
    readonly storage: k8s.helm.v3.Release;
}

export function installCniAndStorage(args: AddonArgs): Addons {
    const opts = { parent: args.parent, provider: args.provider };
    const release = (role: string, chart: ClusterChart, values: Record<string, unknown>, wait: boolean, after: pulumi.Resource[]) => {
        // The node agents need host access; the label keeps working if Pod Security is enforced.
        const namespace = new k8s.core.v1.Namespace(`${args.name}-ns-${chart.namespace}`, {
            metadata: {
                name: chart.namespace,
                labels: { "app.kubernetes.io/part-of": "meshbench", "pod-security.kubernetes.io/enforce": "privileged" },
            },
        }, { ...opts, dependsOn: after });
        return new k8s.helm.v3.Release(`${args.name}-${role}`, {
            name: role,
            chart: chart.chart,
            version: chart.version,
            ...(chart.repo ? { repositoryOpts: { repo: chart.repo } } : {}),
            namespace: chart.namespace,
            values,
            skipAwait: !wait,
            timeout: 600,
            atomic: false,
        }, { ...opts, dependsOn: [namespace, ...after] });
    };

    const cni = args.installCni ? release("flannel", FLANNEL_CHART, flannelValues(args.podCidr), true, args.after) : undefined;
    // Without a CNI, the provisioner's pod cannot start until the mesh installs one, so Helm
    // must not wait for it; its StorageClass exists at once, and volumes bind once it runs.
    const storage = release("local-path", LOCAL_PATH_CHART, localPathValues(), args.installCni, cni ? [cni] : args.after);
    return { cni, storage };
}
