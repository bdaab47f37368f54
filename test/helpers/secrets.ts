// How a secret looks under Pulumi's mocks: a secret input arrives serialized as an object
// carrying Pulumi's secret signature and the value.

/** The signature Pulumi puts on a secret value when it serializes it. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const isSecretValue = (v: unknown): boolean =>
    typeof v === "object" && v !== null && Object.values(v).includes(SECRET_SIG);

/** The value inside a serialized secret. */
export function secretValue<T = any>(v: unknown): T {
    if (!isSecretValue(v)) throw new Error(`not a secret: ${JSON.stringify(v)}`);
    return (v as { value: T }).value;
}

/** The value with every secret part replaced by a marker: what a reader without the passphrase sees. */
export function withoutSecrets(v: unknown): unknown {
    if (isSecretValue(v)) return "[secret]";
    if (Array.isArray(v)) return v.map(withoutSecrets);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutSecrets(x)]));
    return v;
}
