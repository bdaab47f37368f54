// The mesh registry: adding a mesh is one file and one line here.
import { cilium } from "./cilium";
import { consul } from "./consul";
import { istio } from "./istio";
import { istioAmbient } from "./istio-ambient";
import { kuma } from "./kuma";
import { linkerd } from "./linkerd";
import { none } from "./none";
import type { Mesh, MeshName } from "./types";

/** Every mesh; a missing one is a compile error. */
export const MESHES: { readonly [K in MeshName]: Mesh } = {
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

