// What the measurement resource's dynamic provider does, in the provider's own process
// (pulumi-resource-pulumi-nodejs). The serialized provider in runner/measurement.ts only
// requires this file by its absolute path, so editing the runner never changes the
// resource's inputs; only what changes the numbers does.
//
// - create and update run the benchmark and keep its results as the `results` output;
// - diff reports a change whenever the inputs differ, or the previous results were not
//   ok (failed, unverified, saturated): a failure never settles, the next `pulumi up`
//   measures again, and the reason stays visible in `results` meanwhile;
// - the kubeconfig is a secret input and never an output: outputs are the plan, the
//   identity of what was deployed, and the results.
import { MESHES } from "../meshes";
import type { MeshName } from "../meshes/types";
import type { KubeApi } from "../shared/kube-api";
import type { BenchmarkResults } from "../shared/results";
import { kubeClient } from "../shared/kube-client";
import { runBenchmark, type BenchmarkPlan } from "./run";

/** The resource's inputs. */
export interface MeasurementInputs {
    readonly plan: BenchmarkPlan;
    /** Identity of what was deployed (content hashes, Helm revisions); any change reruns the measurement. */
    readonly deployed: Readonly<Record<string, string>>;
    /** Secret. Read to reach the cluster, never returned. */
    readonly kubeconfig: string;
    readonly context?: string;
}

/** Its outputs: the inputs without the kubeconfig, and the results. */
export interface MeasurementOutputs {
    readonly plan: BenchmarkPlan;
    readonly deployed: Readonly<Record<string, string>>;
    readonly results: BenchmarkResults;
}

/**
 * Progress goes to the provider's stderr: the engine reads every plugin's stderr line by
 * line into its diagnostics stream, which `pulumi up` prints (pulumi/pulumi
 * sdk/go/common/resource/plugin/plugin.go, runtrace → Diag.Infoerrf). pulumi.log is not
 * available in a dynamic provider's process, and its stdout carries the gRPC handshake.
 */
const toStderr = (line: string) => process.stderr.write(`meshbench: ${line}\n`);

/**
 * The outputs to keep: everything but the kubeconfig, as plain JSON. The engine takes
 * outputs as a protobuf Struct, which has no `undefined`: the real engine failed the
 * resource with "Unexpected struct type" on an absent field set to undefined.
 */
const outputs = (inputs: MeasurementInputs, results: BenchmarkResults): MeasurementOutputs =>
    JSON.parse(JSON.stringify({ plan: inputs.plan, deployed: inputs.deployed, results })) as MeasurementOutputs;

/** Stable JSON: keys sorted, so that equal inputs compare equal whatever their order. */
export function stableJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
    if (value && typeof value === "object") {
        return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

/** Whether the next `pulumi up` measures again, and why (for the diff's detail). */
export function needsMeasuring(olds: Partial<MeasurementOutputs>, news: MeasurementInputs): string | undefined {
    if (!olds.results) return "no results yet";
    if (olds.results.status !== "ok") return `the last run was ${olds.results.status}: ${olds.results.reasons.join("; ")}`;
    if (stableJson(olds.plan) !== stableJson(news.plan)) return "the plan changed";
    if (stableJson(olds.deployed) !== stableJson(news.deployed)) return "what was deployed changed";
    return undefined;
}

export async function measure(
    inputs: MeasurementInputs, kube: KubeApi = kubeClient(inputs.kubeconfig, inputs.context),
): Promise<MeasurementOutputs> {
    const mesh = MESHES[inputs.plan.inputs.mesh as MeshName];
    const results = await runBenchmark(inputs.plan, kube, mesh, { report: toStderr });
    if (results.status !== "ok") toStderr(`the run is ${results.status}; the next pulumi up measures again`);
    return outputs(inputs, results);
}
