// Stack config owned by meshes/: which mesh, and whether mTLS is on.
import { booleanField, enumField } from "../shared/fields";
import { MESH_NAMES } from "./types";

export const MESH_FIELDS = {
    mesh: enumField("mesh", MESH_NAMES, "The service mesh to install, or none for the baseline. Default: none.", "none"),
    // No fixed default: it is true for every mesh that can do mTLS and false for none,
    // so that an explicit `mtls: true` on the baseline is an error rather than ignored.
    mtls: booleanField("mtls",
        "Mutual TLS between the benchmark pods, proven in the cluster. Default: true, except for mesh none (always false)."),
} as const;
