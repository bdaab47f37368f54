// Reads the whole stack config into one typed, validated object. This is the only module
// that touches Pulumi's config; every other folder receives plain values from here.
import * as pulumi from "@pulumi/pulumi";
import { TARGETS } from "../cluster";
import { roleProblems } from "../cluster/roles";
import { CLUSTER_FIELDS, CLUSTER_KEYS } from "../cluster/settings";
import type { ClusterSettings } from "../cluster/types";
import { LOAD_FIELDS, openLoopFractions } from "../loadtest/settings";
import { MESHES } from "../meshes";
import { MESH_FIELDS } from "../meshes/settings";
import type { MeshName } from "../meshes/types";
import { IMAGE_FIELDS } from "../workloads/settings";
import { parseFields, problemMessage, Problems, qualified, type FieldGroup, type FieldValues, type RawConfig } from "../shared/fields";

/** Every config group, by the folder that owns it. */
export const CONFIG_GROUPS = {
    cluster: CLUSTER_FIELDS,
    mesh: MESH_FIELDS,
    load: LOAD_FIELDS,
    images: IMAGE_FIELDS,
} as const satisfies Record<string, FieldGroup>;

export const ALL_FIELDS = Object.values(CONFIG_GROUPS).flatMap((group) => Object.values(group));

export type { LoadSettings } from "../loadtest/settings";
import type { LoadSettings } from "../loadtest/settings";
export type ImageSettings = FieldValues<typeof IMAGE_FIELDS>;

export interface MeshbenchConfig {
    readonly cluster: ClusterSettings;
    readonly mesh: MeshName;
    readonly mtls: boolean;
    readonly load: LoadSettings;
    readonly images: ImageSettings;
}

/** What parseConfig needs from the stack besides meshbench's own keys. */
export interface StackContext {
    /** `aws:region`: the AWS provider's own key, so not in the meshbench namespace; the region of clusters on AWS. */
    readonly awsRegion?: string;
    /** `aws:profile`: the AWS provider's named profile, if the stack sets one; eks's kubeconfig then uses it too. */
    readonly awsProfile?: string;
    /** Says whether a meshbench key's value is stored encrypted; undefined when that cannot be told. */
    readonly isSecret?: (key: string) => boolean;
}

/**
 * Bad stack config: every problem found, one per line. A RunError, so that `pulumi preview`
 * prints the message alone, not the program's stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`invalid stack config:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

/** Closest known key, to suggest on a typo. */
function suggestion(key: string, known: string[]): string {
    const distance = (a: string, b: string): number => {
        const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
        for (let j = 1; j <= b.length; j++) d[0][j] = j;
        for (let i = 1; i <= a.length; i++) {
            for (let j = 1; j <= b.length; j++) {
                d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
            }
        }
        return d[a.length][b.length];
    };
    const best = known.map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d)[0];
    return best && best.d <= 3 ? `; did you mean ${qualified(best.k)}?` : "";
}

/**
 * Parses raw stack config (keys without the `meshbench:` prefix) and checks every key,
 * every value and every combination. Throws ConfigError listing all problems.
 */
export function parseConfig(raw: RawConfig, context: StackContext = {}): MeshbenchConfig {
    const problems = new Problems();
    const known = ALL_FIELDS.map((f) => f.key);
    for (const key of Object.keys(raw)) {
        if (!known.includes(key)) problems.add(`${qualified(key)}: unknown config key${suggestion(key, known)}`);
    }
    // A secret stored in plain text sits readable in Pulumi.<stack>.yaml: refused before it is used.
    for (const field of ALL_FIELDS.filter((f) => f.secret && raw[f.key] !== undefined && context.isSecret)) {
        if (!context.isSecret!(field.key)) problems.add(plainTextSecret(field.key));
    }

    const clusterFields = parseFields(CLUSTER_FIELDS, raw, problems);
    const { mesh, mtls: mtlsGiven } = parseFields(MESH_FIELDS, raw, problems);
    const loadFields = parseFields(LOAD_FIELDS, raw, problems);
    const images = parseFields(IMAGE_FIELDS, raw, problems);

    if (problems.allValid("wrkConnections", "wrkThreads") && loadFields.wrkConnections < loadFields.wrkThreads) {
        problems.add(problemMessage("wrkConnections", String(loadFields.wrkConnections),
            `at least wrkThreads (${loadFields.wrkThreads}); wrk gives each thread at least one connection`));
    }

    if (problems.allValid("openLoopFractions", "openLoopCapacityRps")) {
        const tooLow = openLoopFractions(loadFields.openLoopFractions).find((f) => Math.round(f * loadFields.openLoopCapacityRps) < 1);
        if (tooLow !== undefined) {
            problems.add(problemMessage("openLoopFractions", loadFields.openLoopFractions,
                `fractions that give at least 1 request/s of openLoopCapacityRps (${loadFields.openLoopCapacityRps}); ${tooLow} gives none`));
        }
    }

    const meshModule = MESHES[mesh];
    const mtls = mtlsGiven ?? meshModule.mtlsOn.supported;
    const support = mtls ? meshModule.mtlsOn : meshModule.mtlsOff;
    if (problems.allValid("mesh", "mtls") && !support.supported) {
        problems.add(problemMessage("mtls", String(mtls), `${!mtls} for mesh ${mesh}, because ${support.reason}`));
    }

    const target = TARGETS[clusterFields.target];
    const cluster: ClusterSettings = {
        ...clusterFields,
        kubernetesVersion: clusterFields.kubernetesVersion ?? target.defaultKubernetesVersion,
        awsRegion: context.awsRegion,
        ...(context.awsProfile !== undefined ? { awsProfile: context.awsProfile } : {}),
    };
    const needs = { mesh, installCni: !meshModule.providesCni };
    const onTarget = target.meshSupport(needs);
    if (problems.allValid("target", "mesh") && !onTarget.supported) {
        problems.add(problemMessage("mesh", mesh, `a mesh that target ${cluster.target} can run; ${onTarget.reason}`));
    }
    if (problems.allValid(...Object.values(CLUSTER_FIELDS).map((f) => f.key))) {
        // Target checks combine cluster keys, so they run once every cluster key is valid.
        target.validate(cluster, needs).forEach((p) => problems.add(p));
        // Stack roles (cluster/roles.ts): a cluster stack, or a setup on one.
        // A key at its Pulumi.yaml default (mesh none, runId 1) is every stack's, not one given to it.
        // An unknown key has had its own message above.
        const given = Object.fromEntries(Object.entries(raw).filter(([key, value]) =>
            ALL_FIELDS.some((f) => f.key === key && String(f.default) !== value)));
        roleProblems(cluster, cluster.target, given, CLUSTER_KEYS).forEach((p) => problems.add(p));
        if (cluster.role === "cluster" && clusterStackMeshes(cluster.clusterCni, target).length === 0) {
            problems.add(problemMessage("clusterCni", String(cluster.clusterCni), `installed on target ${cluster.target}: no mesh that is the CNI runs there`));
        }
    }

    if (problems.messages.length > 0) throw new ConfigError(problems.messages);
    return {
        cluster,
        mesh,
        mtls,
        load: { ...loadFields, wrkCpu: loadFields.wrkCpu ?? loadFields.wrkThreads },
        images,
    };
}

/** The meshes a cluster stack with this clusterCni serves on its target (those the target can run). */
export function clusterStackMeshes(cni: ClusterSettings["clusterCni"], target: (typeof TARGETS)[keyof typeof TARGETS]) {
    // clusterCni unset is installed: every mesh that is not the CNI.
    return Object.values(MESHES).filter((m) => m.providesCni === (cni === "mesh")
        && target.meshSupport({ mesh: m.name, installCni: !m.providesCni }).supported);
}

/** The stack's `meshbench:*` config, as Pulumi hands it to the program. */
export function readRawConfig(): RawConfig {
    const prefix = qualified("");
    return Object.fromEntries(Object.entries(pulumi.runtime.allConfig())
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, value]) => [key.slice(prefix.length), value]));
}

/** A secret-flagged key given in plain text: the message never repeats the value. */
export const plainTextSecret = (key: string): string =>
    `${qualified(key)}: the value is stored in plain text; allowed: only a value stored encrypted ` +
    `(pulumi config rm ${key}, then pulumi config set --secret ${key} ...)`;

/**
 * Whether the stack stores a key encrypted. @pulumi/pulumi 3.248 keeps this in
 * `runtime/config`'s `isConfigSecret` (internal: not in its typings), fed by the CLI's
 * PULUMI_CONFIG_SECRET_KEYS. If a later SDK drops it, the check is skipped, not failed.
 */
function secretKeyCheck(): ((key: string) => boolean) | undefined {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };
    const isConfigSecret = runtimeConfig.isConfigSecret;
    return typeof isConfigSecret === "function" ? (key) => isConfigSecret(qualified(key)) : undefined;
}

export const readStackConfig = (): MeshbenchConfig => parseConfig(readRawConfig(), {
    awsRegion: pulumi.runtime.allConfig()["aws:region"],
    awsProfile: pulumi.runtime.allConfig()["aws:profile"],
    isSecret: secretKeyCheck(),
});
