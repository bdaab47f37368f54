// The benchmark run: mesh gates → plaintext probe → witnesses' first reading → wrk (the kubelets
// read as each repetition begins and ends) →
// netperf TCP_RR, then TCP_CRR, then fortio at fixed rates (never two at a time) → witnesses' second reading → the mesh's
// evidence → facts about where everything ran; then the pure assembler turns it into
// BenchmarkResults. Everything goes through KubeApi: exec argv in the client pods, whose
// scripts are files mounted from loadtest/scripts, and GETs of API paths.
import { clientScriptCommand, type ClientScript } from "../loadtest/clients";
import type { EvidenceReading, Mesh, MeshContext, RunnerView } from "../meshes/types";
import {
    execOutcome, getJson, lastWords, listPods, runningPod, type ExecOutcome, type KubeApi, type RawNode,
} from "../shared/kube-api";
import {
    APP_LABEL, BENCH_NAMESPACE, HTTP_SERVICE, NETPERF_CLIENT, NETPERF_SERVICE, PROBE_APP, PROBE_NAMESPACE, WRK_CLIENT,
} from "../shared/names";
import type { BenchmarkResults, MeasuredTime } from "../shared/results";
import { crrSettings, fortioEnvironment } from "../loadtest/run-settings";
import { clusterFacts } from "../loadtest/facts";
import { assembleResults, type ResultInputs } from "./assemble";
import { measuredLoad } from "./load-bytes";
import { podChurn } from "./pod-churn";
import type { ResourceReads } from "./resource-cost";
import { readNodes, RepetitionReader, resourceTargetPods, targetNodes } from "./resource-reads";
import { Progress } from "./progress";

/** Everything a run needs to know, as plain data: the measurement resource's inputs. */
export interface BenchmarkPlan {
    readonly inputs: Omit<ResultInputs, "serverApps" | "clientApps">;
    readonly meshContext: MeshContext;
}

export interface RunOptions {
    /** Where progress lines go (the provider's stderr, the bench CLI's console). */
    readonly report?: (line: string) => void;
    /** Sleeps between a gate's checks; tests pass one that returns at once. */
    readonly sleep?: (seconds: number) => Promise<void>;
    /** The clock the results' `measured` times come from; tests pass a fixed one. */
    readonly now?: () => Date;
}

const realSleep = (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000));

/** How long a client script may run: its own timeout per run covers the tools; this covers the exec. */
const execTimeout = (s: { warmupSeconds: number; durationSeconds: number; repetitions: number }): number =>
    (s.warmupSeconds + 120) + (s.durationSeconds + 120) * s.repetitions + 60;

/** Execs a client script in the running pod of an app, its stdout watched as it arrives. */
async function runClient(
    kube: KubeApi, namespace: string, app: string, container: string, script: ClientScript, env: Record<string, string | number>,
    timeoutSeconds: number, onStdout?: (chunk: string) => void,
): Promise<ExecOutcome> {
    const pod = await runningPod(kube, namespace, `${APP_LABEL}=${app}`).catch((e: Error) => e.message);
    if (typeof pod === "string") return { error: pod };
    // Settings that differ from the pod's environment (e.g. the bench CLI's --repetitions) go in through env(1).
    const overrides = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const argv = overrides.length ? ["env", ...overrides, ...clientScriptCommand(script)] : clientScriptCommand(script);
    return execOutcome(kube, namespace, pod.name, container, argv, { timeoutSeconds, onStdout });
}

/** The mesh's evidence and its witnesses' readings as one: shown only when all agree. */
export function joinReadings(evidence: EvidenceReading, witnesses: readonly EvidenceReading[], requested: boolean): EvidenceReading {
    if (witnesses.length === 0) return evidence;
    const all = [evidence, ...witnesses];
    const detail = all.map((r) => r.detail).join("; ");
    if (all.some((r) => r.mtls === undefined)) return { detail };
    return all.every((r) => r.mtls === all[0].mtls) ? { mtls: all[0].mtls, detail } : { mtls: !requested, detail: `readings disagree: ${detail}` };
}

export async function runBenchmark(plan: BenchmarkPlan, kube: KubeApi, mesh: Mesh, options: RunOptions = {}): Promise<BenchmarkResults> {
    const report = options.report ?? (() => undefined);
    const sleep = options.sleep ?? realSleep;
    const now = options.now ?? (() => new Date());
    const started = now().toISOString();
    /** Runs a step and notes when it ran. */
    const timed = async <T>(step: () => Promise<T>): Promise<{ outcome: T; measured: MeasuredTime }> => {
        const start = now().toISOString();
        const outcome = await step();
        return { outcome, measured: { start, end: now().toISOString() } };
    };
    const { inputs, meshContext: ctx } = plan;
    const crr = crrSettings(inputs.netperf);
    const progress = new Progress(report, inputs.wrk, inputs.netperf, inputs.openLoop);
    const view: RunnerView = {
        ctx, wrkUrl: inputs.wrk.url, report,
        netperf: { host: inputs.netperf.host, controlPort: inputs.netperf.controlPort, dataPort: inputs.netperf.dataPort },
    };
    const steps = mesh.runnerSteps?.(ctx) ?? {};

    let gate: string | undefined;
    for (const g of steps.gates ?? []) {
        progress.step(`waiting for ${g.name}`, "wrk");
        let last = "not checked";
        // Bounded by the time slept between checks (the checks' own time comes on top).
        for (let waited = 0; ; waited += g.intervalSeconds) {
            const check = await g.check(kube, view).catch((e: Error) => ({ ready: false, detail: e.message }));
            last = check.detail;
            if (check.ready) break;
            if (waited + g.intervalSeconds > g.timeoutSeconds) {
                gate = `${g.name} not ready after ${g.timeoutSeconds} s: ${last}`;
                break;
            }
            await sleep(g.intervalSeconds);
        }
        if (gate) break;
    }

    progress.step("plaintext probe", "wrk");
    const probe = {
        http: await runClient(kube, PROBE_NAMESPACE, PROBE_APP, "wrk", "wrk-client.sh", {}, 120),
        netperf: await runClient(kube, PROBE_NAMESPACE, PROBE_APP, "netperf", "netperf-client.sh", {}, 120),
    };

    const witnesses = steps.witnesses ?? [];
    const before = await Promise.all(witnesses.map((w) => w.before(kube, view).catch((e: Error) => `${w.name}: ${e.message}`)));

    const podsBefore = await listPods(kube, BENCH_NAMESPACE).catch((e: Error) => e.message);
    // Resource cost: the pods to read, then their nodes' kubelets as each repetition of wrk and netperf begins and ends.
    const resourceTargets = mesh.resourceTargets(ctx);
    const targets = typeof podsBefore === "string" ? `the benchmark pods could not be listed: ${podsBefore}`
        : await resourceTargetPods(kube, resourceTargets, podsBefore, [WRK_CLIENT, NETPERF_CLIENT], [HTTP_SERVICE, NETPERF_SERVICE])
            .catch((e: Error) => `the pods to read could not be listed: ${e.message}`);
    /** A client's stdout goes to its progress line and to a reader of the kubelets, whose reads it gives when done. */
    const readAround = (progressOf: (chunk: string) => void) => {
        const reader = typeof targets === "string" ? undefined : new RepetitionReader(kube, targetNodes(targets), now);
        return {
            watch: (chunk: string) => { progressOf(chunk); reader?.watch(chunk); },
            reads: async (): Promise<ResourceReads> => typeof targets === "string" ? { failure: targets, targets: [], repetitions: [] }
                : { targets, sidecar: resourceTargets.sidecar, repetitions: await reader!.done() },
        };
    };
    // One read of each kubelet before the load, its answer unused: a kubelet's first read costs
    // it an authorization round trip to the API server and the API server a new connection to
    // it, and on the real tier's saturated machine the first read under load came back up to
    // 5.5 s late, spoiling the first repetition's window.
    if (typeof targets !== "string") await readNodes(kube, targetNodes(targets));
    const around = { wrk: readAround(progress.watch("wrk")), netperf: readAround(progress.watch("netperf", inputs.netperf.test)),
        netperfCrr: readAround(progress.watch("netperf", crr.test)) };
    // The pods hold the settings in their environment; the repetitions may be asked anew (bench CLI).
    const wrk = await timed(() => runClient(kube, BENCH_NAMESPACE, WRK_CLIENT, "wrk", "wrk-client.sh",
        { MESHBENCH_REPETITIONS: inputs.wrk.repetitions }, execTimeout(inputs.wrk), around.wrk.watch));
    const netperf = await timed(() => runClient(kube, BENCH_NAMESPACE, NETPERF_CLIENT, "netperf", "netperf-client.sh",
        { MESHBENCH_REPETITIONS: inputs.netperf.repetitions }, execTimeout(inputs.netperf), around.netperf.watch));
    // The pod's environment says TCP_RR; the handshake run asks for TCP_CRR.
    const netperfCrr = await timed(() => runClient(kube, BENCH_NAMESPACE, NETPERF_CLIENT, "netperf", "netperf-client.sh",
        { MESHBENCH_REPETITIONS: crr.repetitions, MESHBENCH_NETPERF_TEST: crr.test }, execTimeout(crr), around.netperfCrr.watch));
    const resources = { wrk: await around.wrk.reads(), netperf: await around.netperf.reads(), netperfCrr: await around.netperfCrr.reads() };

    // fortio at each fixed rate, last: in the wrk client pod (its wrk container runs
    // fortio's binary), after wrk and netperf have finished. Its settings go in through env(1).
    const open = inputs.openLoop;
    progress.openLoopBegins();
    const openLoop = open.rates.length === 0 ? undefined : await timed(() => runClient(
        kube, BENCH_NAMESPACE, WRK_CLIENT, "wrk", "fortio-client.sh", fortioEnvironment(open), execTimeout(open) * open.rates.length));

    const podsAfter = await listPods(kube, BENCH_NAMESPACE).catch((e: Error) => e.message);
    const churn = typeof podsBefore === "string" || typeof podsAfter === "string"
        ? `the benchmark pods could not be listed around the load: ${typeof podsBefore === "string" ? podsBefore : podsAfter}`
        : podChurn(podsBefore, podsAfter);

    progress.step("mTLS evidence", "end");
    const stdout = (o: ExecOutcome) => "stdout" in o ? o.stdout : undefined;
    const load = measuredLoad(stdout(wrk.outcome), [
        { stdout: stdout(netperf.outcome), settings: inputs.netperf }, { stdout: stdout(netperfCrr.outcome), settings: crr },
    ]);
    const witnessed: EvidenceReading[] = [];
    for (const [i, w] of witnesses.entries()) {
        const snapshot = before[i];
        witnessed.push(typeof snapshot === "string"
            ? { detail: `${w.name}: no reading before the load: ${snapshot}` }
            : await w.after(kube, view, snapshot, load).catch((e: Error) => ({ detail: `${w.name}: ${e.message}` })));
    }
    const meshEvidence = await mesh.evidence.read(kube, ctx)
        .catch((e: Error) => ({ detail: `the evidence could not be read: ${e.message}` }));

    const facts = await Promise.all([
        listPods(kube, BENCH_NAMESPACE),
        getJson<{ items?: RawNode[] }>(kube, "/api/v1/nodes"),
    ]).then(([pods, nodes]) => clusterFacts(pods, nodes.items ?? []), (e: Error) => lastWords(e.message, 1));

    const results = assembleResults(
        { ...inputs, serverApps: [HTTP_SERVICE, NETPERF_SERVICE], clientApps: [WRK_CLIENT, NETPERF_CLIENT] },
        {
            probe, wrk, netperf, netperfCrr, resources, openLoop, evidence: joinReadings(meshEvidence, witnessed, ctx.mtls), facts, gate, churn,
            measured: { start: started, end: now().toISOString() },
        },
        {
            source: [mesh.evidence.source, ...witnesses.map((w) => w.source)].join("; "),
            exemptions: mesh.evidence.exemptions?.(ctx),
            probeRefusal: mesh.evidence.probeRefusal?.(ctx),
        },
    );
    report(`done: ${results.status}${results.reasons.length ? ` (${results.reasons.join("; ")})` : ""}`);
    return results;
}
