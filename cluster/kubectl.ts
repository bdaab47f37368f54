// kubectl steps run from the machine that runs `pulumi up`: exec a client script in its
// pod, read facts about pods and nodes. The wrapper script (cluster/kubectl.sh) travels
// in the command's environment rather than as a path, so the command is the same on
// every checkout and a second `pulumi up` does not rerun it.
import * as command from "@pulumi/command";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterAccess } from "./types";

export const KUBECTL_WRAPPER = fs.readFileSync(path.join(__dirname, "kubectl.sh"), "utf8");

/** Quotes one word for a POSIX shell. */
export const shellQuote = (word: string): string =>
    /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/** One call through the wrapper: kubectl's arguments. */
export type KubectlInvocation = readonly string[];

/** The shell command for one invocation through the wrapper. */
export const kubectlShellCommand = (invocation: KubectlInvocation): string =>
    ['sh -c "$MESHBENCH_KUBECTL_WRAPPER" kubectl',
        ...invocation.map(shellQuote)].join(" ");

/** What one wrapped invocation printed, and kubectl's exit code (undefined if the marker is missing). */
export interface KubectlOutput {
    readonly lines: string[];
    readonly exitCode?: number;
}

/** Splits the stdout of a command made of one or more wrapped invocations. */
export function splitKubectlOutput(stdout: string): KubectlOutput[] {
    const outputs: KubectlOutput[] = [];
    let lines: string[] = [];
    for (const line of stdout.split(/\r?\n/)) {
        const m = line.match(/^MESHBENCH-KUBECTL exit=(\d+)$/);
        if (m) {
            outputs.push({ lines, exitCode: Number(m[1]) });
            lines = [];
        } else {
            lines.push(line);
        }
    }
    if (lines.some((l) => l.trim() !== "")) outputs.push({ lines });
    return outputs;
}

export interface KubectlStepArgs {
    readonly access: ClusterAccess;
    /** One or more invocations, run in order. */
    readonly invocations: readonly KubectlInvocation[];
    /** A change to any of these reruns the step. */
    readonly triggers: pulumi.Input<unknown>[];
}

/** A step that runs kubectl once, at create, and keeps what it printed as `stdout`. */
export function kubectlStep(
    name: string, args: KubectlStepArgs, opts: pulumi.CustomResourceOptions,
): command.local.Command {
    return new command.local.Command(name, {
        create: args.invocations.map(kubectlShellCommand).join("; "),
        environment: {
            MESHBENCH_KUBECTL_WRAPPER: KUBECTL_WRAPPER,
            MESHBENCH_KUBECONFIG: args.access.kubeconfig,
            ...(args.access.context ? { MESHBENCH_KUBE_CONTEXT: args.access.context } : {}),
        },
        triggers: args.triggers,
        // The tool output is progress worth watching; it carries no secrets.
        logging: "stdout",
    }, opts);
}
