// The sweep command end to end, argv to exit status, with the machine faked: what it
// prints, what it refuses, and above all which stacks it touches. A stack is touched only
// through SweepIo.openBackend, so "never touched" is "openBackend never called".
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SweepControl, type StackBackend } from "../../sweep/backend";
import { EXIT, sweepMain, type SweepIo } from "../../sweep/main";
import { OPTIONS, SWEEP_USAGE } from "../../sweep/options";
import type { MachineFacts } from "../../sweep/prerequisites";
import { buildFixtureRun } from "../fixtures/results/build";

const FIXTURES = buildFixtureRun();
const KIND = ["--target", "kubeconfig", "--config", "kubeContext=kind-meshbench"];
const AWS = ["--config", "aws:region=us-east-1", "--config", "operatorCidr=203.0.113.7/32"];

interface Fake {
    io: SweepIo;
    out: string[];
    err: string[];
    /** Every call that reached a stack: "open", "prepare x", "up x", "destroy x". */
    touched: string[];
    asked: string[];
    probed: number;
}

interface FakeOptions {
    env?: NodeJS.ProcessEnv;
    interactive?: boolean;
    answer?: string;
    pulumiFound?: boolean;
    awsCli?: boolean;
    /** Per stack: what `up` does instead of returning the fixture. */
    up?: Record<string, (control: SweepControl) => Promise<Record<string, unknown>>>;
}

const PASS = { PULUMI_CONFIG_PASSPHRASE: "test" };

function fake(cwd: string, o: FakeOptions = {}): Fake {
    const f: Fake = { out: [], err: [], touched: [], asked: [], probed: 0, io: undefined as unknown as SweepIo };
    const control = new SweepControl();
    const backend: StackBackend = {
        async prepare(stack) { f.touched.push(`prepare ${stack}`); },
        async up(stack) {
            f.touched.push(`up ${stack}`);
            const scripted = o.up?.[stack];
            // A cluster stack (vms, eks) exports its kubeconfig; a setup, its results.
            if (stack.startsWith("cluster-")) return { kubeconfig: "apiVersion: v1" };
            return scripted ? scripted(control) : { results: FIXTURES[stack] };
        },
        async destroy(stack) { f.touched.push(`destroy ${stack}`); },
    };
    const machine: MachineFacts = {
        env: o.env ?? PASS,
        home: path.join(cwd, "home"),
        pulumi: o.pulumiFound === false ? { found: false, problem: "not found (spawn pulumi ENOENT)" } : { found: true, version: "pulumi 3.248.0" },
        fileExists: () => false,
        onPath: (c) => (c === "aws" && o.awsCli ? "/usr/bin/aws" : undefined),
    };
    f.io = {
        projectDir: cwd,
        cwd,
        env: o.env ?? PASS,
        say: (l) => f.out.push(l),
        warn: (l) => f.err.push(l),
        write: () => undefined,
        interactive: o.interactive ?? false,
        ask: async (q) => { f.asked.push(q); return o.answer; },
        machine: async () => { f.probed++; return machine; },
        openBackend: async () => { f.touched.push("open"); return backend; },
        control,
        handleSignals: () => undefined,
        now: () => new Date("2026-12-01T20:00:00Z"),
    };
    return f;
}

describe("sweep command", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-main-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = async (argv: string[], o?: FakeOptions) => {
        const f = fake(dir, o);
        const code = await sweepMain(argv, f.io);
        return { ...f, code };
    };

    describe("a dry run never touches a stack", () => {
        // Every combination of these, each with --dry-run: none may reach a stack or write results.
        const GROUPS: string[][] = [
            ["--destroy", "istio-mtls-on"], ["--destroy", "kuma-mtls-on"], ["--keep"], ["--yes"], ["--all"], KIND, AWS,
            ["--run-id", "r1"], ["--meshes", "none,istio"], ["--repetitions", "0"],
        ];
        const combos = (groups: string[][]): string[][] => groups.reduce<string[][]>(
            (acc, g) => [...acc, ...acc.map((c) => [...c, ...g])], [[]]);

        it(`in all ${2 ** GROUPS.length} combinations of --destroy, --keep, --yes, --all, targets, run id, meshes and a bad value`, async () => {
            for (const combo of combos(GROUPS)) {
                for (const argv of [["--dry-run", ...combo], [...combo, "--dry-run"]]) {
                    // A machine with every prerequisite and a user who says yes: only the dry run stands between argv and the stacks.
                    const r = await run(argv, { env: { ...PASS, AWS_PROFILE: "bench" }, interactive: true, answer: "y", awsCli: true });
                    assert.deepStrictEqual(r.touched, [], argv.join(" "));
                    assert.ok(r.code === EXIT.ok || r.code === EXIT.usage, `${argv.join(" ")}: exit ${r.code}`);
                    assert.ok(!fs.existsSync(path.join(dir, "results")), `${argv.join(" ")} wrote results`);
                }
            }
        });

        it("says what --destroy would destroy, and that nothing was touched", async () => {
            const r = await run(["--destroy", "istio-mtls-on", "--destroy", "kuma-mtls-on", "--dry-run"]);
            assert.deepStrictEqual([r.code, r.touched, r.probed], [EXIT.ok, [], 0]);
            assert.deepStrictEqual(r.out, [
                `dry run: would destroy istio-mtls-on (state: file://${dir}/.pulumi-state); nothing was touched`,
                `dry run: would destroy kuma-mtls-on (state: file://${dir}/.pulumi-state); nothing was touched`,
            ]);
        });

        it("prints the target, the estimate, the prerequisites and each stack's config", async () => {
            const r = await run(["--dry-run", ...AWS], { env: {} });
            assert.strictEqual(r.code, EXIT.ok);
            assert.strictEqual(r.out[0], "run 20261201-200000: 5 setup(s) on target vms (the default), each destroyed after its run");
            // The defaults: one lane on one cluster stack, the paper's five setups, 5 repetitions each.
            assert.ok(r.out.includes("  this sweep (a cluster per lane, lanes one after the other; 1 cluster stack(s)): 1.7–1.9 h wall, 5.1–5.7 instance-hours, $2.94–$3.29 on demand"), r.out.join("\n"));
            assert.ok(r.out.includes("  lane 1: cluster-lane1"));
            assert.ok(r.out.some((l) => l.startsWith("  state passphrase: MISSING: set PULUMI_CONFIG_PASSPHRASE")));
            assert.ok(r.out.includes("  meshbench:operatorCidr: 203.0.113.7/32"));
            // What is written where: the cluster stack gets the cluster's keys, each setup the rest and its cluster stack.
            const configOf = (stack: string) => {
                const after = r.out.slice(r.out.indexOf(`\n${stack}:`) + 1);
                return after.slice(0, after.findIndex((l) => !l.startsWith("  ")));
            };
            assert.ok(configOf("cluster-lane1").includes("  meshbench:role: cluster"), r.out.join("\n"));
            assert.ok(!configOf("cluster-lane1").some((l) => l.startsWith("  meshbench:mesh:")));
            assert.ok(configOf("istio-mtls-on").includes("  meshbench:clusterStack: cluster-lane1"));
            assert.ok(configOf("istio-mtls-on").includes("  meshbench:role: setup"));
            assert.strictEqual(r.out.at(-1), "\ndry run: nothing was touched; a real run would refuse to start until the MISSING prerequisites are there, "
                + "and would ask before creating AWS resources on target vms (give --yes not to be asked; without a terminal, --yes is required)");
        });
    });

    describe("lanes and rounds", () => {
        it("--dry-run --lanes 3 prints each lane's order, the instance-hours, the wall time and the cost, and touches nothing", async () => {
            const r = await run(["--dry-run", "--lanes", "3", "--seed", "42", ...AWS], { env: {} });
            assert.deepStrictEqual([r.code, r.touched], [EXIT.ok, []]);
            const at = r.out.indexOf("3 lane(s) × 1 round(s), each lane in its own order (seed 42, recorded in sweep.json); lanes side by side:");
            assert.ok(at > 0, r.out.join("\n"));
            assert.deepStrictEqual(r.out.slice(at + 1, at + 4), [
                "  lane 1: kuma-mtls-on, istio-mtls-on, linkerd-mtls-on, none-mtls-off, consul-mtls-on",
                "  lane 2: consul-mtls-on, linkerd-mtls-on, istio-mtls-on, none-mtls-off, kuma-mtls-on",
                "  lane 3: linkerd-mtls-on, istio-mtls-on, kuma-mtls-on, consul-mtls-on, none-mtls-off",
            ]);
            assert.ok(r.out.includes("  plan: 3 lane(s) × 1 round(s) × 5 setup(s) = 15 step(s); load 16.0 min per step"));
            assert.ok(r.out.includes("\nistio-mtls-on (stacks istio-mtls-on-lane1 to istio-mtls-on-lane3):"), "each lane has its own stack");
            assert.ok(r.out.includes("  this sweep (a cluster per lane, lanes side by side; 3 cluster stack(s)): 1.7–1.9 h wall, 15.3–17.1 instance-hours, $8.83–$9.87 on demand"));
            const stacks = r.out.indexOf("cluster stacks (each up before its lane's first setup on it, destroyed after the last unless --keep; every setup references one):");
            assert.deepStrictEqual(r.out.slice(stacks + 1, stacks + 4), ["  lane 1: cluster-lane1", "  lane 2: cluster-lane2", "  lane 3: cluster-lane3"]);
            assert.ok(r.out.includes("  at once: 120 vCPUs of EC2's standard on-demand quota (new accounts often have less; --serial runs one lane at a time)"));
        });

        it("adds the baseline to every lane of a paired sweep, and says so", async () => {
            const r = await run(["--dry-run", "--rounds", "2", "--meshes", "istio", ...KIND]);
            assert.strictEqual(r.code, EXIT.ok);
            assert.ok(r.out.includes("  the baseline (none-mtls-off) was added to every lane: each overhead is paired with the baseline of its own lane and round"));
            assert.ok(r.out.some((l) => /^ {2}lane 1: (none-mtls-off, istio-mtls-on|istio-mtls-on, none-mtls-off), 2 times$/.test(l)), r.out.join("\n"));
        });

        it("--response-bytes makes one stack per setup and size, each with its size, a baseline per size, in the dry run", async () => {
            const r = await run(["--dry-run", "--meshes", "none,istio", "--response-bytes", "10,1024,65536", "--rounds", "2", ...KIND]);
            assert.strictEqual(r.code, EXIT.ok, r.err.join("\n"));
            assert.deepStrictEqual(r.touched, []);
            const order = r.out.find((l) => l.startsWith("  lane 1: "))!;
            assert.deepStrictEqual(order.replace(/^ {2}lane 1: /, "").replace(/, 2 times$/, "").split(", ").sort(), [
                "istio-mtls-on-10b", "istio-mtls-on-1k", "istio-mtls-on-64k", "none-mtls-off-10b", "none-mtls-off-1k", "none-mtls-off-64k"]);
            const config = (stack: string) => r.out.slice(r.out.indexOf(`\n${stack}:`) + 1, r.out.indexOf(`\n${stack}:`) + 7);
            assert.ok(config("istio-mtls-on-1k").includes("  meshbench:responseBytes: 1024"), r.out.join("\n"));
            assert.ok(config("none-mtls-off-64k").includes("  meshbench:responseBytes: 65536"), r.out.join("\n"));
            assert.ok(r.out.includes("  plan: 1 lane(s) × 2 round(s) × 6 setup(s) = 12 step(s); load 16.0 min per step"));
        });

        it("runs each setup at each size, saving <setup>-<size>.json", async () => {
            const baseline = async () => ({ results: FIXTURES["none-mtls-off"] });
            const r = await run([...KIND, "--meshes", "none", "--response-bytes", "10,65536"],
                { up: { "none-mtls-off-10b": baseline, "none-mtls-off-64k": baseline } });
            assert.strictEqual(r.code, EXIT.ok, r.err.join("\n"));
            assert.deepStrictEqual(r.touched.filter((t) => t.startsWith("up ")).sort(), ["up none-mtls-off-10b", "up none-mtls-off-64k"]);
            const runDir = path.join(dir, "results", "20261201-200000");
            assert.deepStrictEqual(fs.readdirSync(runDir).filter((f) => f.endsWith(".json")).sort(),
                ["none-mtls-off-10b.json", "none-mtls-off-64k.json", "sweep.json"]);
        });

        it("runs one lane on target kubeconfig, with rounds, and refuses more lanes naming the option", async () => {
            const refused = await run(["--lanes", "2", ...KIND]);
            assert.deepStrictEqual([refused.code, refused.touched, refused.err],
                [EXIT.usage, [], ["--lanes: got 2; allowed: 1 with target kubeconfig (one lane: your cluster); --rounds repeats it"]]);
            const r = await run([...KIND, "--meshes", "none,istio", "--rounds", "2", "--seed", "1"]);
            assert.strictEqual(r.code, EXIT.ok, r.err.join("\n"));
            assert.deepStrictEqual(r.touched.filter((t) => t.startsWith("up ")), ["up none-mtls-off", "up istio-mtls-on", "up none-mtls-off", "up istio-mtls-on"]);
            const runDir = path.join(dir, "results", "20261201-200000");
            assert.deepStrictEqual(fs.readdirSync(runDir).filter((f) => f.endsWith(".json")).sort(), ["istio-mtls-on.lane1.round1.json",
                "istio-mtls-on.lane1.round2.json", "none-mtls-off.lane1.round1.json", "none-mtls-off.lane1.round2.json", "sweep.json"]);
        });
    });

    describe("--destroy", () => {
        it("destroys exactly the stacks named, once the prerequisites are there", async () => {
            const r = await run(["--destroy", "istio-mtls-on", "--destroy", "kuma-mtls-on"]);
            assert.deepStrictEqual([r.code, r.touched], [EXIT.ok, ["open", "destroy istio-mtls-on", "destroy kuma-mtls-on"]]);
        });

        it("refuses options it would ignore, and bad stack names, before touching anything", async () => {
            for (const [argv, message] of [
                [["--destroy", "istio-mtls-on", "--keep", ...KIND], "--destroy runs no sweep, so --target, --config, --keep would do nothing; give --destroy alone (or with --dry-run)"],
                [["--destroy", "istio-mtls-on", "--yes"], "--destroy runs no sweep, so --yes would do nothing; give --destroy alone (or with --dry-run)"],
                [["--destroy", "../x"], '--destroy: got "../x"; allowed: a stack name such as istio-mtls-on'],
            ] as const) {
                const r = await run([...argv]);
                assert.deepStrictEqual([r.code, r.touched, r.err], [EXIT.usage, [], [message]], argv.join(" "));
            }
        });

        it("needs the Pulumi CLI and the passphrase, and says both at once", async () => {
            const r = await run(["--destroy", "istio-mtls-on"], { env: {}, pulumiFound: false });
            assert.deepStrictEqual([r.code, r.touched], [EXIT.usage, []]);
            assert.deepStrictEqual(r.err, [[
                "cannot start:",
                "  - Pulumi CLI: not found (spawn pulumi ENOENT)",
                `  - state passphrase: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE): it encrypts the stacks' secrets (kubeconfigs, keys) in the local state at ${dir}/.pulumi-state`,
            ].join("\n")]);
        });
    });

    describe("on a paid target", () => {
        it("refuses without a terminal and without --yes, saying so, and exits 2", async () => {
            const r = await run(AWS, { env: { ...PASS, AWS_PROFILE: "bench" } });
            assert.deepStrictEqual([r.code, r.touched, r.asked], [EXIT.usage, [], []]);
            assert.deepStrictEqual(r.err, ["target vms creates AWS resources that cost money (estimate above), and there is no terminal "
                + "to confirm on: add --yes to start anyway, or --dry-run to see the plan"]);
            assert.ok(r.out.some((l) => l.startsWith("estimate (")), "the estimate came first");
        });

        it("asks on a terminal, and starts only on yes", async () => {
            const env = { ...PASS, AWS_PROFILE: "bench" };
            const no = await run(AWS, { env, interactive: true, answer: "" });
            assert.deepStrictEqual([no.code, no.touched, no.asked], [EXIT.failed, [], ["start? this creates AWS resources that cost money (target vms) [y/N] "]]);
            const interrupted = await run(AWS, { env, interactive: true, answer: undefined });
            assert.deepStrictEqual([interrupted.code, interrupted.touched], [EXIT.interrupted, []]);
            const yes = await run([...AWS, "--meshes", "none"], { env, interactive: true, answer: "y" });
            // On vms the setup runs on the lane's cluster stack: up before it, destroyed after it.
            assert.deepStrictEqual([yes.code, yes.touched], [EXIT.ok, ["open", "prepare cluster-lane1", "up cluster-lane1",
                "prepare none-mtls-off", "up none-mtls-off", "destroy none-mtls-off", "destroy cluster-lane1"]]);
        });

        it("starts without asking with --yes (or -y)", async () => {
            for (const flag of ["--yes", "-y"]) {
                const r = await run([...AWS, "--meshes", "none", flag], { env: { ...PASS, AWS_PROFILE: "bench" } });
                assert.deepStrictEqual([r.code, r.asked, r.touched[0]], [EXIT.ok, [], "open"], flag);
            }
        });

        it("reports every missing prerequisite together before anything runs", async () => {
            const r = await run(["--target", "eks", ...AWS, "--yes"], { env: {}, pulumiFound: false, awsCli: false });
            assert.deepStrictEqual([r.code, r.touched], [EXIT.usage, []]);
            const lines = r.err[0].split("\n");
            assert.deepStrictEqual(lines.map((l) => l.split(":")[0]),
                ["cannot start", "  - Pulumi CLI", "  - state passphrase", "  - AWS credentials", "  - AWS CLI"]);
            assert.strictEqual(lines[3], "  - AWS credentials: target eks creates AWS resources and found no AWS credentials: set AWS_PROFILE, "
                + "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or write ~/.aws/credentials (aws configure)");
            assert.match(lines[4], /^ {2}- AWS CLI: target eks needs the AWS CLI \(v2\) on PATH: the kubeconfig gets its tokens from `aws eks get-token`/);
        });
    });

    describe("exit status", () => {
        // Seed 1 orders none, istio in lane 1 (test/sweep/lanes.test.ts pins the orders).
        it("is 0 when every setup gave results, on a free target without asking", async () => {
            const r = await run([...KIND, "--meshes", "none,istio", "--seed", "1"]);
            assert.deepStrictEqual([r.code, r.asked], [EXIT.ok, []]);
            assert.deepStrictEqual(r.touched, ["open", "prepare none-mtls-off", "up none-mtls-off", "destroy none-mtls-off",
                "prepare istio-mtls-on", "up istio-mtls-on", "destroy istio-mtls-on"]);
        });

        it("with --keep, leaves the stack up and says how to reach it with the plain CLI", async () => {
            const r = await run([...KIND, "--meshes", "none", "--keep"]);
            assert.deepStrictEqual([r.code, r.touched], [EXIT.ok, ["open", "prepare none-mtls-off", "up none-mtls-off"]]);
            assert.ok(r.out.includes("STILL UP: none-mtls-off; tear down with: npm run sweep -- --destroy none-mtls-off"), r.out.join("\n"));
            assert.strictEqual(r.out.at(-1), `with the plain CLI: PULUMI_BACKEND_URL=file://${dir}/.pulumi-state pulumi stack output results `
                + `--stack none-mtls-off (or pulumi login file://${dir}/.pulumi-state once, then pulumi stack select none-mtls-off)`);
        });

        it("is 1 when a setup failed", async () => {
            const r = await run([...KIND, "--meshes", "none,istio"], { up: { "istio-mtls-on": async () => { throw new Error("error: boom"); } } });
            assert.strictEqual(r.code, EXIT.failed);
            assert.ok(r.out.some((l) => l.includes("FAILED at up: error: boom")));
        });

        it("is 130 when interrupted", async () => {
            const r = await run([...KIND, "--meshes", "none,istio", "--seed", "1"], { up: { "none-mtls-off": async (control) => {
                control.requestStop("Ctrl-C", false);
                return { results: FIXTURES["none-mtls-off"] };
            } } });
            assert.strictEqual(r.code, EXIT.interrupted);
            assert.ok(!r.touched.includes("up istio-mtls-on"), "no setup starts after the interrupt");
        });

        it("is 2 for every usage error, and the message names the flag typed", async () => {
            const cases: [string[], string][] = [
                [["--repetitions", "0", ...KIND], 'cannot start:\n  - --repetitions: got "0"; allowed: an integer from 1 to 50'],
                [["--repetitions", "-1", ...KIND], 'cannot start:\n  - --repetitions: got "-1"; allowed: an integer from 1 to 50'],
                [["--config", "wrkCpu=0", ...KIND], 'cannot start:\n  - --config wrkCpu: got "0"; allowed: an integer from 1 to 256'],
                [["--target", "gke"], 'cannot start:\n  - --target: got "gke"; allowed: kubeconfig, vms, eks'],
                [["--run-id", "R 1", ...KIND], 'cannot start:\n  - --run-id: got "R 1"; allowed: lowercase letters, digits and dashes, at most 32 characters'],
                [["--meshes", "istio,bogus,Linkerd"], '--meshes: unknown meshes "bogus", "Linkerd"; allowed: none, istio, istio-ambient, linkerd, consul, kuma, cilium'],
                [["--mesh", "istio"], "unknown option --mesh (npm run sweep -- --help lists the options)"],
                [["--meshes"], "--meshes needs a value (--meshes a,b,...)"],
                [["--keep=yes"], "--keep takes no value"],
                [["istio"], 'unexpected argument "istio": every value follows its option (npm run sweep -- --help lists the options)'],
            ];
            for (const [argv, message] of cases) {
                const r = await run(argv);
                assert.deepStrictEqual([r.code, r.err, r.touched], [EXIT.usage, [message], []], argv.join(" "));
            }
        });

        it("speaks sweep flags in its hints, not per-stack pulumi config set", async () => {
            const r = await run([]);
            assert.deepStrictEqual(r.err, [[
                "cannot start:",
                "  - --config aws:region: not set; allowed: an AWS region such as us-east-1 (target vms makes its cluster there: --config aws:region=us-east-1)",
                "  - --config operatorCidr: not set; allowed: the IPv4 CIDR you run pulumi from, such as 203.0.113.7/32 (target vms opens SSH and the Kubernetes API only to it; there is no default)",
            ].join("\n")]);
            assert.ok(!r.err[0].includes("pulumi config set"));
        });
    });

    describe("--help and -h", () => {
        it("print the usage, naming every default, and exit 0", async () => {
            for (const flag of ["--help", "-h"]) {
                const r = await run([flag]);
                assert.deepStrictEqual([r.code, r.out, r.touched], [EXIT.ok, [SWEEP_USAGE], []], flag);
            }
            // Each option's entry: its line, and the indented lines that continue it.
            const entries = new Map<string, string>();
            let current: string | undefined;
            for (const line of SWEEP_USAGE.split("\n")) {
                const flag = line.match(/^ {2}(?:-\w, )?--([\w-]+)/)?.[1];
                if (flag) entries.set((current = flag), line.trim());
                else if (current && /^ {20,}\S/.test(line)) entries.set(current, `${entries.get(current)} ${line.trim()}`);
                else current = undefined;
            }
            assert.deepStrictEqual([...entries.keys()], Object.keys(OPTIONS), "--help lists every option, in order");
            for (const [name, spec] of Object.entries(OPTIONS)) {
                if (spec.type === "string") assert.match(entries.get(name)!, /\(default: [^)]+\)$/, `--help names the default of --${name}`);
            }
            assert.match(entries.get("target")!, /\(default: vms: a fresh EC2 cluster per setup\)$/);
            assert.match(entries.get("repetitions")!, /\(default: 5\)$/);
            assert.ok(SWEEP_USAGE.split("\n").every((l) => l.length <= 96), "--help fits 96 columns");
        });
    });
});
