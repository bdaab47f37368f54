// What each client is told to do, derived from the stack config: the settings the
// clients run with are the settings the results report.
import { HTTP_PORT, HTTP_SERVICE, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT, NETPERF_SERVICE, serviceHost } from "../shared/names";
import type { LoadSettings } from "./settings";
import type { NetperfSettings, WrkSettings } from "./results";

export function wrkSettings(load: LoadSettings): WrkSettings {
    return {
        url: `http://${serviceHost(HTTP_SERVICE)}:${HTTP_PORT.port}/`,
        threads: load.wrkThreads,
        connections: load.wrkConnections,
        durationSeconds: load.wrkDurationSeconds,
        warmupSeconds: load.warmupSeconds,
        repetitions: load.repetitions,
        cpu: load.wrkCpu,
        responseBytes: load.responseBytes,
    };
}

/** netperf TCP_RR, as in the paper; every setup also runs TCP_CRR with the same settings (crrSettings). */
export function netperfSettings(load: LoadSettings): NetperfSettings {
    return {
        host: serviceHost(NETPERF_SERVICE),
        test: "TCP_RR",
        controlPort: NETPERF_CONTROL_PORT.port,
        dataPort: NETPERF_DATA_PORT.port,
        requestSize: load.netperfRequestSize,
        responseSize: load.netperfResponseSize,
        durationSeconds: load.netperfDurationSeconds,
        warmupSeconds: load.warmupSeconds,
        repetitions: load.repetitions,
    };
}

/** The same netperf client, a new connection per transaction: each one pays the handshake. */
export const crrSettings = (rr: NetperfSettings): NetperfSettings => ({ ...rr, test: "TCP_CRR" });
