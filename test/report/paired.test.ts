// The bootstrap and the paired overheads, on inputs whose answer is known by hand.
import * as assert from "assert";
import type { BenchmarkResults } from "../../loadtest/results";
import type { MeshName } from "../../meshes/types";
import { bootstrapRatio, excludesOne, seededRandom } from "../../report/bootstrap";
import { mtlsSplits, pairedOverheads, pairedRatios, separations, splitParts, type Observation } from "../../report/paired";
import { buildFixtureRun, withFailedWrk } from "../fixtures/results/build";

const RUN = buildFixtureRun();
const close = (actual: number, expected: number, what: string, tolerance = 1e-9) =>
    assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected}`);

/** A fixture result with its RPS median and netperf mean replaced. */
function run(mesh: MeshName, mtls: boolean, rps: number, latency: number): BenchmarkResults {
    const base = RUN[`${mesh}-mtls-${mtls ? "on" : "off"}`];
    return {
        ...base,
        wrk: { ...base.wrk, rps: { perRepetition: [rps], median: rps } },
        netperf: { ...base.netperf, latencyMicros: { ...base.netperf.latencyMicros!, mean: latency } },
    };
}
const at = (lane: number, round: number, results: BenchmarkResults): Observation => ({ lane, round, results });

describe("bootstrap", () => {
    it("is seeded: the same seed draws the same numbers, in [0, 1)", () => {
        const a = seededRandom(7);
        const b = seededRandom(7);
        const draws = Array.from({ length: 1000 }, () => a());
        assert.deepStrictEqual(Array.from({ length: 1000 }, () => b()), draws);
        assert.ok(draws.every((d) => d >= 0 && d < 1));
        assert.notDeepStrictEqual(Array.from({ length: 10 }, seededRandom(8)), draws.slice(0, 10));
        // Roughly uniform: each tenth holds about a tenth of 1000 draws.
        for (let i = 0; i < 10; i++) {
            const n = draws.filter((d) => Math.floor(d * 10) === i).length;
            assert.ok(n > 60 && n < 140, `tenth ${i}: ${n}`);
        }
    });

    it("collapses to the ratio when every pair has the same ratio", () => {
        const e = bootstrapRatio([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])!;
        close(e.ratio, 0.5, "ratio");
        assert.deepStrictEqual(e.ci, { low: 0.5, high: 0.5 });
        assert.strictEqual(e.pairs, 6);
        assert.strictEqual(excludesOne(e), true);
    });

    it("gives the two points as the interval of a two-point sample, and their geometric mean as the ratio", () => {
        // Resampling two values draws {a,a} a quarter of the time, {b,b} a quarter: the 2.5 % and 97.5 % points are a and b.
        const e = bootstrapRatio([0.8, 1.25])!;
        close(e.ratio, 1, "√(0.8 × 1.25)");
        assert.deepStrictEqual(e.ci, { low: 0.8, high: 1.25 });
        assert.strictEqual(excludesOne(e), false);
    });

    it("narrows the interval as pairs agree, and keeps it inside the data", () => {
        const wide = bootstrapRatio([0.4, 0.5, 0.6, 0.45, 0.55, 0.5])!;
        const narrow = bootstrapRatio([0.49, 0.5, 0.51, 0.495, 0.505, 0.5])!;
        assert.ok(wide.ci!.low >= 0.4 && wide.ci!.high <= 0.6);
        assert.ok(narrow.ci!.high - narrow.ci!.low < (wide.ci!.high - wide.ci!.low) / 5);
        assert.ok(wide.ci!.low < wide.ratio && wide.ratio < wide.ci!.high);
    });

    it("gives no interval for one pair, and nothing for none", () => {
        assert.deepStrictEqual(bootstrapRatio([0.7]), { ratio: 0.7, pairs: 1 });
        assert.strictEqual(excludesOne(bootstrapRatio([0.7])!), undefined);
        assert.strictEqual(bootstrapRatio([]), undefined);
    });

    it("refuses a ratio that is not positive", () => {
        assert.throws(() => bootstrapRatio([0.5, 0]), /^Error: bootstrapRatio: ratios must be positive and finite; got 0$/);
    });

    it("comes out the same on every call", () => {
        const ratios = [0.41, 0.52, 0.47, 0.5, 0.44, 0.49, 0.46, 0.51, 0.43];
        assert.deepStrictEqual(bootstrapRatio(ratios), bootstrapRatio(ratios));
    });
});

describe("paired overheads", () => {
    // Two lanes × two rounds. Istio's RPS is exactly half its lane's baseline every time,
    // although the baselines differ by lane: pairing removes the lane's own speed.
    const observations: Observation[] = [
        at(1, 1, run("none", false, 30000, 200)), at(1, 1, run("istio", false, 18000, 300)), at(1, 1, run("istio", true, 15000, 360)),
        at(1, 2, run("none", false, 32000, 210)), at(1, 2, run("istio", false, 19200, 315)), at(1, 2, run("istio", true, 16000, 378)),
        at(2, 1, run("none", false, 24000, 250)), at(2, 1, run("istio", false, 14400, 375)), at(2, 1, run("istio", true, 12000, 450)),
        at(2, 2, run("none", false, 26000, 240)), at(2, 2, run("istio", false, 15600, 360)), at(2, 2, run("istio", true, 13000, 432)),
        at(1, 1, run("kuma", true, 15300, 350)), at(1, 2, run("kuma", true, 15680, 380)),
        at(2, 1, run("kuma", true, 12480, 440)), at(2, 2, run("kuma", true, 12870, 440)),
    ];

    it("pairs each setup with the baseline of its own lane and round", () => {
        assert.deepStrictEqual(pairedRatios(observations, { mesh: "istio", mtls: true }, { mesh: "none", mtls: false }, "rps"), [0.5, 0.5, 0.5, 0.5]);
        const istioOn = pairedOverheads(observations).find((o) => o.setup.mesh === "istio" && o.setup.mtls)!;
        close(istioOn.ratios.rps!.ratio, 0.5, "RPS ratio");
        assert.deepStrictEqual(istioOn.ratios.rps!.ci, { low: 0.5, high: 0.5 });
        close(istioOn.ratios.netperfMean!.ratio, 1.8, "latency ratio");
        assert.deepStrictEqual(pairedOverheads(observations).map((o) => `${o.setup.mesh} ${o.setup.mtls}`), ["istio false", "istio true", "kuma true"]);
    });

    it("pairs the CPU per 1,000 TCP_CRR connections too: each pair's ratio of the two setups' medians", () => {
        const crr = (mesh: MeshName, mtls: boolean) => RUN[`${mesh}-mtls-${mtls ? "on" : "off"}`].netperfCrr.resources!.median.dataPlaneCpuPer1kRequests!;
        const ratios = pairedRatios(observations, { mesh: "istio", mtls: true }, { mesh: "none", mtls: false }, "cpuPer1kConnections");
        // Each observation carries the fixture's sections unchanged: four pairs of the same two medians.
        assert.strictEqual(ratios.length, 4);
        for (const r of ratios) close(r, crr("istio", true) / crr("none", false), "ratio");
        assert.ok(crr("istio", true) > crr("istio", false), "the fixture's mTLS handshakes cost more");
    });

    it("leaves out a failed run and its lane's pair, never counting it as zero", () => {
        const failed = observations.map((o) => (o.lane === 2 && o.round === 1 && o.results.mesh === "none" ? { ...o, results: withFailedWrk(o.results, "wrk saw errors") } : o));
        assert.strictEqual(pairedRatios(failed, { mesh: "istio", mtls: true }, { mesh: "none", mtls: false }, "rps").length, 3);
        const unpaired = observations.filter((o) => !(o.results.mesh === "none" && o.lane === 2));
        assert.strictEqual(pairedRatios(unpaired, { mesh: "kuma", mtls: true }, { mesh: "none", mtls: false }, "rps").length, 2);
    });

    it("splits istio's cost into the data path (0.6) and mTLS (5/6), which multiply to the total (0.5)", () => {
        const [split] = mtlsSplits(observations, "rps");
        assert.strictEqual(split.mesh, "istio");
        close(split.dataPath.ratio, 0.6, "data path");
        close(split.mtls.ratio, 15000 / 18000, "mTLS");
        close(split.total!.ratio, split.dataPath.ratio * split.mtls.ratio, "total");
        const parts = splitParts(split);
        // 40 % of the baseline's RPS lost to the data path, 10 % more to mTLS: 50 % in all.
        close(parts.dataPath, 40, "data path part", 1e-6);
        close(parts.mtls, 10, "mTLS part", 1e-6);
        const latency = splitParts(mtlsSplits(observations, "netperfMean")[0]);
        close(latency.dataPath, 50, "latency added by the data path", 1e-6);
        close(latency.mtls, 30, "latency added by mTLS", 1e-6);
        assert.deepStrictEqual(mtlsSplits(observations.filter((o) => !(o.results.mesh === "istio" && !o.results.mtls.requested)), "rps"), [],
            "no split without the mTLS-off setup");
    });

    it("says istio with mTLS on and kuma can't be told apart when their paired ratio's interval holds 1", () => {
        // kuma / istio-on per lane and round: 1.02, 0.98, 1.04, 0.99: around 1.
        const pair = separations(observations, "rps").find((s) => s.a.mesh === "istio" && s.a.mtls && s.b.mesh === "kuma")!;
        assert.strictEqual(pair.apart, false);
        assert.ok(pair.estimate.ci!.low < 1 && pair.estimate.ci!.high > 1);
        const offOn = separations(observations, "rps").find((s) => s.a.mesh === "istio" && !s.a.mtls && s.b.mesh === "istio")!;
        assert.strictEqual(offOn.apart, true, "istio off against on: 1.2 every time");
    });
});
