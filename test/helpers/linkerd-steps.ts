// What mesh linkerd's steps see: the evidence read through KubeApi from a fake cluster that
// serves the proxy metrics fixtures (test/fixtures/linkerd), and the plaintext probe's wrk
// client script run with the
// real wrk against a local server that answers as Linkerd's proxy does to an
// unauthenticated request under all-authenticated (HTTP 403, connection kept).
import { linkerdEvidence } from "../../meshes/linkerd-evidence";
import { wrkEnvironment } from "../../loadtest/clients";
import type { WrkSettings } from "../../loadtest/results";
import { probeSettings } from "../../verify/probe";
import type { EvidenceReading } from "../../meshes/types";
import { FakeKube, fakePodName, type FakeCluster } from "./fake-kube";
import { runScript, startHttpServer } from "./shell";

export const CTX = { mtls: true, target: "kubeconfig" as const, benchNamespace: "meshbench" };

export const PODS = { "http-server": "http-server-6d4cf56db6-x2x9q", "netperf-server": "netperf-server-7c9b8d5f4-k8p2m" } as const;

export const metricsPath = (pod: string) => `/api/v1/namespaces/meshbench/pods/${pod}:4191/proxy/metrics`;
type Metrics = { "http-server"?: string; "netperf-server"?: string };
const metricsGet = (metrics: Metrics, podOf: (app: keyof typeof PODS) => string) => Object.fromEntries((Object.keys(PODS) as (keyof typeof PODS)[])
    .map((app) => [metricsPath(podOf(app)), { fixture: metrics[app] ?? `linkerd/proxy-metrics-${app}.txt` }]));

/** A healthy cluster: both pods running, each proxy's metrics from its fixture. */
export function clusterAnswers(metrics: Metrics = {}): FakeCluster {
    return {
        pods: (Object.keys(PODS) as (keyof typeof PODS)[]).map((app) => ({
            name: PODS[app], namespace: "meshbench", labels: { "app.kubernetes.io/name": app }, node: "worker-1", containers: [],
        })),
        nodes: [],
        get: metricsGet(metrics, (app) => PODS[app]),
    };
}

/** What the evidence reads from the mocks' fake cluster, whose pods are named by fakePodName. */
export const programEvidence = (metrics: Metrics = {}) => ({ get: metricsGet(metrics, fakePodName) });

/** Linkerd's evidence read from a fake cluster, and what it asked for. */
export async function runEvidence(cluster: FakeCluster): Promise<{ reading: EvidenceReading; calls: string[] }> {
    const kube = new FakeKube(cluster);
    return { reading: await linkerdEvidence.read(kube, CTX), calls: kube.calls };
}

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
        const base: WrkSettings = { url: server.url, threads: 8, connections: 8, durationSeconds: 30, warmupSeconds: 10, repetitions: 5, cpu: 8, responseBytes: 10 };
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
