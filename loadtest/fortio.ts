// fortio at fixed rates: open-loop latency, when the rate held. The parser reads what
// loadtest/scripts/fortio-client.sh prints for each run: fortio's JSON result (stdout,
// MarshalIndent, so it opens with a line "{" and closes with a line "}") and, from its
// text report on stderr, the "Aggregated Sleep Time" histogram (printed at -loglevel
// verbose; fortio 1.68.2 periodic/periodic.go), which says how many sends were late.
import type { RawSession } from "./protocol";
import { parseSession, sessionFailure } from "./protocol";
import type {
    OpenLoopHoldCheck, OpenLoopLatency, OpenLoopRate, OpenLoopRepetition, OpenLoopResult, OpenLoopSettings,
} from "./results";
import { median, medianOf, round } from "./stats";

/**
 * A repetition holds its rate when fortio achieved at least 99 % of it and at most 0.1 %
 * of its sends were late. 0.1 % because the highest percentile reported is p99.9: with
 * more late sends than that, the top 0.1 % of samples can all be sends that waited for a
 * slow response before they went out, whose wait fortio does not count.
 */
export const HOLD_CHECK: OpenLoopHoldCheck = { maxShortfall: 0.01, maxLateShare: 0.001 };

/** The percentiles the script asks for (-p), as fortio echoes them, and where they go. */
const PERCENTILES = [[50, "p50"], [90, "p90"], [99, "p99"], [99.9, "p999"]] as const;

export interface FortioRun {
    readonly requestedQps: number;
    readonly achievedQps: number;
    readonly requests: number;
    readonly latencyMicros: OpenLoopLatency;
    /** Responses outside 2xx (by status code), and calls that got no response (fortio's code -1). */
    readonly errors: { readonly non2xx: number; readonly connection: number };
    /** Sleeps before a send: how many were counted, and how many were at or below zero (late). */
    readonly sleeps: { readonly count: number; readonly late: number };
}

interface FortioJson {
    RequestedQPS?: string;
    ActualQPS?: number;
    DurationHistogram?: { Count?: number; Percentiles?: { Percentile: number; Value: number }[] | null };
    RetCodes?: Record<string, number> | null;
}

/** The JSON result among a run's lines. */
function resultJson(lines: readonly string[]): FortioJson {
    const start = lines.findIndex((l) => l === "{");
    const end = start < 0 ? -1 : lines.findIndex((l, i) => i > start && l === "}");
    if (start < 0 || end < 0) throw new Error("fortio printed no JSON result");
    try {
        return JSON.parse(lines.slice(start, end + 1).join("\n")) as FortioJson;
    } catch (e) {
        throw new Error(`fortio's JSON result does not parse: ${(e as Error).message}`);
    }
}

const BUCKET = /^(?:>=|>) (-?[\d.e+-]+) <= (-?[\d.e+-]+) , \S+ , [\d.]+, (\d+)$/;

/** Counts of the "Aggregated Sleep Time" histogram: all, and those whose bucket ends at or below 0 s. */
function sleepCounts(lines: readonly string[]): FortioRun["sleeps"] {
    const head = lines.findIndex((l) => l.startsWith("Aggregated Sleep Time : count "));
    if (head < 0) throw new Error('fortio printed no "Aggregated Sleep Time" histogram (is -loglevel verbose set?)');
    const count = Number(lines[head].match(/count (\d+)/)?.[1]);
    let late = 0;
    let seen = 0;
    for (const line of lines.slice(head + 2)) {
        const m = line.match(BUCKET);
        if (!m) break;
        const n = Number(m[3]);
        seen += n;
        // fortio's sleep histogram has a bucket edge at 0 s, so no bucket spans it.
        if (Number(m[2]) <= 0) late += n;
    }
    if (!Number.isFinite(count) || seen !== count) {
        throw new Error(`fortio's sleep histogram counts ${seen} sleeps in its buckets, ${lines[head].trim()}`);
    }
    return { count, late };
}

/** Parses one run's output. Throws with the reason when it cannot. */
export function parseFortioRun(lines: readonly string[]): FortioRun {
    const json = resultJson(lines);
    const requestedQps = Number(json.RequestedQPS);
    const achievedQps = json.ActualQPS;
    const requests = json.DurationHistogram?.Count;
    if (!Number.isFinite(requestedQps) || requestedQps <= 0) throw new Error(`fortio ran at no fixed rate (RequestedQPS ${JSON.stringify(json.RequestedQPS)})`);
    if (typeof achievedQps !== "number" || typeof requests !== "number") throw new Error("fortio's result has no ActualQPS or DurationHistogram.Count");
    const found = json.DurationHistogram?.Percentiles ?? [];
    const latency = {} as Record<OpenLoopLatencyKey, number>;
    for (const [p, key] of PERCENTILES) {
        const value = found.find((f) => f.Percentile === p)?.Value;
        if (typeof value !== "number" || !(value >= 0)) throw new Error(`fortio's result has no p${p} (asked with -p)`);
        latency[key] = round(value * 1e6, 1);
    }
    const codes = Object.entries(json.RetCodes ?? {}).map(([code, n]) => [Number(code), n] as const);
    return {
        requestedQps,
        achievedQps: round(achievedQps, 2),
        requests,
        latencyMicros: latency,
        errors: {
            non2xx: codes.filter(([c]) => c > 0 && (c < 200 || c > 299)).reduce((s, [, n]) => s + n, 0),
            connection: codes.filter(([c]) => c <= 0).reduce((s, [, n]) => s + n, 0),
        },
        sleeps: sleepCounts(lines),
    };
}
type OpenLoopLatencyKey = keyof OpenLoopLatency;

/** Whether one run held its rate, and why not. */
export function holdVerdict(run: FortioRun, target: number, check: OpenLoopHoldCheck = HOLD_CHECK): string | undefined {
    const lateShare = run.sleeps.count > 0 ? run.sleeps.late / run.sleeps.count : 0;
    const why = [
        run.achievedQps < (1 - check.maxShortfall) * target
            ? `achieved ${run.achievedQps} of ${target} requests/s (below ${round((1 - check.maxShortfall) * 100, 1)} %)` : undefined,
        lateShare > check.maxLateShare
            ? `${run.sleeps.late} of ${run.sleeps.count} sends late (${round(lateShare * 100, 2)} %, over ${round(check.maxLateShare * 100, 2)} %)` : undefined,
    ].filter(Boolean);
    return why.length ? why.join(", ") : undefined;
}

/** One rate's block of the session: its runs, judged. */
export function summarizeRate(session: RawSession, target: number, repetitions: number): OpenLoopRate {
    const failure = sessionFailure(session, repetitions, "fortio");
    if (failure) return { targetQps: target, status: "failed", reason: failure };
    let runs: FortioRun[];
    try {
        runs = session.repetitions.map((r) => parseFortioRun(r.lines));
    } catch (e) {
        return { targetQps: target, status: "failed", reason: `fortio output could not be parsed: ${(e as Error).message}` };
    }
    const wrongRate = runs.find((r) => r.requestedQps !== target);
    if (wrongRate) return { targetQps: target, status: "failed", reason: `fortio ran at ${wrongRate.requestedQps} requests/s, planned ${target}` };
    if (runs.some((r) => r.requests === 0)) return { targetQps: target, status: "failed", reason: "a fortio repetition completed no requests" };
    const errors = runs.reduce((s, r) => ({ non2xx: s.non2xx + r.errors.non2xx, connection: s.connection + r.errors.connection }), { non2xx: 0, connection: 0 });
    if (errors.non2xx + errors.connection > 0) {
        return {
            targetQps: target, status: "failed",
            reason: `fortio saw errors (non-2xx ${errors.non2xx}, connection ${errors.connection}); latency with errors is not comparable`,
        };
    }
    const verdicts = runs.map((r) => holdVerdict(r, target));
    const reps: OpenLoopRepetition[] = runs.map((r, i) => ({
        achievedQps: r.achievedQps,
        requests: r.requests,
        latencyMicros: r.latencyMicros,
        lateShare: round(r.sleeps.count > 0 ? r.sleeps.late / r.sleeps.count : 0, 5),
        rateHeld: verdicts[i] === undefined,
        ...(session.repetitions[i].nodeCpu ? { clientNodeBusyShare: round(session.repetitions[i].nodeCpu!.busyShare, 3) } : {}),
    }));
    const notHeld = verdicts.map((v, i) => (v ? `repetition ${i + 1}: ${v}` : undefined)).filter(Boolean);
    const perRepetition = reps.map((r) => r.achievedQps);
    return {
        targetQps: target,
        status: notHeld.length ? "notHeld" : "ok",
        ...(notHeld.length ? { reason: `fortio did not hold ${target} requests/s (${notHeld.join("; ")}): not open-loop latency` } : {}),
        rateHeld: notHeld.length === 0,
        achievedQps: { perRepetition, median: median(perRepetition) },
        latencyMicros: medianOf(reps.map((r) => r.latencyMicros), ["p50", "p90", "p99", "p999"]),
        repetitions: reps,
    };
}

const RATE = /^MESHBENCH-RATE qps=(\d+)$/m;

/** Turns the fortio client's whole output (every rate) into the `openLoop` part of the results. */
export function summarizeOpenLoop(output: string, settings: OpenLoopSettings): OpenLoopResult {
    const base = { settings, holdCheck: HOLD_CHECK };
    // Split on a pattern with a group: [before the first rate, rate, its block, rate, its block, ...].
    const parts = output.split(RATE);
    const head = parseSession(parts[0]);
    const toolVersion = head.toolVersion;
    if (head.errors.length > 0) return { ...base, toolVersion, status: "failed", reason: `fortio client refused to start: ${head.errors.join("; ")}` };
    const blocks = new Map<number, string>();
    for (let i = 1; i + 1 < parts.length; i += 2) blocks.set(Number(parts[i]), parts[i + 1]);
    const rates = settings.rates.map((target): OpenLoopRate => {
        const block = blocks.get(target);
        return block === undefined
            ? { targetQps: target, status: "failed", reason: `the fortio client never ran ${target} requests/s` }
            : summarizeRate(parseSession(block), target, settings.repetitions);
    });
    const failed = rates.filter((r) => r.status === "failed");
    const notHeld = rates.filter((r) => r.status === "notHeld");
    const status = failed.length ? "failed" : notHeld.length ? "notHeld" : "ok";
    const reasons = [...failed, ...notHeld].map((r) => `${r.targetQps} requests/s: ${r.reason}`);
    return { ...base, toolVersion, status, ...(reasons.length ? { reason: reasons.join("; ") } : {}), rates };
}
