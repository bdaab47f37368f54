// Cilium's runner steps against the fake cluster (test/helpers/cilium-steps.ts): the SPIRE
// gate before the probe, and the cilium_wg0 byte witness around the load.
import * as assert from "assert";
import { cilium } from "../../meshes/cilium";
import { interfaceBytes, parseSpireIdentities, spireGate, wireguardWitness } from "../../meshes/cilium-steps";
import type { MeshContext, RunnerView } from "../../meshes/types";
import {
    AUTH_EXEC, BENCH_PODS, ciliumCluster, MTLS_OFF_CLUSTER, MTLS_ON_CLUSTER, PROC_NET_DEV_EXEC, SPIRE_EXEC, type CiliumClusterState,
} from "../helpers/cilium-steps";
import { FakeKube } from "../helpers/fake-kube";
import { fixture } from "../helpers/mocks";

const ctx = (mtls: boolean): MeshContext => ({ mtls, target: "vms", benchNamespace: "meshbench" });
const view = (mtls: boolean): RunnerView => ({
    ctx: ctx(mtls), wrkUrl: "http://http-server.meshbench.svc.cluster.local:80/", report: () => undefined,
    netperf: { host: "netperf-server.meshbench.svc.cluster.local", controlPort: 12865, dataPort: 12866 },
});
const WRK_NUDGE = `meshbench/${BENCH_PODS["wrk-client"].pod} -c wrk wrk -t1 -c1 -d2s http://http-server.meshbench.svc.cluster.local:80/`;
const NETPERF_NUDGE = `meshbench/${BENCH_PODS["netperf-client"].pod} -c netperf netperf -H netperf-server.meshbench.svc.cluster.local ` +
    "-p 12865 -l 1 -t TCP_RR -- -P ,12866";
const LOAD = { bytes: 18_800_000, counted: "as the tools counted" };

describe("mesh cilium runner steps", () => {
    it("declares the gate only with mTLS on, and the WireGuard witness always", () => {
        assert.deepStrictEqual(cilium.runnerSteps!(ctx(true)).gates, [spireGate]);
        assert.deepStrictEqual(cilium.runnerSteps!(ctx(false)).gates, []);
        assert.deepStrictEqual(cilium.runnerSteps!(ctx(false)).witnesses, [wireguardWitness]);
        assert.ok(spireGate.timeoutSeconds <= 600, "bounded");
    });

    describe("SPIRE gate", () => {
        it("is ready when SPIRE lists all four identities and both pairs are authenticated on the servers' node", async () => {
            const kube = new FakeKube(ciliumCluster(MTLS_ON_CLUSTER));
            assert.deepStrictEqual(await spireGate.check(kube, view(true)),
                { ready: true, detail: "SPIRE has entries for all four benchmark identities; both pairs are authenticated" });
            assert.ok(kube.calls.includes(`EXEC ${SPIRE_EXEC}`));
            assert.ok(!kube.calls.some((c) => c.startsWith(`EXEC meshbench/`)), "no nudge needed");
        });

        it("waits, naming the identity, while SPIRE has no entry for a benchmark pod", async () => {
            const check = await spireGate.check(new FakeKube(ciliumCluster({ ...MTLS_ON_CLUSTER, spire: "spire-entries-without-netperf-client.json" })), view(true));
            assert.deepStrictEqual(check, {
                ready: false, detail: "SPIRE has no entry yet for netperf-client (identity 61177); 4 cilium:mutual-auth entries listed",
            });
        });

        it("waits while a pod has no Cilium identity yet", async () => {
            const check = await spireGate.check(new FakeKube(ciliumCluster({ ...MTLS_ON_CLUSTER, withoutEndpoint: ["wrk-client"] })), view(true));
            assert.deepStrictEqual(check, { ready: false, detail: "no Cilium identity yet for wrk-client" });
        });

        it("sends one short run from each client whose pair is not authenticated yet, with the client's own tool, as argv", async () => {
            const state: CiliumClusterState = { ...MTLS_ON_CLUSTER, auth: "empty" };
            const kube = new FakeKube(ciliumCluster(state, {
                [WRK_NUDGE]: { stdout: "", stderr: "", exitCode: 0 }, [NETPERF_NUDGE]: { stdout: "", stderr: "", exitCode: 0 },
            }));
            const check = await spireGate.check(kube, view(true));
            assert.strictEqual(check.ready, false);
            assert.strictEqual(check.detail, "wrk-client → http-server (identities 48302 → 25871) not yet authenticated on server-1; " +
                "netperf-client → netperf-server (identities 61177 → 9042) not yet authenticated on server-1");
            assert.ok(kube.calls.includes(`EXEC ${WRK_NUDGE}`) && kube.calls.includes(`EXEC ${NETPERF_NUDGE}`));
        });

        it("says what failed when SPIRE cannot be asked", async () => {
            const cluster = ciliumCluster(MTLS_ON_CLUSTER);
            const check = await spireGate.check(new FakeKube({ ...cluster, exec: { ...cluster.exec, [SPIRE_EXEC]: { timeout: true } } }), view(true));
            assert.deepStrictEqual(check, {
                ready: false, detail: "spire-server entry show: exec in cilium-spire/spire-server-0 -c spire-server: no exit after 60 s",
            });
            const unreadable = await spireGate.check(new FakeKube({ ...cluster, exec: { ...cluster.exec, [SPIRE_EXEC]: { stdout: "Error: rpc error", stderr: "", exitCode: 0 } } }), view(true));
            assert.deepStrictEqual(unreadable, { ready: false, detail: "spire-server printed no JSON: Error: rpc error" });
            const authFails = await spireGate.check(new FakeKube({ ...cluster, exec: { ...cluster.exec, [AUTH_EXEC]: { apiError: "container not found" } } }), view(true));
            assert.match(authFails.detail, /^cilium-dbg bpf auth list on server-1: exec in kube-system\/cilium-7xk2p -c cilium-agent: container not found$/);
        });

        it("reads SPIRE's JSON entries of the cilium trust domain only", () => {
            assert.deepStrictEqual([...(parseSpireIdentities(fixture("cilium/spire-entries-all.json")) as Set<number>)], [25871, 9042, 48302, 61177, 1]);
            const other = JSON.stringify({ entries: [{ spiffe_id: { trust_domain: "example.org", path: "/identity/5" } }] });
            assert.deepStrictEqual([...(parseSpireIdentities(other) as Set<number>)], []);
        });
    });

    describe("cilium_wg0 witness", () => {
        const read = async (state: CiliumClusterState, mtls: boolean, load = LOAD) => {
            const kube = new FakeKube(ciliumCluster(state));
            const before = await wireguardWitness.before(kube, view(mtls));
            assert.notStrictEqual(typeof before, "string", String(before));
            return wireguardWitness.after(kube, view(mtls), before as never, load);
        };

        it("shows WireGuard when the servers' node's cilium_wg0 moved at least the measured bytes", async () => {
            assert.deepStrictEqual(await read(MTLS_ON_CLUSTER, true), {
                mtls: true,
                detail: "the measured bytes crossed WireGuard: cilium_wg0 on server-1 moved 34500000 bytes (rx+tx) during the load; " +
                    "the tools counted 18800000 (as the tools counted)",
            });
        });

        it("shows plaintext when fewer bytes crossed cilium_wg0 than were measured", async () => {
            const reading = await read({ ...MTLS_ON_CLUSTER, procNetDev: ["proc-net-dev-server-1-before.txt", "proc-net-dev-server-1-bypassed.txt"] }, true);
            assert.strictEqual(reading.mtls, false);
            assert.match(reading.detail, /^fewer bytes crossed WireGuard than were measured: cilium_wg0 on server-1 moved 1700000 bytes/);
        });

        it("shows plaintext with mTLS off, where there is no cilium_wg0", async () => {
            assert.deepStrictEqual(await read(MTLS_OFF_CLUSTER, false), { mtls: false, detail: "no cilium_wg0 on server-1: the load did not cross WireGuard" });
        });

        it("cannot tell when nothing was measured, or /proc/net/dev cannot be read", async () => {
            assert.strictEqual((await read(MTLS_ON_CLUSTER, true, { bytes: 0, counted: "nothing" })).mtls, undefined);
            const cluster = ciliumCluster(MTLS_ON_CLUSTER);
            const garbled = new FakeKube({ ...cluster, exec: { ...cluster.exec, [PROC_NET_DEV_EXEC]: { stdout: "cat: can't open", stderr: "", exitCode: 0 } } });
            assert.strictEqual(await wireguardWitness.before(garbled, view(true)), "/proc/net/dev on server-1 is unreadable: cat: can't open");
        });

        it("reads an interface's rx and tx bytes from /proc/net/dev", () => {
            assert.deepStrictEqual(interfaceBytes(fixture("cilium/proc-net-dev-server-1-before.txt"), "cilium_wg0"), { rx: 52000000, tx: 61000000 });
            assert.strictEqual(interfaceBytes(fixture("cilium/proc-net-dev-server-1-no-wireguard.txt"), "cilium_wg0"), undefined);
        });
    });
});
