// A seeded random generator for the sweep's lane orders and the report's bootstrap: the
// same seed gives the same orders and the same intervals, so runs and reports can be
// repeated. A bottom module: it imports nothing.

/** mulberry32: a small, well-mixed 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
