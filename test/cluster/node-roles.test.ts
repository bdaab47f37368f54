import * as assert from "assert";
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { NODE_ROLES, nodeLabelsFlag, roleLabels, rolePlacement, roleTaints, wellKnownLabels } from "../../cluster/node-roles";

/** Whether a toleration lets a pod onto a node with this taint (the scheduler's rule, for Equal and Exists). */
const tolerates = (t: Toleration, taint: Taint): boolean =>
    (t.effect === undefined || t.effect === taint.effect) &&
    (t.operator === "Exists" ? t.key === undefined || t.key === taint.key : t.key === taint.key && t.value === taint.value);
const admits = (placement: { tolerations?: readonly Toleration[] }, role: (typeof NODE_ROLES)[number]) =>
    roleTaints(role).every((taint) => placement.tolerations?.some((t) => tolerates(t, taint)) ?? false);
const selects = (placement: { nodeSelector?: Readonly<Record<string, string>> }, role: (typeof NODE_ROLES)[number]) =>
    Object.entries(placement.nodeSelector ?? {}).every(([k, v]) => roleLabels(role)[k] === v);

describe("node roles", () => {
    it("sends servers only to server nodes and clients only to client nodes", () => {
        for (const side of ["server", "client"] as const) {
            const placement = rolePlacement(side);
            for (const role of NODE_ROLES) {
                assert.strictEqual(selects(placement, role) && admits(placement, role), role === side, `${side} pod on ${role} node`);
            }
        }
    });

    it("keeps pods that ask for nothing (mesh control planes, CoreDNS, the provisioner) off server and client nodes", () => {
        const plain = {};
        assert.deepStrictEqual(NODE_ROLES.filter((role) => admits(plain, role)), ["system"]);
    });

    it("lets DaemonSets that tolerate every NoSchedule taint run on every node", () => {
        const daemonSet = { tolerations: [{ operator: "Exists", effect: "NoSchedule" }] };
        assert.deepStrictEqual(NODE_ROLES.filter((role) => admits(daemonSet, role)), [...NODE_ROLES]);
    });

    it("renders the kubelet's node labels sorted, as key=value pairs", () => {
        assert.strictEqual(nodeLabelsFlag({ ...roleLabels("server"), ...wellKnownLabels("c6i.4xlarge", "us-east-1a", "us-east-1") }),
            "meshbench.io/role=server,node.kubernetes.io/instance-type=c6i.4xlarge,topology.kubernetes.io/region=us-east-1,topology.kubernetes.io/zone=us-east-1a");
    });
});
