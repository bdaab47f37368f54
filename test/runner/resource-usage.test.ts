// The kubelet's /metrics/resource, parsed from real captures of the testbed's kubelet
// v1.29.1 (test/fixtures/kubelet/, capture.sh): nginx on node-1 read before and after
// 30 s of wrk from node-2, and the section's numbers from those two reads.
import * as assert from "assert";
import { resourceRepetition, type TargetPod } from "../../runner/resource-cost";
import { parseResourceMetrics, type NodeResourceSample } from "../../runner/resource-usage";
import { fixture } from "../helpers/mocks";

const page = (name: string): NodeResourceSample => {
    const parsed = parseResourceMetrics(fixture(`kubelet/${name}`));
    if (typeof parsed === "string") assert.fail(parsed);
    return parsed;
};
const nginx = (s: NodeResourceSample) => s.containers.find((c) => c.pod === "nginx" && c.container === "nginx")!;

describe("kubelet resource metrics", () => {
    it("reads each container's CPU and working set with the sample's own timestamp", () => {
        const before = page("resource-node-1-before.txt");
        assert.deepStrictEqual(before.containers, [{
            namespace: "default", pod: "nginx", container: "nginx",
            cpu: { seconds: 0.020757179, atMs: 1796169489759 }, memory: { bytes: 2535424, atMs: 1796169489759 },
        }]);
        assert.deepStrictEqual(before.nodeCpu, { seconds: 17401.079730028, atMs: 1796169483231 });
        // The sample is 146 ms after the capture asked (capture-times.txt: 23:58:09.613).
        assert.strictEqual(new Date(nginx(before).cpu!.atMs).toISOString(), "2026-12-01T23:58:09.759Z");
        assert.deepStrictEqual(page("resource-node-2-after.txt").containers.map((c) => `${c.pod}/${c.container}`), ["wrk/wrk"]);
    });

    it("shows the testbed's samples taken when asked: ten reads a second apart, ten timestamps, one idle counter", () => {
        const lines = fixture("kubelet/resource-node-1-poll.txt").split("\n").filter((l) => l.includes('pod="nginx"'));
        const samples = lines.map((l) => l.split(" ").map(Number)).map(([, value, at]) => ({ value, at }));
        assert.strictEqual(samples.length, 10);
        assert.strictEqual(new Set(samples.map((s) => s.at)).size, 10);
        // wrk had ended: nginx's counter stays put while the timestamps move on.
        assert.strictEqual(new Set(samples.map((s) => s.value)).size, 1);
    });

    it("says a page is not the resource metrics: the cAdvisor page names no container of a pod", () => {
        assert.match(parseResourceMetrics(fixture("kubelet/cadvisor-node-1.txt")) as string,
            /^no container_cpu_usage_seconds_total or node_cpu_usage_seconds_total sample in the page: # HELP /);
        assert.strictEqual(parseResourceMetrics(""), "no container_cpu_usage_seconds_total or node_cpu_usage_seconds_total sample in the page: (empty)");
    });

    it("gives nginx's cores under wrk and its working set from the two real reads", () => {
        const target: TargetPod = { group: "bench", node: "node-1", namespace: "default", pod: "nginx", containers: ["nginx"] };
        const r = resourceRepetition({ targets: [target], repetitions: [] }, {
            repetition: 1,
            // capture-times.txt: before the first read, after the second.
            measured: { start: "2026-12-01T23:58:09.613Z", end: "2026-12-01T23:58:40.115Z" },
            before: { "node-1": page("resource-node-1-before.txt") },
            after: { "node-1": page("resource-node-1-after.txt") },
        // wrk-output.txt: 687451 requests in 30.09s.
        }, { requests: 687451, durationSeconds: 30.09 });
        const c = r.containers[0];
        // (19.661620315 − 0.020757179) core-s over (1796169520102 − 1796169489759) ms.
        assert.strictEqual(c.cpuCores, 0.6473);
        assert.strictEqual(c.memoryBytes, 4505600);
        assert.deepStrictEqual(c.window, { start: "2026-12-01T23:58:09.759Z", end: "2026-12-01T23:58:40.102Z" });
        assert.ok(r.windowCoverage! > 0.99, String(r.windowCoverage));
        // 0.6473 cores × 30.09 s / 687.451 thousand requests.
        assert.strictEqual(r.dataPlaneCpuPer1kRequests, 0.02833);
    });
});
