// The sweep's command line: `npm run sweep -- [options]`. Pure: argv in, typed options out,
// read against the option table (sweep/option-table.ts) that --help prints.
import { parseArgs } from "node:util";
import { MAX_RESPONSE_BYTES } from "../loadtest/settings";
import { MESH_NAMES, type MeshName } from "../meshes/types";
import { MTLS_CHOICES, type MtlsChoice, type PlanRequest } from "./plan";
import { CONFIG_KEYS, LANE_LIMITS, OPTIONS, SWEEP_OWNED_KEYS, type OptionName, type OptionSpec } from "./option-table";

export { CONFIG_KEYS, LANE_LIMITS, OPTIONS, SWEEP_USAGE } from "./option-table";

export interface SweepOptions {
    readonly plan: PlanRequest;
    /** Undefined: start a new run. */
    readonly runId?: string;
    readonly keep: boolean;
    readonly dryRun: boolean;
    /** Start on a paid target without asking. */
    readonly yes: boolean;
    /** Only destroy these stacks. */
    readonly destroy: readonly string[];
    readonly help: boolean;
    readonly resultsDir: string;
    readonly lanes: number;
    readonly rounds: number;
    /** Lanes one after the other. */
    readonly serial: boolean;
    /** Undefined: derived from the run id (sweep/lanes.ts, seedOf). */
    readonly seed?: number;
    /** Response body sizes, one stack per setup and size; empty when every stack has one size (then it is in `config`). */
    readonly responseBytes: readonly number[];
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

const SEE_HELP = "(npm run sweep -- --help lists the options)";

const optionProblem = (option: string, raw: string, allowed: string): UsageError =>
    new UsageError(`--${option}: got ${JSON.stringify(raw)}; allowed: ${allowed}`);

function parseMeshes(raw: string): MeshName[] {
    const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) throw optionProblem("meshes", raw, `a comma-separated list of ${MESH_NAMES.join(", ")}`);
    const unknown = names.filter((n) => !(MESH_NAMES as readonly string[]).includes(n));
    if (unknown.length > 0) {
        // Only the bad entries: echoing the whole list makes the reader hunt for them.
        const what = unknown.length === 1 ? "unknown mesh" : "unknown meshes";
        throw new UsageError(`--meshes: ${what} ${unknown.map((n) => JSON.stringify(n)).join(", ")}; allowed: ${MESH_NAMES.join(", ")}`);
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
        if (!CONFIG_KEYS.includes(key)) {
            throw new UsageError(`--config ${pair}: unknown config key ${JSON.stringify(key)}; allowed: ${CONFIG_KEYS.join(", ")}`);
        }
        if (key in config) throw optionProblem("config", pair, `one value per key; ${key} is already ${JSON.stringify(config[key])}`);
        config[key] = value;
    }
    return config;
}

/**
 * parseArgs reads `--repetitions -1` as an option missing its value ("argument is
 * ambiguous"). A value that starts with a dash and is not one of our options is meant as
 * the value: join it as `--repetitions=-1`, so that its own check says what is allowed.
 */
function joinDashValues(argv: readonly string[]): string[] {
    const out: string[] = [];
    const known = new Set(Object.entries(OPTIONS).flatMap(([name, spec]) =>
        [`--${name}`, ...("short" in spec ? [`-${spec.short}`] : [])]));
    for (let i = 0; i < argv.length; i++) {
        const spec = (OPTIONS as Record<string, OptionSpec>)[argv[i].replace(/^--/, "")];
        const next = argv[i + 1];
        if (argv[i].startsWith("--") && spec?.type === "string" && next !== undefined && next.startsWith("-")
            && !known.has(next.split("=")[0])) {
            out.push(`${argv[i]}=${next}`);
            i++;
        } else {
            out.push(argv[i]);
        }
    }
    return out;
}

/** parseArgs's own errors, in our words. */
function parseArgsProblem(e: Error & { code?: string }): UsageError {
    const quoted = e.message.match(/'([^']+)'/)?.[1] ?? "";
    switch (e.code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
            return new UsageError(`unknown option ${quoted} ${SEE_HELP}`);
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
            const name = quoted.split(" ")[0];
            const spec = (OPTIONS as Record<string, OptionSpec>)[name.replace(/^--/, "")];
            return spec?.type === "boolean"
                ? new UsageError(`${name} takes no value`)
                : new UsageError(`${name} needs a value${spec?.value ? ` (${name} ${spec.value})` : ""}`);
        }
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return new UsageError(`unexpected argument ${JSON.stringify(quoted)}: every value follows its option ${SEE_HELP}`);
        default:
            return new UsageError(`${e.message} ${SEE_HELP}`);
    }
}

/** Options that shape a sweep, which --destroy does not run. */
const SWEEP_ONLY: readonly OptionName[] = ["all", "meshes", "mtls", "target", "repetitions", "response-bytes", "lanes", "rounds", "seed", "serial", "config", "run-id", "results", "keep", "yes"];

/** A whole number in [min, max] from --name, or undefined when not given. */
function integerOption(name: string, raw: string | undefined, min: number, max: number): number | undefined {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
        throw optionProblem(name, raw, `an integer from ${min} to ${max}`);
    }
    return n;
}

/** --response-bytes: distinct sizes in the order given. */
function parseResponseBytes(raw: string): number[] {
    const sizes = raw.split(",").map((s) => s.trim());
    const allowed = `a comma-separated list of integers from 1 to ${MAX_RESPONSE_BYTES}, each once`;
    const valid = sizes.every((s) => /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= MAX_RESPONSE_BYTES);
    if (!valid || new Set(sizes.map(Number)).size !== sizes.length) throw optionProblem("response-bytes", raw, allowed);
    return sizes.map(Number);
}

export function parseSweepArgs(argv: readonly string[]): SweepOptions {
    let parsed;
    try {
        parsed = parseArgs({
            args: joinDashValues(argv),
            strict: true,
            allowPositionals: false,
            // Only what parseArgs reads: its `default` would apply our help text as a value.
            options: Object.fromEntries(Object.entries(OPTIONS as Record<string, OptionSpec>).map(([name, spec]) =>
                [name, { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) }])),
        });
    } catch (e) {
        throw parseArgsProblem(e as Error);
    }
    const v = parsed.values as {
        all?: boolean; meshes?: string; mtls?: string; target?: string; repetitions?: string; config?: string[];
        lanes?: string; rounds?: string; seed?: string; serial?: boolean; "response-bytes"?: string;
        "run-id"?: string; results?: string; keep?: boolean; yes?: boolean; "dry-run"?: boolean; destroy?: string[]; help?: boolean;
    };
    const destroy = v.destroy ?? [];
    if (destroy.length > 0) {
        const extra = SWEEP_ONLY.filter((o) => v[o] !== undefined).map((o) => `--${o}`);
        if (extra.length > 0) throw new UsageError(`--destroy runs no sweep, so ${extra.join(", ")} would do nothing; give --destroy alone (or with --dry-run)`);
        const bad = destroy.filter((s) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s));
        if (bad.length > 0) throw new UsageError(`--destroy: got ${bad.map((s) => JSON.stringify(s)).join(", ")}; allowed: a stack name such as istio-mtls-on`);
    }
    if (v.all && v.meshes !== undefined) throw new UsageError("--all and --meshes: choose one; --all already covers every mesh");
    if (v.mtls !== undefined && !(MTLS_CHOICES as readonly string[]).includes(v.mtls)) {
        throw optionProblem("mtls", v.mtls, MTLS_CHOICES.join(", "));
    }

    const lanes = integerOption("lanes", v.lanes, 1, LANE_LIMITS.lanes) ?? 1;
    const rounds = integerOption("rounds", v.rounds, 1, LANE_LIMITS.rounds) ?? 1;
    const seed = integerOption("seed", v.seed, 0, 0xffffffff);
    const config = parseConfigPairs(v.config ?? []);
    // --target and --repetitions are shorthands for the two keys every sweep sets.
    for (const key of ["target", "repetitions"] as const) {
        const value = v[key];
        if (value === undefined) continue;
        if (key in config) throw new UsageError(`--${key} and --config ${key}=...: give it once`);
        config[key] = value;
    }
    const sizes = v["response-bytes"] === undefined ? [] : parseResponseBytes(v["response-bytes"]);
    if (sizes.length > 0 && "responseBytes" in config) throw new UsageError("--response-bytes and --config responseBytes=...: give it once");
    // One size is one config value for every stack; several are a dimension of the plan.
    if (sizes.length === 1) config.responseBytes = String(sizes[0]);

    return {
        plan: {
            all: v.all ?? false,
            meshes: v.meshes === undefined ? undefined : parseMeshes(v.meshes),
            mtls: v.mtls as MtlsChoice | undefined,
        },
        runId: v["run-id"],
        keep: v.keep ?? false,
        dryRun: v["dry-run"] ?? false,
        yes: v.yes ?? false,
        destroy,
        help: v.help ?? false,
        resultsDir: v.results ?? OPTIONS.results.default,
        lanes,
        rounds,
        seed,
        serial: v.serial ?? false,
        responseBytes: sizes.length > 1 ? sizes : [],
        config,
    };
}

/** A new run id from a UTC time: 20260115-143200. Valid as a meshbench:runId. */
export function newRunId(now: Date): string {
    return now.toISOString().replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "-");
}
