// Each mesh writes its versions once, in its pin table (meshes/pin-table.ts): pins(), the
// releases, the chart values and the fairness text read them from there. This reads the
// mesh files' code (not their comments, which cite upstream sources at tags) for version
// strings outside a pin table, and checks that the versions the description and the
// fairness text name are versions the mesh pins.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { FLANNEL_CHART } from "../../cluster/versions";
import { MESHES } from "../../meshes";
import { CONSUL_BUNDLED_PINS, CONSUL_PINS } from "../../meshes/consul";
import { KUMA_BUNDLED_PINS, KUMA_PINS } from "../../meshes/kuma";
import { LINKERD_BUNDLED_PINS, LINKERD_PINS } from "../../meshes/linkerd";
import type { BundledVersion, PinTable } from "../../meshes/pin-table";
import type { Mesh, MeshContext } from "../../meshes/types";

const MESHES_DIR = path.join(__dirname, "..", "..", "meshes");

/**
 * A three-part version, optionally with v or edge-: 1.25.1, v1.17.17, edge-25.4.1. Not an
 * IPv4 address (no digit or dot on either side). Two-part numbers (TLS 1.3, Ubuntu 22.04)
 * are not pins and are not looked for.
 */
const VERSION = /(?<![\w.-])(?:v|edge-)?\d+\.\d+\.\d+(?![\d.])/g;

/** A pin table's declaration: `X_PINS` or `X_BUNDLED_PINS`, at the top of a mesh file. */
const isPinTable = (node: ts.Node): boolean =>
    ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && /^[A-Z_]+_PINS$/.test(node.name.text);

/** Version strings in a source's string and template literals outside a pin table, as `line: version`. */
function straysIn(file: string, text: string): string[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const strays: string[] = [];
    const visit = (node: ts.Node): void => {
        if (isPinTable(node)) return;
        if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
            for (const m of node.text.matchAll(VERSION)) {
                strays.push(`${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${m[0]}`);
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return strays;
}

const meshFiles = fs.readdirSync(MESHES_DIR).filter((f) => f.endsWith(".ts"));

/** Versions a mesh names that come inside one of its pinned images, with the mesh's pin table, by mesh. */
const BUNDLED: Record<string, { table: PinTable; bundled: Record<string, BundledVersion> }> = {
    linkerd: { table: LINKERD_PINS, bundled: LINKERD_BUNDLED_PINS },
    consul: { table: CONSUL_PINS, bundled: CONSUL_BUNDLED_PINS },
    kuma: { table: KUMA_PINS, bundled: KUMA_BUNDLED_PINS },
};

describe("mesh pin tables", () => {
    it("finds a version written outside a pin table, and none inside one", () => {
        assert.deepStrictEqual(straysIn("x.ts", [
            'export const X_PINS = { chart: chartPin("x", "1.2.3", "r") };',
            'const dataPlane = `x ${X_PINS.chart.version} (Envoy 1.30.6), image v2.4.2`;',
            '// a comment citing values.yaml @ v9.9.9 is no version string',
            'const cidr = "10.0.0.0/8", tls = "TLS 1.3", loopback = "127.0.0.1:19000";',
            'const tag = "edge-25.4.1";',
        ].join("\n")), ["2: 1.30.6", "2: v2.4.2", "5: edge-25.4.1"]);
    });

    it("reads every mesh file", () => {
        for (const mesh of Object.values(MESHES)) {
            if (mesh) assert.ok(meshFiles.includes(`${mesh.name}.ts`), `${mesh.name}.ts`);
        }
    });

    for (const file of meshFiles) {
        it(`${file} writes versions only in its pin table`, () => {
            assert.deepStrictEqual(straysIn(file, fs.readFileSync(path.join(MESHES_DIR, file), "utf8")), []);
        });
    }

    for (const mesh of Object.values(MESHES).filter((m): m is Mesh => m !== undefined)) {
        for (const mtls of [true, false].filter((on) => (on ? mesh.mtlsOn : mesh.mtlsOff).supported)) {
            it(`${mesh.name}, mTLS ${mtls ? "on" : "off"}: its description and fairness text name only versions it pins`, () => {
                const ctx: MeshContext = { mtls, target: "vms", benchNamespace: "meshbench" };
                const known = new Set([
                    // A digest-pinned image is named by its tag.
                    ...mesh.pins(ctx).map((p) => p.version.split("@")[0]),
                    ...Object.values(BUNDLED[mesh.name]?.bundled ?? {}).map((b) => b.version),
                    // Cilium's fairness text names the CNI every other mesh runs on: the cluster's pin.
                    ...(mesh.providesCni ? [FLANNEL_CHART.version] : []),
                ]);
                const text = [mesh.description, ...Object.values(mesh.fairness(ctx))].join("\n");
                const named = [...text.matchAll(VERSION)].map((m) => m[0]);
                // The description names the release: as pinned, or without the v of an image tag.
                const unknown = named.filter((v) => !known.has(v) && !known.has(`v${v}`));
                assert.deepStrictEqual(unknown, []);
                if (mesh.pins(ctx).length > 0) assert.ok(named.length > 0, "the text names its versions");
            });

            it(`${mesh.name}, mTLS ${mtls ? "on" : "off"}: a bundled version comes inside an image it pins`, () => {
                const ctx: MeshContext = { mtls, target: "vms", benchNamespace: "meshbench" };
                const { table, bundled } = BUNDLED[mesh.name] ?? { table: {}, bundled: {} };
                for (const [name, inside] of Object.entries(bundled)) {
                    const carrier = table[inside.in];
                    assert.ok(carrier?.kind === "image", `${name}: ${inside.in} is an image of the pin table`);
                    assert.ok(mesh.pins(ctx).some((p) => p.name === carrier.name && p.version === carrier.version), `${name}: ${carrier.name} is pinned`);
                }
            });
        }
    }
});
