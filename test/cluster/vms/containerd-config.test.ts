// The containerd config step (cluster/vms/scripts/containerd-config.sh) run for real: against
// Debian's containerd 1.6 (`apt-get install containerd`), whose `containerd config default`
// prints a version-2 config and whose `containerd config dump` reads back the file written;
// and against containerd 2.x's version-3 default (a fixture written from upstream's docs and
// code, test/fixtures/README.md), with a stand-in `containerd` that serves it.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KUBEADM_RELEASES } from "../../../cluster/versions";
import { ROOT } from "../../helpers/shell";

const SCRIPT = path.join(ROOT, "cluster/vms/scripts/containerd-config.sh");
const V3_DEFAULT = path.join(ROOT, "test/fixtures/containerd/config-default-v3.toml");
const PAUSE = KUBEADM_RELEASES["1.29"].pauseImage;

// `config default` prints $STUB_DEFAULT; `--config F config dump` prints F (containerd 2.x
// dumps a version-3 file as version 3), or $STUB_DUMP when set.
const STUB_CONTAINERD = `#!/bin/sh
config=""
while [ $# -gt 0 ]; do case "$1" in --config) config=$2; shift ;; default) cat "$STUB_DEFAULT"; exit ;; dump) cat "\${STUB_DUMP:-$config}"; exit ;; esac; shift; done
exit 1
`;

interface StepRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly config?: string;
}

/** Sources the step and runs write_containerd_config, then verify_containerd_config, on a config under a temporary directory. */
function runStep(opts: { stub?: { defaultConfig: string; dump?: string }; before?: string; pause?: string } = {}): StepRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-containerd-"));
    try {
        const env: Record<string, string> = { ...process.env as Record<string, string> };
        if (opts.stub) {
            fs.mkdirSync(path.join(dir, "bin"));
            fs.writeFileSync(path.join(dir, "bin", "containerd"), STUB_CONTAINERD, { mode: 0o755 });
            fs.writeFileSync(path.join(dir, "default.toml"), opts.stub.defaultConfig);
            env.PATH = `${path.join(dir, "bin")}:${process.env.PATH}`;
            env.STUB_DEFAULT = path.join(dir, "default.toml");
            if (opts.stub.dump !== undefined) {
                fs.writeFileSync(path.join(dir, "dump.toml"), opts.stub.dump);
                env.STUB_DUMP = path.join(dir, "dump.toml");
            }
        }
        const config = path.join(dir, "etc", "containerd", "config.toml");
        const body = `. "$1"; write_containerd_config "$2" "$3" || exit 10; ${opts.before ?? ""} verify_containerd_config "$2" "$4" || exit 11`;
        const run = spawnSync("sh", ["-c", body, "sh", SCRIPT, config, PAUSE, opts.pause ?? PAUSE], { env, timeout: 30_000 });
        return {
            status: run.status,
            stdout: run.stdout.toString() + run.stderr.toString(),
            config: fs.existsSync(config) ? fs.readFileSync(config, "utf8") : undefined,
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The lines of a TOML table, up to the next table header. */
function table(toml: string, header: string): string[] {
    const lines = toml.split("\n");
    const start = lines.findIndex((l) => l.trim() === header);
    assert.ok(start >= 0, `${header} is in the config`);
    const end = lines.findIndex((l, i) => i > start && l.trim().startsWith("["));
    return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.trim());
}

describe("containerd config step, version 2 (real containerd 1.x)", () => {
    before(function () {
        const version = spawnSync("containerd", ["--version"]);
        assert.strictEqual(version.status, 0, "containerd must be installed (apt-get install containerd); .ci/run installs it");
        assert.match(version.stdout.toString(), / 1\.[67]\./, "a containerd 1.x, whose config is version 2");
    });

    it("writes the installed containerd's own default with the systemd cgroup driver and pause:3.9, and the dump shows both", () => {
        const run = runStep();
        assert.strictEqual(run.status, 0, run.stdout);
        const defaults = execFileSync("containerd", ["config", "default"]).toString();
        const changed = run.config!.split("\n").filter((l, i) => l !== defaults.split("\n")[i]);
        assert.deepStrictEqual(changed.map((l) => l.trim()), [`sandbox_image = "${PAUSE}"`, "SystemdCgroup = true"],
            "only the two settings differ from containerd's default");
        assert.ok(table(run.config!, '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]').includes("SystemdCgroup = true"));
    });

    it("fails, naming the setting, when the effective config uses another pause image", () => {
        const run = runStep({ before: `sed -i 's#pause:3.9#pause:3.6#' "$2";` });
        assert.strictEqual(run.status, 11);
        assert.match(run.stdout, /^meshbench-prepare: containerd's effective config has sandbox_image = registry\.k8s\.io\/pause:3\.6 in \[plugins\.io\.containerd\.grpc\.v1\.cri\], not registry\.k8s\.io\/pause:3\.9, the pause image kubeadm expects$/m);
    });

    it("fails when the effective config lacks the systemd cgroup driver (a config without the key)", () => {
        const run = runStep({ before: `sed -i '/SystemdCgroup = true/d' "$2";` });
        assert.strictEqual(run.status, 11);
        assert.match(run.stdout, /containerd's effective config has SystemdCgroup = unset in \[plugins\.io\.containerd\.grpc\.v1\.cri\.containerd\.runtimes\.runc\.options\], not true: the kubelet kubeadm configures uses the systemd cgroup driver/);
    });
});

describe("containerd config step, version 3 (containerd 2.x)", () => {
    const v3Default = fs.readFileSync(V3_DEFAULT, "utf8");
    const RUNC = "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]";
    const PINNED = "[plugins.'io.containerd.cri.v1.images'.pinned_images]";

    it("sets SystemdCgroup in the CRI runtime plugin and the sandbox under the images plugin's pinned_images", () => {
        const run = runStep({ stub: { defaultConfig: v3Default } });
        assert.strictEqual(run.status, 0, run.stdout);
        assert.ok(table(run.config!, RUNC).includes("SystemdCgroup = true"));
        assert.deepStrictEqual(table(run.config!, PINNED).filter((l) => l !== ""), [`sandbox = "${PAUSE}"`]);
        assert.ok(!run.config!.includes("sandbox_image"), "version 3 has no sandbox_image");
        assert.strictEqual(run.config!.split("\n").length, v3Default.split("\n").length, "no line added or lost");
    });

    it("adds SystemdCgroup when the default leaves it out, as docs/cri/config.md's full config does", () => {
        const run = runStep({ stub: { defaultConfig: v3Default.replace(/^\s*SystemdCgroup = false\n/m, "") } });
        assert.strictEqual(run.status, 0, run.stdout);
        assert.strictEqual(table(run.config!, RUNC).filter((l) => l.startsWith("SystemdCgroup")).join(), "SystemdCgroup = true");
    });

    it("fails, saying what it saw, when containerd's effective config does not hold what was written", () => {
        const run = runStep({ stub: { defaultConfig: v3Default, dump: v3Default } });
        assert.strictEqual(run.status, 11);
        assert.match(run.stdout, /^meshbench-prepare: containerd's effective config has SystemdCgroup = false in \[plugins\.io\.containerd\.cri\.v1\.runtime\.containerd\.runtimes\.runc\.options\], not true/m);
        const pause = runStep({ stub: { defaultConfig: v3Default, dump: v3Default.replace("SystemdCgroup = false", "SystemdCgroup = true") } });
        assert.strictEqual(pause.status, 11);
        assert.match(pause.stdout, /has sandbox = registry\.k8s\.io\/pause:3\.10\.1 in \[plugins\.io\.containerd\.cri\.v1\.images\.pinned_images\], not registry\.k8s\.io\/pause:3\.9, the pause image kubeadm expects/);
    });

    it("refuses a config version it does not know, and a default that lacks the tables", () => {
        const v4 = runStep({ stub: { defaultConfig: v3Default.replace(/^version = 3$/m, "version = 4") } });
        assert.strictEqual(v4.status, 10);
        assert.match(v4.stdout, /containerd config default printed config version 4; this step writes versions 2 \(containerd 1\.x\) and 3 \(containerd 2\.x\)/);
        assert.strictEqual(v4.config, undefined, "writes nothing");
        const noTable = runStep({ stub: { defaultConfig: v3Default.replace(PINNED, "[plugins.'io.containerd.cri.v1.images'.other]") } });
        assert.strictEqual(noTable.status, 10);
        assert.match(noTable.stdout, /lacks \[plugins\.io\.containerd\.cri\.v1\.runtime\.containerd\.runtimes\.runc\.options\] or \[plugins\.io\.containerd\.cri\.v1\.images\.pinned_images\]/);
    });
});
