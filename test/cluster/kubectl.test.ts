// The kubectl wrapper, run for real with a stand-in kubectl on PATH that reports the
// arguments and the kubeconfig file it was given.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubectlShellCommand, shellQuote, splitKubectlOutput, KUBECTL_WRAPPER } from "../../cluster/kubectl";
import { execFile } from "child_process";

/** kubectl arguments with characters the shell must not touch. */
const ARGS = ["get", "pods", "-o", 'jsonpath={range .items[*]}{.metadata.name} {"\\n"}{end}'];

function sh(command: string, env: Record<string, string>): Promise<string> {
    return new Promise((resolve, reject) => execFile("sh", ["-c", command], { env: { ...process.env, ...env } },
        (error, stdout) => (error ? reject(error) : resolve(stdout))));
}

describe("kubectl wrapper", () => {
    let binDir: string;
    before(() => {
        binDir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-kubectl-"));
        fs.writeFileSync(path.join(binDir, "kubectl"), [
            "#!/bin/sh",
            'kubeconfig=$2; shift 2',
            'echo "kubeconfig-file=$kubeconfig mode=$(stat -c %a "$kubeconfig") contents=$(cat "$kubeconfig")"',
            'for a in "$@"; do printf "arg=%s\\n" "$a"; done',
            'echo "to stderr" >&2',
            'exit ${FAKE_KUBECTL_EXIT:-0}',
        ].join("\n"), { mode: 0o755 });
    });
    after(() => fs.rmSync(binDir, { recursive: true, force: true }));

    const env = (extra: Record<string, string> = {}) => ({
        PATH: `${binDir}:${process.env.PATH}`, MESHBENCH_KUBECTL_WRAPPER: KUBECTL_WRAPPER,
        MESHBENCH_KUBECONFIG: "apiVersion: v1\nkind: Config", ...extra,
    });

    it("passes every argument through unchanged, jsonpath included, with a private kubeconfig it then deletes", async () => {
        const stdout = await sh(kubectlShellCommand(ARGS), env());
        const [call] = splitKubectlOutput(stdout);
        assert.strictEqual(call.exitCode, 0);
        assert.deepStrictEqual(call.lines.filter((l) => l.startsWith("arg=")).map((l) => l.slice(4)), ARGS);
        const file = call.lines[0].match(/^kubeconfig-file=(\S+) mode=600 contents=apiVersion: v1$/);
        assert.ok(file, call.lines[0]);
        assert.strictEqual(fs.existsSync(file[1]), false, "the kubeconfig file is gone afterwards");
        assert.ok(call.lines.includes("to stderr"), "kubectl's errors are kept for the failure reason");
    });

    it("selects the context when one is given", async () => {
        const [call] = splitKubectlOutput(await sh(kubectlShellCommand(["get", "nodes"]), env({ MESHBENCH_KUBE_CONTEXT: "kind-a" })));
        assert.deepStrictEqual(call.lines.filter((l) => l.startsWith("arg=")), ["arg=--context", "arg=kind-a", "arg=get", "arg=nodes"]);
    });

    it("reports kubectl's exit code and still exits 0, so a failed step becomes a failed result", async () => {
        const stdout = await sh(`${kubectlShellCommand(["version"])}; ${kubectlShellCommand(["get", "nodes"])}`, env({ FAKE_KUBECTL_EXIT: "3" }));
        assert.deepStrictEqual(splitKubectlOutput(stdout).map((c) => c.exitCode), [3, 3]);
    });

    it("refuses to run without a kubeconfig", async () => {
        const [call] = splitKubectlOutput(await sh(kubectlShellCommand(["get", "nodes"]), env({ MESHBENCH_KUBECONFIG: "" })));
        assert.deepStrictEqual(call, { lines: ["MESHBENCH-ERROR no kubeconfig given"], exitCode: 2 });
    });

    it("quotes words for the shell", () => {
        assert.strictEqual(shellQuote("deploy/wrk-client"), "deploy/wrk-client");
        assert.strictEqual(shellQuote("it's {x}"), `'it'\\''s {x}'`);
    });
});
