// The runner's resource reads against the fake cluster: which pods it reads for each mesh,
// the kubelets read as each wrk repetition begins and ends (real captures served in turn),
// and every mesh's results carrying the section, unmeasured with the reason when the
// kubelets cannot be read.
import * as assert from "assert";
import { MESHES } from "../../meshes";
import { none } from "../../meshes/none";
import type { Mesh } from "../../meshes/types";
import { runBenchmark } from "../../runner/run";
import { RepetitionReader, resourceTargetPods } from "../../runner/resource-reads";
import { listPods } from "../../shared/kube-api";
import { FakeKube, fakePodName, type FakePod } from "../helpers/fake-kube";
import { fixture } from "../helpers/mocks";
import { execKeys, healthyCluster, PLAN } from "../helpers/runner-plan";

const CLIENTS = ["wrk-client", "netperf-client"];
const SERVERS = ["http-server", "netperf-server"];
const agent = (name: string, node: string, labels: Record<string, string>, namespace = "istio-system"): FakePod =>
    ({ name, namespace, labels, node, containers: [{ name: "agent", image: "", imageId: "" }] });

/** The real node-1 captures, relabelled as the fake's http-server pod (its container is nginx there too). */
const asHttpServer = (name: string) => fixture(`kubelet/${name}`).replace(/namespace="default",pod="nginx"/g, `namespace="meshbench",pod="${fakePodName("http-server")}"`);

describe("runner: resource reads", () => {
    it("reads the benchmark pods, the node agents on the client and server nodes only, and the control plane", async () => {
        const cluster = healthyCluster();
        const kube = new FakeKube({
            ...cluster,
            pods: [...cluster.pods, agent("ztunnel-a", "worker-1", { app: "ztunnel" }), agent("ztunnel-b", "worker-2", { app: "ztunnel" }),
                agent("ztunnel-c", "control-plane", { app: "ztunnel" }), agent("istiod-1", "control-plane", { app: "istiod" })],
        });
        const ambient = MESHES["istio-ambient"]!.resourceTargets(PLAN.meshContext);
        const pods = await resourceTargetPods(kube, ambient, await listPods(kube, "meshbench"), CLIENTS, SERVERS);
        const where = pods.map((p) => `${p.group} ${p.node} ${p.pod || "-"}${p.missing ? `: ${p.missing}` : ""}`);
        assert.deepStrictEqual(where.filter((w) => !w.startsWith("bench")), [
            "clientNodeAgents worker-2 ztunnel-b",
            "serverNodeAgents worker-1 ztunnel-a",
            "clientNodeAgents worker-2 -: no running istio-cni (istio-system, k8s-app=istio-cni-node) pod on worker-2",
            "serverNodeAgents worker-1 -: no running istio-cni (istio-system, k8s-app=istio-cni-node) pod on worker-1",
            "controlPlane control-plane istiod-1",
        ]);
        assert.strictEqual(where.filter((w) => w.startsWith("bench")).length, 4);
    });

    it("reads every node as each wrk repetition begins and ends, and takes nginx's use from the real captures", async () => {
        const node = (n: string) => `/api/v1/nodes/${n}/proxy/metrics/resource`;
        const [before, after] = [asHttpServer("resource-node-1-before.txt"), asHttpServer("resource-node-1-after.txt")];
        const kube = new FakeKube({ ...healthyCluster(), get: { [node("worker-1")]: { sequence: [before, before, after, after] }, [node("worker-2")]: { status: 503 } } });
        const results = await runBenchmark(PLAN, kube, none, { sleep: async () => undefined });
        assert.strictEqual(results.status, "ok", results.reasons.join("; "));
        // One read before the load (its caches and connections warm, its answer unused); then, two repetitions back to
        // back: a read as the first begins, one as it ends and the second begins, one as that ends; for wrk, then
        // netperf TCP_RR, then TCP_CRR.
        const reads = (n: string) => kube.calls.filter((c) => c === `GET ${node(n)}`).length;
        assert.deepStrictEqual([reads("worker-1"), reads("worker-2")], [1 + 3 * 3, 1 + 3 * 3]);
        assert.ok(kube.calls.indexOf(`GET ${node("worker-1")}`) < kube.calls.indexOf(`EXEC ${execKeys.wrk}`), "the first read comes before wrk");
        const r = results.resources;
        assert.strictEqual(r.repetitions.length, 2);
        const nginx = r.repetitions[0].containers.find((c) => c.container === "nginx")!;
        assert.strictEqual(nginx.cpuCores, 0.6473);
        assert.strictEqual(nginx.memoryBytes, 4505600);
        // The client node's kubelet answered 503: its containers are unmeasured, so the data plane has no CPU per 1,000 requests.
        const wrk = r.repetitions[0].containers.find((c) => c.container === "wrk")!;
        assert.strictEqual(wrk.cpuCores, undefined);
        assert.match(wrk.unmeasured!, /^before the repetition: GET \/api\/v1\/nodes\/worker-2\/proxy\/metrics\/resource: HTTP 503/);
        assert.strictEqual(r.repetitions[0].dataPlaneCpuPer1kRequests, undefined);
        assert.strictEqual(r.status, "unmeasured");
        assert.deepStrictEqual(r.median.groups, {});
        // TCP_CRR's reads came from the same fake kubelet, after wrk's: its sequence's last page, so no new sample.
        assert.match(results.netperfCrr.resources!.repetitions[0].containers.find((c) => c.container === "nginx")!.unmeasured!, /^no new CPU sample/);
    });

    it("shares one read between a repetition's end and the next one's start when it begins at once, and reads anew after a pause", async () => {
        const path = "/api/v1/nodes/worker-1/proxy/metrics/resource";
        const pages = ["before.txt", "after.txt"].map((f) => asHttpServer(`resource-node-1-${f}`));
        const kube = new FakeKube({ ...healthyCluster(), get: { [path]: { sequence: [pages[0], pages[1], pages[0], pages[1]] } } });
        let clockMs = Date.UTC(2026, 0, 1);
        const reader = new RepetitionReader(kube, ["worker-1"], () => new Date(clockMs));
        const say = (line: string, afterMs = 0) => { clockMs += afterMs; reader.watch(`${line}\n`); };
        // Split mid-line: the watcher acts on whole lines only.
        reader.watch("MESHBENCH-BEGIN run=warm");
        say("up");
        say("MESHBENCH-END run=warmup exit=0", 1000);
        say("MESHBENCH-BEGIN run=1", 5);
        say("MESHBENCH-END run=1 exit=0", 5000);
        say("MESHBENCH-BEGIN run=2", 5);
        say("MESHBENCH-END run=2 exit=0", 5000);
        say("MESHBENCH-BEGIN run=3", 1500);
        say("MESHBENCH-END run=3 exit=0", 5000);
        const reps = await reader.done();
        assert.deepStrictEqual(reps.map((r) => r.repetition), [1, 2, 3]);
        // The warm-up's end is 1's start; 1 and 2 share the read between them; 3 began 1.5 s after 2 ended: a read of its own.
        assert.strictEqual(kube.calls.filter((c) => c === `GET ${path}`).length, 5);
        assert.strictEqual(reps[1].before, reps[0].after);
        assert.notStrictEqual(reps[2].before, reps[1].after);
        assert.deepStrictEqual(reps[1].measured, { start: "2026-01-01T00:00:06.010Z", end: "2026-01-01T00:00:11.010Z" });
    });

    for (const mesh of Object.values(MESHES).filter((m): m is Mesh => m !== undefined)) {
        it(`gives ${mesh.name}'s results the section, unmeasured with the reason when no kubelet answers, and the run's numbers untouched`, async () => {
            const results = await runBenchmark(PLAN, new FakeKube(healthyCluster()), mesh, { sleep: async () => undefined });
            assert.strictEqual(results.wrk.rps!.median, 32877.07);
            assert.strictEqual(results.resources.status, "unmeasured");
            assert.strictEqual(results.resources.repetitions.length, 2);
            assert.match(results.resources.reason!, /container reads unmeasured, e\.g\. repetition 1: /);
            // netperf's tests carry their own, read around their own repetitions.
            for (const [test, section] of [["TCP_RR", results.netperf.resources!], ["TCP_CRR", results.netperfCrr.resources!]] as const) {
                assert.deepStrictEqual([section.status, section.repetitions.length], ["unmeasured", 2], test);
                assert.match(section.source, new RegExp(`as each netperf ${test} repetition begins and ends$`));
            }
            const containers = results.resources.repetitions[0].containers;
            assert.ok(containers.every((c) => c.unmeasured && c.cpuCores === undefined && c.memoryBytes === undefined));
            const targets = mesh.resourceTargets(PLAN.meshContext);
            // A mesh with a control plane finds none running in the fake: said so, not read as zero.
            assert.strictEqual(containers.filter((c) => c.group === "controlPlane").length, targets.controlPlane.length);
        });
    }
});
