// The sweep's options as one table (OPTIONS): each option's type, its default and its
// help line, so that --help cannot forget a default and the parser (sweep/options.ts)
// cannot drift from the help. Also the config keys --config takes.
import { CLUSTER_FIELDS } from "../cluster/settings";
import { ALL_FIELDS } from "../config";
import { LOAD_FIELDS } from "../loadtest/settings";
import { MESH_NAMES } from "../meshes/types";
import { MTLS_CHOICES, PAPER_MESHES } from "./plan";

/** Bounds of --lanes and --rounds: past them a sweep takes days. */
export const LANE_LIMITS = { lanes: 10, rounds: 10 } as const;

/** Config keys the sweep sets itself, per setup or per run, and the option to use instead. */
export const SWEEP_OWNED_KEYS: Readonly<Record<string, string>> = {
    mesh: "use --meshes or --all",
    mtls: "use --mtls",
    runId: "use --run-id",
};

/** Keys `--config` takes: every meshbench key but the sweep's own, and the AWS provider's region. */
export const CONFIG_KEYS: readonly string[] = [
    ...ALL_FIELDS.map((f) => f.key).filter((k) => !SWEEP_OWNED_KEYS[k]),
    "aws:region",
].sort((a, b) => a.localeCompare(b));

export interface OptionSpec {
    readonly type: "string" | "boolean";
    readonly multiple?: boolean;
    readonly short?: string;
    /** The value's placeholder in the help. */
    readonly value?: string;
    readonly help: string;
    /** What happens without the option; every string option has one. */
    readonly default?: string;
}

/** Every option, in the order --help lists them. */
export const OPTIONS = {
    all: { type: "boolean", help: "every mesh, mTLS on and off wherever off is possible" },
    meshes: { type: "string", value: "a,b,...", help: `these meshes only (${MESH_NAMES.join(", ")})`,
        default: `the paper's: ${PAPER_MESHES.join(", ")}` },
    mtls: { type: "string", value: MTLS_CHOICES.join("|"), help: "mTLS modes to cover", default: "on; both with --all" },
    target: { type: "string", value: "NAME", help: "where each setup's cluster comes from (kubeconfig, vms, eks); vms and eks cost money",
        default: `${CLUSTER_FIELDS.target.default}: a fresh EC2 cluster per setup` },
    repetitions: { type: "string", value: "N", help: "measured repetitions of each tool, 1 to 50",
        default: String(LOAD_FIELDS.repetitions.default) },
    "response-bytes": { type: "string", value: "N,N,...",
        help: "the HTTP server's response body sizes, in bytes; several make one stack per setup and size (istio-mtls-on-1k), "
            + "each against the baseline at its size, e.g. 10,1024,65536",
        default: `config responseBytes, itself ${LOAD_FIELDS.responseBytes.default} by default` },
    lanes: { type: "string", value: "K", help: `lanes, each on its own clusters and running every setup, the baseline included, side by side, 1 to ${LANE_LIMITS.lanes} (kubeconfig: 1, your cluster)`,
        default: "1" },
    rounds: { type: "string", value: "R", help: `times each lane runs its order of setups, 1 to ${LANE_LIMITS.rounds}, so that drift shows`, default: "1" },
    seed: { type: "string", value: "N", help: "seed of each lane's random order of setups (recorded in sweep.json; a resume uses the recorded one), 0 to 4294967295",
        default: "one derived from the run id" },
    config: { type: "string", multiple: true, value: "KEY=VALUE",
        help: "any other config key for every stack, repeatable (e.g. --config kubeContext=kind-meshbench --config wrkCpu=2, "
            + "or --config aws:region=us-east-1 --config operatorCidr=203.0.113.7/32)",
        default: "each key's default in Pulumi.yaml" },
    "run-id": { type: "string", value: "ID", help: "results go to <results>/ID; an existing ID resumes that run, skipping setups whose results are saved",
        default: "a new ID from the current UTC time" },
    results: { type: "string", value: "DIR", help: "where run folders go", default: "results" },
    serial: { type: "boolean", help: "run the lanes one after the other, not side by side (for a small EC2 vCPU quota)" },
    keep: { type: "boolean", help: "leave each stack up after its run (no destroy)" },
    yes: { type: "boolean", short: "y", help: "start a sweep on a paid target (vms, eks) without asking; required without a terminal" },
    "dry-run": { type: "boolean", help: "print the plan, the estimate and each stack's config; touch no stack" },
    destroy: { type: "string", multiple: true, value: "STACK",
        help: "only destroy this stack (one a sweep left up); repeatable; with --dry-run, only say what would be destroyed",
        default: "none: run the sweep" },
    help: { type: "boolean", short: "h", help: "print this help" },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** Words of `text` in lines of at most `width` columns. */
function wrap(text: string, width: number): string[] {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
        if (line !== "" && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        } else {
            line = line === "" ? word : `${line} ${word}`;
        }
    }
    return [...lines, line];
}

const FLAG_COLUMN = 27;

const optionLine = (name: string, spec: OptionSpec): string => {
    const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.value ? ` ${spec.value}` : ""}`;
    const dflt = spec.type === "boolean" ? "" : ` (default: ${spec.default})`;
    const [first, ...rest] = wrap(`${spec.help}${dflt}`, 96 - FLAG_COLUMN);
    return [`  ${flag.padEnd(FLAG_COLUMN - 3)} ${first}`, ...rest.map((l) => `${" ".repeat(FLAG_COLUMN)}${l}`)].join("\n");
};

export const SWEEP_USAGE = `usage: npm run sweep -- [options]

Runs one stack per setup (mesh × mTLS mode): up, save its results, destroy.
With no options: the paper's five setups, mTLS on, each on a fresh EC2 cluster
(target ${CLUSTER_FIELDS.target.default}), which costs money: the sweep shows an estimate and asks first.

${Object.entries(OPTIONS).map(([name, spec]) => optionLine(name, spec)).join("\n")}

exit status: 0 every setup gave results; 1 a setup or a teardown failed, or the sweep was
not confirmed; 2 the sweep refused to start (bad options or config, missing prerequisites);
130 interrupted.`;
