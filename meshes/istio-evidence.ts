// The mTLS evidence of both Istio data planes: Istio's standard metrics, as the proxy
// that receives the benchmark's traffic reports them (reporter="destination"), read
// after the runs through the API server's pod proxy. A sidecar reports in its own pod
// (istio-proxy, /stats/prometheus on pilot-agent's status port 15020, which merges
// Envoy's stats); in ambient mode the ztunnel of the server's node reports
// (/metrics on its stats port 15020, ztunnel src/metrics/server.rs @1.25.1).
//
// Both speak the Prometheus text exposition format. The label that matters is
// connection_security_policy: "mutual_tls" when the destination proxy terminated mutual
// TLS. What plaintext reads as differs between the two, see IstioEvidenceRules.
import { runningPod, type KubeApi, type PodSummary } from "../shared/kube-api";
import { APP_LABEL, HTTP_SERVICE, NETPERF_SERVICE, PROBE_NAMESPACE } from "../shared/names";
import type { EvidenceReading, MeshContext } from "./types";
import { parsePromSample } from "./prometheus-text";

/** The counters read: requests for HTTP handled at L7, connections for everything else. */
export const ISTIO_EVIDENCE_METRICS = ["istio_requests_total", "istio_tcp_connections_opened_total"] as const;
const NOUN: Readonly<Record<string, string>> = { istio_requests_total: "requests", istio_tcp_connections_opened_total: "connections" };

/** The servers whose received traffic is the evidence. */
export const EVIDENCE_SERVERS = [HTTP_SERVICE, NETPERF_SERVICE] as const;

/** Where to read one server's metrics: the pod (and its namespace) that reports it as destination, or why none. */
export interface ScrapeTarget {
    locate(kube: KubeApi, ctx: MeshContext, app: string): Promise<{ readonly namespace: string; readonly pod: string } | string>;
    /** Path on port 15020, without the leading slash. */
    readonly path: string;
}

/** The running pod of a benchmark server. */
export async function serverPod(kube: KubeApi, ctx: MeshContext, app: string): Promise<PodSummary | string> {
    return runningPod(kube, ctx.benchNamespace, `${APP_LABEL}=${app}`);
}

/** One server's metrics page: where it was read and its lines, or why it could not be. */
export type MetricsPage = { readonly scraped: string; readonly lines: readonly string[] } | { readonly error: string };

/** For each server, finds the pod to read and fetches its metrics through the API server's pod proxy. */
export async function readIstioPages(kube: KubeApi, ctx: MeshContext, target: ScrapeTarget): Promise<Map<string, MetricsPage>> {
    const pages = new Map<string, MetricsPage>();
    for (const app of EVIDENCE_SERVERS) {
        try {
            const where = await target.locate(kube, ctx, app);
            if (typeof where === "string") {
                pages.set(app, { error: `${app}: found no pod to read metrics from: ${where}` });
                continue;
            }
            const at = `${where.namespace}/${where.pod}:15020/${target.path}`;
            const body = await kube.get(`/api/v1/namespaces/${where.namespace}/pods/${where.pod}:15020/proxy/${target.path}`)
                .catch((e: Error) => { throw new Error(`${app}: could not read ${at}: ${e.message}`); });
            pages.set(app, { scraped: at, lines: body.split(/\r?\n/) });
        } catch (e) {
            pages.set(app, { error: (e as Error).message });
        }
    }
    return pages;
}

/** What a data plane's destination reports mean, and which of its reports are the benchmark's traffic. */
export interface IstioEvidenceRules {
    /** connection_security_policy values at the destination, and whether each is mutual TLS. */
    readonly policies: Readonly<Record<string, boolean>>;
    /** True for series that count the benchmark clients' traffic (by the labels of its source). */
    countsSource(labels: Readonly<Record<string, string>>, ctx: MeshContext): boolean;
}

/** A sidecar's view: everything except the plaintext probe's own (excluded when its source is known). */
export const notFromProbe = (labels: Readonly<Record<string, string>>): boolean =>
    labels.source_workload_namespace !== PROBE_NAMESPACE;

interface ServerTraffic {
    readonly app: string;
    readonly scraped: string;
    /** Count per "metric policy". */
    readonly counts: Map<string, number>;
    readonly sources: Set<string>;
}

const METRIC_LINE = new RegExp(`^(${ISTIO_EVIDENCE_METRICS.join("|")})[{]`);

function trafficOf(app: string, page: { scraped: string; lines: readonly string[] }, ctx: MeshContext, rules: IstioEvidenceRules): ServerTraffic {
    const { scraped, lines } = page;
    const counts = new Map<string, number>();
    const sources = new Set<string>();
    for (const line of lines) {
        if (!METRIC_LINE.test(line)) continue;
        const sample = parsePromSample(line);
        if (!sample) continue;
        const l = sample.labels;
        if (l.reporter !== "destination" || l.destination_workload !== app || l.destination_workload_namespace !== ctx.benchNamespace) continue;
        if (!rules.countsSource(l, ctx) || sample.value <= 0) continue;
        const key = `${sample.name} ${l.connection_security_policy ?? "(none given)"}`;
        counts.set(key, (counts.get(key) ?? 0) + sample.value);
        sources.add(l.source_workload ?? "unknown");
    }
    return { app, scraped, counts, sources };
}

const describeTraffic = (t: ServerTraffic): string =>
    `${t.app}: ${[...t.counts].map(([key, n]) => { const [metric, policy] = key.split(" "); return `${n} ${NOUN[metric] ?? metric} ${policy}`; }).join(", ")}` +
    ` from ${[...t.sources].sort().join(", ")} (${t.scraped})`;

/** Reads the servers' metrics pages: mutual TLS when every server received only mutual_tls traffic. */
export function readIstioEvidence(pages: ReadonlyMap<string, MetricsPage>, ctx: MeshContext, rules: IstioEvidenceRules): EvidenceReading {
    const failures = EVIDENCE_SERVERS.map((app) => pages.get(app) ?? { error: `no metrics were read for ${app}` })
        .filter((p): p is { error: string } => "error" in p).map((p) => p.error);
    if (failures.length > 0) return { detail: failures.join("; ") };
    const servers = EVIDENCE_SERVERS.map((app) => trafficOf(app, pages.get(app) as { scraped: string; lines: string[] }, ctx, rules));
    const silent = servers.filter((s) => s.counts.size === 0).map((s) => `${s.app} (${s.scraped})`);
    if (silent.length > 0) return { detail: `no traffic from the benchmark clients reported at the destination for ${silent.join(", ")}` };

    const meanings = servers.flatMap((s) => [...s.counts.keys()].map((key) => rules.policies[key.split(" ")[1]]));
    const seen = `counters since the proxies started, reporter=destination: ${servers.map(describeTraffic).join("; ")}`;
    if (meanings.every((m) => m === true)) return { mtls: true, detail: `mutual TLS at every server; ${seen}` };
    if (meanings.every((m) => m === false)) return { mtls: false, detail: `plaintext through the proxies at every server; ${seen}` };
    return { detail: `mixed or unknown connection security: ${seen}` };
}
