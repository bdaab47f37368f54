import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ALL_FIELDS, parseConfig } from "../../config";
import { declaredKeys } from "../../config/pulumi-yaml";

const ROOT = path.join(__dirname, "..", "..");
const readYaml = (file: string) => parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

describe("Pulumi.yaml", () => {
    const project = readYaml("Pulumi.yaml");

    it("is the meshbench project on the nodejs runtime with TypeScript", () => {
        assert.strictEqual(project.name, "meshbench");
        assert.strictEqual(project.runtime.name, "nodejs");
        assert.strictEqual(project.runtime.options.typescript, true);
    });

    it("declares every config key the program reads, with the same type, description and default", () => {
        assert.deepStrictEqual(project.config, declaredKeys(ALL_FIELDS));
    });

    it("gives every key a type and a description", () => {
        for (const [key, spec] of Object.entries<Record<string, unknown>>(project.config)) {
            assert.ok(["string", "integer", "boolean"].includes(spec.type as string), `${key} has a type`);
            assert.ok(typeof spec.description === "string" && spec.description.length > 10, `${key} has a description`);
        }
    });

    it("declares no key without a default, since Pulumi would make it required", () => {
        for (const [key, spec] of Object.entries<Record<string, unknown>>(project.config)) {
            assert.ok(spec.default !== undefined, `${key} has no default: \`pulumi preview\` would demand it of every stack`);
        }
    });

    it("reads the fixed key names from the design", () => {
        const keys = ALL_FIELDS.map((f) => f.key);
        for (const key of ["target", "mesh", "mtls", "kubernetesVersion", "operatorCidr"]) assert.ok(keys.includes(key), key);
        for (const key of ["target", "mesh"]) assert.ok(key in project.config, key);
    });
});

describe("Pulumi.dev.yaml", () => {
    const stack = readYaml("Pulumi.dev.yaml").config as Record<string, unknown>;

    it("is a valid stack config", () => {
        const raw = Object.fromEntries(Object.entries(stack)
            .filter(([k]) => k.startsWith("meshbench:"))
            .map(([k, v]) => [k.slice("meshbench:".length), String(v)]));
        assert.doesNotThrow(() => parseConfig(raw));
    });

    it("turns off the default Kubernetes provider", () => {
        assert.deepStrictEqual(stack["pulumi:disable-default-providers"], ["kubernetes"]);
    });
});

describe("README", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

    it("documents every config key", () => {
        for (const field of ALL_FIELDS) assert.ok(readme.includes(`| \`${field.key}\` |`), `README documents ${field.key}`);
    });
});
