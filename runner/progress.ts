// Progress of a run, as one line per step with an estimate of the time left ("wrk 3/5,
// about 2 min left"). The estimate is the tools' own durations (warm-up and repetitions)
// plus a fixed allowance for the short steps; it is a hint for the console, never a result.
import type { NetperfSettings, OpenLoopSettings, WrkSettings } from "../shared/results";
import { lineWatcher } from "./lines";

/** Seconds the steps around the load take, roughly: the probe's two 3 s runs, evidence and facts. */
const FIXED_SECONDS = 30;

const toolSeconds = (s: { warmupSeconds: number; durationSeconds: number; repetitions: number }): number =>
    s.warmupSeconds + s.durationSeconds * s.repetitions;

/** "about 2 min left", "about 40 s left". */
export function eta(seconds: number): string {
    const s = Math.max(0, Math.round(seconds));
    return s >= 90 ? `about ${Math.round(s / 60)} min left` : `about ${s} s left`;
}

export class Progress {
    private readonly wrkSeconds: number;
    private readonly netperfSeconds: number;
    /** fortio last, at each of its rates. */
    private readonly openLoopSeconds: number;

    constructor(
        private readonly report: (line: string) => void,
        private readonly wrk: WrkSettings,
        private readonly netperf: NetperfSettings,
        private readonly openLoop?: OpenLoopSettings,
    ) {
        this.wrkSeconds = toolSeconds(wrk);
        // TCP_RR, then TCP_CRR with the same settings.
        this.netperfSeconds = 2 * toolSeconds(netperf);
        this.openLoopSeconds = openLoop ? openLoop.rates.length * toolSeconds(openLoop) : 0;
    }

    /** A step that is not a tool run. */
    step(name: string, before: "wrk" | "netperf" | "end"): void {
        const left = (before === "wrk" ? this.wrkSeconds + this.netperfSeconds : before === "netperf" ? this.netperfSeconds : 0)
            + (before === "end" ? 0 : this.openLoopSeconds);
        this.report(`${name}, ${eta(left + (before === "end" ? 0 : FIXED_SECONDS))}`);
    }

    /** A tool run began: "warmup" or the repetition number, as the client script prints it. */
    run(tool: "wrk" | "netperf", label: string, test?: string): void {
        const s = tool === "wrk" ? this.wrk : this.netperf;
        const done = label === "warmup" ? 0 : s.warmupSeconds + s.durationSeconds * (Number(label) - 1);
        // After wrk come both netperf runs; after the first netperf run, the second.
        const after = (tool === "wrk" ? this.netperfSeconds : test === "TCP_CRR" ? 0 : toolSeconds(this.netperf)) + this.openLoopSeconds;
        const left = toolSeconds(s) - done + after + FIXED_SECONDS;
        const name = test ? `${tool} ${test}` : tool;
        this.report(`${name} ${label === "warmup" ? "warm-up" : `${label}/${s.repetitions}`}, ${eta(left)}`);
    }

    /** fortio's step began: all its rates, one after the other. */
    openLoopBegins(): void {
        if (!this.openLoop || this.openLoop.rates.length === 0) return;
        const o = this.openLoop;
        this.report(`fortio at ${o.rates.join(", ")} requests/s, ${o.repetitions} repetitions each, ${eta(this.openLoopSeconds + FIXED_SECONDS)}`);
    }

    /** Watches a client script's stdout as it arrives and reports each run as it begins. */
    watch(tool: "wrk" | "netperf", test?: string): (chunk: string) => void {
        return lineWatcher((line) => {
            const m = /^MESHBENCH-BEGIN run=(\S+)$/.exec(line);
            if (m) this.run(tool, m[1], test);
        });
    }
}
