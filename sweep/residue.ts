// The residue check: after a setup's `pulumi destroy`, is the cluster back as it was?
// A mesh can outlive its Helm release: CRDs Helm never deletes (Istio's base chart,
// Kuma's crds/), webhooks a controller created at run time, a CNI DaemonSet, a namespace
// stuck in Terminating on a finalizer, or a CNI config file written on every node (Cilium
// writes 05-cilium.conflist and, with cni-exclusive, renames the others to *.cilium_bak).
// The next setup on the same cluster would then measure through what was left.
//
// Pure: a listing of the cluster taken before the first setup (the clean state) and one
// after each teardown come in; what differs comes out. How the listings are taken
// (kubectl, a pod per node reading /etc/cni/net.d) is the caller's.

/** The kinds the check compares. */
export const RESIDUE_KINDS = [
    "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "DaemonSet", "Namespace",
] as const;
export type ResidueKind = (typeof RESIDUE_KINDS)[number];

export interface ListedObject {
    readonly kind: ResidueKind;
    readonly name: string;
    /** Namespaced kinds only (DaemonSet). */
    readonly namespace?: string;
    /** E.g. "Terminating" for a namespace held by a finalizer. */
    readonly phase?: string;
}

export interface ClusterListing {
    readonly objects: readonly ListedObject[];
    /** The files of each node's CNI config directory (/etc/cni/net.d), by node name. */
    readonly cniConfig: Readonly<Record<string, readonly string[]>>;
}

export interface Residue {
    /** left: there after the teardown and not before; missing: there before and gone (something the mesh removed or renamed). */
    readonly what: "left" | "missing";
    readonly kind: ResidueKind | "CNI config file";
    readonly name: string;
    readonly namespace?: string;
    readonly node?: string;
    readonly phase?: string;
}

/**
 * The objects of `kubectl get crd,mutatingwebhookconfigurations,validatingwebhookconfigurations,daemonsets,namespaces -A -o json`
 * (a `List`); items of other kinds are ignored.
 */
export function parseKubectlList(json: string): ListedObject[] {
    const list = JSON.parse(json) as { kind?: string; items?: unknown };
    if (list.kind !== "List" || !Array.isArray(list.items)) throw new Error(`parseKubectlList: not a kubectl List (kind ${JSON.stringify(list.kind)})`);
    return list.items.flatMap((item: { kind?: string; metadata?: { name?: string; namespace?: string }; status?: { phase?: string } }) => {
        const kind = item.kind as ResidueKind;
        const name = item.metadata?.name;
        if (!(RESIDUE_KINDS as readonly string[]).includes(kind) || !name) return [];
        const phase = kind === "Namespace" && item.status?.phase && item.status.phase !== "Active" ? item.status.phase : undefined;
        return [{ kind, name, ...(item.metadata?.namespace ? { namespace: item.metadata.namespace } : {}), ...(phase ? { phase } : {}) }];
    });
}

const objectKey = (o: ListedObject) => `${o.kind}/${o.namespace ?? ""}/${o.name}`;

/** What `after` has that `clean` had not, and what it lost; empty when the cluster is back in its clean state. */
export function residueOf(clean: ClusterListing, after: ClusterListing): Residue[] {
    const before = new Set(clean.objects.map(objectKey));
    const now = new Set(after.objects.map(objectKey));
    const strip = (o: ListedObject) => ({ kind: o.kind, name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) });
    // A namespace still Terminating is still there: whatever holds it would hold the next setup's namespace too.
    const left: Residue[] = after.objects.filter((o) => !before.has(objectKey(o))).map((o) => ({ what: "left", ...strip(o), ...(o.phase ? { phase: o.phase } : {}) }));
    const missing: Residue[] = clean.objects.filter((o) => !now.has(objectKey(o))).map((o) => ({ what: "missing", ...strip(o) }));
    const nodes = [...new Set([...Object.keys(clean.cniConfig), ...Object.keys(after.cniConfig)])].sort();
    const cni: Residue[] = nodes.flatMap((node) => {
        const was = new Set(clean.cniConfig[node] ?? []);
        const is = new Set(after.cniConfig[node] ?? []);
        return [
            ...[...is].filter((f) => !was.has(f)).map((name): Residue => ({ what: "left", kind: "CNI config file", name, node })),
            ...[...was].filter((f) => !is.has(f)).map((name): Residue => ({ what: "missing", kind: "CNI config file", name, node })),
        ];
    });
    const order = (r: Residue) => `${r.what === "left" ? 0 : 1}/${r.kind}/${r.node ?? ""}/${r.namespace ?? ""}/${r.name}`;
    return [...left, ...missing, ...cni].sort((a, b) => order(a).localeCompare(order(b)));
}

/** One residue, as the sweep prints it. */
export function residueText(r: Residue): string {
    const where = r.node ? ` on ${r.node}` : r.namespace ? ` in ${r.namespace}` : "";
    return `${r.what} ${r.kind} ${r.name}${where}${r.phase ? ` (${r.phase})` : ""}`;
}
