// Whether something can run in a setting, and if not, why: shown at preview. A bottom
// module, shared by the meshes (mTLS on/off) and the cluster targets (which meshes they run).

/** A TCP port the Kubernetes API server must reach on the nodes (e.g. a mesh's admission webhook), and why. */
export interface NodePort {
    readonly port: number;
    readonly why: string;
}

export type ModeSupport = { readonly supported: true } | { readonly supported: false; readonly reason: string };
