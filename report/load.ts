// Reads a run folder: every `<stack>.json` results file, and the sweep's record if there
// is one. A file that is not readable results is skipped and named, never silently: one
// corrupt file must not cost the report of every other setup.
import * as fs from "fs";
import * as path from "path";
import type { BenchmarkResults } from "../loadtest/results";
import { SWEEP_RECORD_FILE, type SweepRecord } from "../sweep/record";
import type { Observation } from "./paired";
import { resultsProblem } from "../sweep/results-file";
import { parseResultsName } from "./results-name";

/** The run folder cannot be reported at all: a wrong argument rather than a failure (exit status 2). */
export class RunFolderError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "RunFolderError";
    }
}

/** A file of the run folder that was left out, and why. */
export interface SkippedFile {
    readonly file: string;
    readonly problem: string;
}

export interface LoadedRun {
    readonly dir: string;
    /** The run id the results carry (provenance.runId), else the folder's name. */
    readonly runId: string;
    readonly results: BenchmarkResults[];
    /** The same results, each with the lane and round its file name gives. */
    readonly observations: Observation[];
    readonly record?: SweepRecord;
    /** The results files read, by name without `.json`: what the sweep's record names them by (its `results`, else `stack`). */
    readonly files?: readonly string[];
    /** Files that looked like results (or the record) but could not be read as such. */
    readonly skipped: SkippedFile[];
}

function readJson(file: string): { value?: unknown; problem?: string } {
    try {
        return { value: JSON.parse(fs.readFileSync(file, "utf8")) };
    } catch (e) {
        return { problem: `not JSON: ${(e as Error).message}` };
    }
}

function checkFolder(dir: string): void {
    if (!fs.existsSync(dir)) throw new RunFolderError(`${dir}: no such run folder`);
    if (!fs.statSync(dir).isDirectory()) {
        throw new RunFolderError(`${dir}: a file, not a run folder; give the folder that holds the results files `
            + `(e.g. npm run report -- ${path.dirname(dir)})`);
    }
}

export function loadRun(dir: string): LoadedRun {
    checkFolder(dir);
    const skipped: SkippedFile[] = [];
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && f !== SWEEP_RECORD_FILE).sort();
    const observations: Observation[] = [];
    const loaded: string[] = [];
    const seen = new Map<string, string>();
    for (const f of files) {
        const file = path.join(dir, f);
        const { value, problem } = readJson(file);
        const notResults = problem ?? resultsProblem(value);
        if (notResults) {
            skipped.push({ file, problem: problem ?? `not meshbench results: ${notResults}` });
            continue;
        }
        const results = value as BenchmarkResults;
        const { lane, round } = parseResultsName(f) ?? { lane: 1, round: 1 };
        // Two files for one setup in one lane and round would be counted twice in every interval;
        // one per response size is not twice (the sweep's --response-bytes).
        const key = `${results.mesh}/${results.mtls.requested}/${results.wrk.settings.responseBytes}/${lane}/${round}`;
        const earlier = seen.get(key);
        if (earlier) {
            skipped.push({ file, problem: `a second result for ${results.mesh} mTLS ${results.mtls.requested ? "on" : "off"} in lane ${lane} round ${round} (the first: ${earlier})` });
            continue;
        }
        seen.set(key, f);
        loaded.push(f.replace(/\.json$/, ""));
        observations.push({ lane, round, results });
    }
    const results = observations.map((o) => o.results);

    const recordFile = path.join(dir, SWEEP_RECORD_FILE);
    let record: SweepRecord | undefined;
    if (fs.existsSync(recordFile)) {
        const { value, problem } = readJson(recordFile);
        const isRecord = typeof value === "object" && value !== null && Array.isArray((value as SweepRecord).setups);
        if (problem || !isRecord) skipped.push({ file: recordFile, problem: problem ?? "not a sweep record (no setups)" });
        else record = value as SweepRecord;
    }
    if (results.length === 0 && !record) {
        const why = skipped.length > 0 ? `; skipped ${skipped.map((s) => `${s.file} (${s.problem})`).join(", ")}` : "";
        throw new RunFolderError(`${dir}: no results (*.json) to report${why}`);
    }

    const runIds = [...new Set(results.map((r) => r.provenance.runId))];
    return { dir, runId: runIds.length === 1 ? runIds[0] : record?.runId ?? path.basename(path.resolve(dir)), results, observations, record, files: loaded, skipped };
}
