// The config each setup's stack gets. Pure, so that the tests see exactly what the
// adapter will write with `pulumi config set`.
import { ALL_FIELDS } from "../config";
import { qualified, type RawConfig } from "../shared/fields";
import type { PlannedSetup } from "./plan";

export interface ConfigEntry {
    /** Fully qualified, e.g. `meshbench:mesh`. */
    readonly key: string;
    readonly value: string;
    readonly secret: boolean;
    /** Set with `--path` (the key addresses an element of a list). */
    readonly path: boolean;
}

/** A setup's raw config split as parseConfig reads it: meshbench keys, and the stack context. */
export function parserInput(raw: RawConfig): { meshbench: RawConfig; context: { awsRegion?: string } } {
    const { "aws:region": awsRegion, ...meshbench } = raw;
    return { meshbench, context: { awsRegion } };
}

/** A setup's config: `meshbench:` keys without the prefix; `aws:region` as it is. */
export function setupRawConfig(setup: PlannedSetup, shared: RawConfig, runId: string): RawConfig {
    // mtls is always explicit, so that a stack never falls back on a default that differs by mesh.
    const size: RawConfig = setup.responseBytes === undefined ? {} : { responseBytes: String(setup.responseBytes) };
    return { ...shared, ...size, mesh: setup.mesh, mtls: String(setup.mtls), runId };
}

/** Everything `pulumi config set` writes into a setup's stack. */
export function stackConfigEntries(raw: RawConfig): ConfigEntry[] {
    const secretKeys = new Set(ALL_FIELDS.filter((f) => f.secret).map((f) => f.key));
    return [
        ...Object.entries(raw).map(([key, value]) => ({
            key: key.includes(":") ? key : qualified(key), value, secret: secretKeys.has(key), path: false,
        })),
        // As in Pulumi.dev.yaml: a Kubernetes object created without the cluster's
        // provider fails instead of going to whatever the local kubeconfig points at.
        { key: "pulumi:disable-default-providers[0]", value: "kubernetes", secret: false, path: true },
    ];
}

/**
 * `meshbench:` keys a reused stack holds that this sweep does not set (left by an earlier
 * sweep with other options). They are removed, so that a stack's config is exactly the plan's.
 */
export function staleConfigKeys(existingKeys: readonly string[], entries: readonly ConfigEntry[]): string[] {
    const wanted = new Set(entries.map((e) => e.key));
    return existingKeys.filter((k) => k.startsWith(qualified("")) && !wanted.has(k));
}
