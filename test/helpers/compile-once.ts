// Transpiles each of the program's modules once per test process. runProgram() (mocks.ts)
// runs the program's modules afresh for each evaluation, and ts-node (transpile-only)
// would compile every one of them again each time: that was most of an evaluation's
// time. Loaded by .mocharc.json right after ts-node, so that the modules the test files
// import first are kept too. A module's JavaScript is reused only while its source text
// is the same, so an edited file is compiled again; the modules still run afresh.
import * as fs from "fs";
import * as path from "path";

const PROJECT_ROOT = path.join(__dirname, "..", "..");

/** A module of the program itself (not of node_modules, not a test). */
export const isProjectModule = (id: string): boolean =>
    id.startsWith(PROJECT_ROOT) && !id.includes(`${path.sep}node_modules${path.sep}`) && !id.includes(`${path.sep}test${path.sep}`);

interface CompilingModule { _compile(code: string, filename: string): unknown }
type Loader = ((module: CompilingModule, filename: string) => unknown) & { meshbenchCompileOnce?: true };

/** A project module's source and the JavaScript ts-node made of it, by file. */
const COMPILED = new Map<string, { readonly source: string; readonly js: string }>();

/** Wraps ts-node's loader for .ts files (once; later calls do nothing). */
export function reuseCompiledProjectModules(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const extensions = require.extensions as unknown as Record<string, Loader>;
    const compile = extensions[".ts"];
    if (!compile || compile.meshbenchCompileOnce) return;
    const reusing: Loader = (module, filename) => {
        if (!isProjectModule(filename)) return compile(module, filename);
        const source = fs.readFileSync(filename, "utf8");
        const known = COMPILED.get(filename);
        if (known?.source === source) return module._compile(known.js, filename);
        // ts-node wraps module._compile and calls it with the JavaScript it made.
        const run = module._compile;
        module._compile = function (js: string, file: string) {
            COMPILED.set(filename, { source, js });
            return run.call(this, js, file);
        };
        return compile(module, filename);
    };
    reusing.meshbenchCompileOnce = true;
    extensions[".ts"] = reusing;
}

reuseCompiledProjectModules();
