// The client pods. They idle until the load test execs a script in them; that keeps any
// mesh sidecar running beside them for as long as the test needs, which a Job could not.
import * as fs from "fs";
import * as path from "path";
import type { ConfigMap, EnvVar } from "kubernetes-types/core/v1";
import { nameByContent, type KubeObject } from "../cluster/kube-objects";
import type { NodePlacement } from "../cluster/types";
import type { Enrolment, WorkloadRole } from "../meshes/types";
import { buildDeployment, buildServiceAccount } from "../workloads/pods";
import { BENCH_NAMESPACE } from "../workloads/ports";
import type { NetperfSettings, WrkSettings } from "./results";

export const WRK_CLIENT = "wrk-client";
export const NETPERF_CLIENT = "netperf-client";
/** Where the scripts are mounted in the client pods. */
export const SCRIPT_DIR = "/meshbench";

const SCRIPT_FILES = ["common.sh", "wrk-client.sh", "netperf-client.sh"] as const;
export type ClientScript = Exclude<(typeof SCRIPT_FILES)[number], "common.sh">;

/** The scripts exactly as they are in loadtest/scripts/, which the tests run too. */
export function readClientScripts(): Record<string, string> {
    return Object.fromEntries(SCRIPT_FILES.map((f) => [f, fs.readFileSync(path.join(__dirname, "scripts", f), "utf8")]));
}

/** The command the load test execs in a client pod. */
export const clientScriptCommand = (script: ClientScript): string[] => ["sh", `${SCRIPT_DIR}/${script}`];

// The pod idles in a loop that a SIGTERM ends at once, instead of after the grace period.
const IDLE = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"];

const env = (vars: Record<string, string | number>): EnvVar[] =>
    Object.entries(vars).map(([name, value]) => ({ name, value: String(value) }));

export interface ClientArgs {
    readonly wrk: WrkSettings;
    readonly netperf: NetperfSettings;
    readonly wrkImage: string;
    readonly netperfImage: string;
    readonly placement: NodePlacement;
    readonly enrolment: Enrolment;
}

export function buildClients(args: ClientArgs): KubeObject[] {
    const scripts = readClientScripts();
    const configMap: ConfigMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: nameByContent("loadtest-scripts", JSON.stringify(scripts)), namespace: BENCH_NAMESPACE },
        data: scripts,
    };
    // An idle pod with the scripts mounted and its settings in the environment.
    const client = (app: string, role: WorkloadRole, container: string, image: string,
        settings: Record<string, string | number>, requests: { cpu: string; memory: string }) => buildDeployment({
        app, role, side: "client", placement: args.placement, enrolment: args.enrolment,
        container: {
            name: container,
            image,
            command: IDLE,
            env: env(settings),
            resources: { requests },
            volumeMounts: [{ name: "scripts", mountPath: SCRIPT_DIR, readOnly: true }],
        },
        volumes: [{ name: "scripts", configMap: { name: configMap.metadata!.name! } }],
    });

    // CPU is requested, never limited: a limit would throttle wrk and make the client
    // the bottleneck; the request reserves the cores wrk's threads need.
    const wrk = client(WRK_CLIENT, "wrk-client", "wrk", args.wrkImage, {
        MESHBENCH_URL: args.wrk.url,
        MESHBENCH_WRK_THREADS: args.wrk.threads,
        MESHBENCH_WRK_CONNECTIONS: args.wrk.connections,
        MESHBENCH_DURATION_SECONDS: args.wrk.durationSeconds,
        MESHBENCH_WARMUP_SECONDS: args.wrk.warmupSeconds,
        MESHBENCH_REPETITIONS: args.wrk.repetitions,
    }, { cpu: String(args.wrk.cpu), memory: "256Mi" });

    const netperf = client(NETPERF_CLIENT, "netperf-client", "netperf", args.netperfImage, {
        MESHBENCH_NETPERF_HOST: args.netperf.host,
        MESHBENCH_NETPERF_CONTROL_PORT: args.netperf.controlPort,
        MESHBENCH_NETPERF_DATA_PORT: args.netperf.dataPort,
        MESHBENCH_NETPERF_TEST: args.netperf.test,
        MESHBENCH_NETPERF_REQUEST_SIZE: args.netperf.requestSize,
        MESHBENCH_NETPERF_RESPONSE_SIZE: args.netperf.responseSize,
        MESHBENCH_DURATION_SECONDS: args.netperf.durationSeconds,
        MESHBENCH_WARMUP_SECONDS: args.netperf.warmupSeconds,
        MESHBENCH_REPETITIONS: args.netperf.repetitions,
    }, { cpu: "1", memory: "64Mi" });

    return [configMap, buildServiceAccount(WRK_CLIENT), buildServiceAccount(NETPERF_CLIENT), wrk, netperf] as KubeObject[];
}
