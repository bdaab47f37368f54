// Builds the `results` stack output from what the kubectl steps printed. Pure: the
// tests feed it real tool output and check every verdict it reaches.
import type { TargetName } from "../cluster/settings";
import { splitKubectlOutput, type KubectlOutput } from "../cluster/kubectl";
import type { MeshName, Pin } from "../meshes/types";
import { parseFacts, placementProblem, type ClusterFacts } from "./facts";
import { summarizeNetperf } from "./netperf";
import { parseSession } from "./protocol";
import {
    RESULTS_SCHEMA_VERSION, type BenchmarkResults, type NetperfSettings, type RunStatus, type WrkSettings,
} from "./results";
import { summarizeWrk } from "./wrk";

export interface ResultInputs {
    readonly mesh: MeshName;
    readonly mtlsRequested: boolean;
    readonly target: TargetName;
    readonly runId: string;
    readonly wrk: WrkSettings;
    readonly netperf: NetperfSettings;
    readonly requestedKubernetesVersion?: string;
    readonly pins: Pin[];
    readonly images: Readonly<Record<string, string>>;
    readonly fairness: Readonly<Record<string, string>>;
    readonly cluster: Readonly<Record<string, string>>;
    /** Apps that must sit on server nodes, and apps that must not. */
    readonly serverApps: readonly string[];
    readonly clientApps: readonly string[];
}

/** What the kubectl steps printed (their stdout). */
export interface StepOutputs {
    readonly wrk: string;
    readonly netperf: string;
    readonly facts: string;
}

/** Why a wrapped kubectl call failed, or undefined; `what` names the step for the message. */
function kubectlFailure(output: KubectlOutput | undefined, what: string): string | undefined {
    if (output === undefined) return `${what}: kubectl printed nothing`;
    if (output.exitCode === 0) return undefined;
    const said = output.lines.map((l) => l.trim()).filter(Boolean).slice(-3).join(" | ");
    return output.exitCode === undefined
        ? `${what}: kubectl was cut off${said ? `: ${said}` : ""}`
        : `${what}: kubectl exited with ${output.exitCode}${said ? `: ${said}` : ""}`;
}

export function assembleResults(inputs: ResultInputs, steps: StepOutputs): BenchmarkResults {
    const [wrkCall] = splitKubectlOutput(steps.wrk);
    const wrkExec = kubectlFailure(wrkCall, "wrk client");
    const wrk = wrkExec
        ? { status: "failed" as const, reason: wrkExec, settings: inputs.wrk }
        : summarizeWrk(parseSession(wrkCall.lines.join("\n")), inputs.wrk);

    const [netperfCall] = splitKubectlOutput(steps.netperf);
    const netperfExec = kubectlFailure(netperfCall, "netperf client");
    const netperf = netperfExec
        ? { status: "failed" as const, reason: netperfExec, settings: inputs.netperf }
        : summarizeNetperf(parseSession(netperfCall.lines.join("\n")), inputs.netperf);

    const factCalls = splitKubectlOutput(steps.facts);
    const factsFailure = [kubectlFailure(factCalls[0], "reading pods"), kubectlFailure(factCalls[1], "reading nodes")]
        .find((f) => f !== undefined);
    const facts: ClusterFacts = parseFacts(factCalls.flatMap((c) => c.lines));
    const placement = factsFailure ?? placementProblem(facts, inputs.serverApps, inputs.clientApps);

    const reasons = [
        wrk.status !== "ok" ? wrk.reason : undefined,
        netperf.status !== "ok" ? netperf.reason : undefined,
        placement,
    ].filter((r): r is string => r !== undefined);
    const status: RunStatus =
        wrk.status === "failed" || netperf.status === "failed" || placement !== undefined ? "failed"
            : wrk.status === "saturated" ? "saturated" : "ok";

    return {
        schemaVersion: RESULTS_SCHEMA_VERSION,
        status,
        reasons,
        mesh: inputs.mesh,
        mtls: { requested: inputs.mtlsRequested },
        wrk,
        netperf,
        provenance: {
            mesh: inputs.mesh,
            mtls: inputs.mtlsRequested,
            target: inputs.target,
            runId: inputs.runId,
            kubernetes: {
                requested: inputs.requestedKubernetesVersion,
                running: [...new Set(facts.nodes.map((n) => n.kubeletVersion))].sort(),
            },
            pins: inputs.pins,
            images: inputs.images,
            fairness: inputs.fairness,
            cluster: inputs.cluster,
            placement: Object.fromEntries(facts.pods.map((p) => [p.app, p.node])),
            pods: facts.pods,
            nodes: facts.nodes,
        },
    };
}
