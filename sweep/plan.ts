// Which setups a sweep runs. Pure: everything it knows about a mesh comes from the
// registry (meshes/index.ts), so a mesh that lands is swept without touching this file.
import { MESH_NAMES, type Mesh, type MeshName, type ModeSupport } from "../meshes/types";
import { PAPER } from "./paper";

export const MTLS_CHOICES = ["on", "off", "both"] as const;
export type MtlsChoice = (typeof MTLS_CHOICES)[number];

/** The registry's shape (meshes/index.ts). */
export type MeshRegistry = { readonly [K in MeshName]: Mesh };

/** Whether the sweep's target can run a mesh (cluster/index.ts, ClusterTarget.meshSupport). */
export type TargetSupport = (mesh: Mesh) => ModeSupport;

export interface PlanRequest {
    /** Every mesh, mTLS on and off wherever possible. */
    readonly all: boolean;
    /** Meshes to cover; default: the paper's (every mesh with `all`). */
    readonly meshes?: readonly MeshName[];
    /** mTLS modes to cover; default: on (both with `all`). */
    readonly mtls?: MtlsChoice;
}

/** One stack: one mesh in one mTLS mode. */
export interface PlannedSetup {
    readonly mesh: MeshName;
    readonly mtls: boolean;
    readonly stack: string;
    /** The response body size of this stack, when the sweep measures several (--response-bytes); else the shared config's. */
    readonly responseBytes?: number;
}

/** A setup the request asked for that cannot run, and why. */
export interface SkippedSetup {
    readonly mesh: MeshName;
    /** Absent when no mode of the mesh can run. */
    readonly mtls?: boolean;
    readonly reason: string;
}

export interface Plan {
    readonly setups: PlannedSetup[];
    readonly skipped: SkippedSetup[];
}

/** Stack name of a setup; its results are saved as `<stack>.json`. */
export const stackName = (mesh: MeshName, mtls: boolean): string => `${mesh}-mtls-${mtls ? "on" : "off"}`;

/** The paper's meshes, baseline first. */
export const PAPER_MESHES: readonly MeshName[] = [...new Set(PAPER.setups.map((s) => s.mesh))];

export function buildPlan(request: PlanRequest, registry: MeshRegistry, onTarget: TargetSupport = () => ({ supported: true })): Plan {
    const chosen = new Set(request.meshes ?? (request.all ? MESH_NAMES : PAPER_MESHES));
    const choice = request.mtls ?? (request.all ? "both" : "on");
    // Off before on: plaintext through the proxies, then the cost of mTLS on top.
    const modes = { on: [true], off: [false], both: [false, true] }[choice];

    const setups: PlannedSetup[] = [];
    const skipped: SkippedSetup[] = [];
    for (const mesh of MESH_NAMES.filter((m) => chosen.has(m))) {
        const module = registry[mesh];
        const target = onTarget(module);
        if (!target.supported) {
            skipped.push({ mesh, reason: target.reason });
            continue;
        }
        // A mesh that cannot do mTLS at all is a plaintext baseline: it runs with mTLS
        // off whatever mode was asked for, since every overhead is measured against it.
        const baseline = !module.mtlsOn.supported;
        for (const mtls of baseline ? [false] : modes) {
            const support = mtls ? module.mtlsOn : module.mtlsOff;
            if (support.supported) setups.push({ mesh, mtls, stack: stackName(mesh, mtls) });
            else skipped.push({ mesh, mtls, reason: support.reason });
        }
    }
    return { setups, skipped };
}

/** A body size as a stack name's suffix: 10 → 10b, 1024 → 1k, 65536 → 64k. */
export function sizeLabel(bytes: number): string {
    return bytes % 1024 === 0 ? `${bytes / 1024}k` : `${bytes}b`;
}

/**
 * One setup per setup and response size (`istio-mtls-on-1k`), size by size, so that every
 * size has its own baseline. No sizes: the setups as they are.
 */
export function withResponseSizes(setups: readonly PlannedSetup[], sizes: readonly number[]): PlannedSetup[] {
    if (sizes.length === 0) return [...setups];
    return sizes.flatMap((bytes) => setups.map((s) => ({ ...s, stack: `${s.stack}-${sizeLabel(bytes)}`, responseBytes: bytes })));
}
