// Validates Kubernetes objects against the published API schema. Two layers:
//  - at compile time, every builder returns kubernetes-types@1.29.0 types, generated
//    from the Kubernetes 1.29 OpenAPI spec, so a field 1.29 does not have is a type error;
//  - at run time (here), kubernetes-models validates types, formats and required fields
//    with the JSON schema it ships. Its schema merges several Kubernetes releases and
//    does not reject unknown fields, which is why the compile-time layer exists.
import * as path from "path";

interface Validatable {
    validate(): void;
}
type ModelClass = new (data: object) => Validatable;

/** The kubernetes-models module for an apiVersion: "v1" → core, "apps/v1" → apps. */
function modelModule(apiVersion: string): string {
    return path.posix.join("kubernetes-models", apiVersion);
}

/** Throws with the schema's complaint, or when no schema is known for the kind. */
export function validateKubeObject(obj: { apiVersion: string; kind: string; metadata?: { name?: string } }): void {
    let model: ModelClass | undefined;
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        model = (require(modelModule(obj.apiVersion)) as Record<string, ModelClass>)[obj.kind];
    } catch {
        model = undefined;
    }
    if (!model) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
    try {
        new model(obj).validate();
    } catch (e) {
        throw new Error(`${obj.kind} ${obj.metadata?.name}: ${(e as Error).message}`);
    }
}
