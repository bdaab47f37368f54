// The report's "mTLS probe" column. Results of schema version 1 carry only
// `mtls.requested`; the in-cluster probe adds `mtls.verdict` ("verified", "mismatch",
// "unverified"). This is the one place that reads it, so that when the probe's field
// lands in loadtest/results.ts the cast below is all that changes.
import type { BenchmarkResults } from "../loadtest/results";

export const NOT_CHECKED = "not checked";

/** The probe's verdict on whether mTLS was as requested, or "not checked" when no probe ran. */
export function mtlsProbeVerdict(results: BenchmarkResults): string {
    const verdict = (results.mtls as { readonly verdict?: unknown }).verdict;
    return typeof verdict === "string" && verdict !== "" ? verdict : NOT_CHECKED;
}
