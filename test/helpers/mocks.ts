// Runs the whole program under Pulumi's mocks. The mocks stand only at the engine
// boundary: they echo a resource's inputs as its state, as the engine would after a
// create, and hand the kubectl steps the stdout of a real run (test/fixtures).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly provider?: string;
    /** As the mock monitor assigned it: its type part names the parents' types. */
    readonly urn: string;
    readonly custom: boolean;
}

export interface ProgramRun {
    readonly resources: RecordedResource[];
    readonly outputs: Record<string, unknown>;
    /** Outputs as they stand, secrets still wrapped, for secrecy checks. */
    readonly rawOutputs: Record<string, pulumi.Output<unknown>>;
    readonly milliseconds: number;
}

export const fixture = (name: string): string =>
    fs.readFileSync(path.join(__dirname, "..", "fixtures", name), "utf8");

/** Stdout of each kubectl step, by the suffix of its resource name. */
export type StepStdout = Record<string, string>;

export const DEFAULT_STEP_STDOUT: StepStdout = {
    probe: fixture("probe-plaintext-accepted.txt"),
    "wrk-run": fixture("wrk-client-session.txt") + "MESHBENCH-KUBECTL exit=0\n",
    "netperf-run": fixture("netperf-client-session.txt") + "MESHBENCH-KUBECTL exit=0\n",
    "mtls-evidence": fixture("evidence-none.txt"),
    facts: fixture("cluster-facts.txt"),
};

/** Resolves an Output in a test, secret or not. */
export const unwrap = <T>(output: pulumi.Output<T>): Promise<T> =>
    new Promise((resolve) => output.apply((v) => resolve(v)));

const PROJECT_ROOT = path.join(__dirname, "..", "..");

/** Forget every project module, so that the next import runs the program afresh. */
function clearProjectModules(): void {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(PROJECT_ROOT) && !id.includes(`${path.sep}node_modules${path.sep}`) && !id.includes(`${path.sep}test${path.sep}`)) {
            delete require.cache[id];
        }
    }
}

/**
 * The URNs the mock monitor gave each resource. A URN's type part lists the types of
 * the resource's parents, which is how the tests see who parents whom.
 */
function withUrns(resources: RecordedResource[]): RecordedResource[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
    const urns = [...(monitor.getRegisteredResources() as Map<string, unknown>).keys()];
    return resources.map((r) => {
        const urn = urns.find((u) => u.endsWith(`::${r.name}`) && u.split("::")[2].split("$").pop() === r.type);
        if (!urn) throw new Error(`no URN for ${r.type} ${r.name}`);
        return { ...r, urn };
    });
}

/** Evaluates index.ts with the given `meshbench:` config (keys without prefix). */
export async function runProgram(config: Record<string, string>, steps: StepStdout = DEFAULT_STEP_STDOUT): Promise<ProgramRun> {
    const resources: RecordedResource[] = [];
    await pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs) {
            const state: Record<string, any> = { ...args.inputs };
            if (args.type === "command:local:Command") {
                const step = Object.keys(steps).find((suffix) => args.name.endsWith(`-${suffix}`));
                state.stdout = step ? steps[step] : "";
                state.stderr = "";
            }
            resources.push({
                type: args.type, name: args.name, inputs: args.inputs, provider: args.provider,
                urn: "", custom: args.custom ?? true,
            });
            return { id: `${args.name}-id`, state };
        },
        call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
    }, "meshbench", "test", false);
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`meshbench:${k}`, v])));

    clearProjectModules();
    const started = process.hrtime.bigint();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require("../../index") as Record<string, pulumi.Output<unknown>>;
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) outputs[key] = await unwrap(value);
    // Let registrations queued behind the outputs finish.
    for (let settled = -1; settled !== resources.length;) {
        settled = resources.length;
        await new Promise((r) => setTimeout(r, 20));
    }
    const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
    return { resources: withUrns(resources), outputs, rawOutputs: program, milliseconds };
}

/** Config for a local kind cluster: target kubeconfig with a throwaway kubeconfig file. */
export function kubeconfigStackConfig(extra: Record<string, string> = {}): Record<string, string> {
    return { target: "kubeconfig", kubeconfig: path.join(__dirname, "..", "fixtures", "kubeconfig.yaml"), ...extra };
}
