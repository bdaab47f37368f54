// Optional fields of results: a value that was not measured is left out, never written as
// undefined or zero, so JSON outputs carry only what a run produced.

/** `{ [key]: value }`, or `{}` when there is no value: spread it into a record. */
export const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
    value === undefined ? {} : ({ [key]: value } as Record<K, V>);
