// `npm run report -- results/<run-id> [--out DIR]`: writes the report of a run folder
// (default: into <run folder>/report/).
import * as path from "path";
import { parseArgs } from "node:util";
import { writeReport } from "./report";

const USAGE = `usage: npm run report -- results/<run-id> [--out DIR]

Writes report.md, rps.svg/png, latency.svg/png and smp.json for the run
(default folder: results/<run-id>/report).`;

async function main(argv: string[]): Promise<void> {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: "string" }, help: { type: "boolean" } } });
    if (values.help) return console.log(USAGE);
    if (positionals.length !== 1) throw new Error(`give one run folder\n\n${USAGE}`);
    const runDir = positionals[0];
    const started = process.hrtime.bigint();
    const files = await writeReport(runDir, values.out ?? path.join(runDir, "report"));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const rel = (f: string) => path.relative(process.cwd(), f);
    console.log([`report of ${runDir} in ${ms.toFixed(0)} ms:`, files.markdown, files.charts.rps.svg, files.charts.rps.png,
        files.charts.latency.svg, files.charts.latency.png, files.smp].map((f, i) => (i === 0 ? f : `  ${rel(f)}`)).join("\n"));
}

main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error && !process.env.MESHBENCH_DEBUG ? e.message : e);
    process.exit(1);
});
