// A plan and a healthy fake cluster of mesh none, shared by the runner's tests.
import type { BenchmarkPlan } from "../../runner/run";
import { clusterFromFacts, fakePodName, printed, probeSessions, type ExecAnswer, type FakeCluster } from "./fake-kube";
import { fixture } from "./mocks";

export const PLAN: BenchmarkPlan = {
    inputs: {
        mesh: "none", mtlsRequested: false, target: "kubeconfig", runId: "1",
        wrk: { url: "http://http-server.meshbench.svc.cluster.local:80/", threads: 2, connections: 2, durationSeconds: 2, warmupSeconds: 1, repetitions: 2, cpu: 2, responseBytes: 10 },
        netperf: {
            host: "netperf-server.meshbench.svc.cluster.local", test: "TCP_RR", controlPort: 12865, dataPort: 12866,
            requestSize: 1, responseSize: 1, durationSeconds: 30, warmupSeconds: 10, repetitions: 2,
        },
        // The rates and repetitions of test/fixtures/fortio/held-session.txt.
        openLoop: {
            url: "http://http-server.meshbench.svc.cluster.local:80/", capacityRps: 400, fractions: [0.25, 0.5], rates: [100, 200],
            connections: 4, durationSeconds: 5, warmupSeconds: 1, repetitions: 2,
        },
        requestedKubernetesVersion: undefined,
        pins: [], images: { httpServerImage: "nginx:1.27.4-alpine" }, fairness: { dataPlane: "none" },
        cluster: { kubeContext: "kind-meshbench" },
    },
    meshContext: { mtls: false, target: "kubeconfig", benchNamespace: "meshbench" },
};

const PROBE = `meshbench-probe/${fakePodName("plaintext-probe")}`;
export const execKeys = {
    probeHttp: `${PROBE} -c wrk sh /meshbench/wrk-client.sh`,
    probeNetperf: `${PROBE} -c netperf sh /meshbench/netperf-client.sh`,
    wrk: `meshbench/${fakePodName("wrk-client")} -c wrk env MESHBENCH_REPETITIONS=2 sh /meshbench/wrk-client.sh`,
    netperf: `meshbench/${fakePodName("netperf-client")} -c netperf env MESHBENCH_REPETITIONS=2 sh /meshbench/netperf-client.sh`,
    netperfCrr: `meshbench/${fakePodName("netperf-client")} -c netperf env MESHBENCH_REPETITIONS=2 MESHBENCH_NETPERF_TEST=TCP_CRR sh /meshbench/netperf-client.sh`,
    openLoop: `meshbench/${fakePodName("wrk-client")} -c wrk env MESHBENCH_URL=http://http-server.meshbench.svc.cluster.local:80/ ` +
        "MESHBENCH_FORTIO_RATES=100,200 MESHBENCH_FORTIO_CONNECTIONS=4 MESHBENCH_DURATION_SECONDS=5 MESHBENCH_WARMUP_SECONDS=1 " +
        "MESHBENCH_REPETITIONS=2 MESHBENCH_RUN_TIMEOUT_SECONDS=125 sh /meshbench/fortio-client.sh",
};

/** A healthy cluster of mesh none: the facts fixture's pods and nodes, the probe pod, the captured sessions. */
export function healthyCluster(overrides: Partial<Record<keyof typeof execKeys, ExecAnswer>> = {}, facts = fixture("cluster-facts.txt")): FakeCluster {
    const { pods, nodes } = clusterFromFacts(facts);
    const probe = probeSessions(fixture("probe-plaintext-accepted.txt"));
    return {
        pods: [...pods, {
            name: fakePodName("plaintext-probe"), namespace: "meshbench-probe", labels: { "app.kubernetes.io/name": "plaintext-probe" },
            node: "worker-2", containers: [{ name: "wrk", image: "", imageId: "" }, { name: "netperf", image: "", imageId: "" }],
        }],
        nodes,
        exec: {
            [execKeys.probeHttp]: overrides.probeHttp ?? printed(probe.http),
            [execKeys.probeNetperf]: overrides.probeNetperf ?? printed(probe.netperf),
            [execKeys.wrk]: overrides.wrk ?? printed(fixture("wrk-client-session.txt")),
            [execKeys.netperf]: overrides.netperf ?? printed(fixture("netperf/tcp-rr-session.txt")),
            [execKeys.netperfCrr]: overrides.netperfCrr ?? printed(fixture("netperf/tcp-crr-session.txt")),
            [execKeys.openLoop]: overrides.openLoop ?? printed(fixture("fortio/held-session.txt")),
        },
    };
}

