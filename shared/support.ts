// Whether something can run in a setting, and if not, why: shown at preview. A bottom
// module, shared by the meshes (mTLS on/off) and the cluster targets (which meshes they run).

export type ModeSupport = { readonly supported: true } | { readonly supported: false; readonly reason: string };
