// `npm run report -- results/<run-id> [--out DIR]`: writes the report of a run folder
// (default: into <run folder>/report/). reportMain is the whole command, with the console
// passed in so that the tests see what it prints and its exit status.
import * as path from "path";
import { parseArgs } from "node:util";
import { notOkSetups } from "./markdown";
import { RunFolderError } from "./load";
import { writeReport } from "./report";

export const REPORT_USAGE = `usage: npm run report -- results/<run-id> [--out DIR]

Writes report.md, rps.svg/png, latency.svg/png, mtls-split.svg/png (when a mesh was
measured with mTLS both off and on) and smp.json for the run.

  --out DIR    where the report goes (default: <run folder>/report)
  -h, --help   print this help

exit status: 0 the report was written (files that are not results are skipped, and named);
1 it could not be written; 2 bad arguments, or a folder with no results to report.`;

/** A bad command line or run folder: exit status 2, as for the sweep. */
class UsageError extends Error {}

export interface ReportIo {
    readonly cwd: string;
    readonly say: (line: string) => void;
    readonly warn: (line: string) => void;
    readonly env: NodeJS.ProcessEnv;
}

function parse(argv: readonly string[]): { runDir?: string; out?: string; help: boolean } {
    try {
        const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true,
            options: { out: { type: "string" }, help: { type: "boolean", short: "h" } } });
        if (values.help) return { help: true };
        if (positionals.length !== 1) {
            throw new UsageError(`give one run folder${positionals.length > 1 ? ` (got ${positionals.length}: ${positionals.join(" ")})` : ""}\n\n${REPORT_USAGE}`);
        }
        return { runDir: positionals[0], out: values.out, help: false };
    } catch (e) {
        if (e instanceof UsageError) throw e;
        const quoted = (e as Error).message.match(/'([^']+)'/)?.[1];
        const code = (e as { code?: string }).code;
        throw new UsageError(code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? `unknown option ${quoted}\n\n${REPORT_USAGE}`
            : code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" ? `--out needs a value (--out DIR)` : `${(e as Error).message}\n\n${REPORT_USAGE}`);
    }
}

export async function reportMain(argv: readonly string[], io: ReportIo): Promise<number> {
    try {
        const args = parse(argv);
        if (args.help) {
            io.say(REPORT_USAGE);
            return 0;
        }
        const runDir = args.runDir!;
        const started = process.hrtime.bigint();
        // Kept as typed when absolute, else relative to the process, so that messages and report.md name the folder as given.
        const inCwd = (p: string) => (path.isAbsolute(p) ? p : path.relative(process.cwd(), path.resolve(io.cwd, p)) || ".");
        const files = await writeReport(inCwd(runDir), inCwd(args.out ?? path.join(runDir, "report")));
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const rel = (f: string) => {
            const relative = path.relative(io.cwd, path.resolve(f));
            return relative.startsWith("..") ? path.resolve(f) : relative || ".";
        };
        for (const s of files.run.skipped) io.warn(`warning: skipped ${rel(s.file)}: ${s.problem}`);
        const notOk = notOkSetups(files.run, files.rows);
        io.say(`report of ${runDir} in ${ms.toFixed(0)} ms: ${files.rows.length} setup(s) with results, `
            + `${notOk.length} not ok${files.run.skipped.length > 0 ? `, ${files.run.skipped.length} file(s) skipped` : ""}`);
        notOk.forEach((l) => io.say(`  not ok: ${l}`));
        [files.markdown, files.charts.rps.svg, files.charts.rps.png, files.charts.latency.svg, files.charts.latency.png,
            ...(files.charts.split ? [files.charts.split.svg, files.charts.split.png] : []), files.smp]
            .forEach((f) => io.say(`  ${rel(f)}`));
        return 0;
    } catch (e) {
        io.warn(e instanceof Error && !io.env.MESHBENCH_DEBUG ? e.message : String((e as Error)?.stack ?? e));
        return e instanceof UsageError || e instanceof RunFolderError ? 2 : 1;
    }
}

if (require.main === module) {
    reportMain(process.argv.slice(2), { cwd: process.cwd(), env: process.env, say: (l) => console.log(l), warn: (l) => console.error(l) })
        .then((code) => process.exit(code));
}
