// The report's "mTLS" column: the verdict of the in-cluster check (verify/verdict.ts):
// verified, mismatch or unverified. Anything but verified already failed the run.
import type { BenchmarkResults } from "../loadtest/results";

/** The mTLS verdict of a run, with what the plaintext probe saw when it is not verified. */
export function mtlsProbeVerdict(results: BenchmarkResults): string {
    const { verdict, plaintext } = results.mtls;
    return verdict === "verified" ? verdict : `${verdict} (plaintext HTTP ${plaintext.http.result}, netperf ${plaintext.netperf.result})`;
}
