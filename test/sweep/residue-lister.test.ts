// The real listing behind the residue check: what it GETs from the API server, the pod it
// runs on each node for /etc/cni/net.d, and that its listing of the fixtures' clusters
// gives the check the same answer as the kubectl listings (test/fixtures/residue/).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Pod } from "kubernetes-types/core/v1";
import { KubeError, type KubeApi } from "../../shared/kube-api";
import { buildCniListerPod } from "../../sweep/cni-pod";
import { podNodeFiles, type PodRunner } from "../../sweep/kube-pods";
import { parseKubectlList, residueOf, residueText, type ClusterListing } from "../../sweep/residue";
import { kubeResidueLister, parseFileNames, RESIDUE_LIST_PATHS, type NodeFiles } from "../../sweep/residue-lister";

const FIXTURES_DIR = path.join(__dirname, "..", "fixtures", "residue");
const read = (f: string) => fs.readFileSync(path.join(FIXTURES_DIR, f), "utf8");

/** The API server's answers for a fixture cluster: the kubectl List split into one list per kind, items without their kind, as the API serves them. */
function fakeApi(name: "clean" | "leftover"): { kube: KubeApi; gets: string[] } {
    const items = (JSON.parse(read(`${name}-kubectl.json`)) as { items: { kind: string }[] }).items;
    const nodes = Object.keys(JSON.parse(read(`${name}-cni.json`)) as Record<string, string[]>);
    const bodies: Record<string, unknown> = {
        ...Object.fromEntries(Object.entries(RESIDUE_LIST_PATHS).map(([kind, p]) => [p, {
            kind: `${kind}List`, items: items.filter((i) => i.kind === kind).map(({ kind: _, ...rest }) => rest),
        }])),
        "/api/v1/nodes": { kind: "NodeList", items: nodes.map((n) => ({ metadata: { name: n } })) },
    };
    const gets: string[] = [];
    return {
        gets,
        kube: {
            exec: () => Promise.reject(new Error("the lister never execs")),
            get: async (p) => {
                gets.push(p);
                if (!(p in bodies)) throw new KubeError("status", `GET ${p}: 404`);
                return JSON.stringify(bodies[p]);
            },
        },
    };
}

const fakeNodeFiles = (name: "clean" | "leftover"): NodeFiles => {
    const files = JSON.parse(read(`${name}-cni.json`)) as Record<string, string[]>;
    return { cniConfigFiles: async (node) => [...files[node]] };
};

const kubectlListing = (name: "clean" | "leftover"): ClusterListing =>
    ({ objects: parseKubectlList(read(`${name}-kubectl.json`)), cniConfig: JSON.parse(read(`${name}-cni.json`)) as Record<string, string[]> });

describe("residue lister (Kubernetes API and a pod per node)", () => {
    it("GETs each compared kind's list, DaemonSets in every namespace, and the nodes", async () => {
        const { kube, gets } = fakeApi("clean");
        await kubeResidueLister(kube, fakeNodeFiles("clean")).list();
        assert.deepStrictEqual(gets.sort(), [
            "/api/v1/namespaces", "/api/v1/nodes", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
            "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            "/apis/apps/v1/daemonsets",
        ]);
    });

    it("lists the fixtures' clusters as the kubectl listings do, so the check finds the same residue", async () => {
        const clean = await kubeResidueLister(fakeApi("clean").kube, fakeNodeFiles("clean")).list();
        const leftover = await kubeResidueLister(fakeApi("leftover").kube, fakeNodeFiles("leftover")).list();
        assert.deepStrictEqual(residueOf(clean, clean), []);
        assert.deepStrictEqual(residueOf(clean, leftover).map(residueText),
            residueOf(kubectlListing("clean"), kubectlListing("leftover")).map(residueText));
        assert.ok(residueOf(clean, leftover).some((r) => r.kind === "Namespace" && r.phase === "Terminating"));
    });

    it("fails, naming the path, when the API refuses a list (a check that cannot list is no clean state)", async () => {
        const kube: KubeApi = { exec: () => Promise.reject(new Error("no")), get: async (p) => { throw new KubeError("status", `GET ${p}: 403 forbidden`); } };
        await assert.rejects(kubeResidueLister(kube, fakeNodeFiles("clean")).list(), /GET \/api.*: 403 forbidden/);
    });

    it("the node pod: ls by argv (no shell), the CNI directory read-only, on the node by name, without the pod network, tolerating every taint", () => {
        const pod = buildCniListerPod("server-1", "cilium/netperf:2.0");
        const spec = pod.spec!;
        assert.strictEqual(spec.nodeName, "server-1");
        assert.strictEqual(spec.hostNetwork, true);
        assert.deepStrictEqual(spec.tolerations, [{ operator: "Exists" }]);
        // It sleeps; the check execs the listing in it (no log to lose), and it ends by itself if the check dies.
        assert.deepStrictEqual(spec.containers[0].command, ["sleep", "600"]);
        assert.strictEqual(spec.activeDeadlineSeconds, 600);
        assert.strictEqual(spec.containers[0].args, undefined);
        assert.deepStrictEqual(spec.containers[0].volumeMounts, [{ name: "cni", mountPath: "/host-cni", readOnly: true }]);
        assert.deepStrictEqual(spec.volumes, [{ name: "cni", hostPath: { path: "/etc/cni/net.d", type: "Directory" } }]);
        assert.strictEqual(pod.metadata!.namespace, "kube-system");
    });

    it("reads the node's files from an exec of ls in the pod, and fails with the node and the reason otherwise", async () => {
        const ran: { pod: Pod; container: string; argv: readonly string[] }[] = [];
        const ok: PodRunner = {
            run: async (pod, container, argv) => {
                ran.push({ pod, container, argv });
                return { exitCode: 0, stdout: "10-flannel.conflist\n05-cilium.conflist\n", stderr: "" };
            },
        };
        assert.deepStrictEqual(await podNodeFiles(ok, "img").cniConfigFiles("client-1"), ["05-cilium.conflist", "10-flannel.conflist"]);
        assert.strictEqual(ran[0].pod.spec!.nodeName, "client-1");
        assert.deepStrictEqual([ran[0].container, ran[0].argv], ["ls", ["ls", "-1A", "/host-cni"]]);
        const failed: PodRunner = { run: async () => ({ exitCode: 2, stdout: "", stderr: "ls: cannot access '/host-cni': Permission denied\n" }) };
        await assert.rejects(podNodeFiles(failed, "img").cniConfigFiles("client-1"), (e: Error) => e.message ===
            "listing the CNI config of node client-1 failed: ls -1A /host-cni exited with 2: ls: cannot access '/host-cni': Permission denied");
        const neverRan: PodRunner = { run: async () => ({ stdout: "", stderr: "", reason: "the pod ended before the command: exit 1 (Error)" }) };
        await assert.rejects(podNodeFiles(neverRan, "img").cniConfigFiles("client-1"), (e: Error) => e.message ===
            "listing the CNI config of node client-1 failed: the pod ended before the command: exit 1 (Error)");
        assert.deepStrictEqual(parseFileNames("\n"), []);
    });
});

