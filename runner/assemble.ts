// Builds the `results` from what the runner's steps got. Pure: the tests feed it real
// tool output and check every verdict it reaches.
import { placementProblem, type ClusterFacts } from "../loadtest/facts";
import { HOLD_CHECK, summarizeOpenLoop } from "../loadtest/fortio";
import { summarizeNetperf } from "../loadtest/netperf";
import { parseSession } from "../loadtest/protocol";
import { summarizeWrk } from "../loadtest/wrk";
import type { EvidenceReading } from "../meshes/types";
import { execFailure, type ExecOutcome } from "../shared/kube-api";
import {
    RESULTS_SCHEMA_VERSION, type BenchmarkResults, type MeasuredTime, type NetperfResult, type NetperfSettings, type Pin,
    type OpenLoopResult, type OpenLoopSettings, type RunStatus, type WrkSettings,
} from "../shared/results";
import { crrSettings } from "../loadtest/run-settings";
import { resourceResult, type ResourceReads } from "./resource-cost";
import { httpProbeOutcome, judgeMtls, mtlsFailure, netperfProbeOutcome } from "../verify/verdict";

export interface ResultInputs {
    readonly mesh: string;
    readonly mtlsRequested: boolean;
    readonly target: string;
    readonly runId: string;
    readonly wrk: WrkSettings;
    readonly netperf: NetperfSettings;
    /** fortio's fixed rates; none when the open-loop step is off. */
    readonly openLoop: OpenLoopSettings;
    readonly requestedKubernetesVersion?: string;
    readonly pins: Pin[];
    readonly images: Readonly<Record<string, string>>;
    readonly fairness: Readonly<Record<string, string>>;
    readonly cluster: Readonly<Record<string, string>>;
    /** Apps that must sit on server nodes, and apps that must not. */
    readonly serverApps: readonly string[];
    readonly clientApps: readonly string[];
}

/** A client script's exec and when it ran. */
export interface Timed {
    readonly outcome: ExecOutcome;
    readonly measured: MeasuredTime;
}

export function netperfResult(step: Timed, settings: NetperfSettings, reads: ResourceReads): NetperfResult {
    const exec = execFailure(step.outcome, "netperf client");
    const result: NetperfResult = exec || "error" in step.outcome
        ? { status: "failed", reason: exec ?? "netperf client failed", settings }
        : summarizeNetperf(parseSession(step.outcome.stdout), settings);
    // A transaction is netperf's request: its rate over the repetition's length.
    const counts = result.repetitions?.map((r) => ({ requests: Math.round(r.transactionsPerSecond * settings.durationSeconds), durationSeconds: settings.durationSeconds }));
    return { ...result, measured: step.measured, resources: resourceResult(reads, counts, `netperf ${settings.test}`) };
}

/** The open-loop step's result: off when there are no rates, failed (never zeros) when the exec did not run. */
export function openLoopResult(step: Timed | undefined, settings: OpenLoopSettings): OpenLoopResult {
    if (settings.rates.length === 0) return { status: "off", reason: "openLoopFractions is none", settings, holdCheck: HOLD_CHECK };
    if (!step) return { status: "failed", reason: "the open-loop step did not run", settings, holdCheck: HOLD_CHECK };
    const exec = execFailure(step.outcome, "fortio client");
    const result: OpenLoopResult = exec || "error" in step.outcome
        ? { status: "failed", reason: exec ?? "fortio client failed", settings, holdCheck: HOLD_CHECK }
        : summarizeOpenLoop(step.outcome.stdout, settings);
    return { ...result, measured: step.measured };
}

/** What each step of the runner got, in the order they run. */
export interface StepOutcomes {
    readonly probe: { readonly http: ExecOutcome; readonly netperf: ExecOutcome };
    readonly wrk: Timed;
    /** netperf TCP_RR. */
    readonly netperf: Timed;
    /** netperf TCP_CRR, with the same settings otherwise. */
    readonly netperfCrr: Timed;
    /** The kubelet reads around each repetition of wrk, netperf TCP_RR and TCP_CRR (runner/resource-reads.ts). */
    readonly resources: { readonly wrk: ResourceReads; readonly netperf: ResourceReads; readonly netperfCrr: ResourceReads };
    /** fortio at fixed rates, after netperf; absent when the step is off. */
    readonly openLoop?: Timed;
    /** The whole run. */
    readonly measured: MeasuredTime;
    /** The mesh's evidence, joined with its witnesses' readings (see joinReadings). */
    readonly evidence: EvidenceReading;
    /** The benchmark pods and the nodes, or why they could not be read. */
    readonly facts: ClusterFacts | string;
    /** Why a mesh's gate before the probe failed, if one did. */
    readonly gate?: string;
    /** What happened to the benchmark pods during the load, if anything (runner/pod-churn.ts). */
    readonly churn?: string;
}

/** The mesh's evidence as the verdict shows it: where it comes from, and what it did not measure. */
export interface EvidenceMeta {
    readonly source: string;
    /** Traffic outside mTLS by design, stated with the verdict. */
    readonly exemptions?: readonly string[];
    /** What an unserved probe means in this mesh, when not a refusal by mTLS (MtlsEvidence.probeRefusal). */
    readonly probeRefusal?: string;
}

export function assembleResults(inputs: ResultInputs, steps: StepOutcomes, evidence: EvidenceMeta): BenchmarkResults {
    const mtls = judgeMtls({
        requested: inputs.mtlsRequested,
        http: httpProbeOutcome(steps.probe.http),
        netperf: netperfProbeOutcome(steps.probe.netperf),
        evidence: { source: evidence.source, ...steps.evidence },
        exemptions: evidence.exemptions,
        probeRefusal: evidence.probeRefusal,
    });

    const wrkExec = execFailure(steps.wrk.outcome, "wrk client");
    const wrk = {
        ...(wrkExec || "error" in steps.wrk.outcome
            ? { status: "failed" as const, reason: wrkExec ?? "wrk client failed", settings: inputs.wrk }
            : summarizeWrk(parseSession(steps.wrk.outcome.stdout), inputs.wrk)),
        measured: steps.wrk.measured,
    };
    const netperf = netperfResult(steps.netperf, inputs.netperf, steps.resources.netperf);
    const netperfCrr = netperfResult(steps.netperfCrr, crrSettings(inputs.netperf), steps.resources.netperfCrr);
    // A rate fortio did not hold is a finding about that setup, kept and marked in the
    // section, not a failure of the run; a failed step is (as netperf's is).
    const openLoop = openLoopResult(steps.openLoop, inputs.openLoop);

    const facts: ClusterFacts = typeof steps.facts === "string" ? { pods: [], nodes: [] } : steps.facts;
    const placement = typeof steps.facts === "string"
        ? `reading pods and nodes: ${steps.facts}`
        : placementProblem(facts, inputs.serverApps, inputs.clientApps);

    const mtlsProblem = mtlsFailure(mtls);
    const reasons = [
        steps.gate,
        wrk.status !== "ok" ? wrk.reason : undefined,
        netperf.status !== "ok" ? netperf.reason : undefined,
        netperfCrr.status !== "ok" ? `TCP_CRR: ${netperfCrr.reason}` : undefined,
        openLoop.status === "failed" ? `open loop: ${openLoop.reason}` : undefined,
        placement,
        steps.churn,
        mtlsProblem,
    ].filter((r): r is string => r !== undefined);
    const status: RunStatus =
        steps.gate !== undefined || wrk.status === "failed" || netperf.status === "failed" || netperfCrr.status === "failed" ||
            openLoop.status === "failed" || placement !== undefined || steps.churn !== undefined || mtlsProblem !== undefined
            ? "failed"
            : wrk.status === "saturated" ? "saturated" : "ok";

    return {
        schemaVersion: RESULTS_SCHEMA_VERSION,
        status,
        reasons,
        mesh: inputs.mesh,
        mtls,
        measured: steps.measured,
        wrk,
        netperf,
        netperfCrr,
        // Information beside the numbers: a failed read is unmeasured there and fails nothing else.
        resources: resourceResult(steps.resources.wrk, wrk.repetitions),
        openLoop,
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
