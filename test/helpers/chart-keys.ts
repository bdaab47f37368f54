// Checks Helm values against the pinned chart's key list (test/fixtures/chart-keys,
// copied from each chart's values.yaml and templates; the first line of each file names
// its source). A key the chart does not have would be ignored by Helm without a word,
// and the mesh would run with a default we believe we changed.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

export interface ChartKeyOptions {
    /** Prefixes whose sub-keys are free-form beyond the listed defaults, as the key file's header says (e.g. Istio's meshConfig). */
    readonly freeForm?: readonly string[];
    /** Prefixes that alias the top level, as the key file's header says (Istio istiod: `pilot.X` ≡ `X`). */
    readonly aliasPrefixes?: readonly string[];
}

/**
 * What each key file's header says beyond its list: aliases and free-form prefixes. One
 * row per chart, so every mesh's test checks values the same way.
 */
export const CHART_KEY_OPTIONS: Readonly<Record<string, ChartKeyOptions>> = {
    // "templates/zzy_descope_legacy.yaml also copies 'pilot.<key>' to '<key>'";
    // "meshConfig accepts any MeshConfig field".
    istiod: { aliasPrefixes: ["pilot"], freeForm: ["meshConfig"] },
    // "templates/zzy_descope_legacy.yaml also copies 'cni.<key>' to '<key>'".
    cni: { aliasPrefixes: ["cni"] },
    // A nodeSelector is a map the templates render whole (toYaml); the key list names only
    // the default's kubernetes.io/os, since its default is not {}.
    cilium: { freeForm: ["operator.nodeSelector"] },
};

/** Every key path in a chart's key list, as written there (literal dots escaped `\.`). */
export function loadChartKeys(chart: string, version: string): Set<string> {
    const file = path.join(__dirname, "..", "fixtures", "chart-keys", `${chart}@${version}.txt`);
    return new Set(fs.readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v);

/** Dotted key paths of a values object, in the key files' notation (`a.b[]`, `a.b[].c`, `\.`). */
export function flattenValueKeys(values: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(values).flatMap(([key, value]) => {
        const here = `${prefix}${key.replace(/\./g, "\\.")}`;
        if (Array.isArray(value)) {
            const items = value.filter(isPlainObject).flatMap((item) => flattenValueKeys(item, `${here}[].`));
            return [`${here}[]`, ...items];
        }
        return isPlainObject(value) && Object.keys(value).length > 0
            ? [here, ...flattenValueKeys(value, `${here}.`)]
            : [here];
    });
}

/** The keys of `values` that the pinned chart does not have. */
export function unknownValueKeys(
    values: Record<string, unknown>, chart: string, version: string, options: ChartKeyOptions = CHART_KEY_OPTIONS[chart] ?? {},
): string[] {
    const known = loadChartKeys(chart, version);
    const allowed = (key: string): boolean => {
        if (known.has(key)) return true;
        const parts = key.split(/(?<!\\)\./);
        for (let i = 1; i < parts.length; i++) {
            const parent = parts.slice(0, i).join(".");
            if (known.has(`${parent}.*`) || options.freeForm?.includes(parent)) return true;
        }
        return (options.aliasPrefixes ?? []).some((alias) => key.startsWith(`${alias}.`) && allowed(key.slice(alias.length + 1)));
    };
    return flattenValueKeys(values).filter((key) => !allowed(key));
}
