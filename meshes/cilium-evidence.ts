// Cilium's proof of what carried the measured traffic, read after the runs from the Cilium
// agent on each server's node (kubectl exec through the API server):
//   - `cilium-dbg status`: its Encryption line says whether WireGuard is on, and with how
//     many peers (the other nodes);
//   - `cilium-dbg bpf auth list`: the BPF auth map, one row per pair of identities that
//     completed a mutual-authentication handshake, with its auth type (spire);
// plus each benchmark pod's Cilium identity (its CiliumEndpoint), to tell which pair a row is.
//
// Output formats, as cilium-dbg prints them (cilium/cilium, cilium-dbg/cmd/status.go,
// pkg/client/client.go FormatStatusResponse, cilium-dbg/cmd/bpf_auth_list.go; both laid out
// by Go's text/tabwriter):
//   Encryption:    Wireguard   [NodeEncryption: Disabled, cilium_wg0 (Pubkey: <key>, Port: 51871, Peers: 2)]
//   Encryption:    Disabled
//   SRC IDENTITY   DST IDENTITY   REMOTE NODE ID   AUTH TYPE   EXPIRATION
//   25871          48302          2                spire       2025-06-12 14:37:51 +0000 UTC
// (older releases and the WireGuard guide print the Encryption line without the
// NodeEncryption field; both are read). An empty map prints "No entries found." on stderr.
import { CLIENT_SERVER_PAIRS } from "../loadtest/clients";
import { APP_LABEL } from "../workloads/pods";
import type { EvidenceReading, MeshContext, MtlsEvidence } from "./types";

export interface WireguardInterface {
    readonly name: string;
    readonly port: number;
    readonly peers: number;
}

export interface CiliumEncryption {
    /** Wireguard, IPsec or Disabled, as the agent names it. */
    readonly mode: string;
    readonly nodeEncryption?: string;
    readonly interfaces: WireguardInterface[];
    /** What the agent said instead of interfaces (e.g. an error), if anything. */
    readonly message?: string;
}

/** The Encryption line of `cilium-dbg status`; undefined when there is none. */
export function parseCiliumEncryption(statusLines: readonly string[]): CiliumEncryption | undefined {
    const line = statusLines.find((l) => /^Encryption:\s/.test(l));
    if (!line) return undefined;
    const [, mode, rest] = /^Encryption:\s+(\S+)\s*(.*?)\s*$/.exec(line) ?? [];
    if (!mode) return undefined;
    const interfaces = [...rest.matchAll(/([\w.-]+) \(Pubkey: [^,]*, Port: (\d+), Peers: (\d+)\)/g)]
        .map(([, name, port, peers]) => ({ name, port: Number(port), peers: Number(peers) }));
    const nodeEncryption = /NodeEncryption: (\w+)/.exec(rest)?.[1];
    return {
        mode,
        interfaces,
        ...(nodeEncryption ? { nodeEncryption } : {}),
        ...(interfaces.length === 0 && rest ? { message: rest } : {}),
    };
}

/** One row of the BPF auth map: the local endpoint's identity, the remote one's, and how they authenticated. */
export interface AuthEntry {
    readonly localIdentity: number;
    readonly remoteIdentity: number;
    readonly remoteNodeId: number;
    readonly authType: string;
    readonly expiration: string;
}

const AUTH_HEADER = /^SRC IDENTITY\s+DST IDENTITY\s+REMOTE NODE ID\s+AUTH TYPE\s+EXPIRATION\s*$/;
const AUTH_ROW = /^(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/;
const NO_ENTRIES = /^(No entries found\.|Cannot find auth bpf map)$/;

/** `cilium-dbg bpf auth list` as a list of entries; a string says why it could not be read. */
export function parseCiliumAuthList(lines: readonly string[]): AuthEntry[] | string {
    const text = lines.map((l) => l.trimEnd()).filter(Boolean);
    if (text.length === 1 && NO_ENTRIES.test(text[0])) return [];
    if (text.length === 0 || !AUTH_HEADER.test(text[0])) return `not an auth map listing: ${text[0] ?? "(nothing printed)"}`;
    const entries: AuthEntry[] = [];
    for (const row of text.slice(1)) {
        const m = AUTH_ROW.exec(row);
        if (!m) return `unreadable auth map row: ${row}`;
        entries.push({ localIdentity: Number(m[1]), remoteIdentity: Number(m[2]), remoteNodeId: Number(m[3]), authType: m[4], expiration: m[5] });
    }
    return entries;
}

const JSONPATH_APP_LABEL = APP_LABEL.replace(/\./g, "\\.");

function script(ctx: MeshContext): string {
    const ns = ctx.benchNamespace;
    return [
        // Each benchmark pod's app, and each CiliumEndpoint's (named after its pod) identity.
        `kubectl -n ${ns} get pods -o 'jsonpath={range .items[*]}CILIUM-POD {.metadata.name} {.metadata.labels.${JSONPATH_APP_LABEL}}{"\\n"}{end}'`,
        `kubectl -n ${ns} get ciliumendpoints -o 'jsonpath={range .items[*]}CILIUM-ENDPOINT {.metadata.name} {.status.identity.id}{"\\n"}{end}'`,
        "cilium_evidence() {",
        "    app=$1",
        `    found=$(kubectl -n ${ns} get pods -l "${APP_LABEL}=$app" --field-selector=status.phase=Running -o 'jsonpath={.items[0].metadata.name} {.items[0].spec.nodeName}' 2>&1)`,
        "    status=$?",
        "    pod=${found%% *}",
        "    node=${found#* }",
        '    if [ "$status" -ne 0 ] || [ -z "$pod" ] || [ "$pod" = "$found" ]; then',
        '        echo "CILIUM-ERROR $app no running pod: $(printf \'%s\\n\' "$found" | head -n 1)"',
        "        return",
        "    fi",
        `    agent=$(kubectl -n kube-system get pods -l k8s-app=cilium --field-selector "spec.nodeName=$node" -o 'jsonpath={.items[0].metadata.name}' 2>&1)`,
        "    status=$?",
        '    if [ "$status" -ne 0 ] || [ -z "$agent" ]; then',
        '        echo "CILIUM-ERROR $app no cilium agent on node $node: $(printf \'%s\\n\' "$agent" | head -n 1)"',
        "        return",
        "    fi",
        '    echo "CILIUM-EVIDENCE app=$app pod=$pod node=$node agent=$agent"',
        '    out=$(kubectl -n kube-system exec "$agent" -c cilium-agent -- cilium-dbg status 2>&1)',
        '    echo "CILIUM-STATUS-EXIT $app $?"',
        `    printf '%s\\n' "$out" | sed "s/^/CILIUM-STATUS $app /"`,
        '    out=$(kubectl -n kube-system exec "$agent" -c cilium-agent -- cilium-dbg bpf auth list 2>&1)',
        '    echo "CILIUM-AUTH-EXIT $app $?"',
        `    printf '%s\\n' "$out" | sed "s/^/CILIUM-AUTH $app /"`,
        "}",
        ...CLIENT_SERVER_PAIRS.map((p) => `cilium_evidence ${p.app}`),
    ].join("\n");
}

/** The Cilium identity of each benchmark app, from the CILIUM-POD and CILIUM-ENDPOINT lines. */
export function identitiesByApp(lines: readonly string[]): Map<string, number> {
    const appOfPod = new Map(lines.filter((l) => l.startsWith("CILIUM-POD ")).map((l) => l.split(" ").slice(1, 3) as [string, string]));
    const identities = new Map<string, number>();
    for (const line of lines.filter((l) => l.startsWith("CILIUM-ENDPOINT "))) {
        const [, endpoint, id] = line.split(" ");
        const app = appOfPod.get(endpoint);
        if (app && /^\d+$/.test(id ?? "")) identities.set(app, Number(id));
    }
    return identities;
}

/** What one server's node agent showed: encryption and authentication of its client's traffic. */
interface ServerReading {
    readonly encrypted?: boolean;
    readonly authenticated?: boolean;
    readonly detail: string;
}

const after = (lines: readonly string[], prefix: string): string[] =>
    lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));

const statusField = (status: readonly string[], field: string): string | undefined =>
    status.find((l) => l.startsWith(`${field}:`))?.slice(field.length + 1).trim().replace(/\s{2,}/g, " ");

function describeEncryption(enc: CiliumEncryption): string {
    const interfaces = enc.interfaces.map((i) => `${i.name} (port ${i.port}, ${i.peers} peers)`).join(", ");
    return `encryption ${enc.mode}${interfaces ? ` on ${interfaces}` : ""}` +
        `${enc.nodeEncryption ? `, node encryption ${enc.nodeEncryption}` : ""}${enc.message ? ` (${enc.message})` : ""}`;
}

function readServer(lines: readonly string[], pair: (typeof CLIENT_SERVER_PAIRS)[number], identities: Map<string, number>): ServerReading {
    const { app, client } = pair;
    const header = lines.find((l) => l.startsWith(`CILIUM-EVIDENCE app=${app} `));
    const error = after(lines, `CILIUM-ERROR ${app} `)[0];
    if (!header || error) return { detail: `${app}: not read: ${error ?? "the script printed nothing for it"}` };
    const node = / node=(\S+)/.exec(header)?.[1];
    const status = after(lines, `CILIUM-STATUS ${app} `);
    const auth = after(lines, `CILIUM-AUTH ${app} `);
    const statusExit = after(lines, `CILIUM-STATUS-EXIT ${app} `)[0];
    const authExit = after(lines, `CILIUM-AUTH-EXIT ${app} `)[0];
    const where = `${app} (node ${node})`;
    if (statusExit !== "0") return { detail: `${where}: cilium-dbg status exited with ${statusExit}: ${status.slice(-1)[0] ?? ""}` };
    if (authExit !== "0") return { detail: `${where}: cilium-dbg bpf auth list exited with ${authExit}: ${auth.slice(-1)[0] ?? ""}` };
    const enc = parseCiliumEncryption(status);
    const entries = parseCiliumAuthList(auth);
    if (!enc) return { detail: `${where}: cilium-dbg status printed no Encryption line` };
    if (typeof entries === "string") return { detail: `${where}: ${entries}` };

    const encrypted = enc.mode === "Wireguard" && enc.interfaces.some((i) => i.peers > 0);
    const spire = entries.filter((e) => e.authType === "spire");
    const serverId = identities.get(app);
    const clientId = identities.get(client);
    const pairEntry = spire.find((e) => serverId !== undefined && clientId !== undefined &&
        ((e.localIdentity === serverId && e.remoteIdentity === clientId) || (e.localIdentity === clientId && e.remoteIdentity === serverId)));
    // Without both identities a SPIRE row cannot be placed; without any SPIRE row there is nothing to place.
    const authenticated = pairEntry ? true : spire.length === 0 || (serverId !== undefined && clientId !== undefined) ? false : undefined;
    const ids = `${client} (identity ${clientId ?? "unknown"}) and ${app} (identity ${serverId ?? "unknown"})`;
    const authText = pairEntry
        ? `SPIRE-authenticated: ${ids}, remote node ${pairEntry.remoteNodeId}, expires ${pairEntry.expiration}`
        : `no SPIRE auth entry for ${ids}`;
    const facts = [["kube-proxy replacement", statusField(status, "KubeProxyReplacement")], ["routing", statusField(status, "Routing")]]
        .filter(([, v]) => v).map(([k, v]) => `${k} ${v}`);
    return {
        encrypted, authenticated,
        detail: `${where}: ${describeEncryption(enc)}; ${authText} (${spire.length} SPIRE entries on the node)` +
            (facts.length ? `; ${facts.join("; ")}` : ""),
    };
}

function parse(lines: readonly string[], ctx: MeshContext): EvidenceReading {
    const identities = identitiesByApp(lines);
    const servers = CLIENT_SERVER_PAIRS.map((pair) => readServer(lines, pair, identities));
    const detail = servers.map((s) => s.detail).join("; ");
    const halves = servers.flatMap((s) => [s.encrypted, s.authenticated]);
    if (halves.includes(undefined)) return { detail: `Cilium's encryption and authentication could not both be read: ${detail}` };
    if (halves.every((h) => h === true)) return { mtls: true, detail };
    if (halves.every((h) => h === false)) return { mtls: false, detail };
    // Half of it (WireGuard without authentication, or the reverse) is neither what mTLS on
    // nor what mTLS off means here: whichever was asked for, the evidence contradicts it.
    return { mtls: !ctx.mtls, detail: `only part of Cilium's mTLS (WireGuard and SPIRE authentication) was in place: ${detail}` };
}

export const ciliumEvidence: MtlsEvidence = {
    source: "cilium-dbg status (Encryption) and cilium-dbg bpf auth list of the Cilium agent on each server's node, " +
        "with the benchmark pods' identities from their CiliumEndpoints",
    script,
    parse,
    probeRefusal: () =>
        "dropped by Cilium's policy, not refused for want of mTLS: Cilium has no unmeshed client (the probe pod has an " +
        "identity like every pod), and the servers' CiliumNetworkPolicies admit only the benchmark clients' identities, " +
        "so the servers' node drops the probe's packets unanswered; the evidence shows the clients' SPIRE authentication " +
        "and WireGuard encryption",
};
