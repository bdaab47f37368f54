// The resource section from kubelet reads: rates over the samples' own timestamps, groups
// summed only when every container has numbers, CPU per 1,000 requests and memory per
// proxy, and every way a read fails ending unmeasured with its reason, never zero.
import * as assert from "assert";
import { resourceRepetition, resourceResult, type RepetitionReads, type ResourceReads, type TargetPod } from "../../runner/resource-cost";
import type { ContainerSample } from "../../runner/resource-usage";
import { netperfResult } from "../../runner/assemble";
import { crrSettings } from "../../loadtest/run-settings";
import { fixture } from "../helpers/mocks";
import { PLAN } from "../helpers/runner-plan";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const bench = (pod: string, node: string, containers: string[]): TargetPod => ({ group: "bench", node, namespace: "meshbench", pod, containers });
const TARGETS: TargetPod[] = [
    bench("http-server-1", "worker-1", ["nginx", "istio-proxy"]),
    bench("wrk-client-1", "worker-2", ["wrk", "istio-proxy"]),
    { group: "serverNodeAgents", node: "worker-1", namespace: "istio-system", pod: "ztunnel-a", containers: ["istio-proxy"] },
    { group: "clientNodeAgents", node: "worker-2", namespace: "istio-system", pod: "ztunnel-b", containers: ["istio-proxy"] },
    { group: "controlPlane", node: "worker-3", namespace: "istio-system", pod: "istiod-1", containers: ["discovery"] },
];

/** A sample of each target container: `cpu` core-seconds so far and `mib` of working set, sampled at second `s`. */
function read(s: number, cpu: (pod: string, container: string) => number, targets = TARGETS): RepetitionReads["before"] {
    const mib = 50;
    const byNode: Record<string, ContainerSample[]> = {};
    for (const t of targets) {
        for (const c of t.containers) {
            (byNode[t.node] ??= []).push({ namespace: t.namespace, pod: t.pod, container: c,
                cpu: { seconds: cpu(t.pod, c), atMs: T0 + s * 1000 }, memory: { bytes: mib * 1048576, atMs: T0 + s * 1000 } });
        }
    }
    return Object.fromEntries(Object.entries(byNode).map(([n, containers]) => [n, { containers }]));
}

// Every container used 0.5 cores from second -4 to second 26; the repetition ran from 0 to 30.
const rep: RepetitionReads = {
    repetition: 1, measured: { start: at(0), end: at(30) },
    before: read(-4, () => 10), after: read(26, () => 10 + 0.5 * 30),
};
const reads = (repetitions: RepetitionReads[], targets = TARGETS): ResourceReads => ({ targets, sidecar: "istio-proxy", repetitions });

describe("resource cost", () => {
    it("takes each container's cores over its two samples' own timestamps and its working set at the end", () => {
        const r = resourceRepetition(reads([rep]), rep, { requests: 30_000, durationSeconds: 30 });
        const nginx = r.containers.find((c) => c.container === "nginx")!;
        assert.deepStrictEqual(nginx, {
            group: "apps", node: "worker-1", namespace: "meshbench", pod: "http-server-1", container: "nginx",
            cpuCores: 0.5, memoryBytes: 50 * 1048576, window: { start: at(-4), end: at(26) },
        });
        // The windows start 4 s early and end 4 s short: 26 of the repetition's 30 s.
        assert.strictEqual(r.windowCoverage, 26 / 30);
    });

    it("puts the sidecar among the proxies, the rest of a benchmark pod among the apps, and sums each group", () => {
        const r = resourceRepetition(reads([rep]), rep, { requests: 30_000, durationSeconds: 30 });
        assert.deepStrictEqual(r.groups, {
            apps: { containers: 2, cpuCores: 1, memoryBytes: 100 * 1048576 },
            proxies: { containers: 2, cpuCores: 1, memoryBytes: 100 * 1048576 },
            clientNodeAgents: { containers: 1, cpuCores: 0.5, memoryBytes: 50 * 1048576 },
            serverNodeAgents: { containers: 1, cpuCores: 0.5, memoryBytes: 50 * 1048576 },
            controlPlane: { containers: 1, cpuCores: 0.5, memoryBytes: 50 * 1048576 },
        });
        // Data plane: 3 cores for the 30 s that made 30,000 requests = 90 core-seconds per 30 thousand.
        assert.strictEqual(r.dataPlaneCpuPer1kRequests, 3);
        assert.strictEqual(r.memoryPerSidecarBytes, 50 * 1048576);
        // Each node carries one agent here.
        assert.strictEqual(r.memoryPerNodeAgentsBytes, 50 * 1048576);
    });

    it("marks a container unmeasured when its kubelet has no new sample, and then gives its group no sum", () => {
        const stale: RepetitionReads = { ...rep, after: { ...rep.after, "worker-1": rep.before["worker-1"] } };
        const r = resourceRepetition(reads([stale]), stale, { requests: 30_000, durationSeconds: 30 });
        const nginx = r.containers.find((c) => c.container === "nginx")!;
        assert.strictEqual(nginx.cpuCores, undefined);
        assert.strictEqual(nginx.memoryBytes, undefined);
        assert.match(nginx.unmeasured!, /^no new CPU sample between the reads \(both at 2026-01-01T11:59:56.000Z\)/);
        assert.deepStrictEqual(r.groups.apps, { containers: 2 });
        assert.strictEqual(r.dataPlaneCpuPer1kRequests, undefined);
        // The other node's containers still have numbers.
        assert.strictEqual(r.containers.find((c) => c.container === "wrk")!.cpuCores, 0.5);
    });

    it("marks a container unmeasured when its samples span under half its repetition (a read answered late), by durations, not clocks", () => {
        // Seen on the real tier: the read asked as a 5 s repetition began was answered as it ended, 0.143 s before the read after it.
        const late: RepetitionReads = { repetition: 2, measured: { start: at(0), end: at(5.1) }, before: read(5.05, () => 10), after: read(5.193, () => 10) };
        const r = resourceRepetition(reads([late]), late, { requests: 300_000, durationSeconds: 5 });
        const nginx = r.containers.find((c) => c.container === "nginx")!;
        assert.strictEqual(nginx.cpuCores, undefined);
        assert.strictEqual(nginx.unmeasured, "its samples are 0.14 s apart, under half of the 5.10 s repetition "
            + "(2026-01-01T12:00:05.050Z to 2026-01-01T12:00:05.193Z): a read was answered late, so they would not give the repetition's rate");
        assert.strictEqual(r.dataPlaneCpuPer1kRequests, undefined);

        // The kubelet's clock an hour off the runner's changes nothing: only the lengths are compared.
        const skewed = (reps: RepetitionReads): RepetitionReads => ({ ...reps, measured: { start: at(3600), end: at(3630) } });
        // cAdvisor's worst case: the sample before is fresh, the one after 15 s old: half of a 30 s repetition, still measured.
        const stale: RepetitionReads = { ...rep, before: read(0, () => 10), after: read(15, () => 10 + 0.5 * 15) };
        assert.strictEqual(resourceRepetition(reads([skewed(stale)]), skewed(stale), { requests: 30_000, durationSeconds: 30 })
            .containers.find((c) => c.container === "nginx")!.cpuCores, 0.5);

        // Markers that arrived together (0.2 s apart) do not make a short window look whole: wrk's own 30 s counts.
        const bunched: RepetitionReads = { ...rep, measured: { start: at(29.8), end: at(30) }, before: read(29.8, () => 10), after: read(30, () => 10.1) };
        assert.match(resourceRepetition(reads([bunched]), bunched, { requests: 30_000, durationSeconds: 30 })
            .containers.find((c) => c.container === "nginx")!.unmeasured!, /^its samples are 0\.20 s apart, under half of the 30\.00 s repetition/);
    });

    it("marks a node that could not be read, a restarted container and a missing agent, each with its reason", () => {
        const failed: RepetitionReads = {
            ...rep,
            before: { ...rep.before, "worker-2": "GET /api/v1/nodes/worker-2/proxy/metrics/resource: HTTP 503: error" },
            after: read(26, (pod) => pod === "istiod-1" ? 1 : 25),
        };
        const missing: TargetPod = { group: "serverNodeAgents", node: "worker-1", namespace: "istio-system", pod: "", containers: [], missing: "no running istio-cni pod on worker-1" };
        const result = resourceResult(reads([failed], [...TARGETS, missing]), [{ requests: 30_000, durationSeconds: 30 }]);
        const r = result.repetitions[0];
        const reason = (pod: string, container = "") => r.containers.find((c) => c.pod === pod && c.container === container)?.unmeasured;
        assert.strictEqual(reason("wrk-client-1", "wrk"), "before the repetition: GET /api/v1/nodes/worker-2/proxy/metrics/resource: HTTP 503: error");
        assert.strictEqual(reason("istiod-1", "discovery"), "its CPU counter went back: the container restarted");
        assert.strictEqual(reason(""), "no running istio-cni pod on worker-1");
        assert.strictEqual(result.status, "unmeasured");
        assert.match(result.reason!, /^5 container reads unmeasured, e\.g\. repetition 1: meshbench\/wrk-client-1 wrk: before the repetition: GET /);
        assert.deepStrictEqual(result.median.groups, {});
        assert.strictEqual(result.median.dataPlaneCpuPer1kRequests, undefined);
    });

    it("takes medians over the repetitions that have the number, and is partial when some lack it", () => {
        const second: RepetitionReads = { repetition: 2, measured: { start: at(30), end: at(60) }, before: read(26, () => 25), after: read(56, () => 25 + 30) };
        const third: RepetitionReads = { repetition: 3, measured: { start: at(60), end: at(90) }, before: read(56, () => 55), after: read(56, () => 55) };
        const result = resourceResult(reads([rep, second, third]), [30_000, 20_000, 30_000].map((requests) => ({ requests, durationSeconds: 30 })));
        assert.strictEqual(result.status, "partial");
        assert.deepStrictEqual(result.repetitions.map((r) => r.dataPlaneCpuPer1kRequests), [3, 9, undefined]);
        assert.strictEqual(result.median.dataPlaneCpuPer1kRequests, 6);
        assert.deepStrictEqual(result.median.groups.apps, { cpuCores: 1.5, memoryBytes: 100 * 1048576 });
    });

    it("has no proxy memory and a CPU per 1,000 requests of the apps alone for a mesh without proxies", () => {
        const plain = TARGETS.slice(0, 2).map((t) => ({ ...t, containers: [t.containers[0]] }));
        const plainRep = { ...rep, before: read(-4, () => 10, plain), after: read(26, () => 25, plain) };
        const result = resourceResult({ targets: plain, repetitions: [plainRep] }, [{ requests: 30_000, durationSeconds: 30 }]);
        const r = result.repetitions[0];
        assert.strictEqual(result.status, "measured");
        assert.deepStrictEqual(r.groups.proxies, { containers: 0 });
        assert.strictEqual(r.memoryPerSidecarBytes, undefined);
        assert.strictEqual(r.memoryPerNodeAgentsBytes, undefined);
        assert.strictEqual(r.dataPlaneCpuPer1kRequests, 1);
    });

    it("is unmeasured, with the reason, when nothing could be read", () => {
        assert.deepStrictEqual(resourceResult({ failure: "the pods to read could not be listed: HTTP 403", targets: [], repetitions: [] }, []), {
            status: "unmeasured", reason: "the pods to read could not be listed: HTTP 403",
            source: "kubelet /metrics/resource (cAdvisor) through the API server's node proxy, read as each wrk repetition begins and ends",
            repetitions: [], median: { groups: {} },
        });
        assert.strictEqual(resourceResult(reads([]), undefined).reason, "no wrk repetition began and ended");
    });

    it("gives netperf's tests CPU per 1,000 transactions: TCP_CRR's per 1,000 connections, each with its handshake", () => {
        const server: TargetPod[] = [bench("netperf-server-1", "worker-1", ["netperf"])];
        // 0.5 cores over each 30 s repetition of the real TCP_CRR capture (24,818.609 and 21,766.269 transactions/s).
        const reps: RepetitionReads[] = [0, 1].map((i) => ({ repetition: i + 1, measured: { start: at(30 * i), end: at(30 * i + 30) },
            before: read(30 * i, () => 10 + 15 * i, server), after: read(30 * i + 30, () => 25 + 15 * i, server) }));
        const settings = crrSettings(PLAN.inputs.netperf);
        const step = { outcome: { exitCode: 0, stdout: fixture("netperf/tcp-crr-session.txt"), stderr: "" }, measured: { start: at(0), end: at(60) } };
        const result = netperfResult(step, settings, { targets: server, repetitions: reps });
        assert.strictEqual(result.status, "ok");
        // 0.5 × 30 core-seconds ÷ (24,818.609 × 30 ÷ 1,000) = 0.02015; and ÷ (21,766.269 × 30 ÷ 1,000) = 0.02297.
        assert.deepStrictEqual(result.resources!.repetitions.map((r) => r.dataPlaneCpuPer1kRequests), [0.02015, 0.02297]);
        assert.strictEqual(result.resources!.source, "kubelet /metrics/resource (cAdvisor) through the API server's node proxy, "
            + "read as each netperf TCP_CRR repetition begins and ends");
    });
});
