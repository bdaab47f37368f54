// The only file that touches Pulumi's Automation API: StackBackend on a LocalWorkspace
// over this project directory (the program is index.ts, as with `pulumi up`). Kept thin
// on purpose; the logic it runs is in run.ts and stack-config.ts, tested with a fake.
import * as fs from "fs";
import { LocalWorkspace, PulumiCommand, type ConfigMap, type Stack } from "@pulumi/pulumi/automation";
import type { StackBackend } from "./backend";
import type { PulumiCliProbe } from "./prerequisites";
import { staleConfigKeys, type ConfigEntry } from "./stack-config";

const toConfigMap = (entries: readonly ConfigEntry[]): ConfigMap =>
    Object.fromEntries(entries.map((e) => [e.key, { value: e.value, secret: e.secret }]));

export interface PulumiBackendOptions {
    readonly projectDir: string;
    /** e.g. file:///path/to/.pulumi-state */
    readonly backendUrl: string;
}

/**
 * Looks for the Pulumi CLI on PATH, never downloading one: its version, or why it cannot
 * be used (absent, or older than this Automation API needs).
 */
export async function probePulumiCli(): Promise<{ probe: PulumiCliProbe; command?: PulumiCommand }> {
    try {
        const command = await PulumiCommand.get();
        return { probe: { found: true, version: `pulumi ${command.version?.toString() ?? "(version unknown)"}` }, command };
    } catch (e) {
        const said = String((e as Error).message).split("\n").map((l) => l.trim()).filter(Boolean).pop();
        return { probe: { found: false, problem: `not found, or too old (${said}); install it (https://www.pulumi.com/docs/install/) `
            + "and make sure `pulumi` is on PATH" } };
    }
}

export function pulumiBackend(options: PulumiBackendOptions, pulumiCommand: PulumiCommand): StackBackend {
    if (options.backendUrl.startsWith("file://")) fs.mkdirSync(options.backendUrl.slice("file://".length), { recursive: true });
    const stacks = new Map<string, Stack>();
    const stack = async (name: string): Promise<Stack> => {
        const known = stacks.get(name);
        if (known) return known;
        const selected = await LocalWorkspace.createOrSelectStack(
            { stackName: name, workDir: options.projectDir },
            { pulumiCommand, envVars: { PULUMI_BACKEND_URL: options.backendUrl } },
        );
        stacks.set(name, selected);
        return selected;
    };

    return {
        async prepare(name, config) {
            const s = await stack(name);
            const stale = staleConfigKeys(Object.keys(await s.getAllConfig()), config);
            if (stale.length > 0) await s.removeAllConfig(stale);
            await s.setAllConfig(toConfigMap(config.filter((e) => !e.path)));
            await s.setAllConfig(toConfigMap(config.filter((e) => e.path)), true);
        },
        async up(name, onOutput, signal) {
            const result = await (await stack(name)).up({ onOutput, onError: onOutput, color: "never", signal });
            return Object.fromEntries(Object.entries(result.outputs).map(([key, output]) => [key, output.value]));
        },
        async destroy(name, onOutput) {
            await (await stack(name)).destroy({ onOutput, onError: onOutput, color: "never" });
        },
    };
}
