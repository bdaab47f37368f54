// `results/<run-id>/`: one `<stack>.json` per measured setup, one `<stack>.log` with
// what Pulumi printed, and `sweep.json`. Files are written whole (temp file, then
// rename), so an interrupted sweep never leaves a half file that a resume would trust.
import * as fs from "fs";
import * as path from "path";
import type { BenchmarkResults } from "../loadtest/results";
import { resultsProblem } from "./results-file";
import { SWEEP_RECORD_FILE, type SweepRecord } from "./record";
import type { ClusterListing } from "./residue";

function writeWhole(file: string, text: string): void {
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
}

export class RunDirectory {
    constructor(readonly dir: string) {}

    resultsFile(stack: string): string {
        return path.join(this.dir, `${stack}.json`);
    }

    logFile(stack: string): string {
        return path.join(this.dir, `${stack}.log`);
    }

    exists(): boolean {
        return fs.existsSync(this.dir);
    }

    /** Results saved by an earlier sweep, if readable; unreadable ones are run again. */
    savedResults(stack: string): BenchmarkResults | undefined {
        const file = this.resultsFile(stack);
        if (!fs.existsSync(file)) return undefined;
        try {
            const value: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
            return resultsProblem(value) === undefined ? (value as BenchmarkResults) : undefined;
        } catch {
            return undefined;
        }
    }

    saveResults(stack: string, results: BenchmarkResults): void {
        fs.mkdirSync(this.dir, { recursive: true });
        writeWhole(this.resultsFile(stack), `${JSON.stringify(results, null, 2)}\n`);
    }

    appendLog(stack: string, text: string): void {
        fs.mkdirSync(this.dir, { recursive: true });
        fs.appendFileSync(this.logFile(stack), text);
    }

    /** The clean state recorded for a cluster (its stack's name) before its first setup; a resume compares with it, not with a new listing. */
    cleanState(cluster: string): ClusterListing | undefined {
        const file = path.join(this.dir, "clusters", `${cluster}.clean.json`);
        return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ClusterListing) : undefined;
    }

    saveCleanState(cluster: string, listing: ClusterListing): void {
        fs.mkdirSync(path.join(this.dir, "clusters"), { recursive: true });
        writeWhole(path.join(this.dir, "clusters", `${cluster}.clean.json`), `${JSON.stringify(listing, null, 2)}\n`);
    }

    readRecord(): SweepRecord | undefined {
        const file = path.join(this.dir, SWEEP_RECORD_FILE);
        return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as SweepRecord) : undefined;
    }

    writeRecord(record: SweepRecord): void {
        fs.mkdirSync(this.dir, { recursive: true });
        writeWhole(path.join(this.dir, SWEEP_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    }
}
