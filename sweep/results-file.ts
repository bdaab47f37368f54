// Checks that a value read from a stack output or a results file is the foundation's
// `results` object at the schema version this code reads, before anything trusts it.
import { RESULTS_SCHEMA_VERSION } from "../loadtest/results";
import { MESH_NAMES } from "../meshes/types";

const RUN_STATUSES = ["ok", "saturated", "failed"];

const isIsoTime = (v: unknown): boolean =>
    typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Why `value` is not a BenchmarkResults this code can read, or undefined when it is. */
export function resultsProblem(value: unknown): string | undefined {
    if (!isObject(value)) return "not an object";
    if (value.schemaVersion !== RESULTS_SCHEMA_VERSION) {
        return `schemaVersion is ${JSON.stringify(value.schemaVersion)}; this meshbench reads ${RESULTS_SCHEMA_VERSION}`;
    }
    if (!RUN_STATUSES.includes(value.status as string)) return `status is ${JSON.stringify(value.status)}`;
    if (!(MESH_NAMES as readonly unknown[]).includes(value.mesh)) return `mesh is ${JSON.stringify(value.mesh)}`;
    if (!isObject(value.mtls) || typeof value.mtls.requested !== "boolean") return "mtls.requested is missing";
    if (!["verified", "mismatch", "unverified"].includes(value.mtls.verdict as string)) return "mtls.verdict is missing";
    if (!isObject(value.mtls.plaintext) || !isObject(value.mtls.evidence)) return "mtls.plaintext or mtls.evidence is missing";
    for (const part of ["measured", "wrk", "netperf", "netperfCrr", "provenance"]) {
        if (!isObject(value[part])) return `${part} is missing`;
    }
    for (const part of ["wrk", "netperf", "netperfCrr"]) {
        const result = value[part] as Record<string, unknown>;
        if (!RUN_STATUSES.includes(result.status as string)) return `${part}.status is ${JSON.stringify(result.status)}`;
    }
    if (!isObject(value.resources) || !["measured", "partial", "unmeasured"].includes(value.resources.status as string)) return "resources.status is missing";
    const wrkSettings = (value.wrk as Record<string, unknown>).settings;
    if (!isObject(wrkSettings) || !Number.isInteger(wrkSettings.responseBytes)) return "wrk.settings.responseBytes is missing";
    const measured = value.measured as Record<string, unknown>;
    if (!isIsoTime(measured.start) || !isIsoTime(measured.end)) return "measured.start or measured.end is not an ISO time";
    if (!Array.isArray(value.reasons)) return "reasons is missing";
    return undefined;
}
