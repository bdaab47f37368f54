// The sweep's command line: `npm run sweep -- [options]`. Pure: argv in, typed options out.
import { parseArgs } from "node:util";
import { MESH_NAMES, type MeshName } from "../meshes/types";
import { MTLS_CHOICES, type MtlsChoice, type PlanRequest } from "./plan";

export const SWEEP_USAGE = `usage: npm run sweep -- [options]

Runs one stack per setup (mesh × mTLS mode): up, save its results, destroy.
Default: the paper's five setups (none, istio, linkerd, consul, kuma), mTLS on.

  --all                  every mesh, mTLS on and off wherever off is possible
  --meshes a,b,...       these meshes only (${MESH_NAMES.join(", ")})
  --mtls on|off|both     mTLS modes to cover (default: on; both with --all)
  --target NAME          meshbench:target of every stack (kubeconfig, vms, eks)
  --repetitions N        meshbench:repetitions of every stack
  --config KEY=VALUE     any other meshbench config key, or aws:region, for every stack;
                         repeatable (e.g. --config kubeContext=kind-meshbench --config wrkCpu=2,
                         or --config aws:region=us-east-1 --config operatorCidr=203.0.113.7/32)
  --run-id ID            results go to results/ID; an existing ID resumes that run,
                         skipping setups whose results are saved (default: a new ID
                         from the current UTC time)
  --keep                 leave each stack up after its run (no destroy)
  --results DIR          where run folders go (default: results)
  --dry-run              print the plan and each stack's config; run nothing
  --destroy STACK        only destroy this stack (one a sweep left up); repeatable
  --help`;

/** Config keys the sweep sets itself, per setup or per run. */
const SWEEP_OWNED_KEYS: Readonly<Record<string, string>> = {
    mesh: "use --meshes or --all",
    mtls: "use --mtls",
    runId: "use --run-id",
};

export interface SweepOptions {
    readonly plan: PlanRequest;
    /** Undefined: start a new run. */
    readonly runId?: string;
    readonly keep: boolean;
    readonly dryRun: boolean;
    /** Only destroy these stacks. */
    readonly destroy: readonly string[];
    readonly help: boolean;
    readonly resultsDir: string;
    /** meshbench config shared by every setup, keys without the `meshbench:` prefix. */
    readonly config: Readonly<Record<string, string>>;
}

/** A bad command line; the message names the option, the value and what is allowed. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

const optionProblem = (option: string, raw: string, allowed: string): UsageError =>
    new UsageError(`--${option}: got ${JSON.stringify(raw)}; allowed: ${allowed}`);

function parseMeshes(raw: string): MeshName[] {
    const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !(MESH_NAMES as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0) {
        throw optionProblem("meshes", raw, `a comma-separated list of ${MESH_NAMES.join(", ")}`);
    }
    return names as MeshName[];
}

function parseConfigPairs(pairs: readonly string[]): Record<string, string> {
    const config: Record<string, string> = {};
    for (const pair of pairs) {
        // aws:region is the AWS provider's own key, which the vms and eks targets need.
        const m = pair.match(/^(?:meshbench:)?([A-Za-z][A-Za-z0-9]*|aws:region)=(.*)$/);
        if (!m) throw optionProblem("config", pair, "KEY=VALUE with a meshbench config key or aws:region, e.g. kubeContext=kind-meshbench");
        const [, key, value] = m;
        if (SWEEP_OWNED_KEYS[key]) throw optionProblem("config", pair, `any key but ${key}, which the sweep sets (${SWEEP_OWNED_KEYS[key]})`);
        if (key in config) throw optionProblem("config", pair, `one value per key; ${key} is already ${JSON.stringify(config[key])}`);
        config[key] = value;
    }
    return config;
}

export function parseSweepArgs(argv: readonly string[]): SweepOptions {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            strict: true,
            allowPositionals: false,
            options: {
                all: { type: "boolean", default: false },
                meshes: { type: "string" },
                mtls: { type: "string" },
                target: { type: "string" },
                repetitions: { type: "string" },
                config: { type: "string", multiple: true, default: [] },
                "run-id": { type: "string" },
                keep: { type: "boolean", default: false },
                results: { type: "string", default: "results" },
                "dry-run": { type: "boolean", default: false },
                destroy: { type: "string", multiple: true, default: [] },
                help: { type: "boolean", default: false },
            },
        });
    } catch (e) {
        throw new UsageError(`${(e as Error).message}\n\n${SWEEP_USAGE}`);
    }
    const v = parsed.values;
    if (v.all && v.meshes !== undefined) throw new UsageError("--all and --meshes: choose one; --all already covers every mesh");
    if (v.mtls !== undefined && !(MTLS_CHOICES as readonly string[]).includes(v.mtls)) {
        throw optionProblem("mtls", v.mtls, MTLS_CHOICES.join(", "));
    }

    const config = parseConfigPairs(v.config);
    // --target and --repetitions are shorthands for the two keys every sweep sets.
    for (const key of ["target", "repetitions"] as const) {
        const value = v[key];
        if (value === undefined) continue;
        if (key in config) throw new UsageError(`--${key} and --config ${key}=...: give it once`);
        config[key] = value;
    }

    return {
        plan: {
            all: v.all,
            meshes: v.meshes === undefined ? undefined : parseMeshes(v.meshes),
            mtls: v.mtls as MtlsChoice | undefined,
        },
        runId: v["run-id"],
        keep: v.keep,
        dryRun: v["dry-run"],
        destroy: v.destroy,
        help: v.help,
        resultsDir: v.results,
        config,
    };
}

/** A new run id from a UTC time: 20260115-143200. Valid as a meshbench:runId. */
export function newRunId(now: Date): string {
    return now.toISOString().replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "-");
}
