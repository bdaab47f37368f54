// A cluster of mesh cilium for the fake KubeApi (test/helpers/fake-kube.ts), as a vms
// cluster would answer: both servers on server-1, the clients on client-1, the Cilium agent
// of server-1 answering cilium-dbg and /proc/net/dev from test/fixtures/cilium, the bundled
// SPIRE server answering `entry show`.
import type { MeshContext } from "../../meshes/types";
import { FakeKube, type ExecAnswer, type FakeCluster, type FakePod } from "./fake-kube";
import { fixture } from "./mocks";

export const SERVER_NODE = "server-1";
export const CLIENT_NODE = "client-1";
export const SERVER_AGENT = "cilium-7xk2p";

/** Each benchmark pod and its Cilium identity (the numbers in the auth-list fixture). */
export const BENCH_PODS = {
    "http-server": { pod: "http-server-6d4cf56db6-x2x9q", identity: 25871 },
    "netperf-server": { pod: "netperf-server-7c9b8d5f4-k8p2m", identity: 9042 },
    "wrk-client": { pod: "wrk-client-5b7f9c6d8-q4w7e", identity: 48302 },
    "netperf-client": { pod: "netperf-client-84d6b7c9f-t2r5y", identity: 61177 },
} as const;
export type BenchApp = keyof typeof BENCH_PODS;
const APPS = Object.keys(BENCH_PODS) as BenchApp[];

export const agentExec = (argv: string) => `kube-system/${SERVER_AGENT} -c cilium-agent ${argv}`;
export const STATUS_EXEC = agentExec("cilium-dbg status");
export const AUTH_EXEC = agentExec("cilium-dbg bpf auth list");
export const PROC_NET_DEV_EXEC = agentExec("cat /proc/net/dev");
export const SPIRE_EXEC = "cilium-spire/spire-server-0 -c spire-server /opt/spire/bin/spire-server entry show -selector cilium:mutual-auth -output json";

export interface CiliumClusterState {
    /** cilium-dbg status of server-1's agent, a fixture under test/fixtures/cilium. */
    readonly status: string;
    /** Its auth map: a fixture, or "empty" for the agent's "No entries found." on stderr. */
    readonly auth: string | "empty";
    /** /proc/net/dev of server-1, read before and after the load (fixtures). */
    readonly procNetDev?: readonly [string, string];
    /** What SPIRE lists, a fixture. */
    readonly spire?: string;
    /** Apps whose CiliumEndpoint is missing (not yet created, or in another state). */
    readonly withoutEndpoint?: readonly string[];
}

const ok = (stdout: string, stderr = ""): ExecAnswer => ({ stdout, stderr, exitCode: 0 });

/** /proc/net/dev answers in turn: the first read gets the first fixture, every later one the second. */
function inTurn(files: readonly [string, string]): () => ExecAnswer {
    let calls = 0;
    return () => ok(fixture(`cilium/${files[Math.min(calls++, 1)]}`));
}

/** What the mesh adds to a cluster: the agent, SPIRE, the CiliumEndpoints of pods named by `podName`, and their answers. */
export function ciliumExtras(state: CiliumClusterState, podName: (app: BenchApp) => string): Partial<FakeCluster> {
    const endpoints = APPS.filter((app) => !state.withoutEndpoint?.includes(app))
        .map((app) => ({ metadata: { name: podName(app) }, status: { identity: { id: BENCH_PODS[app].identity } } }));
    return {
        pods: [
            { name: SERVER_AGENT, namespace: "kube-system", labels: { "k8s-app": "cilium" }, node: SERVER_NODE, containers: [] },
            { name: "spire-server-0", namespace: "cilium-spire", labels: { app: "spire-server" }, node: "control-plane", containers: [] },
        ],
        get: { "/apis/cilium.io/v2/namespaces/meshbench/ciliumendpoints": JSON.stringify({ items: endpoints }) },
        exec: {
            [STATUS_EXEC]: ok(fixture(`cilium/${state.status}`)),
            [AUTH_EXEC]: state.auth === "empty" ? ok("", fixture("cilium/auth-list-empty.txt")) : ok(fixture(`cilium/${state.auth}`)),
            [PROC_NET_DEV_EXEC]: inTurn(state.procNetDev ?? ["proc-net-dev-server-1-before.txt", "proc-net-dev-server-1-after.txt"]),
            [SPIRE_EXEC]: ok(fixture(`cilium/${state.spire ?? "spire-entries-all.json"}`)),
        },
    };
}

/** The whole cluster, for the mesh's own tests: the benchmark pods as BENCH_PODS names them. */
export function ciliumCluster(state: CiliumClusterState, extraExec: FakeCluster["exec"] = {}): FakeCluster {
    const extras = ciliumExtras(state, (app) => BENCH_PODS[app].pod);
    const pods: FakePod[] = APPS.map((app) => ({
        name: BENCH_PODS[app].pod, namespace: "meshbench", labels: { "app.kubernetes.io/name": app },
        node: app.endsWith("server") ? SERVER_NODE : CLIENT_NODE, containers: [],
    }));
    return { pods: [...pods, ...extras.pods!], nodes: [], get: extras.get, exec: { ...extras.exec, ...extraExec } };
}

export const MTLS_ON_CLUSTER: CiliumClusterState = { status: "status-server-1-wireguard.txt", auth: "auth-list-server-1-spire.txt" };
export const MTLS_OFF_CLUSTER: CiliumClusterState = {
    status: "status-server-1-disabled.txt", auth: "empty",
    procNetDev: ["proc-net-dev-server-1-no-wireguard.txt", "proc-net-dev-server-1-no-wireguard.txt"],
};

/** Cilium's evidence read from such a cluster, and what it asked for. */
export async function runCiliumEvidence(ctx: MeshContext, cluster: FakeCluster) {
    const { cilium } = await import("../../meshes/cilium");
    const kube = new FakeKube(cluster);
    return { reading: await cilium.evidence.read(kube, ctx), calls: kube.calls };
}
