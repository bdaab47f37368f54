// The examples in the docs, made from the fixtures, so that no example shows a number the
// fixtures do not hold: the README's abridged `results` object, and docs/sample-report/.
// test/docs/examples.test.ts fails when the docs and these disagree. Regenerate both with
//   npx ts-node --transpile-only test/docs/examples.ts
import * as fs from "fs";
import * as path from "path";
import type { BenchmarkResults } from "../../loadtest/results";
import { writeReport } from "../../report/report";
import { buildFixtureRun, FIXTURE_SWEEP_DIR } from "../fixtures/results/build";

export const ROOT = path.resolve(__dirname, "../..");
export const README = path.join(ROOT, "README.md");
export const SAMPLE_REPORT_DIR = path.join(ROOT, "docs", "sample-report");
/** The stack the README's example shows: the baseline. */
export const README_EXAMPLE_STACK = "none-mtls-off";
/** The line the README's example follows. */
export const README_EXAMPLE_INTRO = "An abridged example, made from the fixture run (`test/fixtures/results/fixture-run`, invented numbers, not a cluster):";

/** JSON with every object or array that fits in `width` columns on one line; `column` is where the value starts. */
export function compactJson(value: unknown, indent = 0, width = 100, column = indent): string {
    const inline = JSON.stringify(value, null, 1).replace(/\n\s*/g, " ").replace(/\[ /g, "[").replace(/ \]/g, "]");
    if (typeof value !== "object" || value === null || column + inline.length <= width) return inline;
    const pad = " ".repeat(indent + 2);
    const items = Array.isArray(value)
        ? value.map((v) => pad + compactJson(v, indent + 2, width))
        : Object.entries(value).map(([k, v]) => `${pad}${JSON.stringify(k)}: ${compactJson(v, indent + 2, width, indent + 2 + k.length + 4)}`);
    const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
    return `${open}\n${items.join(",\n")}\n${" ".repeat(indent)}${close}`;
}

/** The parts of a results object the README shows: status, the mTLS proof, the headline numbers, placement. */
export function abridged(r: BenchmarkResults): unknown {
    return {
        schemaVersion: r.schemaVersion, status: r.status, reasons: r.reasons, mesh: r.mesh, measured: r.measured,
        mtls: r.mtls,
        wrk: { status: r.wrk.status, settings: r.wrk.settings, rps: r.wrk.rps, latencyMicros: r.wrk.latencyMicros, errors: r.wrk.errors },
        netperf: { status: r.netperf.status, latencyMicros: r.netperf.latencyMicros, transactionsPerSecond: r.netperf.transactionsPerSecond },
        netperfCrr: {
            status: r.netperfCrr.status, latencyMicros: r.netperfCrr.latencyMicros, transactionsPerSecond: r.netperfCrr.transactionsPerSecond,
        },
        provenance: { placement: r.provenance.placement, kubernetes: r.provenance.kubernetes },
    };
}

/** The README's example block, fences included. */
export const readmeExample = (): string =>
    ["```json", compactJson(abridged(buildFixtureRun()[README_EXAMPLE_STACK])), "```"].join("\n");

/** The README's example block as it stands: the fenced block after README_EXAMPLE_INTRO. */
export function readmeExampleInReadme(readme: string): { start: number; end: number; text: string } | undefined {
    const intro = readme.indexOf(README_EXAMPLE_INTRO);
    if (intro < 0) return undefined;
    const start = readme.indexOf("```json", intro);
    const end = readme.indexOf("```\n", start + 7) + 3;
    return start < 0 || end < 3 ? undefined : { start, end, text: readme.slice(start, end) };
}

/** Writes the sample report of the fixture sweep (3 lanes × 2 rounds, invented) into `outDir`, naming the run folder as the README does. */
export const writeSampleReport = (outDir: string) => writeReport(path.relative(process.cwd(), FIXTURE_SWEEP_DIR), outDir);

if (require.main === module) {
    process.chdir(ROOT);
    const readme = fs.readFileSync(README, "utf8");
    const found = readmeExampleInReadme(readme);
    if (!found) throw new Error(`README.md: no \`\`\`json block after "${README_EXAMPLE_INTRO}"`);
    fs.writeFileSync(README, readme.slice(0, found.start) + readmeExample() + readme.slice(found.end));
    void writeSampleReport(SAMPLE_REPORT_DIR).then(() => console.log(`wrote the README's example and ${SAMPLE_REPORT_DIR}`));
}
