// The mesh registry: adding a mesh is one file and one line here.
import { cilium } from "./cilium";
import { consul } from "./consul";
import { istio } from "./istio";
import { istioAmbient } from "./istio-ambient";
import { kuma } from "./kuma";
import { linkerd } from "./linkerd";
import { none } from "./none";
import type { Mesh, MeshName } from "./types";

/** Meshes whose module has landed; the rest fail at preview with "not implemented yet". */
export const MESHES: { readonly [K in MeshName]: Mesh | undefined } = {
    none,
    istio,
    "istio-ambient": istioAmbient,
    linkerd,
    consul,
    kuma,
    cilium,
};

export { MESH_NAMES } from "./types";
export type { Mesh, MeshName, MeshContext } from "./types";

/** The module of a mesh that config validation has accepted. */
export function meshModule(name: MeshName): Mesh {
    const mesh = MESHES[name];
    if (!mesh) throw new Error(`mesh ${name} is not implemented yet`);
    return mesh;
}
