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
import { PROBE_NAMESPACE } from "../verify/probe";
import { APP_LABEL } from "../workloads/pods";
import { HTTP_SERVICE, NETPERF_SERVICE } from "../workloads/ports";
import type { EvidenceReading, MeshContext } from "./types";
import { parsePromSample } from "./prometheus-text";

/** The counters read: requests for HTTP handled at L7, connections for everything else. */
export const ISTIO_EVIDENCE_METRICS = ["istio_requests_total", "istio_tcp_connections_opened_total"] as const;
const NOUN: Readonly<Record<string, string>> = { istio_requests_total: "requests", istio_tcp_connections_opened_total: "connections" };

/** The servers whose received traffic is the evidence. */
export const EVIDENCE_SERVERS = [HTTP_SERVICE, NETPERF_SERVICE] as const;

/** Where to read one server's metrics: shell that sets `$ns` and `$pod` for the server `$app`. */
export interface ScrapeTarget {
    readonly locate: (ctx: MeshContext) => string;
    /** Path on port 15020, without the leading slash. */
    readonly path: string;
}

// Prefixes of the lines the parser reads; everything else the script prints is context.
const SCRAPED = "ISTIO-SCRAPED";
const METRIC = "ISTIO-METRIC";
const FAILED = "ISTIO-EVIDENCE-ERROR";

/** The kubectl lookup of a running server pod's field, for `locate` snippets. */
export const serverPodField = (ctx: MeshContext, field: string): string =>
    `kubectl -n ${ctx.benchNamespace} get pods -l "${APP_LABEL}=$app" --field-selector=status.phase=Running ` +
    `-o 'jsonpath={.items[0].${field}}'`;

/**
 * The evidence step's shell: for each server, find the pod to read, fetch its metrics
 * through the API server and print only the counters the parser needs (the full
 * exposition runs to thousands of lines, and the step's stdout lives in the stack state).
 * It ends with a non-zero status when any read failed, which fails the evidence.
 */
export function buildEvidenceScript(ctx: MeshContext, target: ScrapeTarget): string {
    const metricPattern = `^(${ISTIO_EVIDENCE_METRICS.join("|")})[{]`;
    return [
        "rc=0",
        `for app in ${EVIDENCE_SERVERS.join(" ")}; do`,
        "  ns=''; pod=''",
        ...target.locate(ctx).split("\n").map((l) => `  ${l}`),
        '  if [ -z "$pod" ]; then',
        `    echo "${FAILED} $app: found no pod to read metrics from"; rc=1; continue`,
        "  fi",
        `  if metrics=$(kubectl get --raw "/api/v1/namespaces/$ns/pods/$pod:15020/proxy/${target.path}"); then`,
        `    echo "${SCRAPED} $app $ns/$pod:15020/${target.path}"`,
        `    printf '%s\\n' "$metrics" | awk -v app="$app" '/${metricPattern}/ { print "${METRIC} " app " " $0 }'`,
        "  else",
        `    echo "${FAILED} $app: could not read $ns/$pod:15020/${target.path}"; rc=1`,
        "  fi",
        "done",
        '[ "$rc" -eq 0 ]',
    ].join("\n");
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
    readonly scraped?: string;
    /** Count per "metric policy". */
    readonly counts: Map<string, number>;
    readonly sources: Set<string>;
}

function trafficOf(app: string, lines: readonly string[], ctx: MeshContext, rules: IstioEvidenceRules): ServerTraffic {
    const scraped = lines.find((l) => l.startsWith(`${SCRAPED} ${app} `))?.split(" ")[2];
    const counts = new Map<string, number>();
    const sources = new Set<string>();
    for (const line of lines) {
        if (!line.startsWith(`${METRIC} ${app} `)) continue;
        const sample = parsePromSample(line.slice(`${METRIC} ${app} `.length));
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

/** Reads the evidence script's output: mutual TLS when every server received only mutual_tls traffic. */
export function readIstioEvidence(lines: readonly string[], ctx: MeshContext, rules: IstioEvidenceRules): EvidenceReading {
    const failures = lines.filter((l) => l.startsWith(`${FAILED} `)).map((l) => l.slice(FAILED.length + 1));
    if (failures.length > 0) return { detail: failures.join("; ") };
    const servers = EVIDENCE_SERVERS.map((app) => trafficOf(app, lines, ctx, rules));
    const unread = servers.filter((s) => !s.scraped).map((s) => s.app);
    if (unread.length > 0) return { detail: `no metrics were read for ${unread.join(", ")}` };
    const silent = servers.filter((s) => s.counts.size === 0).map((s) => `${s.app} (${s.scraped})`);
    if (silent.length > 0) return { detail: `no traffic from the benchmark clients reported at the destination for ${silent.join(", ")}` };

    const meanings = servers.flatMap((s) => [...s.counts.keys()].map((key) => rules.policies[key.split(" ")[1]]));
    const seen = `counters since the proxies started, reporter=destination: ${servers.map(describeTraffic).join("; ")}`;
    if (meanings.every((m) => m === true)) return { mtls: true, detail: `mutual TLS at every server; ${seen}` };
    if (meanings.every((m) => m === false)) return { mtls: false, detail: `plaintext through the proxies at every server; ${seen}` };
    return { detail: `mixed or unknown connection security: ${seen}` };
}
