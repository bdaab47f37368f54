// The real tier: the sweep's residue check lists the real testbed cluster (sweep/residue-lister.ts),
// through the API server for the objects and through a short-lived pod per node for
// /etc/cni/net.d, and names what a setup would have left behind.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { kubeClient } from "../../shared/kube-client";
import { clientPodRunner, podNodeFiles } from "../../sweep/kube-pods";
import { residueOf, residueText, type ClusterListing } from "../../sweep/residue";
import { kubeResidueLister, type ResidueLister } from "../../sweep/residue-lister";
import { env, kubectl } from "./stack-config";

const LEFTOVER_NAMESPACE = "meshbench-residue-probe";
const LEFTOVER_CRD = "leftovers.residue.meshbench.io";
const LEFTOVER_WEBHOOK = "meshbench-residue-probe";
// The testbed's nodes share the machine's filesystem, so one file shows on every node.
const LEFTOVER_CNI_FILE = path.join("/etc/cni/net.d", "99-meshbench-residue-probe.conflist");

/** What a mesh could leave: a namespace, a CRD and a webhook configuration (no DaemonSet: it would need pods). */
const LEFTOVERS = {
    apiVersion: "v1", kind: "List", items: [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: LEFTOVER_NAMESPACE } },
        {
            apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: LEFTOVER_CRD },
            spec: {
                group: "residue.meshbench.io", scope: "Namespaced", names: { plural: "leftovers", singular: "leftover", kind: "Leftover" },
                versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } }],
            },
        },
        { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: LEFTOVER_WEBHOOK }, webhooks: [] },
    ],
};

const applyLeftovers = (verb: "apply" | "delete") =>
    execFileSync("kubectl", ["--kubeconfig", env("MESHBENCH_TESTBED_KUBECONFIG"), verb, "-f", "-", ...(verb === "delete" ? ["--ignore-not-found", "--wait=true"] : [])],
        { input: JSON.stringify(LEFTOVERS), encoding: "utf8", timeout: 120_000 });

describe("the real tier: the residue check on the testbed cluster", function () {
    this.timeout(10 * 60_000);
    let lister: ResidueLister;
    let clean: ClusterListing;

    before(() => {
        const kubeconfig = fs.readFileSync(env("MESHBENCH_TESTBED_KUBECONFIG"), "utf8");
        lister = kubeResidueLister(kubeClient(kubeconfig), podNodeFiles(clientPodRunner(kubeconfig), env("MESHBENCH_TESTBED_NETPERF_IMAGE")));
    });

    after(() => {
        fs.rmSync(LEFTOVER_CNI_FILE, { force: true });
        applyLeftovers("delete");
    });

    it("lists the clean cluster, its namespaces and each node's CNI config, and reading it leaves nothing", async () => {
        clean = await lister.list();
        const names = clean.objects.filter((o) => o.kind === "Namespace").map((o) => o.name);
        for (const ns of ["default", "kube-system"]) assert.ok(names.includes(ns), `namespaces listed: ${names.join(", ")}`);
        assert.deepStrictEqual(Object.keys(clean.cniConfig).sort(), ["node-1", "node-2", "node-3"]);
        // The pods that read the nodes leave nothing: listed again, the cluster is the same.
        assert.deepStrictEqual(residueOf(clean, await lister.list()), []);
        assert.deepStrictEqual(kubectl("-n", "kube-system", "get", "pods", "-o", "name").split("\n").filter((p) => p.includes("cni-ls")), []);
    });

    it("names what a setup left: a namespace, a CRD, a webhook configuration and a CNI config file on every node", async () => {
        applyLeftovers("apply");
        fs.writeFileSync(LEFTOVER_CNI_FILE, "{}\n");
        const residue = residueOf(clean, await lister.list()).map(residueText);
        assert.deepStrictEqual(residue.sort(), [
            `left CustomResourceDefinition ${LEFTOVER_CRD}`,
            `left Namespace ${LEFTOVER_NAMESPACE}`,
            `left ValidatingWebhookConfiguration ${LEFTOVER_WEBHOOK}`,
            ...["node-1", "node-2", "node-3"].map((n) => `left CNI config file ${path.basename(LEFTOVER_CNI_FILE)} on ${n}`),
        ].sort());
    });

    it("finds the cluster back in its clean state once they are removed", async () => {
        fs.rmSync(LEFTOVER_CNI_FILE, { force: true });
        applyLeftovers("delete");
        assert.deepStrictEqual(residueOf(clean, await lister.list()).map(residueText), []);
    });
});
