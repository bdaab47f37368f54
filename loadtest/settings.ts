// Stack config owned by loadtest/: how hard and how long the clients push, and how often.
import { FieldProblem, integerField, patternField, type Field, type FieldValues } from "../shared/fields";

export { NETPERF_TESTS, type NetperfTest } from "../shared/results";

/**
 * The largest response body: 512 KiB. The body travels in the nginx ConfigMap, whose data
 * the API server caps at 1 MiB (ValidateConfigMap: MaxSecretSize), beside nginx.conf; and
 * Pulumi's state holds the ConfigMap twice (inputs and outputs).
 */
export const MAX_RESPONSE_BYTES = 524288;
/** The open-loop step's rates as fractions of a capacity; "none" turns the step off. */
export const OPEN_LOOP_OFF = "none";
const FRACTION_LIMIT = 2;

function fractionsField(key: string, description: string, defaultValue: string): Field<string, string> {
    return {
        key, type: "string", description, default: defaultValue,
        parse(raw) {
            if (raw.trim() === OPEN_LOOP_OFF) return OPEN_LOOP_OFF;
            const parts = raw.split(",").map((p) => p.trim());
            const ok = parts.every((p) => /^\d*\.?\d+$/.test(p) && Number(p) > 0 && Number(p) <= FRACTION_LIMIT);
            if (!ok || new Set(parts.map(Number)).size !== parts.length) {
                throw new FieldProblem(`comma-separated fractions of openLoopCapacityRps, each above 0 and at most ${FRACTION_LIMIT}, ` +
                    `each once (e.g. 0.25,0.5,0.75), or ${OPEN_LOOP_OFF} to turn the open-loop step off`);
            }
            return parts.map(Number).join(",");
        },
    };
}

/** The open-loop fractions as numbers; empty when the step is off. */
export const openLoopFractions = (value: string): number[] => (value === OPEN_LOOP_OFF ? [] : value.split(",").map(Number));

export const LOAD_FIELDS = {
    wrkThreads: integerField("wrkThreads", { min: 1, max: 256 },
        "wrk threads, as in the paper. Default: 8.", 8),
    wrkConnections: integerField("wrkConnections", { min: 1, max: 100000 },
        "wrk connections kept open (at least wrkThreads), as in the paper. Default: 8.", 8),
    wrkDurationSeconds: integerField("wrkDurationSeconds", { min: 1, max: 3600 },
        "Length of each measured wrk repetition, in seconds. Default: 30.", 30),
    netperfDurationSeconds: integerField("netperfDurationSeconds", { min: 1, max: 3600 },
        "Length of each measured netperf repetition, in seconds. Default: 30.", 30),
    warmupSeconds: integerField("warmupSeconds", { min: 0, max: 600 },
        "Unmeasured warm-up before each tool's repetitions, in seconds (0 = none). Default: 10.", 10),
    repetitions: integerField("repetitions", { min: 1, max: 50 },
        "Measured repetitions of each tool; results report each and the median. Default: 5.", 5),
    netperfRequestSize: integerField("netperfRequestSize", { min: 1, max: 1048576 },
        "netperf request size, in bytes. Default: 1.", 1),
    netperfResponseSize: integerField("netperfResponseSize", { min: 1, max: 1048576 },
        "netperf response size, in bytes. Default: 1.", 1),
    responseBytes: integerField("responseBytes", { min: 1, max: MAX_RESPONSE_BYTES },
        "Size of the HTTP server's response body, in bytes. Default: 10.", 10),
    // The paper's baseline (no mesh) measured 51,240 requests/s: the default capacity, so
    // that every setup of every sweep runs the same rates unless told otherwise.
    openLoopCapacityRps: integerField("openLoopCapacityRps", { min: 1, max: 10000000 },
        "Capacity the open-loop rates are fractions of, in requests/s; give every setup the same (a sweep: --config). Default: 51240, the paper's baseline.", 51240),
    openLoopFractions: fractionsField("openLoopFractions",
        "Open-loop rates as fractions of openLoopCapacityRps, comma-separated, or none to skip fortio. Default: 0.25,0.5,0.75.", "0.25,0.5,0.75"),
    // 32, not wrk's 8: fortio holds a rate only while each connection's share of it leaves
    // room for a response, e.g. 75 % of 51,240/s over 32 connections is one request per 833 µs each.
    openLoopConnections: integerField("openLoopConnections", { min: 1, max: 1024 },
        "Connections fortio spreads each open-loop rate over. Each repetition lasts wrkDurationSeconds. Default: 32.", 32),
    wrkCpu: integerField("wrkCpu", { min: 1, max: 256 },
        "CPU cores requested for the wrk client, so that it is not the bottleneck. Default: wrkThreads."),
    runId: patternField("runId", /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/,
        "lowercase letters, digits and dashes, at most 32 characters",
        "Label of this run; change it to rerun the load on an existing stack. Default: 1.", "1"),
} as const;

/** The load settings after defaults: wrkCpu falls back to wrkThreads. */
export type LoadSettings = Omit<FieldValues<typeof LOAD_FIELDS>, "wrkCpu"> & { readonly wrkCpu: number };
