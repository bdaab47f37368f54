import * as assert from "assert";
import { TARGETS } from "../../cluster";
import { MESHES } from "../../meshes";
import { none } from "../../meshes/none";
import type { Mesh, MeshName } from "../../meshes/types";
import { buildPlan, PAPER_MESHES, sizeLabel, withResponseSizes, type MeshRegistry } from "../../sweep/plan";
import { setupRawConfig } from "../../sweep/stack-config";

/** A mesh that has landed, as far as the plan can tell: its name and what mTLS modes it supports. */
const landed = (name: MeshName, off: Mesh["mtlsOff"] = { supported: true }): Mesh =>
    ({ ...none, name, mtlsOn: { supported: true }, mtlsOff: off });

const NO_PLAINTEXT = { supported: false, reason: "linkerd encrypts all meshed TCP; no switch turns it off" } as const;

/** linkerd cannot run with mTLS off; cilium is the CNI. */
const REGISTRY: MeshRegistry = {
    none,
    istio: landed("istio"),
    "istio-ambient": landed("istio-ambient"),
    linkerd: landed("linkerd", NO_PLAINTEXT),
    consul: landed("consul"),
    kuma: landed("kuma"),
    cilium: { ...landed("cilium"), providesCni: true },
};

const stacks = (registry: MeshRegistry, request: Parameters<typeof buildPlan>[0]) => buildPlan(request, registry).setups.map((s) => s.stack);

describe("sweep plan", () => {
    it("defaults to the paper's five setups: the baseline, then four meshes with mTLS on", () => {
        assert.deepStrictEqual(stacks(REGISTRY, { all: false }),
            ["none-mtls-off", "istio-mtls-on", "linkerd-mtls-on", "consul-mtls-on", "kuma-mtls-on"]);
        assert.deepStrictEqual(PAPER_MESHES, ["none", "istio", "linkerd", "consul", "kuma"]);
    });

    it("with --all covers every mesh, mTLS off then on, and says why a mode or a mesh is left out", () => {
        const plan = buildPlan({ all: true }, REGISTRY);
        assert.deepStrictEqual(plan.setups.map((s) => s.stack), [
            "none-mtls-off", "istio-mtls-off", "istio-mtls-on", "istio-ambient-mtls-off", "istio-ambient-mtls-on",
            "linkerd-mtls-on", "consul-mtls-off", "consul-mtls-on", "kuma-mtls-off", "kuma-mtls-on", "cilium-mtls-off", "cilium-mtls-on",
        ]);
        assert.deepStrictEqual(plan.skipped, [{ mesh: "linkerd", mtls: false, reason: NO_PLAINTEXT.reason }]);
    });

    it("keeps the baseline plaintext whatever --mtls asks", () => {
        assert.deepStrictEqual(stacks(REGISTRY, { all: false, meshes: ["none", "istio"], mtls: "on" }), ["none-mtls-off", "istio-mtls-on"]);
        assert.deepStrictEqual(stacks(REGISTRY, { all: false, meshes: ["istio", "none"], mtls: "both" }),
            ["none-mtls-off", "istio-mtls-off", "istio-mtls-on"]);
    });

    it("skips a mode a mesh cannot run in, with the mesh's own reason", () => {
        const plan = buildPlan({ all: false, meshes: ["linkerd", "kuma"], mtls: "off" }, REGISTRY);
        assert.deepStrictEqual(plan.setups.map((s) => s.stack), ["kuma-mtls-off"]);
        assert.deepStrictEqual(plan.skipped, [{ mesh: "linkerd", mtls: false, reason: NO_PLAINTEXT.reason }]);
    });

    it("skips a mesh the target cannot run, with the target's reason, and plans the rest from the real registry", () => {
        const plan = buildPlan({ all: true }, MESHES,
            (mesh) => TARGETS.eks.meshSupport({ mesh: mesh.name, installCni: !mesh.providesCni }));
        assert.deepStrictEqual(plan.skipped.filter((s) => s.mesh === "cilium"),
            [{ mesh: "cilium", reason: "EKS nodes come with the VPC CNI, which meshbench neither replaces nor chains cilium onto; target vms is the supported path for cilium (pulumi config set target vms)" }]);
        for (const mesh of Object.keys(MESHES) as MeshName[]) {
            assert.ok(plan.setups.some((s) => s.mesh === mesh) || plan.skipped.some((s) => s.mesh === mesh), `${mesh} is planned or skipped`);
        }
        const onVms = buildPlan({ all: true }, MESHES, (mesh) => TARGETS.vms.meshSupport({ mesh: mesh.name, installCni: !mesh.providesCni }));
        assert.ok(onVms.setups.some((s) => s.stack === "cilium-mtls-on"));
    });

    it("makes one setup per setup and response size, size by size, with readable unique stack names", () => {
        const setups = buildPlan({ all: false, meshes: ["none", "istio"] }, REGISTRY).setups;
        assert.deepStrictEqual(withResponseSizes(setups, []), setups);
        const sized = withResponseSizes(setups, [10, 1024, 65536]);
        assert.deepStrictEqual(sized.map((s) => [s.stack, s.responseBytes]), [
            ["none-mtls-off-10b", 10], ["istio-mtls-on-10b", 10], ["none-mtls-off-1k", 1024], ["istio-mtls-on-1k", 1024],
            ["none-mtls-off-64k", 65536], ["istio-mtls-on-64k", 65536],
        ]);
        assert.deepStrictEqual([1, 1000, 1024, 1536, 65536, 524288].map(sizeLabel), ["1b", "1000b", "1k", "1536b", "64k", "512k"]);
        // Each stack gets its own size; the shared config gives the rest.
        assert.deepStrictEqual(setupRawConfig(sized[3], { target: "kubeconfig" }, "r1"),
            { target: "kubeconfig", responseBytes: "1024", mesh: "istio", mtls: "true", runId: "r1" });
        assert.deepStrictEqual(setupRawConfig(setups[1], { target: "kubeconfig" }, "r1"),
            { target: "kubeconfig", mesh: "istio", mtls: "true", runId: "r1" });
    });
});
