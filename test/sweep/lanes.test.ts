// Lanes and rounds: orders from a seed, the baseline in every lane, resume in the middle
// of a lane, and the names results and stacks get. The backend is a fake that records calls.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseResultsName } from "../../report/results-name";
import { SweepControl, type StackBackend } from "../../sweep/backend";
import { buildLanes, laneStack, permutation, resultsNameOf, seedOf, withBaseline, type LaneOptions } from "../../sweep/lanes";
import { parseSweepArgs } from "../../sweep/options";
import type { PlannedSetup } from "../../sweep/plan";
import { preflightProblems } from "../../sweep/preflight";
import { RunDirectory } from "../../sweep/run-directory";
import { laneProgress, runSweep } from "../../sweep/run";
import { buildFixtureRun } from "../fixtures/results/build";

const FIXTURES = buildFixtureRun();
const setup = (stack: string): PlannedSetup => {
    const [mesh, , mode] = stack.split("-");
    return { mesh: mesh as PlannedSetup["mesh"], mtls: mode === "on", stack };
};
const PAPER = ["none-mtls-off", "istio-mtls-on", "linkerd-mtls-on", "consul-mtls-on", "kuma-mtls-on"].map(setup);

describe("sweep lanes", () => {
    it("draws each lane's order from the seed: the same seed the same orders, lanes apart, and these orders for seed 42", () => {
        const options: LaneOptions = { lanes: 3, rounds: 1, seed: 42 };
        const lanes = buildLanes(PAPER, options);
        assert.deepStrictEqual(buildLanes(PAPER, options), lanes);
        // Pinned: a recorded seed must keep meaning the same orders in later versions.
        assert.deepStrictEqual(lanes.map((l) => l.order), [
            ["kuma-mtls-on", "istio-mtls-on", "linkerd-mtls-on", "none-mtls-off", "consul-mtls-on"],
            ["consul-mtls-on", "linkerd-mtls-on", "istio-mtls-on", "none-mtls-off", "kuma-mtls-on"],
            ["linkerd-mtls-on", "istio-mtls-on", "kuma-mtls-on", "consul-mtls-on", "none-mtls-off"],
        ]);
        assert.notDeepStrictEqual(lanes[0].order, lanes[1].order);
        assert.notDeepStrictEqual(buildLanes(PAPER, { ...options, seed: 43 }).map((l) => l.order), lanes.map((l) => l.order));
        for (const l of lanes) assert.deepStrictEqual([...l.order].sort(), PAPER.map((s) => s.stack).sort(), `lane ${l.lane} runs every setup once`);
    });

    it("spreads the first slot evenly over seeds, so that no setup is always first", () => {
        const first = new Map<string, number>();
        for (let seed = 0; seed < 2000; seed++) {
            const s = permutation(PAPER, seed, 1)[0].stack;
            first.set(s, (first.get(s) ?? 0) + 1);
        }
        for (const [s, n] of first) assert.ok(n > 320 && n < 480, `${s} first ${n} times in 2000`);
    });

    it("puts the baseline in every lane, adding it when a paired sweep's plan lacks it", () => {
        const meshes = PAPER.slice(1);
        const added = withBaseline(meshes, { lanes: 2, rounds: 1, seed: 1 });
        assert.strictEqual(added.added, true);
        for (const l of buildLanes(added.setups, { lanes: 2, rounds: 1, seed: 1 })) assert.ok(l.order.includes("none-mtls-off"), `lane ${l.lane}`);
        assert.deepStrictEqual(withBaseline(meshes, { lanes: 1, rounds: 1, seed: 1 }), { setups: meshes, added: false }, "one lane, one round: as asked");
        assert.strictEqual(withBaseline(PAPER, { lanes: 3, rounds: 2, seed: 1 }).added, false);
    });

    it("repeats a lane's order in each round, and names stacks per lane and results per lane and round", () => {
        const options = { lanes: 2, rounds: 2, seed: 7 };
        const [one, two] = buildLanes(PAPER.slice(0, 2), options);
        assert.deepStrictEqual(one.steps.map((s) => [s.round, s.setup.stack]), [1, 2].flatMap((r) => one.order.map((o) => [r, o])));
        assert.deepStrictEqual(two.steps.map((s) => s.stack), [...two.order, ...two.order].map((o) => `${o}-lane2`));
        assert.strictEqual(two.steps[3].resultsName, `${two.order[1]}.lane2.round2`);
        assert.strictEqual(laneStack("istio-mtls-on", 1, { lanes: 1, rounds: 3, seed: 0 }), "istio-mtls-on", "one lane keeps the setup's stack");
        assert.strictEqual(resultsNameOf("istio-mtls-on", 1, 1, { lanes: 1, rounds: 1, seed: 0 }), "istio-mtls-on");
        // What the sweep writes, the report reads (the two may not import each other).
        assert.deepStrictEqual(parseResultsName(`${resultsNameOf("istio-mtls-on", 3, 2, options)}.json`), { stack: "istio-mtls-on", lane: 3, round: 2 });
        assert.deepStrictEqual(parseResultsName(`${resultsNameOf("istio-mtls-on", 1, 1, { lanes: 1, rounds: 1, seed: 0 })}.json`), { stack: "istio-mtls-on", lane: 1, round: 1 });
    });

    it("derives a seed from the run id when none is given", () => {
        assert.strictEqual(seedOf("20260115-143200"), seedOf("20260115-143200"));
        assert.notStrictEqual(seedOf("20260115-143200"), seedOf("20260115-143201"));
        assert.ok(Number.isInteger(seedOf("r1")) && seedOf("r1") >= 0 && seedOf("r1") <= 0xffffffff);
    });

    it("prints each lane's progress with its ETA from the lane's own steps", () => {
        const now = new Date("2026-01-15T14:00:00Z");
        assert.strictEqual(laneProgress(2, 1, 5, [600], now), "lane 2: 1/5 done, ETA 14:40 UTC (40m 00s more)");
        assert.strictEqual(laneProgress(2, 0, 5, [], now), "lane 2: 0/5 done, ETA unknown until a setup has run");
        assert.strictEqual(laneProgress(2, 5, 5, [600], now), "lane 2: 5/5 done");
    });
});

describe("sweep lanes: options and preflight", () => {
    it("parses --lanes, --rounds and --seed, and refuses values out of range naming the option", () => {
        const o = parseSweepArgs(["--lanes", "3", "--rounds", "2", "--seed", "42"]);
        assert.deepStrictEqual([o.lanes, o.rounds, o.seed], [3, 2, 42]);
        assert.deepStrictEqual([parseSweepArgs([]).lanes, parseSweepArgs([]).rounds, parseSweepArgs([]).seed], [1, 1, undefined]);
        for (const [argv, message] of [
            [["--lanes", "0"], '--lanes: got "0"; allowed: an integer from 1 to 10'],
            [["--rounds", "1.5"], '--rounds: got "1.5"; allowed: an integer from 1 to 10'],
            [["--seed", "-1"], '--seed: got "-1"; allowed: an integer from 0 to 4294967295'],
            [["--seed", "4294967296"], '--seed: got "4294967296"; allowed: an integer from 0 to 4294967295'],
        ] as const) {
            assert.throws(() => parseSweepArgs([...argv]), (e: Error) => e.message === message, argv.join(" "));
        }
    });

    it("refuses to resume with other lanes, rounds or seed", () => {
        const plan = { setups: PAPER.slice(0, 1), skipped: [] };
        const earlier = { runId: "r1", settings: { target: "kubeconfig" }, startedAt: "", updatedAt: "", finished: false, setups: [], skipped: [],
            lanes: { lanes: 1, rounds: 2, seed: 5, orders: [["none-mtls-off"]] } };
        const problems = preflightProblems({ runId: "r1", plan, settings: { target: "kubeconfig" }, keep: false, earlier, lanes: { lanes: 1, rounds: 2, seed: 6 } });
        assert.deepStrictEqual(problems, ["run r1 was swept with --lanes 1 --rounds 2 --seed 5; this sweep has --lanes 1 --rounds 2 --seed 6. "
            + "Resume with the same, or start a new run without --run-id"]);
        assert.deepStrictEqual(preflightProblems({ runId: "r1", plan, settings: { target: "kubeconfig" }, keep: false, earlier, lanes: { lanes: 1, rounds: 2, seed: 5 } }), []);
        assert.deepStrictEqual(preflightProblems({ runId: "r1", plan, settings: { target: "kubeconfig" }, keep: true, lanes: { lanes: 1, rounds: 2, seed: 5 } }),
            ["--keep with --rounds 2: each round reuses its lane's stack, and a stack kept up would not be measured again; "
                + "give --keep with one round, or rounds without --keep"]);
    });
});

describe("sweep lanes: running and resuming", () => {
    let tmp: string;
    beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-lanes-")); });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** A backend whose `up` gives the fixture of the setup a lane stack runs, and stops the sweep at the nth `up` if told. */
    function backend(calls: string[], control: SweepControl, stopAtUp?: number): StackBackend {
        let ups = 0;
        return {
            async prepare(stack) { calls.push(`prepare ${stack}`); },
            async up(stack) {
                calls.push(`up ${stack}`);
                if (++ups === stopAtUp) control.requestStop("Ctrl-C", false);
                return { results: FIXTURES[stack.replace(/-lane\d+$/, "")] };
            },
            async destroy(stack) { calls.push(`destroy ${stack}`); },
        };
    }

    async function sweep(stopAtUp?: number) {
        const lanes = buildLanes(PAPER.slice(0, 3), { lanes: 2, rounds: 2, seed: 9 });
        const calls: string[] = [];
        const lines: string[] = [];
        const control = new SweepControl();
        const directory = new RunDirectory(path.join(tmp, "r1"));
        let clock = Date.parse("2026-01-15T14:00:00Z");
        const record = await runSweep(
            { runId: "r1", plan: { setups: PAPER.slice(0, 3), skipped: [] }, settings: { target: "vms" }, keep: false, lanes: { lanes, rounds: 2, seed: 9 } },
            { backend: backend(calls, control, stopAtUp), directory, control, log: (l) => lines.push(l), now: () => new Date((clock += 60_000)),
                spent: (s) => (s / 3600) * 1.73 },
        );
        return { lanes, calls, lines, record, directory };
    }

    it("runs lane by lane, each lane's order once per round, saving results by lane and round", async () => {
        const { lanes, calls, record, directory } = await sweep();
        const ups = calls.filter((c) => c.startsWith("up "));
        assert.deepStrictEqual(ups, lanes.flatMap((l) => l.steps.map((s) => `up ${s.stack}`)));
        assert.strictEqual(ups.length, 2 * 2 * 3);
        assert.deepStrictEqual(fs.readdirSync(directory.dir).filter((f) => f.endsWith(".json") && f !== "sweep.json").sort(),
            lanes.flatMap((l) => l.steps.map((s) => `${s.resultsName}.json`)).sort());
        assert.deepStrictEqual(record.lanes, { lanes: 2, rounds: 2, seed: 9, orders: lanes.map((l) => l.order) });
        assert.deepStrictEqual(record.setups.map((s) => [s.setup, s.lane, s.round]).slice(0, 3), lanes[0].steps.slice(0, 3).map((s) => [s.setup.stack, 1, 1]));
    });

    it("prints elapsed time, money spent so far and each lane's ETA", async () => {
        const { lines } = await sweep();
        // The fake clock moves a minute per reading; the first step ends 6 minutes in.
        assert.ok(lines.some((l) => /: done in \dm 00s; sweep elapsed \d+m 00s, about \$0\.\d\d spent so far \(on-demand estimate\)$/.test(l)), lines.join("\n"));
        assert.ok(lines.some((l) => /^lane 1: 1\/6 done, ETA \d\d:\d\d UTC/.test(l)));
        assert.ok(lines.includes("lane 2: 6/6 done"));
        // After a lane's first step, each of its phase lines carries its ETA.
        const second = lines.filter((l) => l.startsWith("[2/12] "));
        assert.ok(second.length > 3 && second.every((l) => / \[lane 1 ETA \d\d:\d\d UTC\]$/.test(l)), second.join("\n"));
    });

    it("resumes after an interruption in the middle of a lane: saved steps are skipped, the rest run", async () => {
        // Stopped during the 4th up: lane 1's first round is done, its second round has begun.
        const first = await sweep(4);
        assert.strictEqual(first.calls.filter((c) => c.startsWith("up ")).length, 4);
        assert.strictEqual(first.record.setups.filter((s) => s.outcome.kind === "measured").length, 4);
        assert.strictEqual(first.record.setups.filter((s) => s.outcome.kind === "not run").length, 8);

        const second = await sweep();
        const ups = second.calls.filter((c) => c.startsWith("up "));
        const all = second.lanes.flatMap((l) => l.steps);
        assert.deepStrictEqual(ups, all.slice(4).map((s) => `up ${s.stack}`), "only the steps without results run");
        assert.ok(second.lines.some((l) => l.includes(`${all[0].stack} (lane 1, round 1): results already saved (ok); skipped`)));
        assert.strictEqual(second.record.finished, true);
        assert.deepStrictEqual(second.record.setups.map((s) => s.outcome.kind).sort(),
            [...Array(4).fill("measured"), ...Array(8).fill("measured")], "every step has its own record, the earlier run's kept");
        assert.strictEqual(second.record.setups.length, 12);
    });

    it("runs lanes side by side: each lane's steps in its order, the lanes interleaved; a stop tears down every lane's current setup", async () => {
        const lanes = buildLanes(PAPER.slice(0, 2), { lanes: 3, rounds: 1, seed: 9 });
        const calls: string[] = [];
        const control = new SweepControl();
        const active: string[][] = [];
        const backend: StackBackend = {
            async prepare(stack) { calls.push(`prepare ${stack}`); await new Promise((r) => setImmediate(r)); },
            async up(stack) {
                calls.push(`up ${stack}`);
                await new Promise((r) => setImmediate(r));
                active.push([...control.activeStacks].sort());
                // The first lane to finish an up asks for a stop: every lane tears down and starts nothing more.
                if (!control.stopRequested) control.requestStop("Ctrl-C", false);
                return { results: FIXTURES[stack.replace(/-lane\d+$/, "")] };
            },
            async destroy(stack) { calls.push(`destroy ${stack}`); },
        };
        const directory = new RunDirectory(path.join(tmp, "r2"));
        const record = await runSweep(
            { runId: "r2", plan: { setups: PAPER.slice(0, 2), skipped: [] }, settings: { target: "vms" }, keep: false,
                lanes: { lanes, rounds: 1, seed: 9, parallel: true } },
            { backend, directory, control, log: () => undefined, now: () => new Date() },
        );
        const firsts = lanes.map((l) => l.steps[0].stack);
        assert.deepStrictEqual(calls.filter((c) => c.startsWith("up ")).sort(), firsts.map((s) => `up ${s}`).sort(), "each lane's first setup ran, at once");
        assert.deepStrictEqual(active[0], [...firsts].sort(), "all three lanes were up together");
        assert.deepStrictEqual(calls.filter((c) => c.startsWith("destroy ")).sort(), firsts.map((s) => `destroy ${s}`).sort(), "each torn down");
        // The record lists steps in plan order, whichever lane finished first.
        assert.deepStrictEqual(record.setups.map((s) => s.stack), lanes.flatMap((l) => l.steps.map((s) => s.stack)));
        assert.deepStrictEqual(record.setups.map((s) => s.outcome.kind), ["measured", "not run", "measured", "not run", "measured", "not run"]);
    });
});
