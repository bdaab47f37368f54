// Every registered mesh, in every mTLS mode it supports: what all meshes owe the rest of
// the program. Each mesh's own test checks what is particular to it.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { MESHES } from "../../meshes";
import { SPIRE_NAMESPACE } from "../../meshes/cilium-steps";
import type { Mesh, MeshContext } from "../../meshes/types";
import { HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT } from "../../workloads/ports";
import { imagesInObjects, imagesSetBy, unpinnedImages } from "../helpers/chart-images";
import { loadChartKeys, unknownValueKeys } from "../helpers/chart-keys";

/** Stand-ins for values a mesh's prerequisites would create (e.g. certificates): any name resolves. */
const PREREQUISITES = new Proxy({} as Record<string, pulumi.Output<string>>, {
    get: (_target, name) => pulumi.output(`<${String(name)}>`),
});

const implemented = Object.values(MESHES).filter((m): m is Mesh => m !== undefined);

describe("mesh registry", () => {
    it("registers each mesh under its own name", () => {
        for (const [name, mesh] of Object.entries(MESHES)) if (mesh) assert.strictEqual(mesh.name, name);
    });

    for (const mesh of implemented) {
        for (const mtls of [true, false].filter((on) => (on ? mesh.mtlsOn : mesh.mtlsOff).supported)) {
            describe(`${mesh.name}, mTLS ${mtls ? "on" : "off"}`, () => {
                const ctx: MeshContext = { mtls, target: "vms", benchNamespace: "meshbench" };
                const releases = mesh.releases(ctx, PREREQUISITES);

                it("sets only Helm values the pinned charts have", () => {
                    for (const r of releases) {
                        assert.doesNotThrow(() => loadChartKeys(r.chart, r.version), `key list for ${r.chart}@${r.version} in test/fixtures/chart-keys`);
                        assert.deepStrictEqual(unknownValueKeys(r.values, r.chart, r.version), [], `${r.name}: ${r.chart}@${r.version}`);
                    }
                });

                it("pins every chart it installs", () => {
                    const pins = mesh.pins(ctx).filter((p) => p.kind === "chart").map((p) => `${p.name}@${p.version}`);
                    for (const r of releases) assert.ok(pins.includes(`${r.chart}@${r.version}`), `${r.chart}@${r.version} pinned`);
                });

                it("pins every image its values set or override, and every image its objects name", () => {
                    const pins = mesh.pins(ctx);
                    const problems: string[] = [];
                    for (const r of releases) {
                        const { images, unexplained } = imagesSetBy(r.chart, r.version, r.values);
                        for (const key of unexplained) problems.push(`${r.name}: value ${key} names part of an image; say which in test/helpers/chart-images.ts`);
                        for (const image of unpinnedImages(images, pins)) problems.push(`${r.name}: ${image} is set by the values but not pinned`);
                    }
                    for (const image of unpinnedImages(imagesInObjects(mesh.policies(ctx)), pins)) problems.push(`policies: ${image} is not pinned`);
                    assert.deepStrictEqual(problems, []);
                });

                it("declares a protocol for every benchmark port", () => {
                    const enrolment = mesh.enrolment(ctx);
                    for (const port of [HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT]) assert.ok(enrolment.appProtocol(port), port.name);
                });

                it("describes its policies as complete Kubernetes objects", () => {
                    for (const obj of mesh.policies(ctx)) assert.ok(obj.apiVersion && obj.kind && obj.metadata.name, JSON.stringify(obj));
                });


                it("states its fairness profile", () => {
                    assert.ok(Object.keys(mesh.fairness(ctx)).length > 0);
                });

                it("reads its node agents and control plane in namespaces it installs, by label selectors of key=value", () => {
                    const targets = mesh.resourceTargets(ctx);
                    // The charts' own namespaces, and the one Cilium's chart puts its bundled SPIRE in.
                    const installed = new Set([...releases.map((r) => r.namespace), SPIRE_NAMESPACE]);
                    for (const p of [...targets.nodeAgents, ...targets.controlPlane]) {
                        assert.ok(installed.has(p.namespace), `${p.name}: ${p.namespace}`);
                        for (const term of p.labelSelector?.split(",") ?? []) assert.match(term, /^[\w./-]+=[\w.-]+$/, p.name);
                    }
                    // A mesh with charts has a control plane; mesh none reads only the benchmark pods.
                    assert.strictEqual(targets.controlPlane.length > 0, releases.length > 0);
                });
            });
        }
        for (const [mode, support] of [["on", mesh.mtlsOn], ["off", mesh.mtlsOff]] as const) {
            if (!support.supported) {
                it(`${mesh.name} says why mTLS cannot be ${mode}`, () => assert.ok(support.reason.length > 20));
            }
        }
    }
});
