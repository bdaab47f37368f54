// Cilium's proof of what carried the measured traffic, read after the runs from the Cilium
// agent on each server's node (kubectl exec through the API server):
//   - `cilium-dbg status`: its Encryption line says whether WireGuard is on, and with how
//     many peers (the other nodes);
//   - `cilium-dbg bpf auth list`: the BPF auth map, one row per pair of identities that
//     completed a mutual-authentication handshake, with its auth type (spire);
// plus each benchmark pod's Cilium identity (its CiliumEndpoint), to tell which pair a row is.
// Both are exec'd as argv in the agent's container; nothing runs in a shell.
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
import {
    execFailure, execOutcome, getJson, listPods, runningPod, type ExecOutcome, type KubeApi, type PodSummary,
} from "../shared/kube-api";
import { APP_LABEL, CLIENT_SERVER_PAIRS, type ClientServerPair } from "../shared/names";
import type { EvidenceReading, MeshContext, MtlsEvidence } from "./types";

/** Where the Cilium agents run (the chart's DaemonSet, in kube-system), and their pods' label. */
export const CILIUM_AGENT_NAMESPACE = "kube-system";
export const CILIUM_AGENT_SELECTOR = "k8s-app=cilium";

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

/** What the agent on one server's node printed, or why it could not be asked. */
export interface ServerAgentOutput {
    readonly app: string;
    readonly node?: string;
    readonly agent?: string;
    readonly error?: string;
    readonly status?: ExecOutcome;
    readonly auth?: ExecOutcome;
}

/** The Cilium agent pod on a node. */
export async function agentOn(kube: KubeApi, node: string | undefined): Promise<PodSummary | string> {
    if (!node) return "the pod is not scheduled on a node";
    const agents = (await listPods(kube, CILIUM_AGENT_NAMESPACE, CILIUM_AGENT_SELECTOR))
        .filter((p) => p.nodeName === node && p.phase === "Running");
    return agents[0] ?? `no running cilium agent on node ${node}`;
}

/** Each benchmark app's Cilium identity, from its pods and their CiliumEndpoints (named after the pods). */
export async function readIdentities(kube: KubeApi, namespace: string): Promise<Map<string, number>> {
    const pods = await listPods(kube, namespace);
    const endpoints = await getJson<{ items?: { metadata?: { name?: string }; status?: { identity?: { id?: number } } }[] }>(
        kube, `/apis/cilium.io/v2/namespaces/${namespace}/ciliumendpoints`);
    const appOfPod = new Map(pods.map((p) => [p.name, p.labels[APP_LABEL]]));
    const identities = new Map<string, number>();
    for (const ep of endpoints.items ?? []) {
        const app = appOfPod.get(ep.metadata?.name ?? "");
        const id = ep.status?.identity?.id;
        if (app && typeof id === "number") identities.set(app, id);
    }
    return identities;
}

export const AGENT_EXEC = { timeoutSeconds: 60 };

/** What the agent on a server's node says: its status and its auth map. */
async function askAgent(kube: KubeApi, namespace: string, app: string): Promise<ServerAgentOutput> {
    const server = await runningPod(kube, namespace, `${APP_LABEL}=${app}`);
    if (typeof server === "string") return { app, error: `no running pod: ${server}` };
    const agent = await agentOn(kube, server.nodeName);
    if (typeof agent === "string") return { app, node: server.nodeName, error: agent };
    const run = (argv: string[]) => execOutcome(kube, CILIUM_AGENT_NAMESPACE, agent.name, "cilium-agent", argv, AGENT_EXEC);
    return {
        app, node: server.nodeName, agent: agent.name,
        status: await run(["cilium-dbg", "status"]),
        auth: await run(["cilium-dbg", "bpf", "auth", "list"]),
    };
}

/** What one server's node agent showed: encryption and authentication of its client's traffic. */
interface ServerReading {
    readonly encrypted?: boolean;
    readonly authenticated?: boolean;
    readonly detail: string;
}

const statusField = (status: readonly string[], field: string): string | undefined =>
    status.find((l) => l.startsWith(`${field}:`))?.slice(field.length + 1).trim().replace(/\s{2,}/g, " ");

function describeEncryption(enc: CiliumEncryption): string {
    const interfaces = enc.interfaces.map((i) => `${i.name} (port ${i.port}, ${i.peers} peers)`).join(", ");
    return `encryption ${enc.mode}${interfaces ? ` on ${interfaces}` : ""}` +
        `${enc.nodeEncryption ? `, node encryption ${enc.nodeEncryption}` : ""}${enc.message ? ` (${enc.message})` : ""}`;
}

function readServer(out: ServerAgentOutput, pair: ClientServerPair, identities: ReadonlyMap<string, number>): ServerReading {
    const { app, client } = pair;
    if (out.error || !out.status || !out.auth) return { detail: `${app}: not read: ${out.error ?? "the agent was not asked"}` };
    const where = `${app} (node ${out.node})`;
    const statusFailure = execFailure(out.status, "cilium-dbg status");
    if (statusFailure || "error" in out.status) return { detail: `${where}: ${statusFailure}` };
    // An empty auth map prints "No entries found." on stderr, and exits 0.
    const authFailure = execFailure(out.auth, "cilium-dbg bpf auth list");
    if (authFailure || "error" in out.auth) return { detail: `${where}: ${authFailure}` };
    const status = out.status.stdout.split(/\r?\n/);
    const auth = `${out.auth.stdout}\n${out.auth.stderr}`.split(/\r?\n/);
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

/** Reads what the agents printed: mTLS when both servers' nodes show WireGuard and their client's SPIRE entry. */
export function readCiliumEvidence(
    outputs: readonly ServerAgentOutput[], identities: ReadonlyMap<string, number>, ctx: MeshContext,
): EvidenceReading {
    const servers = CLIENT_SERVER_PAIRS.map((pair) =>
        readServer(outputs.find((o) => o.app === pair.app) ?? { app: pair.app, error: "not read" }, pair, identities));
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
    read: async (kube, ctx) => {
        try {
            const identities = await readIdentities(kube, ctx.benchNamespace);
            const outputs: ServerAgentOutput[] = [];
            for (const pair of CLIENT_SERVER_PAIRS) outputs.push(await askAgent(kube, ctx.benchNamespace, pair.app));
            return readCiliumEvidence(outputs, identities, ctx);
        } catch (e) {
            return { detail: `Cilium's evidence could not be read: ${(e as Error).message}` };
        }
    },
    probeRefusal: () =>
        "dropped by Cilium's policy, not refused for want of mTLS: Cilium has no unmeshed client (the probe pod has an " +
        "identity like every pod), and the servers' CiliumNetworkPolicies admit only the benchmark clients' identities, " +
        "so the servers' node drops the probe's packets unanswered; the evidence shows the clients' SPIRE authentication " +
        "and WireGuard encryption",
};
