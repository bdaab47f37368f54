import * as assert from "assert";
import { clusterFacts, placementProblem } from "../../loadtest/facts";
import { listPods, nodeFacts } from "../../shared/kube-api";
import { clusterFromFacts, FakeKube } from "../helpers/fake-kube";
import { fixture } from "../helpers/mocks";

const cluster = clusterFromFacts(fixture("cluster-facts.txt"));
const SERVERS = ["http-server", "netperf-server"];
const CLIENTS = ["wrk-client", "netperf-client"];

describe("cluster facts", () => {
    let facts: ReturnType<typeof clusterFacts>;
    before(async () => {
        facts = clusterFacts(await listPods(new FakeKube({ ...cluster }), "meshbench"), cluster.nodes);
    });

    it("reads each pod's node and the image digests it ran", () => {
        assert.deepStrictEqual(facts.pods.find((p) => p.app === "wrk-client"), {
            app: "wrk-client", node: "worker-2",
            containers: [{ name: "wrk", image: "williamyeh/wrk:4.0.2", imageId: `docker.io/williamyeh/wrk@sha256:${"c".repeat(64)}` }],
        });
    });

    it("reads each node's versions, OS, instance type and zone", () => {
        assert.deepStrictEqual(facts.nodes[1], {
            name: "worker-1", kubeletVersion: "v1.29.1", kernelVersion: "5.15.0-1051-aws", osImage: "Ubuntu 22.04.4 LTS",
            containerRuntime: "containerd://1.7.12", instanceType: "c6i.4xlarge", zone: "us-east-1a",
        });
        assert.strictEqual(nodeFacts({ metadata: { name: "kind-worker", labels: { "node.kubernetes.io/instance-type": "" } } }).instanceType,
            undefined, "a node without the label has no instance type, not an empty one");
    });

    it("accepts clients and servers on different nodes", () => {
        assert.strictEqual(placementProblem(facts, SERVERS, CLIENTS), undefined);
    });

    it("refuses a client on a server's node", () => {
        const shared = { ...facts, pods: facts.pods.map((p) => (p.app === "netperf-client" ? { ...p, node: "worker-1" } : p)) };
        assert.strictEqual(placementProblem(shared, SERVERS, CLIENTS),
            "netperf-client ran on worker-1, the node of http-server: clients and servers must not share a node");
    });

    it("refuses a missing or unscheduled pod", () => {
        const missing = { ...facts, pods: facts.pods.filter((p) => p.app !== "http-server") };
        assert.strictEqual(placementProblem(missing, SERVERS, CLIENTS), "expected one scheduled http-server pod, found 0");
        const pending = { ...facts, pods: facts.pods.map((p) => (p.app === "wrk-client" ? { ...p, node: "" } : p)) };
        assert.strictEqual(placementProblem(pending, SERVERS, CLIENTS), "expected one scheduled wrk-client pod, found 1");
    });
});
