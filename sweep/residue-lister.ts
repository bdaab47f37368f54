// The residue check's listing of a real cluster (sweep/residue.ts compares listings).
// Objects come from the Kubernetes API through KubeApi's GET (shared/kube-api.ts): CRDs,
// mutating and validating webhook configurations, DaemonSets in every namespace, and
// namespaces. The CNI config files of each node come through NodeFiles: a short-lived pod
// per node that lists /etc/cni/net.d through a read-only hostPath (sweep/cni-pod.ts,
// sweep/kube-pods.ts). Both sit behind interfaces, so that the tests fake them.
import { getJson, type KubeApi } from "../shared/kube-api";
import type { ClusterListing, ListedObject, ResidueKind } from "./residue";

/** Lists a cluster for the residue check. */
export interface ResidueLister {
    list(): Promise<ClusterListing>;
}

/** The CNI config directory of a node, as its files' names. */
export interface NodeFiles {
    cniConfigFiles(node: string): Promise<string[]>;
}

/** The API path of each compared kind's list (every namespace for DaemonSets). */
export const RESIDUE_LIST_PATHS: { readonly [K in ResidueKind]: string } = {
    CustomResourceDefinition: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    MutatingWebhookConfiguration: "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
    ValidatingWebhookConfiguration: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
    DaemonSet: "/apis/apps/v1/daemonsets",
    Namespace: "/api/v1/namespaces",
};

interface RawList {
    items?: { metadata?: { name?: string; namespace?: string }; status?: { phase?: string } }[];
}

/** A list the API server returned (its items carry no kind: the list's path says it). */
export function listedObjects(kind: ResidueKind, list: RawList): ListedObject[] {
    if (!Array.isArray(list.items)) throw new Error(`${RESIDUE_LIST_PATHS[kind]}: not a list (no items)`);
    return list.items.flatMap((item) => {
        const name = item.metadata?.name;
        if (!name) return [];
        const phase = kind === "Namespace" && item.status?.phase && item.status.phase !== "Active" ? item.status.phase : undefined;
        return [{ kind, name, ...(item.metadata?.namespace ? { namespace: item.metadata.namespace } : {}), ...(phase ? { phase } : {}) }];
    });
}

/** `ls -1A` output: one name a line. */
export const parseFileNames = (stdout: string): string[] => stdout.split("\n").map((l) => l.trim()).filter((l) => l !== "").sort();

/** The lister over a cluster's API, and its nodes' files. */
export function kubeResidueLister(kube: KubeApi, nodeFiles: NodeFiles): ResidueLister {
    return {
        async list() {
            const kinds = Object.keys(RESIDUE_LIST_PATHS) as ResidueKind[];
            const lists = await Promise.all(kinds.map((kind) => getJson<RawList>(kube, RESIDUE_LIST_PATHS[kind])));
            const objects = kinds.flatMap((kind, i) => listedObjects(kind, lists[i]));
            const nodeList = await getJson<RawList>(kube, "/api/v1/nodes");
            const nodes = (nodeList.items ?? []).flatMap((n) => (n.metadata?.name ? [n.metadata.name] : [])).sort();
            // One node after the other: a pod each, and a cluster of a few nodes.
            const cniConfig: Record<string, string[]> = {};
            for (const node of nodes) cniConfig[node] = await nodeFiles.cniConfigFiles(node);
            return { objects, cniConfig };
        },
    };
}
