// mTLS evidence from Envoy's own statistics, for the meshes whose sidecar is Envoy
// (Consul, Kuma). Every listener counts under `listener.<address>.` its connections and,
// when it terminates TLS, its handshakes (`ssl.handshake`) and the handshakes completed
// without a client certificate (`ssl.no_certificate`) — Envoy docs, "Listener statistics".
// `/stats` prints counters and gauges as `name: value` lines (Envoy docs, admin `GET /stats`).
// A server sidecar whose inbound listener completed handshakes, none without a client
// certificate, received the measured traffic as mutual TLS; one that counted connections
// but no handshake received it in plaintext.
import type { EvidenceReading } from "./types";

/** The listener statistics the evidence reads, and only those (the snippet filters for them). */
export const LISTENER_STATS = ["downstream_cx_total", "ssl.handshake", "ssl.no_certificate", "ssl.connection_error"] as const;

const LINE_PREFIX = "ENVOYSTATS";
const ERROR_PREFIX = "ENVOYSTATS-ERROR";

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

/**
 * The evidence snippet: for each app, its running pod in the namespace, its sidecar's
 * `/stats` read through the API server at `statsPath` (a path that may use `$pod`), and
 * only the listener statistics, each line prefixed with ENVOYSTATS and the app.
 */
export function envoyStatsScript(apps: readonly string[], namespace: string, statsPath: string): string {
    const wanted = `^listener\\..*_[0-9]+\\.(${STAT_NAMES}): [0-9]+$`;
    return [
        `for app in ${apps.join(" ")}; do`,
        `    pod=$(kubectl -n ${namespace} get pods -l "app.kubernetes.io/name=$app" --field-selector=status.phase=Running -o 'jsonpath={.items[0].metadata.name}' 2>/dev/null)`,
        `    if [ -z "$pod" ]; then`,
        `        echo "${ERROR_PREFIX} $app no running pod"`,
        "        continue",
        "    fi",
        `    if stats=$(kubectl get --raw "${statsPath}" 2>&1); then`,
        `        printf '%s\\n' "$stats" | grep -E '${wanted}' | sed "s/^/${LINE_PREFIX} $app /"`,
        "    else",
        `        echo "${ERROR_PREFIX} $app reading $pod's stats failed: $(printf '%s\\n' "$stats" | tail -n 1)"`,
        "    fi",
        "done",
    ].join("\n");
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
 * Reads the snippet's output: mTLS when every listener shows it, plaintext when every one
 * shows plaintext. Listeners that disagree contradict whichever mode was requested.
 */
export function readListenerTlsEvidence(
    lines: readonly string[], listeners: readonly InboundListener[], requested: boolean,
): EvidenceReading {
    const readings = listeners.map((listener) => {
        const mine = (prefix: string) => lines
            .filter((l) => l.startsWith(`${prefix} ${listener.app} `))
            .map((l) => l.slice(prefix.length + listener.app.length + 2));
        return readListener(listener, mine(LINE_PREFIX), mine(ERROR_PREFIX));
    });
    const detail = readings.map((r) => r.detail).join("; ");
    const verdicts = new Set(readings.map((r) => r.mtls));
    if (verdicts.has(undefined)) return { detail };
    return verdicts.size === 1 ? { mtls: readings[0].mtls, detail } : { mtls: !requested, detail: `listeners disagree: ${detail}` };
}
