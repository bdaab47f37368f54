// Validates custom resources (PeerAuthentication, DestinationRule, ...) against the
// openAPIV3Schema of the CRD that the pinned chart installs, copied into
// test/fixtures/crd-schemas/<mesh>@<version>.json (each file names its source).
//
// What the API server checks and this does too: the group, version and kind are served;
// types, enums, required fields and numeric bounds; unknown fields (the API server's
// strict field validation, which a structural schema permits only under
// x-kubernetes-preserve-unknown-fields). What it cannot check: the CEL rules in
// x-kubernetes-validations, which only the API server evaluates.
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import Ajv, { type ErrorObject } from "ajv";

interface CrdVersion {
    readonly group: string;
    readonly kind: string;
    readonly scope: "Namespaced" | "Cluster";
    readonly version: string;
    readonly served: boolean;
    readonly openAPIV3Schema: Schema;
    /** Named sub-schemas the schema refers to with $ref (Kuma's Mesh spec, generated from its proto). */
    readonly definitions?: Schema;
}

type Schema = { [keyword: string]: unknown };

/** The CRD versions a schema file holds. */
export function loadCrdSchemas(file: string): CrdVersion[] {
    const parsed = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "crd-schemas", file), "utf8"));
    return parsed.crds as CrdVersion[];
}

/** A copy of the schema in which every object without preserve-unknown-fields rejects fields it does not list. */
function strictUnknownFields(schema: Schema): Schema {
    // JSON schema ignores siblings of $ref; keep the reference alone.
    if (typeof schema.$ref === "string") return { $ref: schema.$ref };
    const copy: Schema = {};
    for (const [key, value] of Object.entries(schema)) {
        if ((key === "properties" || key === "definitions") && value && typeof value === "object") {
            copy[key] = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, strictUnknownFields(v)]));
        } else if ((key === "items" || key === "additionalProperties") && value && typeof value === "object") {
            copy[key] = strictUnknownFields(value as Schema);
        } else if ((key === "anyOf" || key === "oneOf" || key === "allOf") && Array.isArray(value)) {
            // Branches only restate field names (Cilium's `properties: {ingress: {}}` with
            // `required`); the API server prunes by the schema around them, so they stay open.
            copy[key] = value;
        } else {
            copy[key] = value;
        }
    }
    // A structural CRD schema never lists properties beside additionalProperties; Kuma's
    // proto-generated Mesh schema does ("additionalProperties": true everywhere), though
    // Kuma's webhook drops unknown Mesh fields without a word. Closed either way.
    if (copy.properties && !copy["x-kubernetes-preserve-unknown-fields"]) {
        copy.additionalProperties = false;
    }
    return copy;
}

/** An address and a prefix length that fits it: `10.0.0.0/8`, `fd00::/64`. */
function isCidr(text: string): boolean {
    const [address, prefix, ...rest] = text.split("/");
    const family = net.isIP(address);
    return rest.length === 0 && family !== 0 && /^\d{1,3}$/.test(prefix ?? "") && Number(prefix) <= (family === 4 ? 32 : 128);
}

const ajv = new Ajv({ allErrors: true, strictTypes: false, formats: { "date-time": true, double: true, int32: true, int64: true,
    // Kuma's generated Mesh schema marks regular expressions; check that they compile.
    regex: (text: string) => { try { new RegExp(text); return true; } catch { return false; } },
    // Cilium's CRDs mark CIDRs (the API server checks them) and FQDN patterns (it does not).
    cidr: isCidr, "idn-hostname": true } });
// Kubernetes' own schema extensions: known to the API server, no JSON-schema meaning...
for (const keyword of ["x-kubernetes-validations", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type"]) {
    ajv.addKeyword(keyword);
}
// ...except int-or-string, which the API server enforces: a string or an integer.
ajv.addKeyword({
    keyword: "x-kubernetes-int-or-string",
    validate: (on: boolean, data: unknown) => !on || typeof data === "string" || Number.isInteger(data),
    errors: false,
});

const describe = (errors: ErrorObject[] | null | undefined): string =>
    (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${e.params.additionalProperty})` : ""}`).join("; ");

/** Throws with the schema's complaint, naming the object. */
export function validateCustomResource(
    obj: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string }; [field: string]: unknown },
    crds: readonly CrdVersion[],
): void {
    const what = `${obj.kind} ${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
    const crd = crds.find((c) => `${c.group}/${c.version}` === obj.apiVersion && c.kind === obj.kind);
    if (!crd) throw new Error(`${what}: no CRD schema for ${obj.apiVersion} ${obj.kind}`);
    if (!crd.served) throw new Error(`${what}: ${obj.apiVersion} is not served`);
    if (!obj.metadata.name) throw new Error(`${what}: metadata.name is required`);
    if (crd.scope === "Namespaced" && !obj.metadata.namespace) throw new Error(`${what}: a namespaced kind needs metadata.namespace`);
    // apiVersion, kind and metadata are the API server's, not the CRD's; the rest is the CRD's.
    const { apiVersion: _apiVersion, kind: _kind, metadata: _metadata, ...body } = obj;
    // A CRD may require metadata at the top (Cilium's do); the API server's fields are not in the body.
    const required = (crd.openAPIV3Schema.required as string[] | undefined)?.filter((f) => !["apiVersion", "kind", "metadata"].includes(f));
    const top = { ...crd.openAPIV3Schema, ...(required ? { required } : {}) };
    const validate = ajv.compile(strictUnknownFields(crd.definitions ? { ...top, definitions: crd.definitions } : top));
    if (!validate(body)) throw new Error(`${what}: ${describe(validate.errors)}`);
}
