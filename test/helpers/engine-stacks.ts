// Leaves unmapped the stack traces Pulumi's SDK captures for itself. The SDK reads
// `new Error().stack` for every resource (its source position, which only the engine's
// display uses) and for every promise it tracks (runtime/debuggable.js), and ts-node's
// source-map-support maps every frame of each: under the mocks that was the largest cost
// of a program evaluation once transpiling was done once (compile-once.ts). Stacks
// captured anywhere else, every failing assertion's included, are mapped as before.
// Loaded by .mocharc.json after ts-node, which installs source-map-support.
import * as path from "path";

const PULUMI_SDK = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

const mapped = Error.prepareStackTrace;
if (mapped && !(mapped as { meshbenchEngineStacks?: true }).meshbenchEngineStacks) {
    const prepare = (error: Error, frames: NodeJS.CallSite[]): unknown =>
        (frames[0]?.getFileName() ?? "").includes(PULUMI_SDK)
            ? `${error}${frames.map((frame) => `\n    at ${frame}`).join("")}`
            : mapped(error, frames);
    Error.prepareStackTrace = Object.assign(prepare, { meshbenchEngineStacks: true as const });
}
