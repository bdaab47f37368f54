// The layout rules that hold the data flow one way, read from the import statements:
// - shared/ is the bottom: it imports nothing of ours outside itself;
// - no folder imports a folder that imports it, directly or through others;
// - no file outside meshes/ names a particular mesh: a mesh declares what others need.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const SKIP = new Set(["node_modules", "test", "bin", ".git", "docs"]);

/** Every TypeScript source of the program, relative to the root. */
function sources(dir = ROOT): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        if (e.isDirectory()) return SKIP.has(e.name) || e.name.startsWith(".") ? [] : sources(path.join(dir, e.name));
        return e.name.endsWith(".ts") ? [path.relative(ROOT, path.join(dir, e.name))] : [];
    });
}

/** The top folder of a file or of an imported folder ("." for the root's own files). */
const folderOf = (file: string): string =>
    file.includes(path.sep) ? file.split(path.sep)[0]
        : fs.existsSync(path.join(ROOT, file)) && fs.statSync(path.join(ROOT, file)).isDirectory() ? file : ".";

/** The files a source imports (import/export from, require, import()), as paths relative to the root. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const specs = [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
    return specs.map((s) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), s)));
}

/** Folder → the folders it imports. */
function folderGraph(): Map<string, Set<string>> {
    const graph = new Map<string, Set<string>>();
    for (const file of sources()) {
        const from = folderOf(file);
        for (const target of importsOf(file)) {
            const to = folderOf(target);
            if (to !== from) graph.set(from, new Set([...(graph.get(from) ?? []), to]));
        }
    }
    return graph;
}

/** The folders reachable from one, through imports. */
function reachable(graph: Map<string, Set<string>>, start: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...(graph.get(start) ?? [])];
    while (stack.length) {
        const next = stack.pop()!;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...(graph.get(next) ?? []));
    }
    return seen;
}

describe("layout", () => {
    const graph = folderGraph();

    it("keeps shared/ at the bottom: it imports nothing of ours outside itself", () => {
        assert.deepStrictEqual([...(graph.get("shared") ?? [])], []);
    });

    it("has no folder that imports a folder importing it", () => {
        const cycles = [...graph.keys()].filter((folder) => reachable(graph, folder).has(folder))
            .map((folder) => `${folder} → ${[...graph.get(folder)!].filter((f) => reachable(graph, f).has(folder)).join(", ")} → ${folder}`);
        assert.deepStrictEqual(cycles, []);
    });

    it("finds the imports it checks (the graph is not empty, and index.ts reaches every folder)", () => {
        assert.ok(reachable(graph, ".").has("runner") && reachable(graph, ".").has("shared"));
        assert.ok(graph.get("runner")!.has("meshes"));
    });

    it("names no particular mesh outside meshes/", () => {
        const names = ["istio", "istio-ambient", "linkerd", "consul", "kuma", "cilium"];
        const literal = new RegExp(`["'\`](${names.join("|")})["'\`]|^\\s*"?(${names.join("|")})"?\\s*:`, "m");
        // The paper's own table (sweep/paper.ts) is data about a publication, not behaviour.
        const allowed = new Set([path.join("sweep", "paper.ts")]);
        const naming = sources().filter((f) => folderOf(f) !== "meshes" && !allowed.has(f))
            .filter((f) => literal.test(fs.readFileSync(path.join(ROOT, f), "utf8").replace(/^\s*(\/\/|\*).*$/gm, "")));
        assert.deepStrictEqual(naming, []);
    });
});
