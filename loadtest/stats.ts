// Small statistics shared by the summaries and the report.

/** Rounds to a fixed number of decimals, so that outputs don't carry float noise. */
export const round = (value: number, decimals = 2): number => {
    const f = 10 ** decimals;
    return Math.round(value * f) / f;
};

/** Arithmetic mean of a non-empty list, unrounded. */
export function mean(values: readonly number[]): number {
    if (values.length === 0) throw new Error("mean of an empty list");
    return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Median of a list, unrounded (the mean of the middle two for an even count); none of an empty one. */
export function medianOrNone(values: readonly number[]): number | undefined {
    if (values.length === 0) return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of a non-empty list, to 3 decimals. */
export function median(values: readonly number[]): number {
    const m = medianOrNone(values);
    if (m === undefined) throw new Error("median of an empty list");
    return round(m, 3);
}

/** Median of each numeric field across records that share the same keys. */
export function medianOf<K extends string>(records: readonly Readonly<Record<K, number>>[], keys: readonly K[]): Record<K, number> {
    const out = {} as Record<K, number>;
    for (const key of keys) out[key] = median(records.map((r) => r[key]));
    return out;
}

