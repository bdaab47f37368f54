// The sweep on cluster stacks (targets vms and eks): per lane, a cluster stack up before
// the first setup that needs it (and a CNI-less one for Cilium), each setup referencing it,
// the residue check against the recorded clean state after each destroy, the cluster stacks
// destroyed after their last setup, or kept with --keep; interrupts and resume.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SweepControl, type StackBackend } from "../../sweep/backend";
import { clusterRawConfig, laneClusterStacks, onClusterRawConfig } from "../../sweep/cluster-stacks";
import { buildLanes } from "../../sweep/lanes";
import type { PlannedSetup } from "../../sweep/plan";
import type { SweepRecord } from "../../sweep/record";
import type { ClusterListing } from "../../sweep/residue";
import type { ResidueLister } from "../../sweep/residue-lister";
import { RunDirectory } from "../../sweep/run-directory";
import { runSweep } from "../../sweep/run";
import { parserInput, setupRawConfig, type ConfigEntry } from "../../sweep/stack-config";
import { configProblems } from "../helpers/config";
import { sweepSucceeded } from "../../sweep/summary";
import { buildFixtureRun } from "../fixtures/results/build";

const FIXTURES = buildFixtureRun();
const setup = (mesh: PlannedSetup["mesh"], mtls: boolean): PlannedSetup => ({ mesh, mtls, stack: `${mesh}-mtls-${mtls ? "on" : "off"}` });
const SETUPS = [setup("none", false), setup("istio", true), setup("cilium", true)];
const isCni = (mesh: string) => mesh === "cilium";

class FakeBackend implements StackBackend {
    readonly calls: string[] = [];
    readonly configs = new Map<string, Record<string, string>>();
    constructor(private readonly onUp: (stack: string, signal: AbortSignal) => Promise<void> = async () => undefined) {}
    async prepare(stack: string, config: readonly ConfigEntry[]) {
        this.calls.push(`prepare ${stack}`);
        this.configs.set(stack, Object.fromEntries(config.map((e) => [e.key, e.value])));
    }
    async up(stack: string, _out: (t: string) => void, signal: AbortSignal) {
        this.calls.push(`up ${stack}`);
        await this.onUp(stack, signal);
        if (stack.startsWith("cluster-")) return { kubeconfig: `kubeconfig of ${stack}`, cluster: { target: "vms" } };
        const results = FIXTURES[stack.replace(/-lane\d+$/, "")] ?? FIXTURES["istio-mtls-on"];
        return { results };
    }
    async destroy(stack: string) {
        this.calls.push(`destroy ${stack}`);
    }
}

const CLEAN: ClusterListing = { objects: [{ kind: "Namespace", name: "kube-system" }], cniConfig: { "server-1": ["10-flannel.conflist"] } };
const LEFT: ClusterListing = { objects: [...CLEAN.objects, { kind: "CustomResourceDefinition", name: "gateways.networking.istio.io" }], cniConfig: CLEAN.cniConfig };

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-clusters-")); });
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Options {
    readonly lanes?: number;
    readonly keep?: boolean;
    readonly setups?: PlannedSetup[];
    /** What the lister answers, by kubeconfig, call after call; default: always clean. */
    readonly listings?: (kubeconfig: string, call: number) => ClusterListing;
    readonly control?: SweepControl;
    readonly backend?: FakeBackend;
    readonly seed?: number;
}

async function sweep(o: Options = {}): Promise<{ record: SweepRecord; backend: FakeBackend; lines: string[]; listed: string[]; order: string[][] }> {
    const backend = o.backend ?? new FakeBackend();
    const lanes = buildLanes(o.setups ?? SETUPS, { lanes: o.lanes ?? 1, rounds: 1, seed: o.seed ?? 7 });
    const listed: string[] = [];
    const calls = new Map<string, number>();
    const lister = (kubeconfig: string): ResidueLister => ({
        list: async () => {
            listed.push(kubeconfig);
            backend.calls.push(`list ${kubeconfig.replace("kubeconfig of ", "")}`);
            const n = (calls.get(kubeconfig) ?? 0) + 1;
            calls.set(kubeconfig, n);
            return o.listings?.(kubeconfig, n) ?? CLEAN;
        },
    });
    const lines: string[] = [];
    let clock = Date.parse("2026-12-01T14:00:00Z");
    const record = await runSweep({
        runId: "r1", plan: { setups: o.setups ?? SETUPS, skipped: [] }, settings: { target: "vms", operatorCidr: "203.0.113.7/32", "aws:region": "us-east-1" },
        keep: o.keep ?? false, lanes: { lanes, rounds: 1, seed: o.seed ?? 7, parallel: false }, clusterStacks: { isCni },
    }, {
        backend, directory: new RunDirectory(path.join(tmp, "r1")), control: o.control ?? new SweepControl(),
        log: (l) => lines.push(l), now: () => new Date((clock += 1000)), lister,
    });
    return { record, backend, lines, listed, order: lanes.map((l) => l.order) };
}

describe("sweep on cluster stacks: planning", () => {
    it("gives each lane one cluster stack, and a CNI-less one only when a mesh is the CNI, with each one's last step", () => {
        const steps = buildLanes(SETUPS, { lanes: 2, rounds: 2, seed: 1 }).flatMap((l) => l.steps);
        const plan = laneClusterStacks(steps, isCni);
        assert.deepStrictEqual(plan.map((c) => c.cluster.stack).sort(), ["cluster-cni-lane1", "cluster-cni-lane2", "cluster-lane1", "cluster-lane2"]);
        for (const { cluster, lastStep } of plan) {
            const uses = steps.map((s, i) => ({ s, i })).filter(({ s }) => s.lane === cluster.lane && isCni(s.setup.mesh) === (cluster.kind === "mesh"));
            assert.strictEqual(lastStep, uses[uses.length - 1].i);
        }
        const noCilium = laneClusterStacks(buildLanes(SETUPS.slice(0, 2), { lanes: 1, rounds: 1, seed: 1 })[0].steps, isCni);
        assert.deepStrictEqual(noCilium.map((c) => c.cluster.stack), ["cluster-lane1"]);
    });

    it("a cluster stack's config drops the setup's keys and says its role; a setup's names its cluster stack", () => {
        assert.deepStrictEqual(clusterRawConfig("installed", {
            target: "vms", mesh: "istio", mtls: "true", runId: "r1", operatorCidr: "x", wrkThreads: "4", openLoopFractions: "none", wrkImage: "w",
        }),
            { target: "vms", operatorCidr: "x", role: "cluster" });
        assert.deepStrictEqual(clusterRawConfig("mesh", { target: "vms" }), { target: "vms", role: "cluster", clusterCni: "mesh" });
        assert.deepStrictEqual(onClusterRawConfig({ mesh: "istio" }, "cluster-lane1"), { mesh: "istio", role: "setup", clusterStack: "cluster-lane1" });
    });

    it("one --config with keys of every home gives a cluster stack and each setup a config its preview accepts", () => {
        const shared = {
            target: "vms", "aws:region": "us-east-1", operatorCidr: "203.0.113.7/32", kubernetesVersion: "1.29.1",
            serverInstanceType: "c6i.8xlarge", clientNodeCount: "2", availabilityZone: "us-east-1a", podCidr: "10.244.0.0/16",
            wrkThreads: "4", openLoopFractions: "none", wrkImage: "williamyeh/wrk:4.0.1",
        };
        for (const kind of ["installed", "mesh"] as const) {
            const { meshbench, context } = parserInput(clusterRawConfig(kind, shared));
            assert.deepStrictEqual(configProblems(meshbench, context), [], `cluster stack (${kind})`);
            assert.strictEqual(meshbench.serverInstanceType, "c6i.8xlarge");
        }
        for (const planned of SETUPS) {
            const { meshbench, context } = parserInput(onClusterRawConfig(setupRawConfig(planned, shared, "r1"), "cluster-lane1"));
            assert.deepStrictEqual(configProblems(meshbench, context), [], planned.stack);
            assert.strictEqual(meshbench.wrkThreads, "4");
            assert.strictEqual(meshbench.serverInstanceType, undefined, "the cluster stack decided it");
        }
    });
});

describe("sweep on cluster stacks: running", () => {
    it("ups the lane's cluster, records its clean state, runs each setup on it with a residue check, and destroys each cluster after its last setup", async () => {
        const { record, backend, order } = await sweep();
        const lane = order[0];
        // The order of clusters follows the lane's order: the CNI-less one comes up at Cilium's turn.
        const expected: string[] = [];
        const up = new Set<string>();
        const last = (kind: "cni" | "own") => Math.max(...lane.map((s, i) => ((s === "cilium-mtls-on") === (kind === "cni") ? i : -1)));
        lane.forEach((stack, i) => {
            const cluster = stack === "cilium-mtls-on" ? "cluster-cni-lane1" : "cluster-lane1";
            if (!up.has(cluster)) expected.push(`prepare ${cluster}`, `up ${cluster}`, `list ${cluster}`), up.add(cluster);
            expected.push(`prepare ${stack}`, `up ${stack}`, `destroy ${stack}`, `list ${cluster}`);
            if (i === last(stack === "cilium-mtls-on" ? "cni" : "own")) expected.push(`destroy ${cluster}`);
        });
        assert.deepStrictEqual(backend.calls, expected);
        assert.strictEqual(backend.configs.get("istio-mtls-on")!["meshbench:role"], "setup");
        assert.strictEqual(backend.configs.get("istio-mtls-on")!["meshbench:clusterStack"], "cluster-lane1");
        assert.strictEqual(backend.configs.get("cilium-mtls-on")!["meshbench:clusterStack"], "cluster-cni-lane1");
        assert.strictEqual(backend.configs.get("cluster-cni-lane1")!["meshbench:clusterCni"], "mesh");
        assert.strictEqual(backend.configs.get("cluster-lane1")!["meshbench:mesh"], undefined);
        assert.deepStrictEqual(record.clusters!.map((c) => [c.stack, c.state]), [["cluster-cni-lane1", "destroyed"], ["cluster-lane1", "destroyed"]]);
        assert.strictEqual(sweepSucceeded(record, lane), true);
    });

    it("fails the lane of a setup that leaves residue, with the list, runs none of its later setups, and still destroys its clusters", async () => {
        const setups = SETUPS.slice(0, 2);
        const { record, backend, order, lines } = await sweep({ setups, listings: (_k, n) => (n === 1 ? CLEAN : LEFT) });
        const [first, second] = order[0];
        assert.deepStrictEqual(record.setups.map((s) => [s.stack, s.outcome.kind, s.teardown.kind]),
            [[first, "measured", "residue"], [second, "not run", "not needed"]]);
        const torn = record.setups[0].teardown;
        assert.deepStrictEqual(torn, { kind: "residue", residue: ["left CustomResourceDefinition gateways.networking.istio.io"] });
        assert.deepStrictEqual(record.setups[1].outcome, { kind: "not run", reason: `${first} left residue on the cluster` });
        assert.strictEqual(backend.calls[backend.calls.length - 1], "destroy cluster-lane1");
        assert.ok(lines.some((l) => l.includes("RESIDUE: the cluster is not back in its clean state: left CustomResourceDefinition gateways.networking.istio.io")));
        assert.strictEqual(sweepSucceeded(record, order[0]), false);
    });

    it("runs lanes on clusters of their own: cluster-lane1 and cluster-lane2", async () => {
        const { backend } = await sweep({ setups: SETUPS.slice(0, 2), lanes: 2 });
        assert.deepStrictEqual(backend.calls.filter((c) => c.startsWith("up cluster")), ["up cluster-lane1", "up cluster-lane2"]);
        assert.strictEqual(backend.configs.get("istio-mtls-on-lane2")!["meshbench:clusterStack"], "cluster-lane2");
    });

    it("counts the money by the cluster stacks' own up time, creating and destroying them included", async () => {
        // Each Pulumi operation takes its time on a clock that nothing else moves.
        let clock = Date.parse("2026-12-01T14:00:00Z");
        const takes = (stack: string, op: "up" | "destroy") => (clock += 1000 * (stack.startsWith("cluster-") ? (op === "up" ? 600 : 400) : (op === "up" ? 300 : 60)));
        class TimedBackend extends FakeBackend {
            async up(stack: string, out: (t: string) => void, signal: AbortSignal) { takes(stack, "up"); return super.up(stack, out, signal); }
            async destroy(stack: string) { takes(stack, "destroy"); return super.destroy(stack); }
        }
        const setups = [setup("none", false), setup("istio", true)];
        const lines: string[] = [];
        await runSweep({
            runId: "r1", plan: { setups, skipped: [] }, settings: { target: "vms", operatorCidr: "203.0.113.7/32", "aws:region": "us-east-1" },
            keep: false, lanes: { lanes: buildLanes(setups, { lanes: 1, rounds: 1, seed: 7 }), rounds: 1, seed: 7, parallel: false }, clusterStacks: { isCni },
        }, {
            backend: new TimedBackend(), directory: new RunDirectory(path.join(tmp, "r1")), control: new SweepControl(),
            log: (l) => lines.push(l), now: () => new Date(clock), lister: () => ({ list: async () => CLEAN }), spent: (s) => (s / 3600) * 1.73,
        });
        // After the first setup the cluster has been up 600 + 300 + 60 s = 16 min: $0.46; the steps alone would not count
        // its 400 s destroy: in all 600 + 2 × 360 + 400 = 1720 s, $0.83, where the steps' 960 + 360 s would say $0.63.
        assert.match(lines.find((l) => l.includes("done in 16m 00s"))!, /about \$0\.46 spent so far/);
        assert.strictEqual(lines.at(-1), "sweep: about $0.83 spent in all (on-demand estimate: the cluster stacks were up 28m 40s in all, "
            + "creating and destroying them included)");
    });

    it("with --keep, leaves the cluster stacks up and records them as kept", async () => {
        const { record, backend } = await sweep({ setups: SETUPS.slice(0, 2), keep: true });
        assert.ok(!backend.calls.some((c) => c.startsWith("destroy")));
        assert.deepStrictEqual(record.clusters!.map((c) => [c.stack, c.state]), [["cluster-lane1", "kept"]]);
    });

    it("Ctrl-C during a setup tears down that setup, then the lane's cluster, and starts nothing else", async () => {
        const control = new SweepControl();
        let active: string[] = [];
        const backend = new FakeBackend(async (stack) => {
            if (!stack.startsWith("cluster-")) {
                active = [...control.activeStacks].sort();
                control.requestStop("interrupted (Ctrl-C)", false);
            }
        });
        const { record } = await sweep({ setups: SETUPS.slice(0, 2), control, backend });
        // What a second Ctrl-C would name as left up: the setup and its cluster stack; nothing once both are down.
        assert.deepStrictEqual(active, ["cluster-lane1", record.setups[0].stack].sort());
        assert.deepStrictEqual([...control.activeStacks], []);
        const first = record.setups[0].stack;
        assert.deepStrictEqual(backend.calls.slice(-3), [`destroy ${first}`, "list cluster-lane1", "destroy cluster-lane1"]);
        assert.strictEqual(record.setups[1].outcome.kind, "not run");
        assert.deepStrictEqual(record.clusters!.map((c) => c.state), ["destroyed"]);
    });

    it("Ctrl-C while the cluster comes up destroys the cluster stack and runs no setup", async () => {
        const control = new SweepControl();
        const backend = new FakeBackend(async (stack) => {
            if (stack.startsWith("cluster-")) {
                control.requestStop("interrupted (Ctrl-C)", false);
                throw new Error("error: update canceled");
            }
        });
        const { record } = await sweep({ setups: SETUPS.slice(0, 2), control, backend });
        assert.deepStrictEqual(backend.calls, ["prepare cluster-lane1", "up cluster-lane1", "destroy cluster-lane1"]);
        assert.deepStrictEqual(record.setups.map((s) => s.outcome.kind), ["failed", "not run"]);
        assert.match((record.setups[0].outcome as { reason: string }).reason, /^cluster stack cluster-lane1 failed to come up: error: update canceled$/);
    });

    it("resumes: setups with saved results are skipped, the cluster stack is upped again, and the recorded clean state is kept", async () => {
        const setups = SETUPS.slice(0, 2);
        const control = new SweepControl();
        let ups = 0;
        const first = new FakeBackend(async (stack) => {
            if (!stack.startsWith("cluster-") && ++ups === 2) throw new Error("error: killed");
        });
        // First sweep: the second setup fails; with --keep, so that the cluster stays as an interrupted run leaves it.
        await sweep({ setups, backend: first, keep: true, control });
        const again = await sweep({ setups, listings: (_k, n) => (n === 1 ? LEFT : LEFT) });
        // The clean state came from the first sweep: a new listing is not taken as clean (LEFT would then compare as clean).
        assert.deepStrictEqual(again.backend.calls.filter((c) => c.startsWith("list")), ["list cluster-lane1"]);
        const [done, failed] = again.order[0];
        assert.ok(again.lines.some((l) => l.includes(`${done} (lane 1, round 1): results already saved`)));
        assert.ok(again.lines.some((l) => l.includes("cluster stack cluster-lane1: up again (recorded as up by an earlier sweep of this run)")));
        assert.deepStrictEqual(again.backend.calls, ["prepare cluster-lane1", "up cluster-lane1", `prepare ${failed}`, `up ${failed}`,
            `destroy ${failed}`, "list cluster-lane1", "destroy cluster-lane1"]);
        assert.strictEqual(again.record.setups.find((s) => s.stack === failed)!.teardown.kind, "residue");
    });
});
