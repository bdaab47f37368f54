// Runs the program, or one component, under Pulumi's mocks. The mocks stand only at the
// engine boundary: they echo a resource's inputs as its state, as the engine would after
// a create, and run the measurement resource as its provider would (runner/provider.ts):
// the runner, against a fake cluster that serves the fixtures (test/helpers/fake-kube.ts). The
// requests the program sends to the engine are recorded as they are: type, name,
// inputs, provider, URN (which names the parents) and dependencies.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MESHES } from "../../meshes";
import type { MeshName } from "../../meshes/types";
import { fortioEnvironment } from "../../loadtest/run-settings";
import { runBenchmark, type BenchmarkPlan } from "../../runner/run";
import { mockComputedOutputs, mockInvoke, VMS_STEP_STDOUT } from "./cloud-mocks";
import { isProjectModule, reuseCompiledProjectModules } from "./compile-once";
import { clusterFromFacts, FakeKube, fakePodName, probeSessions, type FakeCluster } from "./fake-kube";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly provider?: string;
    /** As the mock monitor assigned it: its type part names the parents' types. */
    readonly urn: string;
    readonly custom: boolean;
    /** URNs this resource was registered as depending on (dependsOn and inputs). */
    readonly dependencies: string[];
    /** Outputs the mocked engine computed for it (IPs, a command's stdout, ...); see cloud-mocks.ts. */
    readonly computed: Record<string, unknown>;
}

export interface ProgramRun {
    readonly resources: RecordedResource[];
    readonly outputs: Record<string, unknown>;
    /** Outputs as they stand, secrets still wrapped, for secrecy checks. */
    readonly rawOutputs: Record<string, pulumi.Output<unknown>>;
    readonly milliseconds: number;
    /** Every invoke the program made (AMI lookups, zone offerings, ...), in order. */
    readonly invokes: Invoke[];
}

export interface Invoke {
    readonly token: string;
    readonly inputs: Record<string, any>;
}

export const fixture = (name: string): string =>
    fs.readFileSync(path.join(__dirname, "..", "fixtures", name), "utf8");

/**
 * What the cluster answers, by step: the probe's two client sessions, each client's
 * session, the facts (POD and NODE lines); and, for the kubectl steps the clusters
 * meshbench makes still run (node-facts), their stdout.
 */
export type StepStdout = Record<string, string>;

export const DEFAULT_STEP_STDOUT: StepStdout = {
    probe: fixture("probe-plaintext-accepted.txt"),
    "wrk-run": fixture("wrk-client-session.txt"),
    "netperf-run": fixture("netperf/tcp-rr-session.txt"),
    "netperf-crr-run": fixture("netperf/tcp-crr-session.txt"),
    // Real fortio at 100 and 200 requests/s: the rates OPEN_LOOP_CONFIG gives every program run.
    "fortio-run": fixture("fortio/held-session.txt"),
    facts: fixture("cluster-facts.txt"),
};

/** The open-loop settings of every program run under the mocks, so that the fortio capture answers them. */
export const OPEN_LOOP_CONFIG = { openLoopCapacityRps: "400", openLoopFractions: "0.25,0.5", openLoopConnections: "4" } as const;

/** What a mesh's evidence reads, beyond the benchmark pods: its own pods, GET paths and execs. */
export type EvidenceCluster = Partial<FakeCluster>;

const noMarker = (text: string) => text.replace(/^MESHBENCH-KUBECTL exit=\d+\n?/m, "");

/** The fake cluster a measurement runs against under the mocks. */
export function fakeCluster(plan: BenchmarkPlan, steps: StepStdout, evidence: EvidenceCluster = {}): FakeCluster {
    const { pods, nodes } = clusterFromFacts(steps.facts ?? DEFAULT_STEP_STDOUT.facts);
    const probe = probeSessions(steps.probe ?? DEFAULT_STEP_STDOUT.probe);
    const ok = (stdout: string) => ({ stdout, stderr: "", exitCode: 0 });
    const probePod = `meshbench-probe/${fakePodName("plaintext-probe")}`;
    const client = (app: string, container: string, reps: number, more = "") =>
        `meshbench/${fakePodName(app)} -c ${container} env MESHBENCH_REPETITIONS=${reps}${more} sh /meshbench/${app}.sh`;
    const fortioEnv = Object.entries(fortioEnvironment(plan.inputs.openLoop)).map(([k, v]) => `${k}=${v}`).join(" ");
    return {
        pods: [...pods, {
            name: fakePodName("plaintext-probe"), namespace: "meshbench-probe", labels: { "app.kubernetes.io/name": "plaintext-probe" },
            node: pods.find((p) => p.labels["app.kubernetes.io/name"] === "wrk-client")?.node ?? "", containers: [],
        }, ...(evidence.pods ?? [])],
        nodes,
        get: evidence.get,
        exec: {
            [`${probePod} -c wrk sh /meshbench/wrk-client.sh`]: ok(probe.http),
            [`${probePod} -c netperf sh /meshbench/netperf-client.sh`]: ok(probe.netperf),
            [client("wrk-client", "wrk", plan.inputs.wrk.repetitions)]: ok(noMarker(steps["wrk-run"] ?? DEFAULT_STEP_STDOUT["wrk-run"])),
            [client("netperf-client", "netperf", plan.inputs.netperf.repetitions)]: ok(noMarker(steps["netperf-run"] ?? DEFAULT_STEP_STDOUT["netperf-run"])),
            [client("netperf-client", "netperf", plan.inputs.netperf.repetitions, " MESHBENCH_NETPERF_TEST=TCP_CRR")]:
                ok(noMarker(steps["netperf-crr-run"] ?? DEFAULT_STEP_STDOUT["netperf-crr-run"])),
            [`meshbench/${fakePodName("wrk-client")} -c wrk env ${fortioEnv} sh /meshbench/fortio-client.sh`]:
                ok(steps["fortio-run"] ?? DEFAULT_STEP_STDOUT["fortio-run"]),
            ...evidence.exec,
        },
    };
}

/** Extra state the mocks return for a resource, beyond its inputs (computed outputs the code reads). */
export type ComputedOutputs = (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;

/** The resources of one type. */
export const ofType = (run: ProgramRun, type: string): RecordedResource[] => run.resources.filter((r) => r.type === type);

/** The resource of this name; throws if there is none. */
export function named(run: ProgramRun, name: string): RecordedResource {
    const found = run.resources.find((r) => r.name === name);
    if (!found) throw new Error(`no resource ${name}`);
    return found;
}

/** Resolves an Output in a test, secret or not. */
export const unwrap = <T>(output: pulumi.Output<T>): Promise<T> =>
    new Promise((resolve) => output.apply((v) => resolve(v)));

/** Records what the program registers; `settle()` waits for it to finish and returns it. */
export interface Recorder {
    settle(): Promise<RecordedResource[]>;
    /** Every invoke so far, in order. */
    readonly invokes: Invoke[];
}

export interface MockOptions {
    /** Answers the kubectl steps, by step name suffix. */
    readonly steps?: StepStdout;
    /** What the mesh's evidence reads from the fake cluster. */
    readonly evidence?: EvidenceCluster;
    /** Outputs beyond the cloud mocks' (cloud-mocks.ts) that a test needs computed. */
    readonly computed?: ComputedOutputs;
    /** Invoke answers beyond the cloud mocks'. */
    readonly call?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown> | undefined;
    /** Region the cloud mocks answer for. Default: us-east-1. */
    readonly region?: string;
    /** What a StackReference reads, by the referenced stack's name: its outputs, and which of them are secret. */
    readonly stacks?: Readonly<Record<string, ReferencedStack>>;
}

/** A referenced stack as the engine hands it to a StackReference. */
export interface ReferencedStack {
    readonly outputs: Record<string, unknown>;
    readonly secretOutputNames: string[];
}

/**
 * Installs the mocks. The cloud's computed outputs and invoke answers come from
 * cloud-mocks.ts (mock data, clearly marked there), then from the options.
 */
export async function installMocks(options: MockOptions = {}): Promise<Recorder> {
    const steps = options.steps ?? DEFAULT_STEP_STDOUT;
    const seen: Omit<RecordedResource, "urn" | "dependencies">[] = [];
    const invokes: Invoke[] = [];
    await pulumi.runtime.setMocks({
        async newResource(args: pulumi.runtime.MockResourceArgs) {
            const computed = { ...mockComputedOutputs(args), ...options.computed?.(args) };
            const state: Record<string, any> = { ...args.inputs, ...computed };
            if (args.type === "pulumi-nodejs:dynamic:Resource" && args.inputs.plan) {
                // As runner/provider.ts measure() does, with the fake cluster for the client.
                const plan = args.inputs.plan as BenchmarkPlan;
                const kube = new FakeKube(fakeCluster(plan, steps, options.evidence));
                state.results = await runBenchmark(plan, kube, MESHES[plan.inputs.mesh as MeshName], { sleep: async () => undefined });
                delete state.kubeconfig;
            }
            if (args.type === "pulumi:pulumi:StackReference") {
                // As the engine reads another stack: its outputs, and the names of the secret ones.
                const stack = options.stacks?.[args.inputs.name as string];
                state.outputs = stack?.outputs ?? {};
                state.secretOutputNames = stack?.secretOutputNames ?? [];
            }
            if (args.type === "command:local:Command" && state.stdout === undefined) {
                const step = Object.keys(steps).find((suffix) => args.name.endsWith(`-${suffix}`));
                state.stdout = step ? steps[step] : "";
                state.stderr = "";
            }
            seen.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, custom: args.custom ?? true, computed });
            return { id: `${args.name}-id`, state };
        },
        call: (args: pulumi.runtime.MockCallArgs) => {
            invokes.push({ token: args.token, inputs: args.inputs });
            return options.call?.(args) ?? mockInvoke(args, options.region ?? "us-east-1") ?? args.inputs;
        },
    }, "meshbench", "test", false);

    // The mock monitor keeps the URNs it assigns; the requests carry the dependencies.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
    const dependencies = new Map<string, string[]>();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: unknown) => {
        dependencies.set(`${req.getType()}::${req.getName()}`, req.getDependenciesList());
        return register(req, callback);
    };

    return {
        invokes,
        async settle() {
            for (let count = -1; count !== seen.length;) {
                count = seen.length;
                await new Promise((r) => setTimeout(r, 20));
            }
            const urns = [...(monitor.getRegisteredResources() as Map<string, unknown>).keys()];
            return seen.map((r) => {
                const urn = urns.find((u) => u.endsWith(`::${r.name}`) && u.split("::")[2].split("$").pop() === r.type);
                if (!urn) throw new Error(`no URN for ${r.type} ${r.name}`);
                return { ...r, urn, dependencies: dependencies.get(`${r.type}::${r.name}`) ?? [] };
            });
        },
    };
}

/** Forget every project module, so that the next import runs the program afresh. */
function clearProjectModules(): void {
    for (const id of Object.keys(require.cache)) if (isProjectModule(id)) delete require.cache[id];
}

export interface RunOptions extends Omit<MockOptions, "steps" | "region"> {
    /** Keys (as in `config`) whose values the stack stores encrypted. */
    readonly secretKeys?: readonly string[];
    /** Builds the resources instead of index.ts, for a component on its own; returns its outputs. */
    readonly program?: () => Record<string, pulumi.Output<unknown> | undefined>;
}

/** Full config key: `meshbench:` keys without prefix; other namespaces (`aws:region`) as given. */
const fullKey = (key: string): string => (key.includes(":") ? key : `meshbench:${key}`);

/** Evaluates index.ts (or `options.program`) with the given config. */
export async function runProgram(
    config: Record<string, string>, steps: StepStdout = DEFAULT_STEP_STDOUT, options: RunOptions = {},
): Promise<ProgramRun> {
    const recorder = await installMocks({ ...options, steps, region: config["aws:region"] });
    // A cluster stack measures nothing, and refuses load keys.
    const withOpenLoop = config.role === "cluster" ? config : { ...OPEN_LOOP_CONFIG, ...config };
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(withOpenLoop).map(([k, v]) => [fullKey(k), v])),
        (options.secretKeys ?? []).map(fullKey));

    reuseCompiledProjectModules(); // already installed by .mocharc.json; here for runs without it
    clearProjectModules();
    const started = process.hrtime.bigint();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = (options.program?.() ?? require("../../index")) as Record<string, pulumi.Output<unknown> | undefined>;
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) {
        // A target that makes no cluster exports no kubeconfig: the export is undefined.
        if (value !== undefined) outputs[key] = await unwrap(value);
    }
    const resources = await recorder.settle();
    const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
    return { resources, outputs, rawOutputs: program as Record<string, pulumi.Output<unknown>>, milliseconds, invokes: recorder.invokes };
}

/** The recorded resource with this type whose name (or metadata.name) matches. */
export function findResource(resources: RecordedResource[], type: string, name: string): RecordedResource {
    const found = resources.find((r) => r.type === type && (r.name === name || r.inputs.metadata?.name === name));
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
}

/** True when `later` was registered depending on `earlier`. */
export const dependsOn = (later: RecordedResource, earlier: RecordedResource): boolean =>
    later.dependencies.includes(earlier.urn);

/**
 * The benchmark pods, and the plaintext probe, start only after the benchmark namespace
 * and after every resource the mesh install created (charts, policies), so that no pod
 * starts outside the mesh, nor before a mesh that is the CNI.
 */
export function assertBenchmarkWaitsForMesh(resources: RecordedResource[]): void {
    const namespace = findResource(resources, "kubernetes:core/v1:Namespace", "meshbench");
    const meshResources = resources.filter((r) => r.custom && r.urn.includes("meshbench:meshes:MeshInstall$"));
    for (const app of ["http-server", "netperf-server", "wrk-client", "netperf-client", "plaintext-probe"]) {
        const deployment = findResource(resources, "kubernetes:apps/v1:Deployment", app);
        if (!dependsOn(deployment, namespace)) throw new Error(`${app} does not wait for the benchmark namespace`);
        for (const m of meshResources) {
            if (!dependsOn(deployment, m)) throw new Error(`${app} does not wait for ${m.type} ${m.name}`);
        }
    }
}

/** Config for target vms in the mocked region, with short load settings. */
export function vmsStackConfig(extra: Record<string, string> = {}): Record<string, string> {
    return {
        target: "vms", "aws:region": "us-east-1", operatorCidr: "203.0.113.7/32",
        repetitions: "2", warmupSeconds: "1", wrkThreads: "2", wrkConnections: "2", ...extra,
    };
}

/** The kubectl steps on a vms cluster: its node query and facts (cloud-mocks.ts), the rest as DEFAULT_STEP_STDOUT. */
export const VMS_STEPS: StepStdout = { "node-facts": VMS_STEP_STDOUT["node-facts"], ...DEFAULT_STEP_STDOUT, facts: VMS_STEP_STDOUT.facts };

/** Config for a local kind cluster: target kubeconfig with a throwaway kubeconfig file. */
export function kubeconfigStackConfig(extra: Record<string, string> = {}): Record<string, string> {
    return { target: "kubeconfig", kubeconfig: path.join(__dirname, "..", "fixtures", "kubeconfig.yaml"), ...extra };
}
