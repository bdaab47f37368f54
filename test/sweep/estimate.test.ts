// The cost and time estimate, against arithmetic done by hand from the tables.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../../config";
import { figures, GOAL, loadSeconds, PRICES, STEP_MINUTES, sweepEstimate, type SweepShape } from "../../sweep/estimate";

const AWS = { operatorCidr: "203.0.113.7/32" };
const PAPER: SweepShape = { setups: 5, lanes: 3, rounds: 1 };
const estimate = (raw: Record<string, string>, shape: SweepShape = { setups: 5, lanes: 1, rounds: 1 }, keep = false, awsRegion = "us-east-1", parallel = shape.lanes > 1) => {
    const config = parseConfig({ mesh: "none", ...raw }, { awsRegion });
    return sweepEstimate({ cluster: config.cluster, load: config.load, shape, parallel, keep, today: "2026-12-01" });
};
/** The default cluster: c6i.2xlarge + 2 × c6i.4xlarge, each with its volume and address. */
const PER_HOUR = PRICES.instancePerHour["c6i.2xlarge"] + 2 * PRICES.instancePerHour["c6i.4xlarge"] + 3 * PRICES.perNodeExtras;
const near = (actual: readonly number[], expected: readonly number[], what: string) =>
    assert.ok(actual.every((a, i) => Math.abs(a - expected[i]) < 0.01), `${what}: ${actual.join("–")}, expected ${expected.join("–")}`);

describe("sweep estimate", () => {
    it("has a dated price table with its source and a note to check it", () => {
        assert.strictEqual(PRICES.asOf, "November 2026");
        assert.match(PRICES.source, /not checked against https:\/\/aws\.amazon\.com\/ec2\/pricing\/on-demand\//);
        assert.strictEqual(PER_HOUR.toFixed(4), "1.7315");
        assert.match(estimate({ target: "vms", ...AWS }).lines.join("\n"),
            /prices: us-east-1 on-demand, November 2026, .*; check them there before relying on the total$/m);
    });

    it("prices the paper's five setups × 3 lanes on today's design: a cluster per step, one after the other", () => {
        // Load: 6 × 10 s warm-up (wrk, TCP_RR, TCP_CRR, fortio at 3 rates) + 5 × (30 + 2 × 30 + 3 × 30) s = 960 s.
        // Per step: cluster 12–19 + setup 2–3 + 16 min.
        assert.strictEqual(loadSeconds(parseConfig({ target: "kubeconfig", mesh: "none" }).load), 960);
        // One repetition: 60 + 180 = 240 s; and without the open-loop step: 3 × 10 + 30 + 60 = 120 s.
        assert.strictEqual(loadSeconds(parseConfig({ target: "kubeconfig", mesh: "none", repetitions: "1" }).load), 240);
        assert.strictEqual(loadSeconds(parseConfig({ target: "kubeconfig", mesh: "none", repetitions: "1", openLoopFractions: "none" }).load), 120);
        const f = figures({ clusterPer: "step", parallel: false }, "vms", 960 / 60, PAPER, 3, PER_HOUR);
        near(f.wallMinutes, [15 * (12 + 2 + 960 / 60), 15 * (19 + 3 + 960 / 60)], "wall"); // 450–570 min
        near(f.instanceHours, [3 * 450 / 60, 3 * 570 / 60], "instance-hours");
        near(f.dollars!, [(450 / 60) * PER_HOUR, (570 / 60) * PER_HOUR], "dollars"); // $12.99–$16.45
        assert.ok(f.wallMinutes[0] > GOAL.wallMinutes && f.dollars![0] > GOAL.dollars, "today's design misses the goal");
        // Side by side (the default with lanes): a third of the wall, the same clusters and money.
        const side = figures({ clusterPer: "step", parallel: true }, "vms", 960 / 60, PAPER, 3, PER_HOUR);
        near(side.wallMinutes, [450 / 3, 570 / 3], "wall, lanes side by side");
        near(side.dollars!, f.dollars!, "dollars, lanes side by side");
    });

    it("prices the issue's design: a cluster per lane, lanes side by side; and what reaches the goal", () => {
        const f = figures({ clusterPer: "lane", parallel: true }, "vms", 960 / 60, PAPER, 3, PER_HOUR);
        // One lane: 12–19 + 5 × (2–3 + 16) = 102–114 min; three clusters that long.
        near(f.wallMinutes, [12 + 5 * (2 + 960 / 60), 19 + 5 * (3 + 960 / 60)], "wall");
        near(f.dollars!, [3 * (f.wallMinutes[0] / 60) * PER_HOUR, 3 * (f.wallMinutes[1] / 60) * PER_HOUR], "dollars"); // $4.21–$5.25
        assert.ok(f.wallMinutes[0] > GOAL.wallMinutes, "5 repetitions per run miss 45 min even in parallel");
        // Each run counts once anyway, so one repetition per run: 240 s of load. 42–54 min, $3.64–$4.68: over 45 min at the high end.
        const one = figures({ clusterPer: "lane", parallel: true }, "vms", 240 / 60, PAPER, 3, PER_HOUR);
        near(one.wallMinutes, [12 + 5 * (2 + 240 / 60), 19 + 5 * (3 + 240 / 60)], "wall, 1 repetition");
        assert.ok(one.wallMinutes[1] > GOAL.wallMinutes && one.dollars![1] <= GOAL.dollars, `${one.wallMinutes} min, $${one.dollars}`);
        near(one.dollars!, [3.64, 4.68], "dollars, 1 repetition (README)");
        // Without the open-loop step as well: 120 s. 32–44 min, $2.77–$3.81: the goal.
        const closed = figures({ clusterPer: "lane", parallel: true }, "vms", 120 / 60, PAPER, 3, PER_HOUR);
        near(closed.wallMinutes, [12 + 5 * (2 + 120 / 60), 19 + 5 * (3 + 120 / 60)], "wall, 1 repetition, no open loop");
        assert.ok(closed.wallMinutes[1] <= GOAL.wallMinutes && closed.dollars![1] <= GOAL.dollars, `${closed.wallMinutes} min, $${closed.dollars}`);
        near(closed.dollars!, [2.77, 3.81], "dollars, 1 repetition, no open loop (README)");
        // With Istio and Kuma mTLS off added: seven setups a lane (README, "mTLS off in the default plan").
        const seven = figures({ clusterPer: "lane", parallel: true }, "vms", 120 / 60, { ...PAPER, setups: 7 }, 3, PER_HOUR);
        near(seven.wallMinutes.map(Math.round), [40, 54], "wall, seven setups");
        near(seven.dollars!, [3.46, 4.68], "dollars, seven setups");
        const sevenToday = figures({ clusterPer: "step", parallel: false }, "vms", 960 / 60, { ...PAPER, setups: 7 }, 3, PER_HOUR);
        near(sevenToday.wallMinutes.map((m) => Math.round(m / 6) / 10), [10.5, 13.3], "hours, seven setups today");
        near(sevenToday.dollars!.map((d) => Math.round(d * 10) / 10), [18.2, 23.0], "dollars, seven setups today");
    });

    it("prints the plan's shape, the built design and the spending rate; and counts the money a running sweep spent", () => {
        const e = estimate({ target: "vms", ...AWS }, PAPER);
        assert.strictEqual(e.paid, true);
        assert.deepStrictEqual(e.lines.slice(0, 5), [
            "estimate (from a table of prices and step durations, not a quote):",
            "  plan: 3 lane(s) × 1 round(s) × 5 setup(s) = 15 step(s); load 16.0 min per step",
            "  each cluster: 3 nodes (c6i.2xlarge, c6i.4xlarge, c6i.4xlarge), about $1.73/h",
            "  this sweep (a cluster per lane, lanes side by side; 3 cluster stack(s)): 1.7–1.9 h wall, 15.3–17.1 instance-hours, $8.83–$9.87 on demand",
            "  at once: 120 vCPUs of EC2's standard on-demand quota (new accounts often have less; --serial runs one lane at a time)",
        ]);
        assert.match(estimate({ target: "vms", ...AWS }, PAPER, false, "us-east-1", false).lines[3],
            /^ {2}this sweep \(a cluster per lane, lanes one after the other; 3 cluster stack\(s\)\): 5\.1–5\.7 h wall, /);
        assert.strictEqual(e.spent!(3600).toFixed(4), PER_HOUR.toFixed(4));
        assert.strictEqual(e.spent!(0), 0);
    });

    it("adds the EKS fee of the version's support on the day, and says which", () => {
        assert.match(estimate({ target: "eks", ...AWS }).lines[2], /with the EKS fee of \$0\.60\/h, extended support for 1\.32$/);
        assert.match(estimate({ target: "eks", kubernetesVersion: "1.34", ...AWS }).lines[2], /with the EKS fee of \$0\.10\/h, standard support for 1\.34$/);
        assert.deepStrictEqual(STEP_MINUTES.cluster.eks, [24, 32]);
    });

    it("adds a second cluster stack per lane when the plan has a mesh that is the CNI: its create and destroy, and its hours", () => {
        // Six setups a lane, Cilium one of them, 1 repetition: 2 × (12–19) + 6 × (2–3 + 4) = 60–80 min a lane.
        const shape: SweepShape = { setups: 6, lanes: 3, rounds: 1, cniSetups: 1 };
        const f = figures({ clusterPer: "lane", parallel: true }, "vms", 240 / 60, shape, 3, PER_HOUR);
        near(f.wallMinutes, [2 * 12 + 6 * (2 + 240 / 60), 2 * 19 + 6 * (3 + 240 / 60)], "wall");
        // Low: each cluster up only for its own create, destroy and steps; high: both up for the lane's whole time.
        near(f.dollars!, [3 * ((2 * 12 + 6 * (2 + 240 / 60)) / 60) * PER_HOUR, 3 * 2 * ((2 * 19 + 6 * (3 + 240 / 60)) / 60) * PER_HOUR], "dollars");
        const e = estimate({ target: "vms", ...AWS, repetitions: "1" }, shape);
        assert.match(e.lines[3], /; 6 cluster stack\(s\)\): 60–80 min wall, /);
        assert.ok(e.lines.includes("  at once: 240 vCPUs of EC2's standard on-demand quota (new accounts often have less; --serial runs one lane at a time)"));
        // Only Cilium: its cluster is the lane's one cluster.
        near(figures({ clusterPer: "lane", parallel: true }, "vms", 240 / 60, { setups: 1, lanes: 1, rounds: 1, cniSetups: 1 }, 3).wallMinutes,
            [12 + 2 + 240 / 60, 19 + 3 + 240 / 60], "wall, Cilium alone");
    });

    it("estimates no cost for an instance type the table lacks, rather than guess, and counts no money", () => {
        const e = estimate({ target: "vms", ...AWS, clientInstanceType: "m7i.4xlarge" });
        assert.ok(e.lines.includes("  cost: not estimated: no price for m7i.4xlarge in this table; see https://aws.amazon.com/ec2/pricing/on-demand/"));
        assert.strictEqual(e.spent, undefined);
        assert.strictEqual(e.figures.dollars, undefined);
    });

    it("warns that other regions cost more, and that kept stacks go on costing", () => {
        const e = estimate({ target: "vms", ...AWS }, { setups: 1, lanes: 1, rounds: 1 }, true, "eu-west-1");
        assert.ok(e.lines.includes("  --keep: each cluster stack kept up goes on costing about $1.73/h until it is destroyed"));
        assert.match(e.lines.join("\n"), /; eu-west-1 usually costs more$/m);
    });

    it("asks nothing on an existing cluster, which costs meshbench nothing, and counts rounds", () => {
        const e = estimate({ target: "kubeconfig" }, { setups: 2, lanes: 1, rounds: 3 });
        // 6 steps × (2–5 + 16) min = 108–126 min.
        assert.deepStrictEqual([e.paid, e.spent, e.lines.slice(1)], [false, undefined, [
            "  plan: 1 lane(s) × 3 round(s) × 2 setup(s) = 6 step(s); load 16.0 min per step",
            "  time: 1.8–2.1 h on your cluster (2–5 min per step installing and removing the mesh)",
            "  cost: none from meshbench (the cluster is yours)"]]);
    });

    it("the README's table states the figures this module computes", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
        const table = readme.slice(readme.indexOf("| design | wall | cost |"), readme.indexOf("**Lanes and rounds.**"));
        const minutes = (f: { wallMinutes: readonly number[] }) => `**${Math.round(f.wallMinutes[0])}–${Math.round(f.wallMinutes[1])} min**`;
        const hours = (f: { wallMinutes: readonly number[] }) => `**${(f.wallMinutes[0] / 60).toFixed(1)}–${(f.wallMinutes[1] / 60).toFixed(1)} h**`;
        const dollars = (f: { dollars?: readonly number[] }) => `**$${f.dollars![0].toFixed(2)}–$${f.dollars![1].toFixed(2)}**`;
        const lane = (parallel: boolean, loadSeconds: number, lanes: number) =>
            figures({ clusterPer: "lane", parallel }, "vms", loadSeconds / 60, { ...PAPER, lanes }, 3, PER_HOUR);
        const rows = [
            [minutes(lane(true, 960, 1)), dollars(lane(true, 960, 1))], // the defaults
            [dollars(lane(true, 960, 3))],
            [minutes(lane(true, 240, 3)), dollars(lane(true, 240, 3))],
            [minutes(lane(true, 120, 3)), dollars(lane(true, 120, 3))],
            [hours(lane(false, 960, 3))],
            [minutes(figures({ clusterPer: "step", parallel: true }, "vms", 960 / 60, PAPER, 3, PER_HOUR)),
                dollars(figures({ clusterPer: "step", parallel: true }, "vms", 960 / 60, PAPER, 3, PER_HOUR))],
        ];
        const lines = table.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| design"));
        assert.strictEqual(lines.length, rows.length, table);
        rows.forEach((expected, i) => expected.forEach((figure) => assert.ok(lines[i].includes(figure), `row ${i + 1} lacks ${figure}: ${lines[i]}`)));
        // The goal's line: the paper's five × 3 at one repetition.
        assert.ok(readme.includes(`${minutes(lane(true, 120, 3)).replace(/\*\*$/, "")}, ${dollars(lane(true, 120, 3)).replace(/^\*\*/, "")}`));
    });
});
