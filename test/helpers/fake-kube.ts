// The fake cluster the runner's tests run against: a KubeApi that serves the fixtures
// (test/fixtures) as the API server would, and records every call. Pods and nodes come
// from the facts fixtures (POD/NODE lines, test/fixtures/cluster-facts.txt); GET paths and
// execs answer from tables; anything else fails as the API server would (404, or an exec
// error), so a test sees what the runner asked for.
import { KubeError, type ExecOptions, type ExecResult, type KubeApi, type RawNode } from "../../shared/kube-api";
import { fixture } from "./mocks";

export interface FakePod {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly node: string;
    readonly phase?: string;
    readonly containers: { name: string; image: string; imageId: string }[];
    readonly initContainers?: string[];
}

/** An exec's answer: what it printed, a timeout, an API error, or an unreadable reply. */
export type ExecAnswer = ExecResult | { readonly timeout: true } | { readonly apiError: string };

export interface FakeCluster {
    readonly pods: FakePod[];
    readonly nodes: RawNode[];
    /** GET path → body, or a fixture as { fixture }, or an HTTP error status, or bodies one GET after another (the last repeats). */
    readonly get?: Readonly<Record<string, string | { fixture: string } | { status: number } | { sequence: readonly string[] }>>;
    /** `${namespace}/${pod} -c ${container} ${argv joined by spaces}` → answer. */
    readonly exec?: Readonly<Record<string, ExecAnswer | ((call: ExecCall) => ExecAnswer)>>;
}

export interface ExecCall {
    readonly namespace: string;
    readonly pod: string;
    readonly container: string;
    readonly argv: readonly string[];
}

/** The name the fake gives an app's pod. */
export const fakePodName = (app: string): string => `${app}-7c5b9d8f6-k4m2p`;

/** Pods and nodes from a facts fixture's POD and NODE lines (the kubectl wrapper's markers are skipped). */
export function clusterFromFacts(text: string, namespace = "meshbench"): { pods: FakePod[]; nodes: RawNode[] } {
    const pods: FakePod[] = [];
    const nodes: RawNode[] = [];
    for (const line of text.split("\n")) {
        if (line.startsWith("POD ")) {
            const [head, ...containers] = line.slice(4).split(" ").filter(Boolean);
            const [app, node] = head.split("|");
            pods.push({
                name: fakePodName(app), namespace, labels: { "app.kubernetes.io/name": app }, node, phase: "Running",
                containers: containers.map((c) => { const [name, image, imageId] = c.split("|"); return { name, image, imageId }; }),
            });
        } else if (line.startsWith("NODE ")) {
            const [name, kubeletVersion, kernelVersion, osImage, containerRuntimeVersion, instanceType, zone, role] = line.slice(5).split("|");
            nodes.push({
                metadata: {
                    name, labels: {
                        ...(instanceType ? { "node.kubernetes.io/instance-type": instanceType } : {}),
                        ...(zone ? { "topology.kubernetes.io/zone": zone } : {}),
                        ...(role ? { "meshbench.io/role": role } : {}),
                    },
                },
                status: { nodeInfo: { kubeletVersion, kernelVersion, osImage, containerRuntimeVersion } },
            });
        }
    }
    return { pods, nodes };
}

/** The outputs of a probe fixture (two client sessions, each ended by the old wrapper's marker). */
export function probeSessions(text: string): { http: string; netperf: string } {
    const [http, netperf] = text.split(/^MESHBENCH-KUBECTL exit=\d+\n?/m);
    return { http, netperf };
}

const matches = (labels: Record<string, string>, selector?: string): boolean =>
    !selector || selector.split(",").every((term) => { const [k, v] = term.split("="); return labels[k] === v; });

export class FakeKube implements KubeApi {
    readonly calls: string[] = [];
    private readonly served = new Map<string, number>();

    constructor(private readonly cluster: FakeCluster) {}

    async get(path: string): Promise<string> {
        this.calls.push(`GET ${path}`);
        const [base, query] = path.split("?");
        const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(base);
        if (pods) {
            const selector = query ? decodeURIComponent(new URLSearchParams(query).get("labelSelector") ?? "") : undefined;
            return JSON.stringify({
                items: this.cluster.pods.filter((p) => p.namespace === pods[1] && matches(p.labels, selector)).map((p) => ({
                    metadata: { name: p.name, namespace: p.namespace, uid: `uid-${p.name}`, labels: p.labels },
                    spec: {
                        nodeName: p.node,
                        containers: p.containers.map((c) => ({ name: c.name })),
                        initContainers: (p.initContainers ?? []).map((name) => ({ name })),
                    },
                    status: { phase: p.phase ?? "Running", containerStatuses: p.containers.map((c) => ({ name: c.name, image: c.image, imageID: c.imageId })) },
                })),
            });
        }
        if (base === "/api/v1/nodes") return JSON.stringify({ items: this.cluster.nodes });
        const answer = this.cluster.get?.[path];
        if (answer === undefined) throw new KubeError("status", `GET ${path}: HTTP 404: the server could not find the requested resource`);
        if (typeof answer === "string") return answer;
        if ("fixture" in answer) return fixture(answer.fixture);
        if ("sequence" in answer) {
            const n = this.served.get(path) ?? 0;
            this.served.set(path, n + 1);
            return answer.sequence[Math.min(n, answer.sequence.length - 1)];
        }
        throw new KubeError("status", `GET ${path}: HTTP ${answer.status}: error`);
    }

    async exec(namespace: string, pod: string, container: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
        const key = `${namespace}/${pod} -c ${container} ${argv.join(" ")}`;
        this.calls.push(`EXEC ${key}`);
        const entry = this.cluster.exec?.[key];
        if (!entry) throw new KubeError("request", `exec in ${namespace}/${pod} -c ${container}: the fake does not expect: ${argv.join(" ")}`);
        const answer = typeof entry === "function" ? entry({ namespace, pod, container, argv }) : entry;
        if ("timeout" in answer) throw new KubeError("timeout", `exec in ${namespace}/${pod} -c ${container}: no exit after ${options.timeoutSeconds} s`);
        if ("apiError" in answer) throw new KubeError("request", `exec in ${namespace}/${pod} -c ${container}: ${answer.apiError}`);
        for (const line of answer.stdout.split(/(?<=\n)/)) options.onStdout?.(line);
        return answer;
    }
}

/** A successful exec that printed this. */
export const printed = (stdout: string, stderr = ""): ExecResult => ({ stdout, stderr, exitCode: 0 });
