// The destroy step that releases the EBS volumes before the EBS CSI add-on goes
// (cluster/eks/scripts/release-volumes.sh), run for real against a stand-in kubectl that
// logs its calls and answers from files, and its place in the destroy order.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RELEASE_VOLUMES_SCRIPT } from "../../../cluster/eks/addons";
import { EKS_STORAGE_CLASS } from "../../../cluster/versions";

// get --raw /readyz fails with $STUB_DIR/unreachable; get pvc prints $STUB_DIR/claims; get pv
// prints $STUB_DIR/volumes for as many calls as $STUB_DIR/volume-calls says (then nothing).
const KUBECTL = `#!/bin/sh
printf "kubectl %s\\n" "$*" >> "$STUB_DIR/log"
[ "$1" = --kubeconfig ] && [ "$(cat "$2")" = "kubeconfig contents" ] || { echo "no kubeconfig" >&2; exit 1; }
case "$*" in
*"get --raw /readyz"*) [ ! -f "$STUB_DIR/unreachable" ] ;;
*"get pvc"*) cat "$STUB_DIR/claims" ;;
*"get pv "*)
    left=$(cat "$STUB_DIR/volume-calls" 2>/dev/null || echo 0)
    if [ "$left" -gt 0 ]; then cat "$STUB_DIR/volumes"; echo $((left - 1)) > "$STUB_DIR/volume-calls"; fi ;;
*"delete pvc"*) ;;
*) exit 1 ;;
esac
`;

interface ReleaseRun {
    readonly status: number | null;
    readonly output: string;
    readonly calls: string[];
    readonly sleeps: number;
}

function release(files: Record<string, string>, env: Record<string, string> = {}): ReleaseRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-release-"));
    try {
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "bin", "kubectl"), KUBECTL, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "bin", "sleep"), `#!/bin/sh\necho sleep >> "$STUB_DIR/sleeps"\n`, { mode: 0o755 });
        for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
        const run = spawnSync("sh", ["-c", RELEASE_VOLUMES_SCRIPT], {
            env: {
                PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, STUB_DIR: dir,
                MESHBENCH_KUBECONFIG: "kubeconfig contents", MESHBENCH_STORAGE_CLASS: EKS_STORAGE_CLASS, ...env,
            },
            timeout: 30_000,
        });
        const read = (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), "utf8") : "");
        return {
            status: run.status,
            output: run.stdout.toString() + run.stderr.toString(),
            calls: read("log").trim().split("\n").map((l) => l.replace(/^kubectl --kubeconfig \S+ --request-timeout=30s /, "")),
            sleeps: read("sleeps").split("\n").filter(Boolean).length,
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const OF_CLASS = `?(@.spec.storageClassName=="${EKS_STORAGE_CLASS}")`;

describe("eks: releasing the EBS volumes on destroy", () => {
    it("deletes the claims of meshbench's StorageClass and waits until their volumes are gone", () => {
        const run = release({
            claims: "consul data-consul-server-0\nspire spire-data-spire-server-0\n",
            volumes: "pvc-1a pvc-2b ", "volume-calls": "2",
        });
        assert.strictEqual(run.status, 0, run.output);
        assert.deepStrictEqual(run.calls, [
            "get --raw /readyz",
            `get pvc --all-namespaces -o jsonpath={range .items[${OF_CLASS}]}{.metadata.namespace} {.metadata.name}{"\\n"}{end}`,
            "delete pvc --namespace consul data-consul-server-0 --wait=false",
            "delete pvc --namespace spire spire-data-spire-server-0 --wait=false",
            `get pv -o jsonpath={range .items[${OF_CLASS}]}{.metadata.name} {end}`,
            `get pv -o jsonpath={range .items[${OF_CLASS}]}{.metadata.name} {end}`,
            `get pv -o jsonpath={range .items[${OF_CLASS}]}{.metadata.name} {end}`,
        ]);
        assert.strictEqual(run.sleeps, 2);
        assert.match(run.output, /no PersistentVolume of meshbench-gp3 is left/);
    });

    it("fails the destroy, naming the volumes, when they outlast the timeout", () => {
        const run = release({ claims: "", volumes: "pvc-1a ", "volume-calls": "100" }, { MESHBENCH_RELEASE_TIMEOUT_SECONDS: "10" });
        assert.strictEqual(run.status, 1);
        assert.strictEqual(run.sleeps, 2);
        assert.match(run.output, /after 10 s these PersistentVolumes of meshbench-gp3 remain: pvc-1a ; their EBS volumes would outlive the EBS CSI driver/);
    });

    it("lets the destroy go on when the cluster is already gone", () => {
        const run = release({ unreachable: "" });
        assert.strictEqual(run.status, 0);
        assert.deepStrictEqual(run.calls, ["get --raw /readyz"]);
        assert.match(run.output, /does not answer; no volumes to release/);
    });
});
