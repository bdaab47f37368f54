// Writes a run's report: report.md, the two charts as SVG and PNG, and the SMP export.
import * as fs from "fs";
import * as path from "path";
import { latencyChartSpec, rpsChartSpec } from "./charts";
import { loadRun, type LoadedRun } from "./load";
import { renderMarkdown } from "./markdown";
import { checkFont, renderChart } from "./render";
import { smpExport } from "./smp";
import { setupRows, type SetupRow } from "./summarize";

export interface ReportFiles {
    /** What was read, for the console's summary. */
    readonly run: LoadedRun;
    readonly rows: SetupRow[];
    readonly markdown: string;
    readonly charts: { readonly rps: { svg: string; png: string }; readonly latency: { svg: string; png: string } };
    readonly smp: string;
}

export async function writeReport(runDir: string, outDir: string): Promise<ReportFiles> {
    const run = loadRun(runDir);
    const rows = setupRows(run.results);
    checkFont();
    fs.mkdirSync(outDir, { recursive: true });
    const out = (name: string) => path.join(outDir, name);

    const charts = { rps: { svg: out("rps.svg"), png: out("rps.png") }, latency: { svg: out("latency.svg"), png: out("latency.png") } };
    for (const [name, spec] of [["rps", rpsChartSpec(rows, run.runId)], ["latency", latencyChartSpec(rows, run.runId)]] as const) {
        const chart = await renderChart(spec);
        fs.writeFileSync(charts[name].svg, chart.svg);
        fs.writeFileSync(charts[name].png, chart.png);
    }

    const markdown = out("report.md");
    fs.writeFileSync(markdown, renderMarkdown(run, rows, { rps: "rps.png", latency: "latency.png" }));
    const smp = out("smp.json");
    fs.writeFileSync(smp, `${JSON.stringify(smpExport(run.runId, rows), null, 2)}\n`);
    return { run, rows, markdown, charts, smp };
}
