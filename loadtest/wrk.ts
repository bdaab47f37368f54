// wrk: requests per second, closed loop. Its output parser and its summary live here
// because they change with the command line in loadtest/scripts/wrk-client.sh.
import type { RawSession } from "./protocol";
import { sessionFailure } from "./protocol";
import type { WrkErrors, WrkRepetition, WrkResult, WrkSettings } from "./results";
import { median, medianOf, round } from "./stats";

/** A client using this share of its threads' CPU is the bottleneck, not the server. */
export const SATURATION_SHARE = 0.9;

const TIME_UNIT_MICROS: Record<string, number> = { us: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6 };

/** "156.96us" → 156.96; "2.35ms" → 2350. */
export function parseWrkTime(text: string): number {
    const m = text.match(/^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/);
    if (!m) throw new Error(`unreadable wrk time "${text}"`);
    // Rounded: "2.35ms" must read as 2350, not 2350.0000000000005.
    return round(Number(m[1]) * TIME_UNIT_MICROS[m[2]], 3);
}

/** Parses what one `wrk --latency` run printed. Throws with the reason when it cannot. */
export function parseWrkRun(lines: readonly string[]): Omit<WrkRepetition, "clientCpuCores"> {
    const text = lines.join("\n");
    const find = (re: RegExp, what: string): RegExpMatchArray => {
        const m = text.match(re);
        if (!m) throw new Error(`wrk output has no ${what}`);
        return m;
    };
    const rps = Number(find(/^Requests\/sec:\s+(\d+(?:\.\d+)?)\s*$/m, '"Requests/sec" line')[1]);
    const total = find(/^\s*(\d+) requests in (\d+(?:\.\d+)?(?:us|ms|s|m|h)),/m, '"N requests in T" line');
    const avg = find(/^\s*Latency\s+(\S+)\s+\S+\s+\S+\s+\S+\s*$/m, "latency thread stats")[1];
    const percentile = (p: number) => parseWrkTime(find(new RegExp(`^\\s*${p}%\\s+(\\S+)\\s*$`, "m"), `${p}% latency`)[1]);
    const socket = text.match(/^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)\s*$/m);
    const non2xx = text.match(/^\s*Non-2xx or 3xx responses: (\d+)\s*$/m);
    return {
        requestsPerSecond: rps,
        requests: Number(total[1]),
        durationSeconds: parseWrkTime(total[2]) / 1e6,
        latencyMicros: {
            avg: parseWrkTime(avg),
            p50: percentile(50),
            p75: percentile(75),
            p90: percentile(90),
            p99: percentile(99),
        },
        errors: {
            connect: socket ? Number(socket[1]) : 0,
            read: socket ? Number(socket[2]) : 0,
            write: socket ? Number(socket[3]) : 0,
            timeout: socket ? Number(socket[4]) : 0,
            non2xx3xx: non2xx ? Number(non2xx[1]) : 0,
        },
    };
}

const sumErrors = (all: readonly WrkErrors[]): WrkErrors => ({
    connect: all.reduce((s, e) => s + e.connect, 0),
    read: all.reduce((s, e) => s + e.read, 0),
    write: all.reduce((s, e) => s + e.write, 0),
    timeout: all.reduce((s, e) => s + e.timeout, 0),
    non2xx3xx: all.reduce((s, e) => s + e.non2xx3xx, 0),
});

/** Turns the wrk client's session into the `wrk` part of the results. */
export function summarizeWrk(session: RawSession, settings: WrkSettings): WrkResult {
    const base = { settings, toolVersion: session.toolVersion };
    const failure = sessionFailure(session, settings.repetitions, "wrk");
    if (failure) return { ...base, status: "failed", reason: failure };

    let repetitions: WrkRepetition[];
    try {
        repetitions = session.repetitions.map((run) => {
            const parsed = parseWrkRun(run.lines);
            return run.clientCpuCores === undefined ? parsed : { ...parsed, clientCpuCores: round(run.clientCpuCores, 3) };
        });
    } catch (e) {
        return { ...base, status: "failed", reason: `wrk output could not be parsed: ${(e as Error).message}` };
    }

    const errors = sumErrors(repetitions.map((r) => r.errors));
    const errorTotal = Object.values(errors).reduce((s, n) => s + n, 0);
    if (repetitions.some((r) => r.requests === 0 || r.requestsPerSecond === 0)) {
        return { ...base, status: "failed", reason: "a wrk repetition completed no requests", errors };
    }
    if (errorTotal > 0) {
        const listed = Object.entries(errors).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(", ");
        return { ...base, status: "failed", reason: `wrk saw errors (${listed}); throughput with errors is not comparable`, errors };
    }

    const perRepetition = repetitions.map((r) => r.requestsPerSecond);
    const cores = repetitions.map((r) => r.clientCpuCores);
    const threshold = round(SATURATION_SHARE * Math.min(settings.threads, settings.cpu), 3);
    const measuredCores = cores.every((c): c is number => c !== undefined) ? cores : undefined;
    const saturatedRuns = measuredCores?.filter((c) => c >= threshold).length ?? 0;

    return {
        ...base,
        status: saturatedRuns > 0 ? "saturated" : "ok",
        reason: saturatedRuns > 0
            ? `the wrk client used at least ${threshold} cores in ${saturatedRuns} of ${repetitions.length} repetitions: it, not the server, may have been the bottleneck`
            : undefined,
        rps: { perRepetition, median: median(perRepetition) },
        latencyMicros: medianOf(repetitions.map((r) => r.latencyMicros), ["avg", "p50", "p90", "p99"]),
        errors,
        clientCpu: measuredCores ? { coresPerRepetition: measuredCores, saturationThresholdCores: threshold } : undefined,
        repetitions,
    };
}
