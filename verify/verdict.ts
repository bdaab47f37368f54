// Reading the probe and the mesh's evidence into one mTLS verdict. A run whose mTLS
// does not match what was asked for, or cannot be shown, is a failed run.
import type { EvidenceReading } from "../meshes/types";
import { execFailure, type ExecOutcome } from "../shared/kube-api";
import { parseNetperfRun } from "../loadtest/netperf";
import { parseSession } from "../loadtest/protocol";
import type { MtlsResult, ProbeOutcome } from "../loadtest/results";
import { parseWrkRun } from "../loadtest/wrk";

const lastWords = (lines: readonly string[]): string => lines.map((l) => l.trim()).filter(Boolean).slice(-2).join(" | ");

// A name that does not resolve, or a server that does not listen, says nothing about
// mTLS: the probe cannot tell, so the verdict cannot be given.
const UNREACHABLE = /resolve|Name or service not known|getaddrinfo|Connection refused/i;

/** How a tool's exit reads; 124 (coreutils timeout) and 143 (SIGTERM, busybox timeout) are the run timeout's kill. */
const exited = (tool: string, code: number, said: string): string =>
    `${tool} exited with ${code}${code === 124 || code === 143 ? " (stopped by the run timeout)" : ""}${said ? `: ${said}` : ""}`;

/** The one run of a probe session, or the reason there is none. */
function probeRun(call: ExecOutcome, tool: string): { lines: string[]; exitCode: number } | string {
    const failure = execFailure(call, `${tool} probe`);
    if (failure || "error" in call) return failure ?? `${tool} probe failed`;
    const session = parseSession(call.stdout);
    if (session.errors.length > 0) return `${tool} probe refused to start: ${session.errors.join("; ")}`;
    const run = session.repetitions[0];
    if (!run || run.exitCode === undefined) return `${tool} probe was cut off`;
    return { lines: run.lines, exitCode: run.exitCode };
}

/** Plaintext HTTP from outside the mesh: served (2xx), or not at all. */
export function httpProbeOutcome(call: ExecOutcome): ProbeOutcome {
    const run = probeRun(call, "HTTP");
    if (typeof run === "string") return { result: "error", detail: run };
    if (run.exitCode !== 0) {
        const said = lastWords(run.lines);
        return UNREACHABLE.test(said)
            ? { result: "error", detail: `the HTTP server could not be reached: ${said}` }
            : { result: "refused", detail: exited("wrk", run.exitCode, said) };
    }
    let parsed;
    try {
        parsed = parseWrkRun(run.lines);
    } catch (e) {
        return { result: "error", detail: (e as Error).message };
    }
    const { connect, read, write, timeout, non2xx3xx } = parsed.errors;
    const served = parsed.requests - non2xx3xx;
    const counts = `${parsed.requests} responses, ${non2xx3xx} not 2xx/3xx; socket errors: connect ${connect}, read ${read}, write ${write}, timeout ${timeout}`;
    if (served > 0 && non2xx3xx === 0 && connect + read + write + timeout === 0) {
        return { result: "accepted", detail: `plaintext HTTP served: ${counts}` };
    }
    if (served <= 0) return { result: "refused", detail: `no plaintext HTTP request served: ${counts}` };
    return { result: "error", detail: `plaintext HTTP served only in part: ${counts}` };
}

/** A plaintext netperf TCP_RR from outside the mesh: completed, or failed. */
export function netperfProbeOutcome(call: ExecOutcome): ProbeOutcome {
    const run = probeRun(call, "netperf");
    if (typeof run === "string") return { result: "error", detail: run };
    const said = lastWords(run.lines);
    if (run.exitCode !== 0) {
        return UNREACHABLE.test(said)
            ? { result: "error", detail: `netserver could not be reached: ${said}` }
            : { result: "refused", detail: exited("netperf", run.exitCode, said) };
    }
    try {
        const parsed = parseNetperfRun(run.lines);
        return parsed.transactionsPerSecond > 0
            ? { result: "accepted", detail: `plaintext TCP_RR completed at ${parsed.transactionsPerSecond} transactions/s` }
            : { result: "refused", detail: "plaintext TCP_RR completed no transactions" };
    } catch (e) {
        return { result: "error", detail: `netperf output could not be read: ${(e as Error).message}` };
    }
}

export interface VerdictInputs {
    readonly requested: boolean;
    readonly http: ProbeOutcome;
    readonly netperf: ProbeOutcome;
    readonly evidence: EvidenceReading & { readonly source: string };
    /** Traffic outside mTLS by design (see MtlsEvidence.exemptions). */
    readonly exemptions?: readonly string[];
    /** What an unserved probe shows in this mesh, when not a refusal by mTLS (see MtlsEvidence.probeRefusal). */
    readonly probeRefusal?: string;
}

/** A refused probe's detail, led by what a refusal means in this mesh when it is not mTLS refusing plaintext. */
const withMeaning = (outcome: ProbeOutcome, meaning: string | undefined): ProbeOutcome =>
    (outcome.result === "refused" && meaning ? { ...outcome, detail: `${meaning}: ${outcome.detail}` } : outcome);

export function judgeMtls(inputs: VerdictInputs): MtlsResult {
    const { requested, evidence } = inputs;
    const http = withMeaning(inputs.http, inputs.probeRefusal);
    const netperf = withMeaning(inputs.netperf, inputs.probeRefusal);
    const expected = requested ? "refused" : "accepted";
    const results = [http.result, netperf.result];
    const verdict =
        results.includes("error") || evidence.mtls === undefined ? "unverified"
            : results.every((r) => r === expected) && evidence.mtls === requested ? "verified"
                : "mismatch";
    return {
        requested,
        verdict,
        plaintext: { http, netperf },
        enforced: results.every((r) => r === "refused") ? true : results.every((r) => r === "accepted") ? false : undefined,
        evidence: { source: evidence.source, mtls: evidence.mtls, detail: evidence.detail },
        ...(inputs.exemptions?.length ? { exemptions: [...inputs.exemptions] } : {}),
    };
}

/** The reason a verdict fails the run, or undefined when it is verified. */
export function mtlsFailure(mtls: MtlsResult): string | undefined {
    if (mtls.verdict === "verified") return undefined;
    const asked = mtls.requested ? "mTLS on" : "mTLS off";
    const seen = `plaintext HTTP ${mtls.plaintext.http.result}, plaintext netperf ${mtls.plaintext.netperf.result}; ` +
        `evidence (${mtls.evidence.source}): ${mtls.evidence.detail}`;
    return mtls.verdict === "mismatch"
        ? `mTLS mismatch: asked for ${asked}, but ${seen}`
        : `mTLS unverified: asked for ${asked}; ${seen}` +
            [mtls.plaintext.http, mtls.plaintext.netperf].filter((p) => p.result === "error").map((p) => `; ${p.detail}`).join("");
}
