// A percentile bootstrap of the geometric mean of ratios, with a seeded generator so that
// a report (and its tests) come out the same every time. Pure.
//
// The unit of resampling is one paired observation: a setup and its baseline measured in
// the same lane and round, on the same nodes. Repetitions inside one run are not
// independent replicates (they share a deployment, its pods' placement and the warm-up),
// so each run contributes one number, the median of its repetitions; the spread between
// lanes and rounds is what the interval describes.
import { seededRandom } from "../shared/random";

export { seededRandom };


/** The report's bootstrap: resamples and seed, stated in report.md. */
export const BOOTSTRAP = { resamples: 10_000, seed: 16, level: 0.95 } as const;

export interface RatioEstimate {
    /** Geometric mean of the paired ratios. */
    readonly ratio: number;
    /** Bootstrap percentile interval; absent with fewer than two pairs, where no spread can be seen. */
    readonly ci?: { readonly low: number; readonly high: number };
    /** How many pairs (lanes × rounds) it rests on. */
    readonly pairs: number;
}

const geometricMean = (logs: readonly number[]): number => Math.exp(logs.reduce((s, v) => s + v, 0) / logs.length);

/** Value at quantile q of sorted values (nearest rank, as a percentile bootstrap uses it). */
function quantile(sorted: readonly number[], q: number): number {
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * Geometric mean of `ratios` (each > 0) with a percentile bootstrap interval. The geometric
 * mean, because ratios multiply: A/B and B/A then give reciprocal answers, and a mesh's
 * data path and its mTLS (off/baseline × on/off) multiply to its total (on/baseline).
 */
export function bootstrapRatio(ratios: readonly number[], options: { resamples?: number; seed?: number; level?: number } = {}): RatioEstimate | undefined {
    if (ratios.length === 0) return undefined;
    const bad = ratios.find((r) => !(r > 0) || !Number.isFinite(r));
    if (bad !== undefined) throw new Error(`bootstrapRatio: ratios must be positive and finite; got ${bad}`);
    const logs = ratios.map(Math.log);
    const ratio = geometricMean(logs);
    if (ratios.length < 2) return { ratio, pairs: ratios.length };

    const resamples = options.resamples ?? BOOTSTRAP.resamples;
    const level = options.level ?? BOOTSTRAP.level;
    const random = seededRandom(options.seed ?? BOOTSTRAP.seed);
    const means: number[] = [];
    const draw = new Array<number>(logs.length);
    for (let b = 0; b < resamples; b++) {
        for (let i = 0; i < logs.length; i++) draw[i] = logs[Math.floor(random() * logs.length)];
        means.push(geometricMean(draw));
    }
    means.sort((x, y) => x - y);
    const tail = (1 - level) / 2;
    // Resampling cannot leave the range of the data; clamp float noise so that equal ratios give a zero-width interval.
    const [min, max] = [Math.min(...ratios), Math.max(...ratios)];
    const clamp = (v: number) => Math.min(max, Math.max(min, v));
    return { ratio, ci: { low: clamp(quantile(means, tail)), high: clamp(quantile(means, 1 - tail)) }, pairs: ratios.length };
}

/** Whether an interval of a ratio leaves out 1, i.e. the two sides can be told apart. */
export const excludesOne = (e: RatioEstimate): boolean | undefined =>
    e.ci === undefined ? undefined : e.ci.low > 1 || e.ci.high < 1;
