// A mesh's pin table: every chart and image version it installs, written once. pins()
// lists it; releases, chart values and the fairness text read their versions from it and
// never write one again, so a bump is one edit and the exported pins cannot drift from
// what is installed or described (test/meshes/pin-tables.test.ts reads the mesh files
// for version strings outside their table).
import type { Pin } from "./types";

/** A mesh's pins by role, in the order pins() reports them. */
export type PinTable = { readonly [role: string]: Pin };

/** A version inside a pinned artefact (the Envoy in a sidecar image): named in the fairness text, not a pin of its own. */
export interface BundledVersion<Role extends string = string> {
    readonly version: string;
    /** The role, in the same mesh's pin table, of the artefact that carries it. */
    readonly in: Role;
}

export const chartPin = (name: string, version: string, source: string): Pin => ({ kind: "chart", name, version, source });
export const imagePin = (name: string, version: string, source: string): Pin => ({ kind: "image", name, version, source });

/** The table's pins, in its order. */
export const pinList = (table: PinTable): Pin[] => Object.values(table);

/** A chart pin as a Helm release's chart, version and repository. */
export const chartRelease = (pin: Pin): { chart: string; version: string; repo: string } => {
    if (pin.kind !== "chart") throw new Error(`${pin.name} is pinned as ${pin.kind}, not as a chart`);
    return { chart: pin.name, version: pin.version, repo: pin.source };
};
