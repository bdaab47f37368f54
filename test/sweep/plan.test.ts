import * as assert from "assert";
import { MESHES } from "../../meshes";
import { none } from "../../meshes/none";
import type { Mesh, MeshName } from "../../meshes/types";
import { buildPlan, PAPER_MESHES, type MeshRegistry } from "../../sweep/plan";

/** A mesh that has landed, as far as the plan can tell: its name and what mTLS modes it supports. */
const landed = (name: MeshName, off: Mesh["mtlsOff"] = { supported: true }): Mesh =>
    ({ ...none, name, mtlsOn: { supported: true }, mtlsOff: off });

const NO_PLAINTEXT = { supported: false, reason: "linkerd encrypts all meshed TCP; no switch turns it off" } as const;

/** Every mesh landed but cilium; linkerd cannot run with mTLS off. */
const REGISTRY: MeshRegistry = {
    none,
    istio: landed("istio"),
    "istio-ambient": landed("istio-ambient"),
    linkerd: landed("linkerd", NO_PLAINTEXT),
    consul: landed("consul"),
    kuma: landed("kuma"),
    cilium: undefined,
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
            "linkerd-mtls-on", "consul-mtls-off", "consul-mtls-on", "kuma-mtls-off", "kuma-mtls-on",
        ]);
        assert.deepStrictEqual(plan.skipped, [
            { mesh: "linkerd", mtls: false, reason: NO_PLAINTEXT.reason },
            { mesh: "cilium", reason: "not implemented yet" },
        ]);
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

    it("reports meshes that have not landed in the real registry instead of failing", () => {
        const plan = buildPlan({ all: true }, MESHES);
        for (const mesh of Object.keys(MESHES) as MeshName[]) {
            const planned = plan.setups.some((s) => s.mesh === mesh);
            const skipped = plan.skipped.some((s) => s.mesh === mesh);
            assert.ok(planned || skipped, `${mesh} is neither planned nor skipped`);
            if (!MESHES[mesh]) assert.deepStrictEqual(plan.skipped.filter((s) => s.mesh === mesh), [{ mesh, reason: "not implemented yet" }]);
        }
        assert.ok(plan.setups.some((s) => s.stack === "none-mtls-off"));
    });
});
