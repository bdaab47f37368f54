// Checks Helm values against a chart's key list (test/fixtures/chart-keys/<chart>@<version>.txt,
// in the format of the shared chart-key lists): a key the chart does not have is a value Helm
// silently ignores, so a setting that never took effect.
import * as fs from "fs";
import * as path from "path";

export function chartKeys(chart: string, version: string): Set<string> {
    const file = path.join(__dirname, "..", "fixtures", "chart-keys", `${chart}@${version}.txt`);
    return new Set(fs.readFileSync(file, "utf8").split("\n").filter((line) => line && !line.startsWith("#")));
}

/** Dotted paths of the values set, in the list's notation: maps descend, lists end in []. */
function valuePaths(values: unknown, prefix = ""): string[] {
    if (Array.isArray(values)) return [`${prefix}[]`];
    if (typeof values === "object" && values !== null && Object.keys(values).length > 0) {
        return Object.entries(values).flatMap(([k, v]) => valuePaths(v, prefix ? `${prefix}.${k.replace(/\./g, "\\.")}` : k.replace(/\./g, "\\.")));
    }
    return [prefix];
}

/** The value paths the chart does not know; a path under a free-form map (`a.*`) is known. */
export function unknownValueKeys(values: Record<string, unknown>, keys: Set<string>): string[] {
    return valuePaths(values).filter((p) => {
        if (keys.has(p)) return false;
        const parts = p.split(".");
        return !parts.some((_, i) => keys.has(`${parts.slice(0, i + 1).join(".")}.*`));
    });
}
