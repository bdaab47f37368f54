// The node preparation script, as rendered into user data: shellcheck on the rendered text,
// and its apt and download steps run for real against stub commands (apt-get, apt-cache,
// apt-mark, curl, gpg) that log what they were asked to do.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KUBEADM_RELEASES } from "../../../cluster/versions";
import { USER_DATA_LIMIT } from "../../../cluster/user-data";
import { buildUserData, prepareNodeSettings } from "../../../cluster/vms/node-scripts";

const userData = buildUserData("1.29.1", KUBEADM_RELEASES["1.29"]);

const STUBS: Record<string, string> = {
    "apt-get": `echo "apt-get $*" >> "$STUB_LOG"
case " $* " in *" update "*)
    if [ -f "$STUB_DIR/update-fails" ]; then rm -f "$STUB_DIR/update-fails"; exit 100; fi ;;
esac`,
    "apt-cache": `echo "apt-cache $*" >> "$STUB_LOG"
[ -z "\${STUB_MADISON:-}" ] || printf '   kubeadm | %s | https://pkgs.k8s.io/core:/stable:/v1.29/deb  Packages\\n' "$STUB_MADISON"`,
    "apt-mark": `echo "apt-mark $*" >> "$STUB_LOG"`,
    // Serves "content of <url>" for any URL, and its SHA-256 (or a wrong one) for <url>.sha256.
    curl: `out=""; url=""
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift ;; https://*) url=$1 ;; esac; shift; done
echo "curl $url" >> "$STUB_LOG"
case "$url" in *.sha256)
    body=$(printf 'content of %s\\n' "\${url%.sha256}" | sha256sum | cut -d ' ' -f 1)
    [ -z "\${STUB_BAD_SHA:-}" ] || body=$(printf 'tampered' | sha256sum | cut -d ' ' -f 1)
    body="$body  file" ;;
*) body=$(printf 'content of %s' "$url") ;;
esac
if [ -n "$out" ]; then printf '%s\\n' "$body" > "$out"; else printf '%s\\n' "$body"; fi`,
    gpg: `echo "gpg $*" >> "$STUB_LOG"; cat`,
};

interface StubRun {
    readonly stdout: string;
    readonly log: string[];
    readonly keyring?: string;
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
                MESHBENCH_SOURCES_LIST: path.join(dir, "kubernetes.list"), STUB_LOG: path.join(dir, "log"), STUB_DIR: dir, ...env,
            },
            timeout: 30_000,
        });
        assert.strictEqual(run.status, 0, run.stderr.toString());
        return {
            stdout: run.stdout.toString(),
            log: fs.readFileSync(path.join(dir, "log"), "utf8").trim().split("\n"),
            keyring: fs.existsSync(keyring) ? fs.readFileSync(keyring, "utf8") : undefined,
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
            MESHBENCH_CURRENT_KEY_MINORS: "v1.34 v1.33 v1.32",
            MESHBENCH_PAUSE_IMAGE: "registry.k8s.io/pause:3.9",
            MESHBENCH_CNI_PLUGINS_VERSION: "v1.3.0",
            MESHBENCH_CRICTL_VERSION: "v1.29.0",
        });
        for (const name of userData.matchAll(/\$\{?(MESHBENCH_[A-Z_]+)/g)) {
            if (["MESHBENCH_KEYRING", "MESHBENCH_SOURCES_LIST", "MESHBENCH_PREPARE_FUNCTIONS_ONLY"].includes(name[1])) continue;
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

    it("sets up containerd with the systemd cgroup driver and the pause image kubeadm 1.29 expects", () => {
        assert.match(userData, /s\/SystemdCgroup = false\/SystemdCgroup = true\//);
        assert.match(userData, /sandbox_image = \\"\$\{MESHBENCH_PAUSE_IMAGE\}\\"/);
        assert.match(userData, /^MESHBENCH_PAUSE_IMAGE=registry\.k8s\.io\/pause:3\.9$/m);
        assert.match(userData, /modprobe br_netfilter/);
        assert.match(userData, /net\.ipv4\.ip_forward = 1/);
    });

    it("installs kubelet, kubeadm and kubectl at exactly 1.29.1-1.1 from pkgs.k8s.io, and holds them", () => {
        const run = runFunctions(outcome("install_from_packages"), { STUB_MADISON: "1.29.1-1.1" });
        assert.match(run.stdout, /rc=0/);
        assert.deepStrictEqual(run.log.filter((l) => l.startsWith("curl")), [`curl ${REPO_KEY}`]);
        assert.ok(run.log.includes("apt-get -o DPkg::Lock::Timeout=600 -y -q install --no-install-recommends kubelet=1.29.1-1.1 kubeadm=1.29.1-1.1 kubectl=1.29.1-1.1"),
            run.log.join("\n"));
        assert.ok(run.log.includes("apt-mark hold kubelet kubeadm kubectl"));
    });

    it("retries with the current repositories' key when apt cannot verify the v1.29 repository", () => {
        const run = runFunctions(outcome("install_from_packages"), { STUB_MADISON: "1.29.1-1.1" },
            (dir) => fs.writeFileSync(path.join(dir, "update-fails"), ""));
        assert.match(run.stdout, /rc=0/);
        assert.deepStrictEqual(run.log.filter((l) => l.startsWith("curl")), [
            `curl ${REPO_KEY}`,
            `curl ${REPO_KEY}`,
            ...["v1.34", "v1.33", "v1.32"].map((m) => `curl https://pkgs.k8s.io/core:/stable:/${m}/deb/Release.key`),
        ]);
        assert.strictEqual(run.log.filter((l) => l.endsWith(" update")).length, 2);
        assert.ok(run.keyring?.includes("core:/stable:/v1.33/deb/Release.key"), "the keyring holds the current key too");
        assert.ok(run.log.includes("apt-mark hold kubelet kubeadm kubectl"));
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
