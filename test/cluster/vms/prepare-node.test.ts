// The node preparation script, as rendered into user data: shellcheck on the rendered text,
// and its apt, download and module steps run for real against stub commands (apt-get,
// apt-cache, apt-mark, curl, gpg, systemctl, modprobe) that log what they were asked to do.
// The containerd config step has its own test (containerd-config.test.ts).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KUBEADM_RELEASES } from "../../../cluster/versions";
import { USER_DATA_LIMIT } from "../../../cluster/user-data";
import { buildUserData, prepareNodeSettings } from "../../../cluster/vms/node-scripts";

const userData = buildUserData("1.29.1", KUBEADM_RELEASES["1.29"], { kernelModules: ["wireguard"] });

const STUBS: Record<string, string> = {
    // update fails as many times as $STUB_DIR/update-fails has lines (or always, with update-fails-always).
    "apt-get": `echo "apt-get $*" >> "$STUB_LOG"
case " $* " in *" update "*)
    [ ! -f "$STUB_DIR/update-fails-always" ] || exit 100
    if [ -s "$STUB_DIR/update-fails" ]; then sed -i 1d "$STUB_DIR/update-fails"; exit 100; fi ;;
esac`,
    "apt-cache": `echo "apt-cache $*" >> "$STUB_LOG"
[ -z "\${STUB_MADISON:-}" ] || printf '   kubeadm | %s | https://pkgs.k8s.io/core:/stable:/v1.29/deb  Packages\\n' "$STUB_MADISON"`,
    "apt-mark": `echo "apt-mark $*" >> "$STUB_LOG"`,
    // Serves "content of <url>" for any URL and, for <url>.sha256 or <url>.sha256sum, its
    // SHA-256 as \`hash  name\` (a bare hash with STUB_BARE_SHA, a wrong one with STUB_BAD_SHA);
    // runc's runc.sha256sum lists every file of its release. URLs in $STUB_DIR/missing answer 404.
    curl: `out=""; url=""
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift ;; https://*) url=$1 ;; esac; shift; done
echo "curl $url" >> "$STUB_LOG"
if [ -f "$STUB_DIR/missing" ] && grep -qxF "$url" "$STUB_DIR/missing"; then exit 22; fi
sum() { if [ -n "\${STUB_BAD_SHA:-}" ]; then printf 'tampered'; else printf 'content of %s\\n' "$1"; fi | sha256sum | cut -d ' ' -f 1; }
case "$url" in
*/runc.sha256sum) dir=\${url%/*}; body=$(for f in runc.arm64 runc.amd64 runc.tar.xz; do echo "$(sum "$dir/$f")  $f"; done) ;;
*.sha256|*.sha256sum) file=\${url%.sha256*}; body="$(sum "$file")"; [ -n "\${STUB_BARE_SHA:-}" ] || body="$body  \${file##*/}" ;;
*) body=$(printf 'content of %s' "$url") ;;
esac
if [ -n "$out" ]; then printf '%s\\n' "$body" > "$out"; else printf '%s\\n' "$body"; fi`,
    gpg: `echo "gpg $*" >> "$STUB_LOG"; cat`,
    systemctl: `echo "systemctl $*" >> "$STUB_LOG"`,
    // Loads every module but those listed in $STUB_DIR/no-modules.
    modprobe: `echo "modprobe $*" >> "$STUB_LOG"; ! grep -qxF "$1" "$STUB_DIR/no-modules" 2>/dev/null`,
    uname: `echo 5.15.0-1070-aws`,
    sleep: `echo "sleep $*" >> "$STUB_LOG"`,
};

interface StubRun {
    readonly stdout: string;
    readonly log: string[];
    readonly keyring?: string;
    readonly modules?: string;
}

/** Sources the rendered script for its functions and runs `body` with the stubs first on PATH. */
function runFunctions(body: string, env: Record<string, string> = {}, setup: (dir: string) => void = () => undefined): StubRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-prepare-"));
    try {
        fs.mkdirSync(path.join(dir, "bin"));
        for (const [name, text] of Object.entries(STUBS)) {
            fs.writeFileSync(path.join(dir, "bin", name), `#!/bin/sh\n${text}\n`, { mode: 0o755 });
        }
        fs.writeFileSync(path.join(dir, "user-data.sh"), userData);
        fs.writeFileSync(path.join(dir, "log"), "");
        setup(dir);
        const keyring = path.join(dir, "keyrings", "kubernetes.gpg");
        const run = spawnSync("sh", ["-c", `. "$1"; ${body}`, "sh", path.join(dir, "user-data.sh")], {
            env: {
                ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
                MESHBENCH_PREPARE_FUNCTIONS_ONLY: "1", MESHBENCH_KEYRING: keyring,
                MESHBENCH_SOURCES_LIST: path.join(dir, "kubernetes.list"), MESHBENCH_MODULES_FILE: path.join(dir, "modules.conf"),
                STUB_LOG: path.join(dir, "log"), STUB_DIR: dir, ...env,
            },
            timeout: 30_000,
        });
        assert.strictEqual(run.status, 0, run.stderr.toString());
        return {
            stdout: run.stdout.toString(),
            log: fs.readFileSync(path.join(dir, "log"), "utf8").trim().split("\n"),
            keyring: fs.existsSync(keyring) ? fs.readFileSync(keyring, "utf8") : undefined,
            modules: fs.existsSync(path.join(dir, "modules.conf")) ? fs.readFileSync(path.join(dir, "modules.conf"), "utf8") : undefined,
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const outcome = (fn: string) => `if ${fn}; then echo "rc=0"; else echo "rc=1"; fi`;
const REPO_KEY = "https://pkgs.k8s.io/core:/stable:/v1.29/deb/Release.key";

describe("node preparation (user data)", () => {
    it("sets every setting the script requires, for exactly 1.29.1 from the v1.29 repository", () => {
        assert.match(userData, /^#!\/bin\/sh\n/);
        assert.deepStrictEqual(prepareNodeSettings("1.29.1", KUBEADM_RELEASES["1.29"]), {
            MESHBENCH_KUBERNETES_VERSION: "1.29.1",
            MESHBENCH_REPOSITORY_MINOR: "v1.29",
            MESHBENCH_PACKAGE_REVISION: "1.1",
            MESHBENCH_CURRENT_KEY_MINORS: "v1.37 v1.36 v1.35",
            MESHBENCH_PAUSE_IMAGE: "registry.k8s.io/pause:3.9",
            MESHBENCH_CONTAINERD_VERSION: "1.7.34",
            MESHBENCH_RUNC_VERSION: "v1.3.6",
            MESHBENCH_KERNEL_MODULES: "",
            MESHBENCH_CNI_PLUGINS_VERSION: "v1.3.0",
            MESHBENCH_CRICTL_VERSION: "v1.29.0",
        });
        assert.strictEqual(prepareNodeSettings("1.29.1", KUBEADM_RELEASES["1.29"], { kernelModules: ["wireguard"] }).MESHBENCH_KERNEL_MODULES, "wireguard");
        assert.throws(() => prepareNodeSettings("1.29.1", KUBEADM_RELEASES["1.29"], { kernelModules: ["wire guard"] }), /not a module name/);
        for (const name of userData.matchAll(/\$\{?(MESHBENCH_[A-Z_]+)/g)) {
            if (["MESHBENCH_KEYRING", "MESHBENCH_SOURCES_LIST", "MESHBENCH_MODULES_FILE", "MESHBENCH_PREPARE_FUNCTIONS_ONLY"].includes(name[1])) continue;
            assert.match(userData, new RegExp(`^${name[1]}=`, "m"), `${name[1]} is set`);
        }
    });

    it("fits EC2's user data limit", () => {
        assert.ok(Buffer.byteLength(userData) < USER_DATA_LIMIT, `${Buffer.byteLength(userData)} bytes`);
    });

    it("passes shellcheck as rendered", () => {
        const run = spawnSync("shellcheck", ["--shell=sh", "--severity=style", "-"], { input: userData });
        assert.strictEqual(run.status, 0, run.stdout.toString());
    });

    it("keeps here-documents whole while dropping comments", () => {
        assert.match(userData, /\[Service\]\nExecStartPre=-\/sbin\/modprobe overlay\nExecStart=\/usr\/local\/bin\/containerd\n/);
        assert.match(userData, /TasksMax=infinity\nOOMScoreAdjust=-999\n\n\[Install\]/);
        assert.ok(!/^\s*# (Prepares|Delegate)/m.test(userData), "comment lines are not in the user data");
    });

    it("sets up containerd, writing and checking its config with the functions of containerd-config.sh", () => {
        assert.match(userData, /write_containerd_config \/etc\/containerd\/config\.toml "\$MESHBENCH_PAUSE_IMAGE" \|\| return 1\n\s*verify_containerd_config \/etc\/containerd\/config\.toml "\$MESHBENCH_PAUSE_IMAGE" \|\| return 1/);
        assert.match(userData, /^verify_containerd_config\(\) \{$/m);
        assert.ok(!userData.includes("apt-get install containerd") && !/install --no-install-recommends containerd/.test(userData), "not Ubuntu's containerd");
        assert.match(userData, /^MESHBENCH_PAUSE_IMAGE=registry\.k8s\.io\/pause:3\.9$/m);
        assert.match(userData, /modprobe br_netfilter/);
        assert.match(userData, /net\.ipv4\.ip_forward = 1/);
    });

    it("downloads containerd 1.7.34's release tarball and runc v1.3.6, each checked against its published SHA-256", () => {
        const tarball = "https://github.com/containerd/containerd/releases/download/v1.7.34/containerd-1.7.34-linux-amd64.tar.gz";
        const runc = "https://github.com/opencontainers/runc/releases/download/v1.3.6";
        const good = runFunctions(`${outcome('download_containerd "$STUB_DIR"')}; cat "$STUB_DIR/runc"`);
        assert.match(good.stdout, /rc=0/);
        assert.deepStrictEqual(good.log, [`curl ${tarball}`, `curl ${tarball}.sha256sum`, `curl ${runc}/runc.amd64`, `curl ${runc}/runc.sha256sum`]);
        assert.match(good.stdout, new RegExp(`content of ${runc}/runc\\.amd64`));
        const tampered = runFunctions(outcome('download_containerd "$STUB_DIR"'), { STUB_BAD_SHA: "1" });
        assert.match(tampered.stdout, /rc=1/);
        assert.match(tampered.stdout, /containerd-1\.7\.34-linux-amd64\.tar\.gz does not match its published SHA-256/);
    });

    it("retries apt-get update, which does not wait for the lists lock, a bounded number of times", () => {
        const twice = runFunctions(outcome("apt_update"), {}, (dir) => fs.writeFileSync(path.join(dir, "update-fails"), "1\n2\n"));
        assert.match(twice.stdout, /rc=0/);
        assert.strictEqual(twice.log.filter((l) => l.endsWith(" update")).length, 3);
        assert.strictEqual(twice.log.filter((l) => l.startsWith("sleep")).length, 2);
        const always = runFunctions(outcome("apt_update 4"), {}, (dir) => fs.writeFileSync(path.join(dir, "update-fails-always"), ""));
        assert.match(always.stdout, /rc=1/);
        assert.strictEqual(always.log.filter((l) => l.endsWith(" update")).length, 4);
    });

    it("stops apt-daily runs already under way, not only their timers", () => {
        const run = runFunctions("quiet_background_jobs");
        assert.deepStrictEqual(run.log, [
            "systemctl disable --now unattended-upgrades.service apt-daily.timer apt-daily-upgrade.timer",
            "systemctl stop apt-daily.service apt-daily-upgrade.service",
        ]);
    });

    it("loads the kernel modules the mesh needs, and fails naming one the kernel lacks", () => {
        // The user data sets MESHBENCH_KERNEL_MODULES=wireguard (rendered for Cilium above).
        const loaded = runFunctions(outcome("load_mesh_modules"));
        assert.match(loaded.stdout, /rc=0/);
        assert.deepStrictEqual(loaded.log, ["modprobe wireguard"]);
        assert.strictEqual(loaded.modules, "wireguard\n", "loaded at every boot too");
        const missing = runFunctions(outcome("load_mesh_modules"), {},
            (dir) => fs.writeFileSync(path.join(dir, "no-modules"), "wireguard\n"));
        assert.match(missing.stdout, /rc=1/);
        assert.match(missing.stdout, /meshbench-prepare: the mesh needs kernel module wireguard, and this kernel \(5\.15\.0-1070-aws\) cannot load it/);
        const none = runFunctions(`MESHBENCH_KERNEL_MODULES=""; ${outcome("load_mesh_modules")}`);
        assert.match(none.stdout, /rc=0/);
        assert.ok(!none.log.some((l) => l.startsWith("modprobe")));
    });

    it("installs kubelet, kubeadm and kubectl at exactly 1.29.1-1.1 from pkgs.k8s.io, and holds them", () => {
        const run = runFunctions(outcome("install_from_packages"), { STUB_MADISON: "1.29.1-1.1" });
        assert.match(run.stdout, /rc=0/);
        assert.deepStrictEqual(run.log.filter((l) => l.startsWith("curl")), [`curl ${REPO_KEY}`]);
        assert.ok(run.log.includes("apt-get -o DPkg::Lock::Timeout=600 -y -q install --no-install-recommends kubelet=1.29.1-1.1 kubeadm=1.29.1-1.1 kubectl=1.29.1-1.1"),
            run.log.join("\n"));
        assert.ok(run.log.includes("apt-mark hold kubelet kubeadm kubectl"));
    });

    it("retries with a supported minor's key, newest first, when apt cannot verify the v1.29 repository", () => {
        const key = (minor: string) => `https://pkgs.k8s.io/core:/stable:/${minor}/deb/Release.key`;
        // Three failed updates with the repository's own key, then success with the first supported minor's.
        const run = runFunctions(outcome("install_from_packages"), { STUB_MADISON: "1.29.1-1.1" },
            (dir) => fs.writeFileSync(path.join(dir, "update-fails"), "1\n2\n3\n"));
        assert.match(run.stdout, /rc=0/);
        assert.deepStrictEqual(run.log.filter((l) => l.startsWith("curl")), [`curl ${REPO_KEY}`, `curl ${REPO_KEY}`, `curl ${key("v1.37")}`]);
        assert.ok(run.keyring?.includes("core:/stable:/v1.37/deb/Release.key") && run.keyring.includes("core:/stable:/v1.29/deb/Release.key"),
            "the keyring holds the repository's key and the supported minor's");
        assert.ok(run.log.includes("apt-mark hold kubelet kubeadm kubectl"));
    });

    it("skips a minor whose key pkgs.k8s.io does not serve, and tries the next", () => {
        const key = (minor: string) => `https://pkgs.k8s.io/core:/stable:/${minor}/deb/Release.key`;
        const run = runFunctions(outcome("install_from_packages"), { STUB_MADISON: "1.29.1-1.1" }, (dir) => {
            fs.writeFileSync(path.join(dir, "update-fails"), "1\n2\n3\n");
            fs.writeFileSync(path.join(dir, "missing"), `${key("v1.37")}\n`);
        });
        assert.match(run.stdout, /rc=0/);
        assert.match(run.stdout, /pkgs\.k8s\.io serves no Release\.key for v1\.37; skipping it/);
        assert.deepStrictEqual(run.log.filter((l) => l.startsWith("curl")),
            [`curl ${REPO_KEY}`, `curl ${REPO_KEY}`, `curl ${key("v1.37")}`, `curl ${REPO_KEY}`, `curl ${key("v1.36")}`]);
        assert.ok(run.keyring?.includes("core:/stable:/v1.36/deb/Release.key"));
    });

    it("gives up on packages when no supported minor's key lets apt verify the repository", () => {
        const run = runFunctions(outcome("install_from_packages"), { STUB_MADISON: "1.29.1-1.1" },
            (dir) => fs.writeFileSync(path.join(dir, "update-fails-always"), ""));
        assert.match(run.stdout, /rc=1/);
        assert.strictEqual(run.log.filter((l) => l.endsWith(" update")).length, 12, "3 attempts with each of 4 keyrings");
        assert.ok(!run.log.some((l) => l.includes(" install ")), "installs nothing");
    });

    it("gives up on packages, so that the binaries are used, when the exact version is not offered", () => {
        const run = runFunctions(outcome("install_from_packages"), { STUB_MADISON: "1.29.15-1.1" });
        assert.match(run.stdout, /rc=1/);
        assert.ok(!run.log.some((l) => l.includes(" install ")), "installs nothing");
    });

    it("downloads fallback binaries only when their published SHA-256 matches", () => {
        const url = "https://dl.k8s.io/release/v1.29.1/bin/linux/amd64/kubeadm";
        const good = runFunctions(`${outcome(`download_verified ${url} "$STUB_DIR/kubeadm"`)}`);
        assert.match(good.stdout, /rc=0/);
        assert.deepStrictEqual(good.log, [`curl ${url}`, `curl ${url}.sha256`]);
        const bare = runFunctions(`${outcome(`download_verified ${url} "$STUB_DIR/kubeadm"`)}`, { STUB_BARE_SHA: "1" });
        assert.match(bare.stdout, /rc=0/, "dl.k8s.io's .sha256 files hold the bare hash");
        const tampered = runFunctions(`${outcome(`download_verified ${url} "$STUB_DIR/kubeadm"`)}`, { STUB_BAD_SHA: "1" });
        assert.match(tampered.stdout, /rc=1/);
    });

    it("falls back to the v1.29.1 release binaries, CNI plugins and crictl of the pinned versions", () => {
        assert.match(userData, /base="https:\/\/dl\.k8s\.io\/release\/v\$\{MESHBENCH_KUBERNETES_VERSION\}\/bin\/linux\/\$\{ARCH\}"/);
        assert.match(userData, /containernetworking\/plugins\/releases\/download\/\$\{MESHBENCH_CNI_PLUGINS_VERSION\}/);
        assert.match(userData, /kubernetes-sigs\/cri-tools\/releases\/download\/\$\{MESHBENCH_CRICTL_VERSION\}/);
        assert.match(userData, /if install_from_packages; then[\s\S]*else[\s\S]*install_from_binaries/);
    });
});
