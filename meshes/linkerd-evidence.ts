// Linkerd's proof that the measured traffic was mutual TLS: each server's proxy counts
// its inbound connections by TLS status and by the client's proven identity. After the
// runs, the evidence reads both servers' proxy metrics (admin port 4191, /metrics, through
// the API server's pod proxy) and keeps the inbound series; the parser sums them.
//
// Label sets as linkerd2-proxy v2.290.0 (edge-25.4.1) writes them
// (linkerd/app/core/src/transport/labels.rs, linkerd/app/inbound/src/metrics/authz.rs)
// and as Linkerd's own integration tests assert them
// (test/integration/deep/opaqueports/assertions.go @ edge-25.4.1):
//   tcp_open_total{direction="inbound",peer="src",target_addr=..,target_port="8080",
//     tls="true",client_id="wrk-client.meshbench.serviceaccount.identity.linkerd.cluster.local",srv_...}
//   plaintext: tls="no_identity",no_tls_reason="no_tls_from_remote"
import { runningPod, type KubeApi } from "../shared/kube-api";
import { APP_LABEL, CLIENT_SERVER_PAIRS } from "../shared/names";
import { parsePromSample, type PromSample } from "./prometheus-text";
import type { EvidenceReading, MeshContext, MtlsEvidence } from "./types";
import { LINKERD_TRUST_DOMAIN } from "./linkerd-identity";

/** The proxy's admin port, where /metrics is served. */
export const LINKERD_ADMIN_PORT = 4191;

/** Each server, the client whose identity must show in its counters, and the ports the client uses. */
export const EVIDENCE_SERVERS = CLIENT_SERVER_PAIRS;

/** The identity Linkerd gives a ServiceAccount's pods, as `client_id` shows it. */
export const linkerdIdentity = (serviceAccount: string, namespace: string): string =>
    `${serviceAccount}.${namespace}.serviceaccount.identity.linkerd.${LINKERD_TRUST_DOMAIN}`;

/** The series the parser reads: inbound connections and requests, and the policy's allow/deny counts. */
const KEEP = /^(tcp_open_total|request_total)\{direction="inbound",|^inbound_(tcp|http)_authz_(allow|deny)_total\{/;

/** One server proxy's metrics page, or why it could not be read. */
export type ProxyPage = { readonly pod: string; readonly lines: readonly string[] } | { readonly error: string };

/** Each server's running pod and its proxy's /metrics, through the API server's pod proxy. */
export async function readProxyPages(kube: KubeApi, ctx: MeshContext): Promise<Map<string, ProxyPage>> {
    const pages = new Map<string, ProxyPage>();
    for (const server of EVIDENCE_SERVERS) {
        try {
            const pod = await runningPod(kube, ctx.benchNamespace, `${APP_LABEL}=${server.app}`);
            if (typeof pod === "string") {
                pages.set(server.app, { error: pod });
                continue;
            }
            const body = await kube.get(`/api/v1/namespaces/${ctx.benchNamespace}/pods/${pod.name}:${LINKERD_ADMIN_PORT}/proxy/metrics`);
            pages.set(server.app, { pod: pod.name, lines: body.split(/\r?\n/).filter((l) => KEEP.test(l)) });
        } catch (e) {
            pages.set(server.app, { error: (e as Error).message });
        }
    }
    return pages;
}

/** What one server's proxy counted on the ports its client uses. */
interface ServerCounts {
    readonly mtlsConnections: number;
    readonly mtlsRequests: number;
    readonly plaintextConnections: number;
    /** Plaintext let through: connections, or requests on any route but the kubelet's probe route. */
    readonly plaintextServed: number;
    readonly denied: number;
}

const sum = (samples: readonly PromSample[], pick: (s: PromSample) => boolean): number =>
    samples.filter(pick).reduce((total, s) => total + s.value, 0);

function countServer(samples: readonly PromSample[], ports: readonly number[], clientId: string): ServerCounts {
    const onPorts = samples.filter((s) => ports.includes(Number(s.labels.target_port)));
    const fromClient = (s: PromSample) => s.labels.tls === "true" && s.labels.client_id === clientId;
    const plaintext = (s: PromSample) => s.labels.tls !== "true";
    const named = (name: string) => (s: PromSample) => s.name === name;
    return {
        mtlsConnections: sum(onPorts, (s) => named("tcp_open_total")(s) && fromClient(s)),
        mtlsRequests: sum(onPorts, (s) => named("request_total")(s) && fromClient(s)),
        plaintextConnections: sum(onPorts, (s) => named("tcp_open_total")(s) && plaintext(s)),
        // The kubelet's probes are plaintext by nature; Linkerd lets them through on a route
        // of their own ("probe"), which carries no benchmark traffic.
        plaintextServed:
            sum(onPorts, (s) => named("inbound_tcp_authz_allow_total")(s) && plaintext(s)) +
            sum(onPorts, (s) => named("inbound_http_authz_allow_total")(s) && plaintext(s) && s.labels.authz_name !== "probe"),
        denied: sum(onPorts, (s) => s.name === "inbound_tcp_authz_deny_total" || s.name === "inbound_http_authz_deny_total"),
    };
}

function describe(app: string, ports: readonly number[], clientId: string, c: ServerCounts): string {
    const requests = c.mtlsRequests > 0 ? ` (${c.mtlsRequests} requests)` : "";
    const served = c.plaintextServed > 0 ? `${c.plaintextServed} served` : "none served beyond the kubelet's probes";
    return `${app} (ports ${ports.join(", ")}): ${c.mtlsConnections} connections${requests} over mTLS from ${clientId}; ` +
        `plaintext: ${c.plaintextConnections} connections, ${served}, ${c.denied} denied by policy`;
}

/** Reads both servers' proxy pages: mTLS when each counted its client's identity and served no plaintext. */
export function readLinkerdEvidence(pages: ReadonlyMap<string, ProxyPage>, ctx: MeshContext): EvidenceReading {
    const parts: string[] = [];
    const verdicts: (boolean | undefined)[] = [];
    for (const server of EVIDENCE_SERVERS) {
        const page = pages.get(server.app) ?? { error: "not read" };
        if ("error" in page) {
            parts.push(`${server.app}: proxy metrics not read: ${page.error}`);
            verdicts.push(undefined);
            continue;
        }
        const samples = page.lines.map((l) => parsePromSample(l)).filter((s): s is PromSample => s !== undefined);
        const clientId = linkerdIdentity(server.client, ctx.benchNamespace);
        const counts = countServer(samples, server.ports, clientId);
        parts.push(describe(server.app, server.ports, clientId, counts));
        verdicts.push(counts.plaintextServed > 0 ? false : counts.mtlsConnections > 0 ? true : undefined);
    }
    const detail = parts.join("; ");
    if (verdicts.includes(false)) return { mtls: false, detail: `plaintext was served on a benchmark port: ${detail}` };
    if (verdicts.every((v) => v === true)) return { mtls: true, detail };
    return { detail: `no mTLS from the benchmark clients could be shown: ${detail}` };
}

export const linkerdEvidence: MtlsEvidence = {
    source: `linkerd-proxy inbound metrics of both servers (admin port ${LINKERD_ADMIN_PORT}, /metrics)`,
    read: async (kube, ctx) => readLinkerdEvidence(await readProxyPages(kube, ctx), ctx),
};
