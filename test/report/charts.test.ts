// The report end to end on the fixture run: the files exist, each chart has one bar per
// setup at the right height, and the PNG is a real PNG at twice the SVG's size.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DOMParser, type Element } from "@xmldom/xmldom";
import { rpsChartSpec } from "../../report/charts";
import { checkFont, renderChart } from "../../report/render";
import { setupRows } from "../../report/summarize";
import { writeReport, type ReportFiles } from "../../report/report";
import { buildFixtureRun, FIXTURE_RUN_DIR, withFailedWrk } from "../fixtures/results/build";

const SETUPS = ["baseline (no mesh)", "istio, mTLS off", "istio, mTLS on", "linkerd, mTLS on", "consul, mTLS on", "kuma, mTLS on"];

interface SvgBar {
    readonly label: string;
    readonly value: number;
    readonly height: number;
}

function parseSvg(file: string) {
    const doc = new DOMParser().parseFromString(fs.readFileSync(file, "utf8"), "image/svg+xml");
    const byRole = (role: string): Element[] =>
        Array.from(doc.getElementsByTagName("*")).filter((e) => e.getAttribute("aria-roledescription") === role);
    const svg = doc.documentElement!;
    return { width: Number(svg.getAttribute("width")), height: Number(svg.getAttribute("height")), byRole };
}

/** Bars as Vega draws them: an aria-label with the datum, and a path "M x,y h w v height h -w Z". */
function bars(file: string): SvgBar[] {
    return parseSvg(file).byRole("bar").map((e) => {
        const label = e.getAttribute("aria-label")!;
        const height = Number(e.getAttribute("d")!.match(/v(-?[\d.]+)/)![1]);
        return { label: label.match(/^setup: ([^;]+);/)![1], value: Number(label.match(/; [^;]*: ([\d.]+); mode/)![1]), height };
    });
}

/** Width and height from a PNG's signature and IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
    const png = fs.readFileSync(file);
    assert.deepStrictEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is not a PNG`);
    assert.strictEqual(png.subarray(12, 16).toString("ascii"), "IHDR");
    return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("report files and charts", function () {
    this.timeout(60_000);
    let out: string;
    let files: ReportFiles;
    let milliseconds: number;

    before(async () => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-report-"));
        const start = process.hrtime.bigint();
        files = await writeReport(FIXTURE_RUN_DIR, out);
        milliseconds = Number(process.hrtime.bigint() - start) / 1e6;
        console.log(`      report of the fixture run (6 setups): ${milliseconds.toFixed(0)} ms`);
    });
    after(() => fs.rmSync(out, { recursive: true, force: true }));

    it("writes the Markdown, every chart as SVG and PNG, and the SMP export", () => {
        assert.deepStrictEqual(fs.readdirSync(out).sort(),
            ["latency.png", "latency.svg", "mtls-split.png", "mtls-split.svg", "open-loop.png", "open-loop.svg", "report.md", "rps.png", "rps.svg", "smp.json"]);
        assert.strictEqual(files.charts.openLoop?.png, path.join(out, "open-loop.png"));
        assert.strictEqual(files.charts.rps.png, path.join(out, "rps.png"));
    });

    it("draws one RPS bar per setup, in order, as tall as its median", () => {
        const drawn = bars(files.charts.rps.svg);
        assert.deepStrictEqual(drawn.map((b) => b.label), SETUPS);
        assert.deepStrictEqual(drawn.map((b) => b.value), [32877.07, 15598.2, 14055.6, 19784.2, 14686.9, 16900.8]);
        const pxPerRps = drawn[0].height / drawn[0].value;
        for (const b of drawn) assert.ok(Math.abs(b.height - b.value * pxPerRps) < 0.01, `${b.label}: ${b.height}px for ${b.value}`);
    });

    it("draws one latency bar per setup at netperf's mean, whiskers for each, and the paper's five points", () => {
        const svg = parseSvg(files.charts.latency.svg);
        const drawn = bars(files.charts.latency.svg);
        assert.deepStrictEqual(drawn.map((b) => b.label), SETUPS);
        assert.deepStrictEqual(drawn.map((b) => b.value), [212.5, 380.9, 430.9, 301.8, 352, 338.5]);
        assert.strictEqual(svg.byRole("errorbar").length, SETUPS.length);
        assert.strictEqual(svg.byRole("point").length, 5, "the paper measured five of these setups");
    });

    it("writes PNGs at twice the SVG's size", () => {
        for (const chart of [files.charts.rps, files.charts.latency]) {
            const svg = parseSvg(chart.svg);
            assert.deepStrictEqual(pngSize(chart.png), { width: svg.width * 2, height: svg.height * 2 });
            assert.ok(svg.width >= 500 && svg.height >= 300, `${svg.width}×${svg.height}`);
        }
    });

    it("has a font to draw the PNG's text with, and refuses to draw without one", () => {
        assert.doesNotThrow(() => checkFont());
        assert.throws(() => checkFont({ fontFiles: [], loadSystemFonts: false }),
            /^Error: no font to draw chart text with: install DejaVu Sans \(Debian\/Ubuntu: apt-get install fonts-dejavu-core\)/);
    });

    it("draws no bar for a setup without numbers, and still draws the chart when none has any", async () => {
        const failed = withFailedWrk(buildFixtureRun()["kuma-mtls-on"], "wrk saw errors");
        const chart = await renderChart(rpsChartSpec(setupRows([failed]), "r"));
        const doc = new DOMParser().parseFromString(chart.svg, "image/svg+xml");
        assert.strictEqual(Array.from(doc.getElementsByTagName("path")).filter((e) => e.getAttribute("aria-roledescription") === "bar").length, 0);
        assert.ok(chart.png.length > 0);
    });
});
