// Reads the marker lines the client scripts print around each run (see
// loadtest/scripts/common.sh) and hands each run's raw output to its tool's parser.

export interface RawRun {
    /** "warmup" or the repetition number as printed. */
    readonly label: string;
    /** Lines the tool printed during this run. */
    readonly lines: string[];
    /** Exit code of the tool; undefined if the run never finished (the END marker is missing). */
    readonly exitCode?: number;
    /** Client CPU time over wall time, in cores; undefined if the cgroup could not be read. */
    readonly clientCpuCores?: number;
    /** The client node's whole CPU over the run, from /proc/stat; undefined if not printed. */
    readonly nodeCpu?: NodeCpu;
    /** The busiest thread of the tool (wrk), over the run; undefined if not printed. */
    readonly busiestThread?: { readonly share: number; readonly threads: number };
}

export interface NodeCpu {
    /** Share of all the node's CPU time that was busy (everything but idle and iowait: softirq and steal count). */
    readonly busyShare: number;
    readonly cores: number;
}

export interface RawSession {
    /** First line of the tool's own version output. */
    readonly toolVersion?: string;
    readonly warmup?: RawRun;
    readonly repetitions: RawRun[];
    /** True when the script printed MESHBENCH-DONE, i.e. it was not cut off. */
    readonly completed: boolean;
    /** MESHBENCH-ERROR lines: the script refused to start. */
    readonly errors: string[];
}

const BEGIN = /^MESHBENCH-BEGIN run=(\S+)$/;
const END = /^MESHBENCH-END run=(\S+) exit=(\d+)$/;
const CPU = /^MESHBENCH-CPU run=(\S+) usage_usec=(-?\d+) wall_usec=(-?\d+)$/;
const NODE_CPU = /^MESHBENCH-NODE-CPU run=(\S+) busy_ticks=(-?\d+) total_ticks=(-?\d+) cores=(\d+)$/;
const THREADS = /^MESHBENCH-THREADS run=(\S+) busiest_ticks=(\d+) elapsed_ticks=(-?\d+) threads=(\d+)$/;

export function parseSession(output: string): RawSession {
    const runs: {
        label: string; lines: string[]; exitCode?: number; clientCpuCores?: number; nodeCpu?: NodeCpu;
        busiestThread?: { share: number; threads: number };
    }[] = [];
    let current: (typeof runs)[number] | undefined;
    let toolVersion: string | undefined;
    let completed = false;
    const errors: string[] = [];

    for (const line of output.split(/\r?\n/)) {
        let m: RegExpMatchArray | null;
        if ((m = line.match(BEGIN))) {
            current = { label: m[1], lines: [] };
            runs.push(current);
        } else if ((m = line.match(CPU)) && current?.label === m[1]) {
            const usage = Number(m[2]);
            const wall = Number(m[3]);
            if (wall > 0 && usage >= 0) current.clientCpuCores = usage / wall;
        } else if ((m = line.match(NODE_CPU)) && current?.label === m[1]) {
            const [busy, total, cores] = [Number(m[2]), Number(m[3]), Number(m[4])];
            if (total > 0 && busy >= 0 && busy <= total && cores > 0) current.nodeCpu = { busyShare: busy / total, cores };
        } else if ((m = line.match(THREADS)) && current?.label === m[1]) {
            const [busiest, elapsed, threads] = [Number(m[2]), Number(m[3]), Number(m[4])];
            if (elapsed > 0 && busiest >= 0) current.busiestThread = { share: busiest / elapsed, threads };
        } else if ((m = line.match(END)) && current?.label === m[1]) {
            current.exitCode = Number(m[2]);
            current = undefined;
        } else if (line.startsWith("MESHBENCH-TOOL ")) {
            toolVersion = line.slice("MESHBENCH-TOOL ".length).replace(/^\S+\s+/, "").trim() || undefined;
        } else if (line === "MESHBENCH-DONE") {
            completed = true;
        } else if (line.startsWith("MESHBENCH-ERROR ")) {
            errors.push(line.slice("MESHBENCH-ERROR ".length));
        } else if (current) {
            current.lines.push(line);
        }
    }
    return {
        toolVersion,
        warmup: runs.find((r) => r.label === "warmup"),
        repetitions: runs.filter((r) => r.label !== "warmup"),
        completed,
        errors,
    };
}

/** Why a session cannot yield numbers, or undefined if every run finished cleanly. */
export function sessionFailure(session: RawSession, expectedRepetitions: number, tool: string): string | undefined {
    if (session.errors.length > 0) return `${tool} client refused to start: ${session.errors.join("; ")}`;
    const unfinished = [session.warmup, ...session.repetitions].find((r) => r && r.exitCode === undefined);
    if (unfinished) return `${tool} run ${unfinished.label} was cut off before it finished`;
    const crashed = [session.warmup, ...session.repetitions].find((r) => r && r.exitCode !== 0);
    if (crashed) {
        const said = crashed.lines.map((l) => l.trim()).filter(Boolean).slice(-2).join(" | ");
        return `${tool} run ${crashed.label} exited with ${crashed.exitCode}${said ? `: ${said}` : ""}`;
    }
    if (!session.completed) return `${tool} client did not finish (no MESHBENCH-DONE marker)`;
    if (session.repetitions.length !== expectedRepetitions) {
        return `${tool} client ran ${session.repetitions.length} repetitions, expected ${expectedRepetitions}`;
    }
    return undefined;
}
