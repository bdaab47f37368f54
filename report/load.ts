// Reads a run folder: every `<stack>.json` results file, and the sweep's record if there
// is one. Anything else that looks like results but is not is an error, not a silent skip.
import * as fs from "fs";
import * as path from "path";
import type { BenchmarkResults } from "../loadtest/results";
import { SWEEP_RECORD_FILE, type SweepRecord } from "../sweep/record";
import { asResults } from "../sweep/results-file";

export interface LoadedRun {
    readonly dir: string;
    /** The run id the results carry (provenance.runId), else the folder's name. */
    readonly runId: string;
    readonly results: BenchmarkResults[];
    readonly record?: SweepRecord;
}

export function loadRun(dir: string): LoadedRun {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir}: no such run folder`);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && f !== SWEEP_RECORD_FILE).sort();
    const results = files.map((f) => {
        const file = path.join(dir, f);
        let value: unknown;
        try {
            value = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (e) {
            throw new Error(`${file}: not JSON: ${(e as Error).message}`);
        }
        return asResults(value, file);
    });
    const recordFile = path.join(dir, SWEEP_RECORD_FILE);
    const record = fs.existsSync(recordFile) ? (JSON.parse(fs.readFileSync(recordFile, "utf8")) as SweepRecord) : undefined;
    if (results.length === 0 && !record) throw new Error(`${dir}: no results (*.json) to report`);

    const runIds = [...new Set(results.map((r) => r.provenance.runId))];
    return { dir, runId: runIds.length === 1 ? runIds[0] : record?.runId ?? path.basename(path.resolve(dir)), results, record };
}
