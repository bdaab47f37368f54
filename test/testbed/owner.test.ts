// The testbed's owner record (testbed/cluster/lib.sh): how up.sh tells a cluster whose
// run.sh was killed outright (stop it, go on) from one whose run.sh still runs (leave it).
// Real processes, real /proc; the state directory is a temp dir.
import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../helpers/shell";

const LIB = path.join(ROOT, "testbed/cluster/lib.sh");

function lib(state: string, command: string): { status: number | null; stdout: string; stderr: string } {
    const run = spawnSync("bash", ["-c", `. "${LIB}"; ${command}`], { env: { ...process.env, MESHBENCH_TESTBED_STATE: state } });
    return { status: run.status, stdout: run.stdout.toString().trim(), stderr: run.stderr.toString() };
}

function exited(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

describe("the testbed's owner record", () => {
    let state: string;
    const children: ChildProcess[] = [];

    beforeEach(() => {
        state = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-owner-"));
    });
    afterEach(async () => {
        for (const child of children.splice(0)) {
            child.kill("SIGKILL");
            await exited(child);
        }
        fs.rmSync(state, { recursive: true, force: true });
    });

    function running(file = "sleep"): ChildProcess {
        const child = spawn(file, ["30"], { stdio: "ignore" });
        children.push(child);
        return child;
    }

    it("is unknown when no owner was recorded (a testbed started by hand)", () => {
        assert.deepStrictEqual(lib(state, "tb_owner_state"), { status: 0, stdout: "unknown", stderr: "" });
    });

    it("is alive while the recorded process runs, and gone once it has ended", async () => {
        const owner = running();
        assert.strictEqual(lib(state, `tb_record_owner ${owner.pid}`).status, 0);
        assert.strictEqual(lib(state, "tb_owner_state").stdout, `alive ${owner.pid}`);
        owner.kill("SIGKILL");
        await exited(owner);
        assert.strictEqual(lib(state, "tb_owner_state").stdout, `gone ${owner.pid}`);
    });

    it("counts a live process with the owner's pid but another start time as gone (the pid was reused)", () => {
        const other = running();
        const [start] = fs.readFileSync(`/proc/${other.pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ").slice(19);
        fs.writeFileSync(path.join(state, "owner"), `${other.pid} ${Number(start) + 1}\n`);
        assert.strictEqual(lib(state, "tb_owner_state").stdout, `gone ${other.pid}`);
    });

    it("reads the start time past a command name with spaces and ')' in it", () => {
        const odd = path.join(state, "a b) c");
        fs.copyFileSync(fs.realpathSync("/bin/sleep"), odd);
        fs.chmodSync(odd, 0o755);
        const owner = running(odd);
        assert.strictEqual(lib(state, `tb_record_owner ${owner.pid}`).status, 0);
        const [, start] = fs.readFileSync(path.join(state, "owner"), "utf8").trim().split(" ");
        const expected = fs.readFileSync(`/proc/${owner.pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[19];
        assert.strictEqual(start, expected);
        assert.strictEqual(lib(state, "tb_owner_state").stdout, `alive ${owner.pid}`);
    });

    it("refuses to record a pid that is not running, naming it", async () => {
        const owner = running();
        owner.kill("SIGKILL");
        await exited(owner);
        const run = lib(state, `tb_record_owner ${owner.pid}`);
        assert.strictEqual(run.status, 1);
        assert.match(run.stderr, new RegExp(`owner pid ${owner.pid} is not running`));
        assert.ok(!fs.existsSync(path.join(state, "owner")));
    });
});
