// mTLS evidence from Envoy's own statistics, for the meshes whose sidecar is Envoy
// (Consul, Kuma). Every listener counts under `listener.<address>.` its connections and,
// when it terminates TLS, its handshakes (`ssl.handshake`) and the handshakes completed
// without a client certificate (`ssl.no_certificate`) — Envoy docs, "Listener statistics".
// `/stats` prints counters and gauges as `name: value` lines (Envoy docs, admin `GET /stats`).
// A server sidecar whose inbound listener completed handshakes, none without a client
// certificate, received the measured traffic as mutual TLS; one that counted connections
// but no handshake received it in plaintext.
import { APP_LABEL } from "../shared/names";
import { runningPod, type KubeApi } from "../shared/kube-api";
import type { EvidenceReading } from "./types";

/** The listener statistics the evidence reads. */
export const LISTENER_STATS = ["downstream_cx_total", "ssl.handshake", "ssl.no_certificate", "ssl.connection_error"] as const;


/**
 * Counters and gauges of Envoy's `/stats` text output, by name. Histograms (printed as
 * `P0(...)` quantiles or "No recorded values") are not numbers and are skipped.
 */
export function parseEnvoyStats(lines: readonly string[]): Map<string, number> {
    const stats = new Map<string, number>();
    for (const line of lines) {
        const m = line.trim().match(/^(\S+): (\d+)$/);
        if (m) stats.set(m[1], Number(m[2]));
    }
    return stats;
}

/** What one listener (all listeners on a port, summed) counted. */
export interface ListenerTls {
    readonly connections: number;
    readonly handshakes: number;
    readonly withoutClientCertificate: number;
    readonly tlsErrors: number;
}

// `listener.<address>_<port>.<stat>`: an IPv4 address, or an IPv6 one in brackets (its colons
// become underscores); per-worker copies (`listener.<address>.worker_0.`) do not match.
const STAT_NAMES = LISTENER_STATS.map((s) => s.replace(/\./g, "\\.")).join("|");
const LISTENER_STAT = new RegExp(`^listener\\.(\\d+\\.\\d+\\.\\d+\\.\\d+|\\[[^\\]]*\\])_(\\d+)\\.(${STAT_NAMES})$`);

/** The listener statistics for one port, whatever address it is bound to; undefined if no listener on it was counted. */
export function listenerTls(stats: ReadonlyMap<string, number>, port: number): ListenerTls | undefined {
    const sums: Record<string, number> = {};
    let found = false;
    for (const [name, value] of stats) {
        const m = name.match(LISTENER_STAT);
        if (!m || Number(m[2]) !== port) continue;
        found = true;
        sums[m[3]] = (sums[m[3]] ?? 0) + value;
    }
    if (!found) return undefined;
    // A listener without TLS has no ssl.* statistics at all: zero handshakes.
    return {
        connections: sums.downstream_cx_total ?? 0,
        handshakes: sums["ssl.handshake"] ?? 0,
        withoutClientCertificate: sums["ssl.no_certificate"] ?? 0,
        tlsErrors: sums["ssl.connection_error"] ?? 0,
    };
}

/** A server sidecar listener that the measured traffic arrives on. */
export interface InboundListener {
    /** The app (label app.kubernetes.io/name) of the server pod. */
    readonly app: string;
    /** The port the listener is bound to, as it appears in `listener.<address>_<port>.`. */
    readonly port: number;
    /** What the listener carries, for the detail (e.g. "netperf data"). */
    readonly carries: string;
}

/** What one app's sidecar served at its stats path: the lines, or why they could not be read. */
export type StatsPage = { readonly lines: readonly string[] } | { readonly error: string };

/**
 * Reads each app's running pod in the namespace and its sidecar's `/stats` through the API
 * server at `statsPath(pod)`; what could not be read is kept as the app's error.
 */
export async function readStatsPages(
    kube: KubeApi, apps: readonly string[], namespace: string, statsPath: (pod: string) => string,
): Promise<Map<string, StatsPage>> {
    const pages = new Map<string, StatsPage>();
    for (const app of apps) {
        try {
            const pod = await runningPod(kube, namespace, `${APP_LABEL}=${app}`);
            if (typeof pod === "string") {
                pages.set(app, { error: pod });
                continue;
            }
            pages.set(app, { lines: (await kube.get(statsPath(pod.name))).split(/\r?\n/) });
        } catch (e) {
            pages.set(app, { error: `reading its sidecar's stats failed: ${(e as Error).message}` });
        }
    }
    return pages;
}

type ListenerReading = { mtls?: boolean; detail: string };

function readListener(listener: InboundListener, lines: readonly string[], errors: readonly string[]): ListenerReading {
    const where = `${listener.app} :${listener.port} (${listener.carries})`;
    if (errors.length > 0) return { detail: `${where}: ${errors.join("; ")}` };
    const tls = listenerTls(parseEnvoyStats(lines), listener.port);
    if (!tls) return { detail: `${where}: the sidecar has no listener on port ${listener.port}` };
    const { connections, handshakes, withoutClientCertificate, tlsErrors } = tls;
    if (connections === 0) return { detail: `${where}: no connection reached the sidecar's listener` };
    const counts = `${handshakes} TLS handshakes over ${connections} connections, ${withoutClientCertificate} without a client certificate, ${tlsErrors} TLS errors`;
    if (handshakes === 0) return { mtls: false, detail: `${where}: plaintext through the sidecar: ${counts}` };
    if (withoutClientCertificate > 0) return { mtls: false, detail: `${where}: TLS, but not mutual: ${counts}` };
    return { mtls: true, detail: `${where}: mutual TLS: ${counts}` };
}

/**
 * Reads the sidecars' stats pages: mTLS when every listener shows it, plaintext when every one
 * shows plaintext. Listeners that disagree contradict whichever mode was requested.
 */
export function readListenerTlsEvidence(
    pages: ReadonlyMap<string, StatsPage>, listeners: readonly InboundListener[], requested: boolean,
): EvidenceReading {
    const readings = listeners.map((listener) => {
        const page = pages.get(listener.app) ?? { error: "not read" };
        return "error" in page ? readListener(listener, [], [page.error]) : readListener(listener, page.lines, []);
    });
    const detail = readings.map((r) => r.detail).join("; ");
    const verdicts = new Set(readings.map((r) => r.mtls));
    if (verdicts.has(undefined)) return { detail };
    return verdicts.size === 1 ? { mtls: readings[0].mtls, detail } : { mtls: !requested, detail: `listeners disagree: ${detail}` };
}
