// Declarative stack-config fields. Each folder declares the keys it owns with these
// helpers; config/index.ts joins them, rejects unknown keys and reports every problem
// at once, before any resource exists.

/** The types Pulumi.yaml can declare for a config key. */
export type PulumiConfigType = "string" | "integer" | "boolean";

/** A value was given but is not allowed. `allowed` completes "allowed: ...". */
export class FieldProblem extends Error {
    constructor(readonly allowed: string) {
        super(allowed);
    }
}

export interface Field<T, D extends T | undefined = T | undefined> {
    /** Key without the `meshbench:` prefix. */
    readonly key: string;
    readonly type: PulumiConfigType;
    /** One line for Pulumi.yaml and the README, with unit and default. */
    readonly description: string;
    /** Applied when the key is unset; `undefined` means the key is optional. */
    readonly default: D;
    /** Marks keys whose values must be stored encrypted (`pulumi config set --secret`). */
    readonly secret?: boolean;
    /** Parses the raw string from the stack; throws FieldProblem when it is not allowed. */
    parse(raw: string): T;
}

/** The stack's config as Pulumi hands it over: every value is a string. */
export type RawConfig = Readonly<Record<string, string>>;

/** Stands in for a secret's value in messages. */
export const SECRET_NOT_SHOWN = "(secret, not shown)";

/** Config key as users type it in `pulumi config set`. */
export const qualified = (key: string): string => `meshbench:${key}`;

/** The one message format for bad config: key, value given, what is allowed. */
export function problemMessage(key: string, raw: string, allowed: string): string {
    return `${qualified(key)}: got ${JSON.stringify(raw)}; allowed: ${allowed}`;
}

export function enumField<const V extends string, const D extends V | undefined = undefined>(
    key: string, values: readonly V[], description: string, defaultValue?: D,
): Field<V, D> {
    return {
        key, type: "string", description, default: defaultValue as D,
        parse(raw) {
            if (!(values as readonly string[]).includes(raw)) throw new FieldProblem(values.join(", "));
            return raw as V;
        },
    };
}

export function integerField<const D extends number | undefined = undefined>(
    key: string, range: { min: number; max: number }, description: string, defaultValue?: D,
): Field<number, D> {
    return {
        key, type: "integer", description, default: defaultValue as D,
        parse(raw) {
            const trimmed = raw.trim();
            const value = Number(trimmed);
            if (!/^-?\d+$/.test(trimmed) || value < range.min || value > range.max) {
                throw new FieldProblem(`an integer from ${range.min} to ${range.max}`);
            }
            return value;
        },
    };
}

export function booleanField<const D extends boolean | undefined = undefined>(
    key: string, description: string, defaultValue?: D,
): Field<boolean, D> {
    return {
        key, type: "boolean", description, default: defaultValue as D,
        parse(raw) {
            if (raw === "true") return true;
            if (raw === "false") return false;
            throw new FieldProblem("true, false");
        },
    };
}

/** A string checked against a pattern; `allowed` describes the pattern for humans. */
export function patternField<const D extends string | undefined = undefined>(
    key: string, pattern: RegExp, allowed: string, description: string, defaultValue?: D,
    options: { secret?: boolean } = {},
): Field<string, D> {
    return {
        key, type: "string", description, default: defaultValue as D, secret: options.secret,
        parse(raw) {
            if (!pattern.test(raw)) throw new FieldProblem(allowed);
            return raw;
        },
    };
}

// An OCI image reference that names a tag or a digest. A bare name would float to
// `latest` and change the numbers between runs, so it is refused.
const IMAGE_REFERENCE =
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::(?!latest(?:@|$))[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function imageField(key: string, description: string, defaultValue: string): Field<string, string> {
    return {
        key, type: "string", description, default: defaultValue,
        parse(raw) {
            const pinned = /:[\w][\w.-]{0,127}(@|$)|@sha256:/.test(raw.replace(/^[^/]*:[0-9]+\//, ""));
            if (!IMAGE_REFERENCE.test(raw) || !pinned) {
                throw new FieldProblem("an image reference pinned to a tag other than latest, or to a digest (name:tag or name@sha256:<64 hex>)");
            }
            return raw;
        },
    };
}

/** Field values keyed by field name, as parsed. */
export type FieldValues<F extends FieldGroup> = {
    readonly [K in keyof F]: F[K] extends Field<infer T, infer D> ? (undefined extends D ? T | undefined : T) : never;
};

/** A folder's fields, keyed by the name its code uses. */
export type FieldGroup = Record<string, Field<any, any>>;

/**
 * Problems found so far. They are collected rather than thrown, so that a user with
 * three typos hears about all three in one preview.
 */
export class Problems {
    readonly messages: string[] = [];
    /** Keys whose value was refused; checks that combine keys skip them. */
    readonly invalidKeys = new Set<string>();

    add(message: string): void {
        this.messages.push(message);
    }

    /** True when none of the keys was refused, so a check combining them is meaningful. */
    allValid(...keys: string[]): boolean {
        return keys.every((k) => !this.invalidKeys.has(k));
    }
}

/** Parses one group of fields; a refused value is recorded and replaced by the default. */
export function parseFields<F extends FieldGroup>(
    fields: F, raw: RawConfig, problems: Problems,
): FieldValues<F> {
    const values: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(fields)) {
        const given = raw[field.key];
        if (given === undefined) {
            values[name] = field.default;
            continue;
        }
        try {
            values[name] = field.parse(given);
        } catch (e) {
            if (!(e instanceof FieldProblem)) throw e;
            // A secret's value is never repeated, not even in an error.
            problems.add(problemMessage(field.key, field.secret ? SECRET_NOT_SHOWN : given, e.allowed));
            problems.invalidKeys.add(field.key);
            values[name] = field.default;
        }
    }
    return values as FieldValues<F>;
}
