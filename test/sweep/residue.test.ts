// The residue check against listings of a clean cluster and of one a mesh's destroy left
// things in (test/fixtures/residue/, written by hand), and the sweep stopping a lane on it.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SweepControl, type StackBackend } from "../../sweep/backend";
import { buildLanes } from "../../sweep/lanes";
import type { PlannedSetup } from "../../sweep/plan";
import { parseKubectlList, residueOf, residueText, type ClusterListing } from "../../sweep/residue";
import { RunDirectory } from "../../sweep/run-directory";
import { runSweep } from "../../sweep/run";
import { summaryLines, sweepSucceeded } from "../../sweep/summary";
import { buildFixtureRun } from "../fixtures/results/build";

const FIXTURES_DIR = path.join(__dirname, "..", "fixtures", "residue");
const read = (f: string) => fs.readFileSync(path.join(FIXTURES_DIR, f), "utf8");
const listing = (name: "clean" | "leftover"): ClusterListing =>
    ({ objects: parseKubectlList(read(`${name}-kubectl.json`)), cniConfig: JSON.parse(read(`${name}-cni.json`)) as Record<string, string[]> });

describe("residue check", () => {
    it("reads a kubectl List: the compared kinds, namespaces of namespaced ones, a namespace's phase when not Active", () => {
        const objects = parseKubectlList(read("leftover-kubectl.json"));
        assert.deepStrictEqual(objects.filter((o) => o.kind === "DaemonSet").map((o) => `${o.namespace}/${o.name}`),
            ["kube-flannel/kube-flannel-ds", "kube-system/cilium", "kube-system/kube-proxy"]);
        assert.deepStrictEqual(objects.find((o) => o.name === "istio-system"), { kind: "Namespace", name: "istio-system", phase: "Terminating" });
        assert.deepStrictEqual(parseKubectlList(JSON.stringify({ kind: "List", items: [{ kind: "ConfigMap", metadata: { name: "x", namespace: "y" } }] })), []);
        assert.throws(() => parseKubectlList('{"kind": "Namespace"}'), /^Error: parseKubectlList: not a kubectl List \(kind "Namespace"\)$/);
    });

    it("finds nothing on a clean cluster listed twice, whatever the order", () => {
        const clean = listing("clean");
        assert.deepStrictEqual(residueOf(clean, clean), []);
        const shuffled: ClusterListing = { objects: [...clean.objects].reverse(), cniConfig: Object.fromEntries(Object.entries(clean.cniConfig).reverse()) };
        assert.deepStrictEqual(residueOf(clean, shuffled), []);
    });

    it("lists every CRD, webhook, DaemonSet, namespace and CNI config file left, and the CNI config that went missing", () => {
        assert.deepStrictEqual(residueOf(listing("clean"), listing("leftover")).map(residueText), [
            "left CNI config file 05-cilium.conflist on client-1",
            "left CNI config file 10-flannel.conflist.cilium_bak on client-1",
            "left CNI config file 05-cilium.conflist on server-1",
            "left CNI config file 10-flannel.conflist.cilium_bak on server-1",
            "left CustomResourceDefinition authorizationpolicies.security.istio.io",
            "left CustomResourceDefinition destinationrules.networking.istio.io",
            "left CustomResourceDefinition peerauthentications.security.istio.io",
            "left DaemonSet cilium in kube-system",
            "left MutatingWebhookConfiguration istio-sidecar-injector",
            "left Namespace istio-system (Terminating)",
            "left ValidatingWebhookConfiguration istiod-default-validator",
            "missing CNI config file 10-flannel.conflist on client-1",
            "missing CNI config file 10-flannel.conflist on server-1",
        ]);
    });

    it("counts what a teardown removed from the clean state as residue too", () => {
        const clean = listing("clean");
        const after: ClusterListing = { ...clean, objects: clean.objects.filter((o) => o.name !== "kube-proxy") };
        assert.deepStrictEqual(residueOf(clean, after).map(residueText), ["missing DaemonSet kube-proxy in kube-system"]);
    });
});

describe("residue check in a sweep", () => {
    let tmp: string;
    beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-residue-")); });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("fails the lane of a setup that leaves residue, naming what it left, and runs none of the lane's later setups", async () => {
        const fixtures = buildFixtureRun();
        const setups: PlannedSetup[] = ["none-mtls-off", "istio-mtls-on", "kuma-mtls-on"].map((stack) => {
            const [mesh, , mode] = stack.split("-");
            return { mesh: mesh as PlannedSetup["mesh"], mtls: mode === "on", stack };
        });
        const lanes = buildLanes(setups, { lanes: 1, rounds: 1, seed: 1 });
        const order = lanes[0].order;
        const calls: string[] = [];
        let destroyed: string | undefined;
        const backend: StackBackend = {
            async prepare(stack) { calls.push(`prepare ${stack}`); },
            async up(stack) { calls.push(`up ${stack}`); return { results: fixtures[stack] }; },
            async destroy(stack) { calls.push(`destroy ${stack}`); destroyed = stack; },
        };
        // The cluster is clean until the lane's second setup has been destroyed; then it holds the leftovers.
        const inspect = async () => { calls.push("inspect"); return destroyed === order[1] ? listing("leftover") : listing("clean"); };
        const directory = new RunDirectory(path.join(tmp, "r1"));
        const lines: string[] = [];
        const record = await runSweep(
            { runId: "r1", plan: { setups, skipped: [] }, settings: { target: "kubeconfig" }, keep: false, lanes: { lanes, rounds: 1, seed: 1 } },
            { backend, directory, control: new SweepControl(), log: (l) => lines.push(l), now: () => new Date(), inspect },
        );
        assert.deepStrictEqual(calls, ["inspect", `prepare ${order[0]}`, `up ${order[0]}`, `destroy ${order[0]}`, "inspect",
            `prepare ${order[1]}`, `up ${order[1]}`, `destroy ${order[1]}`, "inspect"]);
        assert.deepStrictEqual(record.setups.map((s) => [s.stack, s.outcome.kind, s.teardown.kind]),
            [[order[0], "measured", "destroyed"], [order[1], "measured", "residue"], [order[2], "not run", "not needed"]]);
        const residue = record.setups[1].teardown;
        assert.ok(residue.kind === "residue" && residue.residue.includes("left Namespace istio-system (Terminating)"));
        assert.deepStrictEqual(record.setups[2].outcome, { kind: "not run", reason: `${order[1]} left residue on the cluster` });
        assert.ok(lines.some((l) => l.includes(`${order[1]} (lane 1, round 1): RESIDUE: the cluster is not back in its clean state: left CNI config file 05-cilium.conflist on client-1;`)));
        assert.strictEqual(sweepSucceeded(record, order), false);
        const summary = summaryLines(record, "results/r1", order, () => undefined);
        assert.ok(summary.some((l) => l.includes("destroyed, but LEFT RESIDUE: left CNI config file 05-cilium.conflist on client-1")), summary.join("\n"));
    });
});
