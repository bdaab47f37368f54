// The bytes the load tools themselves counted, for witnesses that must see them cross an
// interface (Cilium's cilium_wg0): what wrk read (its "N requests in T, X read" line, per
// measured repetition) plus netperf's transactions times their request and response sizes.
// A lower bound of what crossed the network: headers of requests, TCP/IP and tunnel
// overhead, and the warm-ups come on top.
import { parseSession } from "../loadtest/protocol";
import type { MeasuredLoad } from "../meshes/types";
import type { NetperfSettings } from "../shared/results";
import { parseNetperfRun } from "../loadtest/netperf";
// wrk's "X read" is parsed with wrk's other output, where it is checked against the body size too.
import { wrkBytesRead } from "../loadtest/wrk";


/** One netperf client session (TCP_RR or TCP_CRR) with the settings it ran with. */
export interface NetperfSession {
    readonly stdout: string | undefined;
    readonly settings: NetperfSettings;
}

export function measuredLoad(wrkStdout: string | undefined, netperfSessions: readonly NetperfSession[]): MeasuredLoad {
    const wrkRuns = wrkStdout ? parseSession(wrkStdout).repetitions : [];
    const wrkBytes = wrkRuns.reduce((sum, r) => sum + (wrkBytesRead(r.lines) ?? 0), 0);
    let transactions = 0;
    let netperfBytes = 0;
    for (const { stdout, settings } of netperfSessions) {
        for (const run of stdout ? parseSession(stdout).repetitions : []) {
            try {
                const done = parseNetperfRun(run.lines).transactionsPerSecond * settings.durationSeconds;
                transactions += done;
                netperfBytes += done * (settings.requestSize + settings.responseSize);
            } catch {
                // An unreadable repetition counts nothing here; the netperf result says why.
            }
        }
    }
    netperfBytes = Math.round(netperfBytes);
    return {
        bytes: wrkBytes + netperfBytes,
        counted: `${wrkBytes} bytes wrk read in ${wrkRuns.length} repetitions, ${netperfBytes} bytes of ` +
            `${Math.round(transactions)} netperf transactions`,
    };
}
