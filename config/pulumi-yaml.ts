// The `config:` block Pulumi.yaml must declare, derived from the field declarations, so
// that a test can hold the two in step (Pulumi.yaml is what `pulumi config` shows users).
// Only keys with a fixed default: Pulumi requires every declared key that has none.
import type { Field } from "../shared/fields";

export interface DeclaredKey {
    readonly type: string;
    readonly description: string;
    readonly default?: string | number | boolean;
    readonly secret?: boolean;
}

export function declaredKeys(fields: readonly Field<unknown, unknown>[]): Record<string, DeclaredKey> {
    return Object.fromEntries(fields.filter((f) => f.default !== undefined).map((f) => [f.key, {
        type: f.type,
        description: f.description,
        default: f.default as string | number | boolean,
        ...(f.secret ? { secret: true } : {}),
    }]));
}
