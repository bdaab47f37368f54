// Cilium's runner steps (meshes/types.ts MeshRunnerSteps), declared here so that the
// runner knows no mesh by name:
// - a gate before the probe (mTLS on): Helm's wait sees pods Ready, not that SPIRE has
//   registered the benchmark identities or that the agents can use them
//   (cilium/cilium#28694), and until then every flow a policy marks "authentication
//   required" is dropped. The gate waits until the SPIRE server lists an entry for each
//   benchmark pod's identity (spiffe://spiffe.cilium/identity/<id>, registered by the
//   operator) and each server's node has authenticated its client: it sends one short
//   run of the client's own tool and reads the node's BPF auth map for the pair.
// - a witness around the load: cilium_wg0's rx/tx byte counters on the servers' nodes,
//   read from /proc/net/dev in the Cilium agent (host network namespace) before and after
//   the runs. The measured bytes went through WireGuard only if the counters grew by at
//   least what the tools counted (runner/load-bytes.ts); with mTLS off there is no
//   cilium_wg0 and the witness says plaintext.
// Everything is exec'd as argv; nothing runs in a shell.
import { execFailure, execOutcome, runningPod, type KubeApi } from "../shared/kube-api";
import { APP_LABEL, CLIENT_SERVER_PAIRS, WRK_CLIENT } from "../shared/names";
import {
    AGENT_EXEC, agentOn, CILIUM_AGENT_NAMESPACE, parseCiliumAuthList, readIdentities,
} from "./cilium-evidence";
import type { LoadWitness, MeshContext, MeshGate, MeshRunnerSteps, RunnerView } from "./types";

/** Where the chart's bundled SPIRE server runs (authentication.mutual.spire.install.namespace, its StatefulSet spire-server). */
export const SPIRE_NAMESPACE = "cilium-spire";
export const SPIRE_SERVER_POD = "spire-server-0";
/** The chart's default trust domain (authentication.mutual.spire.trustDomain). */
export const SPIRE_TRUST_DOMAIN = "spiffe.cilium";
export const WIREGUARD_INTERFACE = "cilium_wg0";

export const SPIRE_ENTRIES_ARGV = ["/opt/spire/bin/spire-server", "entry", "show", "-selector", "cilium:mutual-auth", "-output", "json"];

/** The Cilium identities SPIRE has entries for, from `spire-server entry show -output json`; a string says why not. */
export function parseSpireIdentities(text: string): Set<number> | string {
    let parsed: { entries?: { spiffe_id?: { trust_domain?: string; path?: string } }[] };
    try {
        parsed = JSON.parse(text);
    } catch {
        return `spire-server printed no JSON: ${text.trim().slice(0, 120)}`;
    }
    const ids = new Set<number>();
    for (const e of parsed.entries ?? []) {
        const m = /^\/identity\/(\d+)$/.exec(e.spiffe_id?.path ?? "");
        if (m && e.spiffe_id?.trust_domain === SPIRE_TRUST_DOMAIN) ids.add(Number(m[1]));
    }
    return ids;
}

/** One short connection from a client with its own tool, so that the agents authenticate the pair. */
export function nudgeArgv(client: string, view: RunnerView): { container: string; argv: string[] } {
    return client === WRK_CLIENT
        ? { container: "wrk", argv: ["wrk", "-t1", "-c1", "-d2s", view.wrkUrl] }
        : {
            container: "netperf",
            argv: ["netperf", "-H", view.netperf.host, "-p", String(view.netperf.controlPort), "-l", "1", "-t", "TCP_RR",
                "--", "-P", `,${view.netperf.dataPort}`],
        };
}

export const spireGate: MeshGate = {
    name: "SPIRE registration and mutual authentication",
    timeoutSeconds: 300,
    intervalSeconds: 10,
    async check(kube: KubeApi, view: RunnerView) {
        const ns = view.ctx.benchNamespace;
        const identities = await readIdentities(kube, ns);
        const apps = CLIENT_SERVER_PAIRS.flatMap((p) => [p.app, p.client]);
        const unknown = apps.filter((a) => !identities.has(a));
        if (unknown.length) return { ready: false, detail: `no Cilium identity yet for ${unknown.join(", ")}` };

        const entries = await execOutcome(kube, SPIRE_NAMESPACE, SPIRE_SERVER_POD, "spire-server", SPIRE_ENTRIES_ARGV, AGENT_EXEC);
        const failed = execFailure(entries, "spire-server entry show");
        if (failed || "error" in entries) return { ready: false, detail: failed ?? "spire-server entry show failed" };
        const registered = parseSpireIdentities(entries.stdout);
        if (typeof registered === "string") return { ready: false, detail: registered };
        const missing = apps.filter((a) => !registered.has(identities.get(a)!));
        if (missing.length) {
            return {
                ready: false,
                detail: `SPIRE has no entry yet for ${missing.map((a) => `${a} (identity ${identities.get(a)})`).join(", ")}; ` +
                    `${registered.size} cilium:mutual-auth entries listed`,
            };
        }

        const pending: string[] = [];
        for (const pair of CLIENT_SERVER_PAIRS) {
            const server = await runningPod(kube, ns, `${APP_LABEL}=${pair.app}`);
            if (typeof server === "string") return { ready: false, detail: server };
            const agent = await agentOn(kube, server.nodeName);
            if (typeof agent === "string") return { ready: false, detail: agent };
            const list = await execOutcome(kube, CILIUM_AGENT_NAMESPACE, agent.name, "cilium-agent", ["cilium-dbg", "bpf", "auth", "list"], AGENT_EXEC);
            const listFailed = execFailure(list, `cilium-dbg bpf auth list on ${server.nodeName}`);
            if (listFailed || "error" in list) return { ready: false, detail: listFailed ?? "cilium-dbg bpf auth list failed" };
            const rows = parseCiliumAuthList(`${list.stdout}\n${list.stderr}`.split(/\r?\n/));
            if (typeof rows === "string") return { ready: false, detail: rows };
            const [s, c] = [identities.get(pair.app), identities.get(pair.client)];
            const done = rows.some((r) => r.authType === "spire" &&
                ((r.localIdentity === s && r.remoteIdentity === c) || (r.localIdentity === c && r.remoteIdentity === s)));
            if (done) continue;
            pending.push(`${pair.client} → ${pair.app} (identities ${c} → ${s}) not yet authenticated on ${server.nodeName}`);
            // One short run from the client, so that the agents authenticate the pair before the next check.
            const client = await runningPod(kube, ns, `${APP_LABEL}=${pair.client}`);
            if (typeof client === "string") return { ready: false, detail: client };
            const nudge = nudgeArgv(pair.client, view);
            await execOutcome(kube, ns, client.name, nudge.container, nudge.argv, { timeoutSeconds: 30 });
        }
        return pending.length
            ? { ready: false, detail: pending.join("; ") }
            : { ready: true, detail: "SPIRE has entries for all four benchmark identities; both pairs are authenticated" };
    },
};

/** The rx and tx byte counters of an interface in /proc/net/dev (Linux net/core/net-procfs.c); undefined if it is not listed. */
export function interfaceBytes(procNetDev: string, name: string): { rx: number; tx: number } | undefined {
    for (const line of procNetDev.split(/\r?\n/)) {
        const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
        if (!m || m[1] !== name) continue;
        const fields = m[2].trim().split(/\s+/).map(Number);
        if (fields.length < 16 || fields.some((f) => !Number.isFinite(f))) return undefined;
        return { rx: fields[0], tx: fields[8] };
    }
    return undefined;
}

type WgSnapshot = Map<string, { agent: string; bytes?: { rx: number; tx: number } }>;

/** cilium_wg0's counters on each server's node, by node. */
async function readWireguard(kube: KubeApi, ctx: MeshContext): Promise<WgSnapshot | string> {
    const snapshot: WgSnapshot = new Map();
    for (const pair of CLIENT_SERVER_PAIRS) {
        const server = await runningPod(kube, ctx.benchNamespace, `${APP_LABEL}=${pair.app}`);
        if (typeof server === "string") return server;
        if (snapshot.has(server.nodeName ?? "")) continue;
        const agent = await agentOn(kube, server.nodeName);
        if (typeof agent === "string") return agent;
        const dev = await execOutcome(kube, CILIUM_AGENT_NAMESPACE, agent.name, "cilium-agent", ["cat", "/proc/net/dev"], AGENT_EXEC);
        const failed = execFailure(dev, `reading /proc/net/dev on ${server.nodeName}`);
        if (failed || "error" in dev) return failed ?? "reading /proc/net/dev failed";
        if (!/^\s*face\s*\|/m.test(dev.stdout)) return `/proc/net/dev on ${server.nodeName} is unreadable: ${dev.stdout.trim().slice(0, 80)}`;
        snapshot.set(server.nodeName!, { agent: agent.name, bytes: interfaceBytes(dev.stdout, WIREGUARD_INTERFACE) });
    }
    return snapshot;
}

export const wireguardWitness: LoadWitness<WgSnapshot> = {
    name: `${WIREGUARD_INTERFACE} bytes`,
    source: `${WIREGUARD_INTERFACE} rx/tx bytes (/proc/net/dev in the Cilium agent) on the servers' nodes, before and after the load`,
    before: (kube, view) => readWireguard(kube, view.ctx),
    async after(kube, view, before, load) {
        const after = await readWireguard(kube, view.ctx);
        if (typeof after === "string") return { detail: `${WIREGUARD_INTERFACE}: ${after}` };
        const nodes = [...after.keys()];
        const missing = nodes.filter((n) => !after.get(n)?.bytes || !before.get(n)?.bytes);
        if (missing.length) return { mtls: false, detail: `no ${WIREGUARD_INTERFACE} on ${missing.join(", ")}: the load did not cross WireGuard` };
        const delta = nodes.reduce((sum, n) => {
            const [b, a] = [before.get(n)!.bytes!, after.get(n)!.bytes!];
            return sum + (a.rx - b.rx) + (a.tx - b.tx);
        }, 0);
        const seen = `${WIREGUARD_INTERFACE} on ${nodes.join(", ")} moved ${delta} bytes (rx+tx) during the load; the tools counted ` +
            `${load.bytes} (${load.counted})`;
        if (load.bytes <= 0) return { detail: `${seen}: nothing measured to compare` };
        return delta >= load.bytes
            ? { mtls: true, detail: `the measured bytes crossed WireGuard: ${seen}` }
            : { mtls: false, detail: `fewer bytes crossed WireGuard than were measured: ${seen}` };
    },
};

export const ciliumRunnerSteps = (ctx: MeshContext): MeshRunnerSteps => ({
    gates: ctx.mtls ? [spireGate] : [],
    witnesses: [wireguardWitness as LoadWitness],
});
