// Stack config owned by loadtest/: how hard and how long the clients push, and how often.
import { integerField, patternField, type FieldValues } from "../shared/fields";

export { NETPERF_TESTS, type NetperfTest } from "../shared/results";

/**
 * The largest response body: 512 KiB. The body travels in the nginx ConfigMap, whose data
 * the API server caps at 1 MiB (ValidateConfigMap: MaxSecretSize), beside nginx.conf; and
 * Pulumi's state holds the ConfigMap twice (inputs and outputs).
 */
export const MAX_RESPONSE_BYTES = 524288;

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
    wrkCpu: integerField("wrkCpu", { min: 1, max: 256 },
        "CPU cores requested for the wrk client, so that it is not the bottleneck. Default: wrkThreads."),
    runId: patternField("runId", /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/,
        "lowercase letters, digits and dashes, at most 32 characters",
        "Label of this run; change it to rerun the load on an existing stack. Default: 1.", "1"),
} as const;

/** The load settings after defaults: wrkCpu falls back to wrkThreads. */
export type LoadSettings = Omit<FieldValues<typeof LOAD_FIELDS>, "wrkCpu"> & { readonly wrkCpu: number };
