// The reads behind the results' `resources`: which pods to read (the benchmark pods, the
// mesh's node agents on the client and server nodes, its control plane), and a watcher on
// wrk's output that reads every one of their nodes' kubelets when a repetition begins
// (MESHBENCH-BEGIN) and when it ends (MESHBENCH-END), while the exec goes on. A read that
// fails is kept as its reason (runner/resource-cost.ts marks it unmeasured); nothing here
// throws into the run.
import type { MeshPods, ResourceTargets } from "../meshes/types";
import { listPods, type KubeApi, type PodSummary } from "../shared/kube-api";
import { APP_LABEL } from "../shared/names";
import type { MeasuredTime } from "../shared/results";
import type { NodeReads, RepetitionReads, TargetPod } from "./resource-cost";
import { lineWatcher } from "./lines";
import { parseResourceMetrics } from "./resource-usage";

/** The kubelet's resource metrics of a node, through the API server's node proxy. */
export const resourceMetricsPath = (node: string): string => `/api/v1/nodes/${node}/proxy/metrics/resource`;

const describe = (p: MeshPods): string => `${p.name} (${p.namespace}${p.labelSelector ? `, ${p.labelSelector}` : ""})`;
const running = (pods: PodSummary[]) => pods.filter((p) => p.phase === "Running" && p.nodeName);

/**
 * The pods to read. The benchmark pods' nodes give the roles: a node with a client app is a
 * client node, one with a server app a server node. A node agent must run on each of them,
 * and the control plane somewhere; one that does not is a missing target, not a zero.
 */
export async function resourceTargetPods(
    kube: KubeApi, targets: ResourceTargets, benchPods: readonly PodSummary[], clientApps: readonly string[], serverApps: readonly string[],
): Promise<TargetPod[]> {
    const bench = running([...benchPods]);
    const nodesOf = (apps: readonly string[]) => [...new Set(bench.filter((p) => apps.includes(p.labels[APP_LABEL])).map((p) => p.nodeName!))];
    const serverNodes = nodesOf(serverApps);
    const clientNodes = nodesOf(clientApps).filter((n) => !serverNodes.includes(n));
    const pods: TargetPod[] = bench.map((p) => ({ group: "bench", node: p.nodeName!, namespace: p.namespace, pod: p.name, containers: p.containers }));
    const target = (group: TargetPod["group"], p: PodSummary): TargetPod =>
        ({ group, node: p.nodeName!, namespace: p.namespace, pod: p.name, containers: p.containers });
    for (const agent of targets.nodeAgents) {
        const found = running(await listPods(kube, agent.namespace, agent.labelSelector));
        for (const [group, nodes] of [["clientNodeAgents", clientNodes], ["serverNodeAgents", serverNodes]] as const) {
            for (const node of nodes) {
                const here = found.filter((p) => p.nodeName === node);
                pods.push(...(here.length ? here.map((p) => target(group, p))
                    : [{ group, node, namespace: agent.namespace, pod: "", containers: [], missing: `no running ${describe(agent)} pod on ${node}` }]));
            }
        }
    }
    for (const part of targets.controlPlane) {
        const found = running(await listPods(kube, part.namespace, part.labelSelector));
        pods.push(...(found.length ? found.map((p) => target("controlPlane", p))
            : [{ group: "controlPlane" as const, node: "", namespace: part.namespace, pod: "", containers: [], missing: `no running ${describe(part)} pod` }]));
    }
    return pods;
}

/** One read of every node's kubelet, in parallel; a node that fails is its reason. */
export async function readNodes(kube: KubeApi, nodes: readonly string[]): Promise<NodeReads> {
    const reads = await Promise.all(nodes.map(async (node) => {
        const path = resourceMetricsPath(node);
        // KubeApi's errors name the path already; a page that is not the metrics gets it here.
        const read = await kube.get(path).then((body) => {
            const parsed = parseResourceMetrics(body);
            return typeof parsed === "string" ? `GET ${path}: ${parsed}` : parsed;
        }, (e: Error) => e.message);
        return [node, read] as const;
    }));
    return Object.fromEntries(reads);
}

/** How soon after a repetition's end the next must begin to share its read. */
const SHARED_READ_MS = 1000;

/**
 * Watches a client script's stdout and reads the nodes as each measured repetition begins
 * and ends; one that begins as the last one (or the warm-up) ends shares that read.
 * `done()` waits for the reads still under way and returns the repetitions that both
 * began and ended.
 */
export class RepetitionReader {
    private readonly begun = new Map<number, { start: string; before: Promise<NodeReads> }>();
    private readonly finished: Promise<RepetitionReads>[] = [];
    /** The read at the last repetition's (or the warm-up's) end: the next one's read before, if it begins at once. */
    private lastEnd?: { readonly atMs: number; readonly reads: Promise<NodeReads> };

    constructor(private readonly kube: KubeApi, private readonly nodes: readonly string[], private readonly now: () => Date) {}

    readonly watch = lineWatcher((line) => {
        const m = /^MESHBENCH-(BEGIN|END) run=(\d+|warmup)\b/.exec(line);
        if (!m) return;
        if (m[2] === "warmup") {
            // Read as the warm-up ends only: the first repetition's start.
            if (m[1] === "END") this.lastEnd = { atMs: this.now().getTime(), reads: readNodes(this.kube, this.nodes) };
            return;
        }
        const now = this.now();
        const repetition = Number(m[2]);
        if (m[1] === "BEGIN") {
            // Repetitions run back to back: one read ends one and begins the next, so the
            // windows meet and the kubelets are read half as often while wrk runs.
            const before = this.lastEnd && now.getTime() - this.lastEnd.atMs <= SHARED_READ_MS ? this.lastEnd.reads : readNodes(this.kube, this.nodes);
            this.begun.set(repetition, { start: now.toISOString(), before });
            return;
        }
        const begun = this.begun.get(repetition);
        if (!begun) return;
        const measured: MeasuredTime = { start: begun.start, end: now.toISOString() };
        const after = readNodes(this.kube, this.nodes);
        this.lastEnd = { atMs: now.getTime(), reads: after };
        this.finished.push(Promise.all([begun.before, after]).then(([b, a]) => ({ repetition, measured, before: b, after: a })));
    });

    async done(): Promise<RepetitionReads[]> {
        return (await Promise.all(this.finished)).sort((a, b) => a.repetition - b.repetition);
    }
}

/** The nodes the targets run on. */
export const targetNodes = (pods: readonly TargetPod[]): string[] => [...new Set(pods.map((p) => p.node).filter(Boolean))].sort();
