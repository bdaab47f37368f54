// wrk: requests per second, closed loop. Its output parser and its summary live here
// because they change with the command line in loadtest/scripts/wrk-client.sh.
import type { RawSession } from "./protocol";
import { sessionFailure } from "./protocol";
import type { SaturationGuard, WrkErrors, WrkRepetition, WrkResult, WrkSettings } from "./results";
import { median, medianOf, round } from "./stats";

/** A client node busier than this share of all its CPU is near its limit: the server may not be. */
export const NODE_BUSY_LIMIT = 0.7;
/** A wrk thread using this share of a core is pegged: wrk, not the server, sets the pace. */
export const THREAD_BUSY_LIMIT = 0.95;

/**
 * Room for the response's headers in the byte check: nginx's are about 150 bytes; a mesh's
 * proxies may add some (Envoy's x-envoy-upstream-service-time, server). Generous, so that
 * only a body of another size than asked fails the check.
 */
export const HEADER_ALLOWANCE_BYTES = 4096;
/** wrk prints bytes with two decimals in the unit that keeps the number at 0.85 or more (0.6 % at worst): 1 % of slack. */
const PRINT_SLACK = 0.01;

const BYTE_UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** wrk's "X read" of one run, in bytes; undefined when the line is missing. */
export function wrkBytesRead(lines: readonly string[]): number | undefined {
    for (const line of lines) {
        const m = /^\s*\d+ requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB|TB) read\s*$/.exec(line);
        if (m) return Math.round(Number(m[1]) * BYTE_UNITS[m[2]]);
    }
    return undefined;
}

/**
 * Why the bytes wrk read do not fit `requests` responses of a body of `responseBytes`, or
 * undefined when they do: at least the body per response, and no more than the body and
 * the header allowance per response, with room for the responses still in flight on each
 * connection when the run ended (wrk counts their bytes, not them).
 */
export function bodySizeProblem(bytesRead: number, requests: number, connections: number, responseBytes: number): string | undefined {
    const perResponse = Math.round(bytesRead / requests);
    const low = requests * responseBytes * (1 - PRINT_SLACK);
    const high = (requests + connections) * (responseBytes + HEADER_ALLOWANCE_BYTES) * (1 + PRINT_SLACK);
    if (bytesRead >= low && bytesRead <= high) return undefined;
    return `wrk read ${bytesRead} bytes in ${requests} responses (${perResponse} per response); a body of ${responseBytes} bytes `
        + `(responseBytes) gives ${responseBytes} to ${responseBytes + HEADER_ALLOWANCE_BYTES} with headers: the server did not serve the body asked for`;
}

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
            return {
                ...parsed,
                ...(run.clientCpuCores === undefined ? {} : { clientCpuCores: round(run.clientCpuCores, 3) }),
                ...(run.nodeCpu === undefined ? {} : { clientNodeBusyShare: round(run.nodeCpu.busyShare, 3) }),
                ...(run.busiestThread === undefined ? {} : { busiestThreadShare: round(run.busiestThread.share, 3) }),
            };
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

    const sizeProblems = session.repetitions.flatMap((run, i) => {
        const bytes = wrkBytesRead(run.lines);
        const problem = bytes === undefined ? "wrk printed no bytes read"
            : bodySizeProblem(bytes, repetitions[i].requests, settings.connections, settings.responseBytes);
        return problem ? [`repetition ${i + 1}: ${problem}`] : [];
    });
    if (sizeProblems.length > 0) return { ...base, status: "failed", reason: sizeProblems.join("; "), errors };

    const perRepetition = repetitions.map((r) => r.requestsPerSecond);
    const cores = repetitions.map((r) => r.clientCpuCores);
    const measuredCores = cores.every((c): c is number => c !== undefined) ? cores : undefined;
    const saturation = saturationGuard(repetitions);
    const saturatedRuns = saturation.saturatedRepetitions.length;

    return {
        ...base,
        status: saturatedRuns > 0 ? "saturated" : "ok",
        reason: saturatedRuns > 0 ? saturationReason(repetitions, saturation) : undefined,
        rps: { perRepetition, median: median(perRepetition) },
        latencyMicros: medianOf(repetitions.map((r) => r.latencyMicros), ["avg", "p50", "p90", "p99"]),
        errors,
        clientCpu: measuredCores ? { coresPerRepetition: measuredCores } : undefined,
        saturation,
        repetitions,
    };
}

/** Which repetitions the client node or a wrk thread limited. */
export function saturationGuard(repetitions: readonly WrkRepetition[]): SaturationGuard {
    const saturated: number[] = [];
    const unmeasured: number[] = [];
    repetitions.forEach((r, i) => {
        const node = r.clientNodeBusyShare;
        const thread = r.busiestThreadShare;
        if ((node !== undefined && node > NODE_BUSY_LIMIT) || (thread !== undefined && thread >= THREAD_BUSY_LIMIT)) saturated.push(i + 1);
        else if (node === undefined || thread === undefined) unmeasured.push(i + 1);
    });
    return {
        nodeBusyLimit: NODE_BUSY_LIMIT,
        threadBusyLimit: THREAD_BUSY_LIMIT,
        saturatedRepetitions: saturated,
        ...(unmeasured.length > 0 ? { unmeasuredRepetitions: unmeasured } : {}),
    };
}

const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;

function saturationReason(repetitions: readonly WrkRepetition[], guard: SaturationGuard): string {
    const each = guard.saturatedRepetitions.map((n) => {
        const r = repetitions[n - 1];
        const why = [
            r.clientNodeBusyShare !== undefined && r.clientNodeBusyShare > NODE_BUSY_LIMIT ? `client node ${percent(r.clientNodeBusyShare)} busy` : undefined,
            r.busiestThreadShare !== undefined && r.busiestThreadShare >= THREAD_BUSY_LIMIT ? `a wrk thread at ${percent(r.busiestThreadShare)} of a core` : undefined,
        ].filter(Boolean).join(", ");
        return `repetition ${n}: ${why}`;
    });
    return `the wrk client was near its limit (node over ${percent(NODE_BUSY_LIMIT)} busy, or a thread at ${percent(THREAD_BUSY_LIMIT)} of a core or more) ` +
        `in ${guard.saturatedRepetitions.length} of ${repetitions.length} repetitions (${each.join("; ")}): it, not the server, may have been the bottleneck`;
}
