// The client pods. They idle until the load test execs a script in them; that keeps any
// mesh sidecar running beside them for as long as the test needs, which a Job could not.
import * as fs from "fs";
import * as path from "path";
import type { ConfigMap, Container, EnvVar, Volume } from "kubernetes-types/core/v1";
import { nameByContent, type KubeObject } from "../cluster/kube-objects";
import type { NodePlacement } from "../cluster/types";
import type { Enrolment, WorkloadRole } from "../meshes/types";
import { buildDeployment, buildServiceAccount } from "../workloads/pods";
import { BENCH_NAMESPACE, FORTIO_CONTAINER, NETPERF_CLIENT, WRK_CLIENT } from "../shared/names";
import type { NetperfSettings, WrkSettings } from "./results";

export { CLIENT_SERVER_PAIRS, NETPERF_CLIENT, WRK_CLIENT } from "../shared/names";
/** Where the scripts are mounted in the client pods. */
export const SCRIPT_DIR = "/meshbench";
const SCRIPT_VOLUME = "scripts";

const SCRIPT_FILES = ["common.sh", "wrk-client.sh", "netperf-client.sh", "fortio-client.sh"] as const;
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
    /** fortio's image (no shell): its container idles in the wrk client pod. Absent when the open-loop step is off: no fortio container then. */
    readonly fortioImage?: string;
    readonly placement: NodePlacement;
    readonly enrolment: Enrolment;
}

/** The scripts, as a ConfigMap named by their content in the given namespace. */
export function buildScriptsConfigMap(namespace: string = BENCH_NAMESPACE): ConfigMap {
    const scripts = readClientScripts();
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: nameByContent("loadtest-scripts", JSON.stringify(scripts)), namespace },
        data: scripts,
    };
}

/**
 * How long one tool run may take before the script kills it: the run itself, plus room
 * for connecting. A run that hangs on a dead connection then fails instead of hanging.
 */
const runTimeout = (s: { durationSeconds: number; warmupSeconds: number }) => Math.max(s.durationSeconds, s.warmupSeconds) + 120;

/** The environment each client script reads (see the scripts' require_env lines). */
export function wrkEnvironment(wrk: WrkSettings): Record<string, string | number> {
    return {
        MESHBENCH_RUN_TIMEOUT_SECONDS: runTimeout(wrk),
        MESHBENCH_URL: wrk.url,
        MESHBENCH_WRK_THREADS: wrk.threads,
        MESHBENCH_WRK_CONNECTIONS: wrk.connections,
        MESHBENCH_DURATION_SECONDS: wrk.durationSeconds,
        MESHBENCH_WARMUP_SECONDS: wrk.warmupSeconds,
        MESHBENCH_REPETITIONS: wrk.repetitions,
    };
}

export function netperfEnvironment(netperf: NetperfSettings): Record<string, string | number> {
    return {
        MESHBENCH_RUN_TIMEOUT_SECONDS: runTimeout(netperf),
        MESHBENCH_NETPERF_HOST: netperf.host,
        MESHBENCH_NETPERF_CONTROL_PORT: netperf.controlPort,
        MESHBENCH_NETPERF_DATA_PORT: netperf.dataPort,
        MESHBENCH_NETPERF_TEST: netperf.test,
        MESHBENCH_NETPERF_REQUEST_SIZE: netperf.requestSize,
        MESHBENCH_NETPERF_RESPONSE_SIZE: netperf.responseSize,
        MESHBENCH_DURATION_SECONDS: netperf.durationSeconds,
        MESHBENCH_WARMUP_SECONDS: netperf.warmupSeconds,
        MESHBENCH_REPETITIONS: netperf.repetitions,
    };
}

/** An idle container with the scripts mounted and its settings in the environment. */
export function clientContainer(
    name: string, image: string, settings: Record<string, string | number>, requests: { cpu: string; memory: string },
): Container {
    return {
        name,
        image,
        command: IDLE,
        env: env(settings),
        resources: { requests },
        volumeMounts: [{ name: SCRIPT_VOLUME, mountPath: SCRIPT_DIR, readOnly: true }],
    };
}

/** The volume that mounts the scripts ConfigMap. */
export const scriptsVolume = (configMap: ConfigMap): Volume =>
    ({ name: SCRIPT_VOLUME, configMap: { name: configMap.metadata!.name! } });

export function buildClients(args: ClientArgs): KubeObject[] {
    const configMap = buildScriptsConfigMap();
    const client = (app: string, role: WorkloadRole, container: Container) => buildDeployment({
        app, side: "client", placement: args.placement, mesh: { role, enrolment: args.enrolment },
        containers: [container], volumes: [scriptsVolume(configMap)],
    });
    // CPU is requested, never limited: a limit would throttle wrk and make the client
    // the bottleneck; the request reserves the cores wrk's threads need.
    const wrk = client(WRK_CLIENT, "wrk-client",
        clientContainer("wrk", args.wrkImage, wrkEnvironment(args.wrk), { cpu: String(args.wrk.cpu), memory: "256Mi" }));
    // fortio's image has no shell: its container only idles (an echo server on a loopback
    // port of its own), and loadtest/scripts/fortio-client.sh, run in the wrk container,
    // runs its binary through /proc/<pid>/root, which a shared process namespace allows.
    // So fortio loads the HTTP server with wrk's identity, sidecar and node, and its CPU
    // counts in the wrk container. The runner never runs the two at the same time.
    if (args.fortioImage !== undefined) {
        const fortio: Container = {
            name: FORTIO_CONTAINER,
            image: args.fortioImage,
            command: ["/usr/bin/fortio", "tcp-echo", "-tcp-port", "127.0.0.1:0"],
            resources: { requests: { cpu: "10m", memory: "32Mi" } },
        };
        const wrkSpec = wrk.spec!.template.spec!;
        wrkSpec.containers = [...wrkSpec.containers, fortio];
        wrkSpec.shareProcessNamespace = true;
    }
    const netperf = client(NETPERF_CLIENT, "netperf-client",
        clientContainer("netperf", args.netperfImage, netperfEnvironment(args.netperf), { cpu: "1", memory: "64Mi" }));
    return [configMap, buildServiceAccount(WRK_CLIENT), buildServiceAccount(NETPERF_CLIENT), wrk, netperf] as KubeObject[];
}
