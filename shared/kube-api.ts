// The runner's whole view of a cluster: exec argv in a container, and GET an API path
// (lists, objects, and the node and pod proxies that serve metrics). The runner implements
// it with @kubernetes/client-node (shared/kube-client.ts); tests fake it with fixtures
// (test/helpers/fake-kube.ts). A bottom module: the meshes' evidence and the runner both
// use it, and it imports nothing outside shared/.
import { ROLE_KEY } from "./names";
import type { NodeFacts } from "./results";

/** What one exec printed and how it ended. */
export interface ExecResult {
    readonly stdout: string;
    readonly stderr: string;
    /** The command's exit code, as the API server reports it. */
    readonly exitCode: number;
}

export interface ExecOptions {
    /** Ends the exec (and fails it with KubeError "timeout") after this long. */
    readonly timeoutSeconds: number;
    /** Called with each chunk the command prints on stdout, as it prints it. */
    readonly onStdout?: (chunk: string) => void;
}

/** The cluster could not be asked, or did not answer: distinct from a command that ran and failed. */
export class KubeError extends Error {
    constructor(readonly kind: "timeout" | "request" | "status", message: string) {
        super(message);
        this.name = "KubeError";
    }
}

export interface KubeApi {
    /** Runs argv (no shell) in a container; rejects with KubeError when the exec itself fails. */
    exec(namespace: string, pod: string, container: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
    /** GET a path of the API server (e.g. /api/v1/nodes); resolves with the body, rejects with KubeError on a non-2xx status. */
    get(path: string): Promise<string>;
}

/** The fields of a pod the runner and the evidence read. */
export interface PodSummary {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly nodeName?: string;
    readonly phase?: string;
    readonly initContainers: string[];
    readonly containers: string[];
    readonly containerStatuses: { readonly name: string; readonly image: string; readonly imageId: string }[];
    /** Restarts of all its containers so far. */
    readonly restarts: number;
}

interface RawPod {
    metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string> };
    spec?: { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[] };
    status?: {
        phase?: string;
        containerStatuses?: { name: string; image?: string; imageID?: string; restartCount?: number }[];
        initContainerStatuses?: { name: string; image?: string; imageID?: string; restartCount?: number }[];
    };
}

/** GET a path and parse it as JSON; a body that is not JSON is a KubeError. */
export async function getJson<T>(kube: KubeApi, path: string): Promise<T> {
    const body = await kube.get(path);
    try {
        return JSON.parse(body) as T;
    } catch {
        throw new KubeError("status", `GET ${path}: not JSON: ${body.slice(0, 120)}`);
    }
}

const query = (params: Record<string, string | undefined>): string => {
    const set = Object.entries(params).filter(([, v]) => v);
    return set.length ? `?${set.map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join("&")}` : "";
};

/** The pods of a namespace, optionally by label selector (e.g. "app.kubernetes.io/name=http-server"). */
export async function listPods(kube: KubeApi, namespace: string, labelSelector?: string): Promise<PodSummary[]> {
    const list = await getJson<{ items?: RawPod[] }>(kube, `/api/v1/namespaces/${namespace}/pods${query({ labelSelector })}`);
    return (list.items ?? []).map((p) => ({
        name: p.metadata?.name ?? "",
        namespace: p.metadata?.namespace ?? namespace,
        uid: p.metadata?.uid ?? "",
        labels: p.metadata?.labels ?? {},
        nodeName: p.spec?.nodeName,
        phase: p.status?.phase,
        initContainers: (p.spec?.initContainers ?? []).map((c) => c.name),
        containers: (p.spec?.containers ?? []).map((c) => c.name),
        containerStatuses: [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]
            .map((c) => ({ name: c.name, image: c.image ?? "", imageId: c.imageID ?? "" })),
        restarts: (p.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
    }));
}

/** The one running pod of a label selector, or why there is none (a string). */
export async function runningPod(kube: KubeApi, namespace: string, labelSelector: string): Promise<PodSummary | string> {
    const pods = (await listPods(kube, namespace, labelSelector)).filter((p) => p.phase === "Running");
    if (pods.length === 0) return `no running pod with ${labelSelector} in ${namespace}`;
    return pods[0];
}

/** The last non-empty lines of some output, for a failure's reason. */
export const lastWords = (text: string, lines = 2): string =>
    text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(-lines).join(" | ");

/** How one exec went: what it printed and its exit code, or why it could not run (timeout, API error). */
export type ExecOutcome = ExecResult | { readonly error: string };

/** Runs an exec and never rejects: a KubeError becomes the outcome's error. */
export async function execOutcome(
    kube: KubeApi, namespace: string, pod: string, container: string, argv: readonly string[], options: ExecOptions,
): Promise<ExecOutcome> {
    try {
        return await kube.exec(namespace, pod, container, argv, options);
    } catch (e) {
        return { error: (e as Error).message };
    }
}

/** Why an exec's outcome cannot be read as a session, or undefined when it ran and exited 0. */
export function execFailure(outcome: ExecOutcome, what: string): string | undefined {
    if ("error" in outcome) return `${what}: ${outcome.error}`;
    if (outcome.exitCode === 0) return undefined;
    const said = lastWords(`${outcome.stdout}\n${outcome.stderr}`, 3);
    return `${what}: exited with ${outcome.exitCode}${said ? `: ${said}` : ""}`;
}

/** A node as the API returns it (GET /api/v1/nodes), the fields read here. */
export interface RawNode {
    readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
    readonly status?: {
        readonly nodeInfo?: {
            readonly kubeletVersion?: string; readonly kernelVersion?: string; readonly osImage?: string;
            readonly containerRuntimeVersion?: string;
        };
    };
}

/** What one node says it is. */
export function nodeFacts(node: RawNode): NodeFacts {
    const labels = node.metadata?.labels ?? {};
    const info = node.status?.nodeInfo ?? {};
    return {
        name: node.metadata?.name ?? "",
        kubeletVersion: info.kubeletVersion ?? "",
        kernelVersion: info.kernelVersion ?? "",
        osImage: info.osImage ?? "",
        containerRuntime: info.containerRuntimeVersion ?? "",
        instanceType: labels["node.kubernetes.io/instance-type"] || undefined,
        zone: labels["topology.kubernetes.io/zone"] || undefined,
        // The role meshbench's own clusters give each node.
        ...(labels[ROLE_KEY] ? { role: labels[ROLE_KEY] } : {}),
    };
}

