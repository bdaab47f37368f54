// Writes a run's report: report.md, the charts as SVG and PNG, and the SMP export. A run
// of several response sizes shows one size in all but the size's own section; the SMP
// export carries them all.
import * as fs from "fs";
import * as path from "path";
import { latencyChartSpec, rpsChartSpec } from "./charts";
import { loadRun, type LoadedRun } from "./load";
import { renderMarkdown } from "./markdown";
import { checkFont, renderChart } from "./render";
import { smpExport } from "./smp";
import { openLoopChartSpec, openLoopRows } from "./open-loop";
import { mtlsSplits } from "./paired";
import { reportRows } from "./pooled";
import { atSize, payloadSection, primarySize, responseSizes } from "./payload";
import { splitChartSpec } from "./split-chart";
import type { SetupRow } from "./summarize";

export interface ReportFiles {
    /** What was read, for the console's summary. */
    readonly run: LoadedRun;
    readonly rows: SetupRow[];
    readonly markdown: string;
    readonly charts: {
        readonly rps: { svg: string; png: string };
        readonly latency: { svg: string; png: string };
        /** Only when some mesh was measured with mTLS both off and on. */
        readonly split?: { svg: string; png: string };
        /** Only when some setup has open-loop numbers. */
        readonly openLoop?: { svg: string; png: string };
    };
    readonly smp: string;
}

export async function writeReport(runDir: string, outDir: string): Promise<ReportFiles> {
    const all = loadRun(runDir);
    // A run of several response sizes: every section but the size's own shows one size.
    const run = atSize(all, primarySize(all.observations));
    const rows = reportRows(run.observations);
    checkFont();
    fs.mkdirSync(outDir, { recursive: true });
    const out = (name: string) => path.join(outDir, name);

    const hasSplit = mtlsSplits(run.observations, "rps").length > 0 || mtlsSplits(run.observations, "netperfMean").length > 0;
    const files = (name: string) => ({ svg: out(`${name}.svg`), png: out(`${name}.png`) });
    const openRows = openLoopRows(run.results);
    const hasOpenLoop = openRows.length > 0;
    const charts = {
        rps: files("rps"), latency: files("latency"), ...(hasSplit ? { split: files("mtls-split") } : {}),
        ...(hasOpenLoop ? { openLoop: files("open-loop") } : {}),
    };
    const connections = run.results.find((r) => r.openLoop?.settings)?.openLoop.settings.connections;
    const specs = [["rps", rpsChartSpec(rows, run.runId)], ["latency", latencyChartSpec(rows, run.runId)],
        ...(hasSplit ? [["split", splitChartSpec(run.observations, run.runId)] as const] : []),
        ...(hasOpenLoop ? [["openLoop", openLoopChartSpec(openRows, run.runId, connections)] as const] : [])] as const;
    for (const [name, spec] of specs) {
        const chart = await renderChart(spec);
        fs.writeFileSync(charts[name]!.svg, chart.svg);
        fs.writeFileSync(charts[name]!.png, chart.png);
    }

    const markdown = out("report.md");
    fs.writeFileSync(markdown, renderMarkdown(run, rows, {
        rps: "rps.png", latency: "latency.png", ...(hasSplit ? { split: "mtls-split.png" } : {}), ...(hasOpenLoop ? { openLoop: "open-loop.png" } : {}),
    }, payloadSection(all.observations)));
    const smp = out("smp.json");
    // SMP carries every size: a consumer tells them apart by id and label.
    const sizes = responseSizes(all.observations);
    const smpRows = sizes.length > 1 ? sizes.flatMap((size) => reportRows(atSize(all, size).observations)) : rows;
    fs.writeFileSync(smp, `${JSON.stringify(smpExport(run.runId, smpRows), null, 2)}\n`);
    return { run: all, rows, markdown, charts, smp };
}
