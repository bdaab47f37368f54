// netperf: request/response latency over one connection. The parser reads the CSV that
// the test-specific `-o` option prints (netperf 2.7 manual, "Omni Output Selection"):
// one line of column titles, then one line of values, in the order of the selectors.
import type { RawSession } from "./protocol";
import { sessionFailure } from "./protocol";
import type { NetperfRepetition, NetperfResult, NetperfSettings } from "./results";
import { median, medianOf } from "./stats";

/**
 * The selectors loadtest/scripts/netperf-client.sh asks for, in its order, with the
 * column title netperf prints for each (src/nettest_omni.c, set_output_elt).
 */
export const NETPERF_COLUMNS = [
    { selector: "MEAN_LATENCY", title: "Mean Latency Microseconds" },
    { selector: "RT_LATENCY", title: "Round Trip Latency usec/tran" },
    { selector: "P50_LATENCY", title: "50th Percentile Latency Microseconds" },
    { selector: "P90_LATENCY", title: "90th Percentile Latency Microseconds" },
    { selector: "P99_LATENCY", title: "99th Percentile Latency Microseconds" },
    { selector: "TRANSACTION_RATE", title: "Transaction Rate Tran/s" },
    { selector: "REQUEST_SIZE", title: "Request Size Bytes" },
    { selector: "RESPONSE_SIZE", title: "Response Size Bytes" },
] as const;

export interface NetperfRun extends NetperfRepetition {
    readonly requestSize: number;
    readonly responseSize: number;
}

/** Parses one run's `-o` output. Throws with the reason when it cannot. */
export function parseNetperfRun(lines: readonly string[]): NetperfRun {
    const expected = NETPERF_COLUMNS.map((c) => c.title).join(",");
    const header = lines.findIndex((l) => l.trim() === expected);
    if (header < 0) throw new Error(`netperf output has no "${expected}" header`);
    const valueLine = lines.slice(header + 1).find((l) => l.trim() !== "");
    if (valueLine === undefined) throw new Error("netperf output has a header but no values");
    const fields = valueLine.trim().split(",");
    if (fields.length !== NETPERF_COLUMNS.length) {
        throw new Error(`netperf printed ${fields.length} values for ${NETPERF_COLUMNS.length} columns: "${valueLine.trim()}"`);
    }
    const values = fields.map((f, i) => {
        const n = Number(f);
        if (f.trim() === "" || !Number.isFinite(n) || n < 0) {
            throw new Error(`netperf ${NETPERF_COLUMNS[i].selector} is not a number: "${f}"`);
        }
        return n;
    });
    const [mean, roundTrip, p50, p90, p99, rate, requestSize, responseSize] = values;
    return {
        transactionsPerSecond: rate,
        latencyMicros: { mean, roundTrip, p50, p90, p99 },
        requestSize,
        responseSize,
    };
}

/** Turns the netperf client's session into the `netperf` part of the results. */
export function summarizeNetperf(session: RawSession, settings: NetperfSettings): NetperfResult {
    const base = { settings, toolVersion: session.toolVersion };
    const failure = sessionFailure(session, settings.repetitions, "netperf");
    if (failure) return { ...base, status: "failed", reason: failure };

    let runs: NetperfRun[];
    try {
        runs = session.repetitions.map((r) => parseNetperfRun(r.lines));
    } catch (e) {
        return { ...base, status: "failed", reason: `netperf output could not be parsed: ${(e as Error).message}` };
    }
    const wrongSize = runs.find((r) => r.requestSize !== settings.requestSize || r.responseSize !== settings.responseSize);
    if (wrongSize) {
        return {
            ...base, status: "failed",
            reason: `netperf ran ${wrongSize.requestSize}/${wrongSize.responseSize}-byte transactions, ` +
                `configured ${settings.requestSize}/${settings.responseSize}`,
        };
    }
    if (runs.some((r) => r.transactionsPerSecond === 0)) {
        return { ...base, status: "failed", reason: "a netperf repetition completed no transactions" };
    }
    const repetitions: NetperfRepetition[] = runs.map(({ transactionsPerSecond, latencyMicros }) => ({ transactionsPerSecond, latencyMicros }));
    return {
        ...base,
        status: "ok",
        latencyMicros: medianOf(repetitions.map((r) => r.latencyMicros), ["mean", "roundTrip", "p50", "p90", "p99"]),
        transactionsPerSecond: median(repetitions.map((r) => r.transactionsPerSecond)),
        repetitions,
    };
}
