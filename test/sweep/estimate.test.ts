import * as assert from "assert";
import { parseConfig } from "../../config";
import { loadSeconds, OVERHEAD_MINUTES, PRICES, sweepEstimate } from "../../sweep/estimate";

const AWS = { operatorCidr: "203.0.113.7/32" };
const estimate = (raw: Record<string, string>, setups = 5, keep = false, awsRegion = "us-east-1") => {
    const config = parseConfig({ mesh: "none", ...raw }, { awsRegion });
    return sweepEstimate({ cluster: config.cluster, load: config.load, setups, keep, today: "2026-12-01" });
};

describe("sweep estimate (rough)", () => {
    it("prices the default vms cluster from the table, as a range over the step durations", () => {
        const e = estimate({ target: "vms", ...AWS });
        assert.strictEqual(e.paid, true);
        // Load: 2 × 10 s warm-up + 5 × (30 + 30) s = 320 s; 14–22 min besides, per setup.
        assert.strictEqual(loadSeconds(parseConfig({ target: "kubeconfig", mesh: "none" }).load), 320);
        const perHour = PRICES.instancePerHour["c6i.2xlarge"] + 2 * PRICES.instancePerHour["c6i.4xlarge"] + 3 * PRICES.perNodeExtras;
        assert.strictEqual(perHour.toFixed(2), "1.73");
        const minutes = OVERHEAD_MINUTES.vms.map((m) => (m + 320 / 60) * 5);
        assert.deepStrictEqual(e.lines.slice(1, 3), [
            "  time: 5 setup(s) × 19–27 min ≈ 1.6–2.3 h, each setup on a fresh vms cluster of 3 nodes",
            `  cost: about $1.73/h while a cluster is up → about $${((minutes[0] / 60) * perHour).toFixed(2)}–$${((minutes[1] / 60) * perHour).toFixed(2)} on demand`,
        ]);
        assert.match(e.lines[0], /^estimate \(rough: from a small table, not a quote; issue 16 brings the real one\):$/);
        assert.match(e.lines.join("\n"), /prices: us-east-1 on-demand, November 2026, AWS's published rates as quoted by third parties, not checked/);
    });

    it("adds the EKS fee of the version's support on the day, and says which", () => {
        const extended = estimate({ target: "eks", ...AWS });
        assert.match(extended.lines[2], /with the EKS fee of \$0\.60\/h, extended support for 1\.32\)/);
        const standard = estimate({ target: "eks", kubernetesVersion: "1.34", ...AWS });
        assert.match(standard.lines[2], /with the EKS fee of \$0\.10\/h, standard support for 1\.34\)/);
    });

    it("estimates no cost for an instance type the table lacks, rather than guess", () => {
        const e = estimate({ target: "vms", ...AWS, clientInstanceType: "m7i.4xlarge" });
        assert.deepStrictEqual([e.paid, e.lines[2]], [true,
            "  cost: not estimated: no price for m7i.4xlarge in this table; see https://aws.amazon.com/ec2/pricing/on-demand/"]);
    });

    it("warns that other regions cost more, and that kept stacks go on costing", () => {
        const e = estimate({ target: "vms", ...AWS }, 1, true, "eu-west-1");
        assert.ok(e.lines.includes("  --keep: each stack kept up goes on costing about $1.73/h until it is destroyed"));
        assert.match(e.lines.join("\n"), /; eu-west-1 usually costs more$/m);
    });

    it("asks nothing on an existing cluster, which costs meshbench nothing", () => {
        const e = estimate({ target: "kubeconfig" }, 2);
        assert.deepStrictEqual([e.paid, e.lines.slice(1)], [false, [
            "  time: 2 setup(s) × 7–10 min ≈ 15–21 min on your cluster (load 5 min per setup, the rest installs and teardown)",
            "  cost: none from meshbench (the cluster is yours)"]]);
    });
});
