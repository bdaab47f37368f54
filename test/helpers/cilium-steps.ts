// What mesh cilium's evidence step prints, made by running the real snippet through the
// real kubectl wrapper against a stand-in kubectl (test/helpers/fake-kubectl.ts) that
// answers as a vms cluster would: both servers on server-1, the clients on client-1, the
// Cilium agent of server-1 answering cilium-dbg from the fixtures in test/fixtures/cilium.
import { ciliumEvidence } from "../../meshes/cilium-evidence";
import type { MeshContext } from "../../meshes/types";
import { runWithFakeKubectl, type FakeAnswer, type FakeKubectlRun } from "./fake-kubectl";
import { fixture } from "./mocks";

export const SERVER_NODE = "server-1";
export const SERVER_AGENT = "cilium-7xk2p";

/** Each benchmark pod and its Cilium identity (the numbers in the auth-list fixture). */
export const BENCH_PODS = {
    "http-server": { pod: "http-server-6d4cf56db6-x2x9q", identity: 25871 },
    "netperf-server": { pod: "netperf-server-7c9b8d5f4-k8p2m", identity: 9042 },
    "wrk-client": { pod: "wrk-client-5b7f9c6d8-q4w7e", identity: 48302 },
    "netperf-client": { pod: "netperf-client-84d6b7c9f-t2r5y", identity: 61177 },
} as const;

const PODS_CALL = String.raw`-n meshbench get pods -o jsonpath={range .items[*]}CILIUM-POD {.metadata.name} {.metadata.labels.app\.kubernetes\.io/name}{"\n"}{end}`;
const ENDPOINTS_CALL = String.raw`-n meshbench get ciliumendpoints -o jsonpath={range .items[*]}CILIUM-ENDPOINT {.metadata.name} {.status.identity.id}{"\n"}{end}`;
const serverCall = (app: string) =>
    `-n meshbench get pods -l app.kubernetes.io/name=${app} --field-selector=status.phase=Running -o jsonpath={.items[0].metadata.name} {.items[0].spec.nodeName}`;
export const AGENT_CALL = `-n kube-system get pods -l k8s-app=cilium --field-selector spec.nodeName=${SERVER_NODE} -o jsonpath={.items[0].metadata.name}`;
export const STATUS_CALL = `-n kube-system exec ${SERVER_AGENT} -c cilium-agent -- cilium-dbg status`;
export const AUTH_CALL = `-n kube-system exec ${SERVER_AGENT} -c cilium-agent -- cilium-dbg bpf auth list`;

export interface CiliumClusterState {
    /** cilium-dbg status of server-1's agent, a fixture under test/fixtures/cilium. */
    readonly status: string;
    /** Its auth map: a fixture, or "empty" for the agent's "No entries found." on stderr. */
    readonly auth: string | "empty";
    /** Apps whose CiliumEndpoint is missing (not yet created, or in another state). */
    readonly withoutEndpoint?: readonly string[];
}

/** The stand-in kubectl's answers for a cluster in this state. */
export function ciliumAnswers(state: CiliumClusterState): Record<string, FakeAnswer> {
    const pods = Object.entries(BENCH_PODS);
    return {
        [PODS_CALL]: { stdout: pods.map(([app, p]) => `CILIUM-POD ${p.pod} ${app}\n`).join("") },
        [ENDPOINTS_CALL]: {
            stdout: pods.filter(([app]) => !state.withoutEndpoint?.includes(app)).map(([, p]) => `CILIUM-ENDPOINT ${p.pod} ${p.identity}\n`).join(""),
        },
        [serverCall("http-server")]: { stdout: `${BENCH_PODS["http-server"].pod} ${SERVER_NODE}` },
        [serverCall("netperf-server")]: { stdout: `${BENCH_PODS["netperf-server"].pod} ${SERVER_NODE}` },
        [AGENT_CALL]: { stdout: SERVER_AGENT },
        [STATUS_CALL]: { stdout: fixture(`cilium/${state.status}`) },
        [AUTH_CALL]: state.auth === "empty" ? { stderr: fixture("cilium/auth-list-empty.txt") } : { stdout: fixture(`cilium/${state.auth}`) },
    };
}

export const MTLS_ON_CLUSTER: CiliumClusterState = { status: "status-server-1-wireguard.txt", auth: "auth-list-server-1-spire.txt" };
export const MTLS_OFF_CLUSTER: CiliumClusterState = { status: "status-server-1-disabled.txt", auth: "empty" };

export const runCiliumEvidence = (ctx: MeshContext, answers: Record<string, FakeAnswer>): Promise<FakeKubectlRun> =>
    runWithFakeKubectl({ script: ciliumEvidence.script(ctx) }, answers);
