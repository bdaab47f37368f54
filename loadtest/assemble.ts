// Builds the `results` stack output from what the kubectl steps printed. Pure: the
// tests feed it real tool output and check every verdict it reaches.
import type { TargetName } from "../cluster/settings";
import { splitKubectlOutput, type KubectlOutput } from "../cluster/kubectl";
import type { EvidenceReading, MeshName, Pin } from "../meshes/types";
import { httpProbeOutcome, judgeMtls, mtlsFailure, netperfProbeOutcome } from "../verify/verdict";
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

/** What the kubectl steps printed (their stdout), in the order they run. */
export interface StepOutputs {
    readonly probe: string;
    readonly wrk: string;
    readonly netperf: string;
    readonly evidence: string;
    readonly facts: string;
}

/** The mesh's evidence, bound to the stack: where it comes from and how to read it. */
export interface EvidenceReader {
    readonly source: string;
    parse(lines: readonly string[]): EvidenceReading;
    /** Traffic outside mTLS by design, stated with the verdict. */
    readonly exemptions?: readonly string[];
    /** What an unserved probe means in this mesh, when not a refusal by mTLS (MtlsEvidence.probeRefusal). */
    readonly probeRefusal?: string;
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

function readEvidence(stdout: string, reader: EvidenceReader): EvidenceReading & { source: string } {
    const [call] = splitKubectlOutput(stdout);
    const failure = kubectlFailure(call, "mTLS evidence");
    return { source: reader.source, ...(failure ? { detail: failure } : reader.parse(call.lines)) };
}

export function assembleResults(inputs: ResultInputs, steps: StepOutputs, evidence: EvidenceReader): BenchmarkResults {
    const probeCalls = splitKubectlOutput(steps.probe);
    const mtls = judgeMtls({
        requested: inputs.mtlsRequested,
        http: httpProbeOutcome(probeCalls[0]),
        netperf: netperfProbeOutcome(probeCalls[1]),
        evidence: readEvidence(steps.evidence, evidence),
        exemptions: evidence.exemptions,
        probeRefusal: evidence.probeRefusal,
    });

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

    const mtlsProblem = mtlsFailure(mtls);
    const reasons = [
        wrk.status !== "ok" ? wrk.reason : undefined,
        netperf.status !== "ok" ? netperf.reason : undefined,
        placement,
        mtlsProblem,
    ].filter((r): r is string => r !== undefined);
    const status: RunStatus =
        wrk.status === "failed" || netperf.status === "failed" || placement !== undefined || mtlsProblem !== undefined
            ? "failed"
            : wrk.status === "saturated" ? "saturated" : "ok";

    return {
        schemaVersion: RESULTS_SCHEMA_VERSION,
        status,
        reasons,
        mesh: inputs.mesh,
        mtls,
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
