// What mesh linkerd's kubectl steps print, made by running the real scripts: the evidence
// script through the real wrapper against a stand-in kubectl that serves the proxy metrics
// fixtures (test/fixtures/linkerd), and the plaintext probe's wrk client script with the
// real wrk against a local server that answers as Linkerd's proxy does to an
// unauthenticated request under all-authenticated (HTTP 403, connection kept).
import { linkerdEvidence } from "../../meshes/linkerd-evidence";
import { wrkEnvironment } from "../../loadtest/clients";
import type { WrkSettings } from "../../loadtest/results";
import { probeSettings } from "../../verify/probe";
import { runWithFakeKubectl, type FakeAnswer, type FakeKubectlRun } from "./fake-kubectl";
import { fixture } from "./mocks";
import { runScript, startHttpServer } from "./shell";

export const CTX = { mtls: true, target: "kubeconfig" as const, benchNamespace: "meshbench" };

export const PODS = { "http-server": "http-server-6d4cf56db6-x2x9q", "netperf-server": "netperf-server-7c9b8d5f4-k8p2m" } as const;

const podsCall = (app: string) =>
    `-n meshbench get pods -l app.kubernetes.io/name=${app} --field-selector=status.phase=Running -o jsonpath={.items[*].metadata.name}`;
export const metricsCall = (app: keyof typeof PODS) => `get --raw /api/v1/namespaces/meshbench/pods/${PODS[app]}:4191/proxy/metrics`;

/** Answers of a healthy cluster: both pods found, each proxy's metrics from its fixture. */
export function clusterAnswers(metrics: { "http-server"?: string; "netperf-server"?: string } = {}): Record<string, FakeAnswer> {
    return {
        [podsCall("http-server")]: { stdout: PODS["http-server"] },
        [podsCall("netperf-server")]: { stdout: PODS["netperf-server"] },
        [metricsCall("http-server")]: { stdout: fixture(metrics["http-server"] ?? "linkerd/proxy-metrics-http-server.txt") },
        [metricsCall("netperf-server")]: { stdout: fixture(metrics["netperf-server"] ?? "linkerd/proxy-metrics-netperf-server.txt") },
    };
}

export const runEvidence = (answers: Record<string, FakeAnswer>): Promise<FakeKubectlRun> =>
    runWithFakeKubectl({ script: linkerdEvidence.script(CTX) }, answers);

/** netperf's side of a refused probe: Linkerd's proxy closes an unauthenticated TCP connection. */
const NETPERF_REFUSED = [
    "MESHBENCH-TOOL netperf Netperf version 2.7.0",
    "MESHBENCH-BEGIN run=1",
    "recv_response: partial response received: 0 bytes",
    "MESHBENCH-END run=1 exit=1",
    "MESHBENCH-DONE",
    "MESHBENCH-KUBECTL exit=0",
    "",
].join("\n");

/** The probe step's stdout when both servers refuse plaintext as Linkerd does. */
export async function refusedProbeStdout(): Promise<string> {
    const server = await startHttpServer(403);
    try {
        const base: WrkSettings = { url: server.url, threads: 8, connections: 8, durationSeconds: 30, warmupSeconds: 10, repetitions: 5, cpu: 8 };
        const { wrk } = probeSettings(base, {
            host: "127.0.0.1", test: "TCP_RR", controlPort: 12865, dataPort: 12866, requestSize: 1, responseSize: 1,
            durationSeconds: 30, warmupSeconds: 10, repetitions: 5,
        });
        const env = Object.fromEntries(Object.entries(wrkEnvironment(wrk)).map(([k, v]) => [k, String(v)]));
        const run = await runScript("loadtest/scripts/wrk-client.sh", { ...env, MESHBENCH_DURATION_SECONDS: "1" });
        return `${run.stdout}MESHBENCH-KUBECTL exit=${run.exitCode}\n${NETPERF_REFUSED}`;
    } finally {
        await server.close();
    }
}
