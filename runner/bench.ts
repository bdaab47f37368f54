// `npm run bench -- --stack NAME [--repetitions N] [--out DIR]`: runs the benchmark again
// against a stack that is up, without `pulumi up`, and writes `<DIR>/<stack>.json`, a
// results file the report reads (report/load.ts). The plan is the one the stack's last
// results carry (their settings and provenance), with the repetitions asked for; the
// kubeconfig is the stack's `kubeconfig` output (vms, eks) or its kubeconfig file
// (target kubeconfig), read through the pulumi CLI and kept in memory.
import type { BenchmarkResults } from "../shared/results";
import type { BenchmarkPlan } from "./run";

export interface BenchOptions {
    readonly stack: string;
    readonly repetitions?: number;
    /** Folder the results file goes in. Default: runs/bench-<stack>-<time>. */
    readonly out?: string;
}

export const BENCH_USAGE = "usage: npm run bench -- --stack NAME [--repetitions N] [--out DIR]";

/** The command line, or the problem with it (a message naming the option, the value and what is allowed). */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | string {
    const opts: { stack?: string; repetitions?: number; out?: string } = {};
    for (let i = 0; i < argv.length; i++) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (flag === "--stack" || flag === "--out" || flag === "--repetitions") {
            if (value === undefined || value.startsWith("--")) return `${flag}: needs a value; ${BENCH_USAGE}`;
            i++;
            if (flag === "--repetitions") {
                if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 50) return `--repetitions: got "${value}"; allowed: an integer from 1 to 50`;
                opts.repetitions = Number(value);
            } else if (flag === "--stack") opts.stack = value;
            else opts.out = value;
        } else {
            return `unknown option "${flag}"; ${BENCH_USAGE}`;
        }
    }
    if (!opts.stack) return `--stack is required; ${BENCH_USAGE}`;
    return { stack: opts.stack, repetitions: opts.repetitions, out: opts.out };
}

/** The plan of a stack's last results, with the repetitions asked for (both tools). */
export function planFromResults(results: BenchmarkResults, repetitions?: number): BenchmarkPlan {
    const p = results.provenance;
    const reps = <S extends { repetitions: number }>(s: S): S => ({ ...s, repetitions: repetitions ?? s.repetitions });
    return {
        inputs: {
            mesh: p.mesh, mtlsRequested: p.mtls, target: p.target, runId: p.runId,
            wrk: reps(results.wrk.settings), netperf: reps(results.netperf.settings),
            openLoop: reps(results.openLoop.settings),
            requestedKubernetesVersion: p.kubernetes.requested,
            pins: p.pins, images: p.images, fairness: p.fairness, cluster: p.cluster,
        },
        // The namespace the runner reads is the benchmark's; the storage class does not matter to a run.
        meshContext: { mtls: p.mtls, target: p.target as BenchmarkPlan["meshContext"]["target"], benchNamespace: "meshbench" },
    };
}
