import * as assert from "assert";
import { parseNodeReading, reportNodes, runningVersions, runtimeProblems, type PlannedNode } from "../../cluster/node-report";
import { expectedContainerRuntime } from "../../cluster/vms/node-scripts";
import { KUBEADM_RELEASES } from "../../cluster/versions";
import { VMS_STEP_STDOUT } from "../helpers/cloud-mocks";

const planned: PlannedNode[] = ["control-plane", "server-1", "client-1"].map((name, i) => ({
    name, role: ["system", "server", "client"][i], instanceType: i === 0 ? "c6i.2xlarge" : "c6i.4xlarge",
    availabilityZone: "us-east-1a", amiId: "ami-0c7217cdde317cfec",
}));
const fallback = { amiId: "ami-0c7217cdde317cfec", availabilityZone: "us-east-1a" };

describe("node report", () => {
    it("joins each planned node with what it reports", () => {
        const { nodes, problems } = reportNodes(parseNodeReading(VMS_STEP_STDOUT["node-facts"]), planned, fallback);
        assert.deepStrictEqual(problems, []);
        assert.deepStrictEqual(nodes[1], {
            ...planned[1], kernelVersion: "6.5.0-1014-aws", kubeletVersion: "v1.29.1", osImage: "Ubuntu 22.04.4 LTS", containerRuntime: "containerd://1.7.34",
        });
        assert.deepStrictEqual(runningVersions(nodes), ["v1.29.1"]);
    });

    it("names each node that runs another container runtime than the pinned containerd", () => {
        const expected = expectedContainerRuntime(KUBEADM_RELEASES["1.29"].containerd);
        assert.strictEqual(expected, "containerd://1.7.34");
        const { nodes } = reportNodes(parseNodeReading(VMS_STEP_STDOUT["node-facts"]), planned, fallback);
        assert.deepStrictEqual(runtimeProblems(nodes, expected), []);
        const drifted = nodes.map((n, i) => (i === 2 ? { ...n, containerRuntime: "containerd://2.2.1" } : n));
        assert.deepStrictEqual(runtimeProblems(drifted, expected), ["node client-1 runs containerd://2.2.1, not the pinned containerd://1.7.34"]);
        assert.deepStrictEqual(runtimeProblems([planned[0]], expected), [], "a node that could not be read is reported elsewhere");
        assert.deepStrictEqual(runtimeProblems([{ ...nodes[0], containerRuntime: "containerd://v1.7.34" }], expected), [], "the same version, spelt with a v");
    });

    it("reports a node that never joined, without facts it could not give", () => {
        const reading = parseNodeReading("NODE control-plane|v1.29.1|6.5.0-1014-aws|Ubuntu 22.04.4 LTS|containerd://1.7.12|c6i.2xlarge|us-east-1a|system\nMESHBENCH-KUBECTL exit=0\n");
        const { nodes, problems } = reportNodes(reading, planned, fallback);
        assert.deepStrictEqual(problems, ["node server-1 is not in the cluster", "node client-1 is not in the cluster"]);
        assert.deepStrictEqual(nodes[2], planned[2]);
    });

    it("says why the nodes could not be read", () => {
        const reading = parseNodeReading("Unable to connect to the server: dial tcp 198.51.100.10:6443: i/o timeout\nMESHBENCH-KUBECTL exit=1\n");
        assert.deepStrictEqual(reading, { nodes: [], problem: "reading nodes: kubectl exited with 1: Unable to connect to the server: dial tcp 198.51.100.10:6443: i/o timeout" });
        assert.deepStrictEqual(reportNodes(reading, planned, fallback).problems, [reading.problem]);
        assert.deepStrictEqual(parseNodeReading(""), { nodes: [], problem: "reading nodes: kubectl printed nothing" });
        assert.deepStrictEqual(runningVersions(reportNodes(reading, planned, fallback).nodes), [], "no version is made up");
    });

    it("reports nodes nobody named in advance from their labels", () => {
        const reading = parseNodeReading("NODE ip-10-20-3-4.ec2.internal|v1.32.3|6.8.0-1021-aws|Ubuntu 22.04.5 LTS|containerd://1.7.24|c6i.4xlarge|us-east-1b|server\nMESHBENCH-KUBECTL exit=0\n");
        assert.deepStrictEqual(reportNodes(reading, [], fallback).nodes, [{
            name: "ip-10-20-3-4.ec2.internal", role: "server", instanceType: "c6i.4xlarge", availabilityZone: "us-east-1b",
            amiId: "ami-0c7217cdde317cfec", kernelVersion: "6.8.0-1021-aws", kubeletVersion: "v1.32.3", osImage: "Ubuntu 22.04.5 LTS",
            containerRuntime: "containerd://1.7.24",
        }]);
    });
});
