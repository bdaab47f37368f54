// mesh: cilium — what meshes/cilium.ts and cilium-evidence.ts decide, without the program:
// the chart and its values, the policies, the config checks, and the evidence read through
// the real snippet from cilium-dbg output in its documented formats (test/fixtures/cilium).
import * as assert from "assert";
import { ConfigError, parseConfig } from "../../config";
import { buildCiliumPolicies, buildCiliumValues, cilium } from "../../meshes/cilium";
import { parseCiliumAuthList, parseCiliumEncryption } from "../../meshes/cilium-evidence";
import type { MeshContext } from "../../meshes/types";
import { WORKLOAD_ROLES } from "../../meshes/types";
import { judgeMtls } from "../../verify/verdict";
import { HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT } from "../../workloads/ports";
import { unknownValueKeys } from "../helpers/chart-keys";
import {
    AUTH_EXEC, ciliumCluster, MTLS_OFF_CLUSTER, MTLS_ON_CLUSTER, runCiliumEvidence, SERVER_AGENT, STATUS_EXEC, type CiliumClusterState,
} from "../helpers/cilium-steps";
import { loadCrdSchemas, validateCustomResource } from "../helpers/crd-schema";
import { fixture, kubeconfigStackConfig } from "../helpers/mocks";

const on: MeshContext = { mtls: true, target: "vms", benchNamespace: "meshbench", storageClassName: "local-path" };
const off: MeshContext = { ...on, mtls: false };
const CILIUM_CRDS = loadCrdSchemas("cilium@1.17.17.json");
const lines = (file: string) => fixture(file).split("\n");

/** What the evidence says about a cluster in this state, read as the step reads it. */
async function evidenceOf(ctx: MeshContext, state: CiliumClusterState) {
    return (await runCiliumEvidence(ctx, ciliumCluster(state))).reading;
}

describe("mesh cilium", () => {
    describe("install", () => {
        it("installs chart cilium 1.17.17 from helm.cilium.io into kube-system, and is the CNI", () => {
            const [release, ...more] = cilium.releases(on, {});
            assert.deepStrictEqual(more, []);
            assert.deepStrictEqual([release.name, release.chart, release.version, release.repo, release.namespace, release.timeoutSeconds],
                ["cilium", "cilium", "1.17.17", "https://helm.cilium.io", "kube-system", 900]);
            assert.strictEqual(cilium.providesCni, true);
            assert.deepStrictEqual(cilium.pins(on).map((p) => `${p.kind} ${p.name}@${p.version}`),
                ["chart cilium@1.17.17", "image quay.io/cilium/cilium@v1.17.17", "image quay.io/cilium/operator-generic@v1.17.17",
                    "image quay.io/cilium/cilium-envoy@v1.36.8-1781157951-a7f42a3390781539911b5b9107881b35ecc4e752@sha256:326f872e19ce8aa45170efbf583b3f301586ba3feead14b864676d4baf3b45ed",
                    "image ghcr.io/spiffe/spire-agent@1.9.6@sha256:5106ac601272a88684db14daf7f54b9a45f31f77bb16a906bd5e87756ee7b97c",
                    "image ghcr.io/spiffe/spire-server@1.9.6@sha256:59a0b92b39773515e25e68a46c40d3b931b9c1860bc445a79ceb45a805cab8b4",
                    "image docker.io/library/busybox@1.37.0@sha256:9532d8c39891ca2ecde4d30d7710e01fb739c87a8b9299685c63704296b16028"]);
            assert.deepStrictEqual(cilium.pins(off).filter((p) => p.kind === "image").map((p) => p.name),
                ["quay.io/cilium/cilium", "quay.io/cilium/operator-generic", "quay.io/cilium/cilium-envoy"], "no SPIRE with mTLS off");
        });

        it("mTLS on: SPIRE mutual authentication on the cluster's StorageClass, and WireGuard", () => {
            assert.deepStrictEqual(buildCiliumValues(on), {
                ipam: { mode: "kubernetes" },
                kubeProxyReplacement: false,
                routingMode: "tunnel",
                tunnelProtocol: "vxlan",
                operator: { replicas: 1, nodeSelector: { "meshbench.io/role": "system" } },
                authentication: {
                    mutual: {
                        spire: {
                            enabled: true,
                            install: {
                                enabled: true,
                                agent: { tolerations: [{ operator: "Exists" }] },
                                server: { dataStorage: { storageClass: "local-path" } },
                            },
                        },
                    },
                },
                encryption: { enabled: true, type: "wireguard" },
            });
        });

        it("mTLS off: the same datapath, with neither SPIRE nor encryption set (the chart's defaults: off)", () => {
            const values = buildCiliumValues(off);
            assert.deepStrictEqual(Object.keys(values), ["ipam", "kubeProxyReplacement", "routingMode", "tunnelProtocol", "operator"]);
            const { authentication: _a, encryption: _e, ...common } = buildCiliumValues(on);
            assert.deepStrictEqual(values, common);
        });

        it("leaves SPIRE's volume to the default StorageClass when the cluster names none", () => {
            const spire = (buildCiliumValues({ ...on, storageClassName: undefined }) as any).authentication.mutual.spire.install;
            assert.deepStrictEqual(Object.keys(spire), ["enabled", "agent"]);
        });

        it("sets only keys of chart cilium 1.17.17, in both modes", () => {
            for (const ctx of [on, off]) assert.deepStrictEqual(unknownValueKeys(buildCiliumValues(ctx), "cilium", "1.17.17"), []);
            assert.deepStrictEqual(unknownValueKeys({ operator: { replica: 1 } }, "cilium", "1.17.17"), ["operator.replica"], "a typo is caught");
        });

        it("can do mTLS on and off, on by default, on target vms", () => {
            const vms = { target: "vms", operatorCidr: "203.0.113.7/32" };
            assert.strictEqual(parseConfig({ ...vms, mesh: "cilium" }, { awsRegion: "us-east-1" }).mtls, true);
            assert.strictEqual(parseConfig({ ...vms, mesh: "cilium", mtls: "false" }, { awsRegion: "us-east-1" }).mtls, false);
        });

        it("is refused at preview on a cluster meshbench is given, which already has its CNI", () => {
            assert.throws(() => parseConfig(kubeconfigStackConfig({ mesh: "cilium" })), (e: ConfigError) => {
                assert.deepStrictEqual(e.problems, [
                    'meshbench:mesh: got "cilium"; allowed: a mesh that target kubeconfig can run; cilium must be ' +
                    "the CNI, installed before any workload, and a cluster meshbench is given already has one; target vms is the " +
                    "supported path for cilium (pulumi config set target vms)",
                ]);
                return true;
            });
            assert.doesNotThrow(() => parseConfig(kubeconfigStackConfig({ mesh: "kuma" })));
        });
    });

    describe("policies", () => {
        it("mTLS on: each server admits only its client, on its benchmark ports, with authentication required", () => {
            const policies = buildCiliumPolicies(on);
            assert.deepStrictEqual(policies.map((p) => `${p.apiVersion} ${p.kind} ${p.metadata.namespace}/${p.metadata.name}`), [
                "cilium.io/v2 CiliumNetworkPolicy meshbench/meshbench-http-server-mutual-auth",
                "cilium.io/v2 CiliumNetworkPolicy meshbench/meshbench-netperf-server-mutual-auth",
            ]);
            const rule = (i: number) => (policies[i].spec as any);
            assert.deepStrictEqual(rule(0).endpointSelector, { matchLabels: { "app.kubernetes.io/name": "http-server" } });
            assert.deepStrictEqual(rule(0).ingress, [{
                fromEndpoints: [{ matchLabels: { "app.kubernetes.io/name": "wrk-client" } }],
                toPorts: [{ ports: [{ port: "8080", protocol: "TCP" }] }],
                authentication: { mode: "required" },
            }]);
            assert.deepStrictEqual(rule(1).endpointSelector, { matchLabels: { "app.kubernetes.io/name": "netperf-server" } });
            assert.deepStrictEqual(rule(1).ingress, [{
                fromEndpoints: [{ matchLabels: { "app.kubernetes.io/name": "netperf-client" } }],
                toPorts: [{ ports: [{ port: "12865", protocol: "TCP" }, { port: "12866", protocol: "TCP" }] }],
                authentication: { mode: "required" },
            }]);
        });

        it("mTLS off: no policy at all", () => {
            assert.deepStrictEqual(buildCiliumPolicies(off), []);
        });

        it("validates the policies against the CiliumNetworkPolicy schema, which catches a wrong mode or field", () => {
            for (const p of buildCiliumPolicies(on)) validateCustomResource(p, CILIUM_CRDS);
            const [policy] = buildCiliumPolicies(on);
            const spec = policy.spec as any;
            const withIngress = (ingress: unknown) => ({ ...policy, spec: { ...spec, ingress: [ingress] } });
            assert.throws(() => validateCustomResource(withIngress({ ...spec.ingress[0], authentication: { mode: "require" } }), CILIUM_CRDS),
                /\/spec\/ingress\/0\/authentication\/mode must be equal to one of the allowed values/);
            assert.throws(() => validateCustomResource(withIngress({ ...spec.ingress[0], authentications: { mode: "required" } }), CILIUM_CRDS),
                /must NOT have additional properties \(authentications\)/);
            const { endpointSelector: _s, ...noSelector } = spec;
            assert.throws(() => validateCustomResource({ ...policy, spec: noSelector }, CILIUM_CRDS), /\/spec must match exactly one schema in oneOf/);
        });
    });

    describe("enrolment", () => {
        it("injects nothing and labels nothing: every pod is a Cilium endpoint already", () => {
            const enrolment = cilium.enrolment(on);
            assert.deepStrictEqual([enrolment.namespaceLabels, enrolment.namespaceAnnotations], [{}, {}]);
            for (const role of WORKLOAD_ROLES) assert.deepStrictEqual(enrolment.podAnnotations(role), {}, role);
            assert.deepStrictEqual([HTTP_PORT, NETPERF_CONTROL_PORT, NETPERF_DATA_PORT].map((p) => enrolment.appProtocol(p)), ["http", "tcp", "tcp"]);
        });
    });

    describe("cilium-dbg parsers", () => {
        it("reads WireGuard and its peers from the Encryption line of cilium-dbg status", () => {
            assert.deepStrictEqual(parseCiliumEncryption(lines("cilium/status-server-1-wireguard.txt")), {
                mode: "Wireguard", nodeEncryption: "Disabled", interfaces: [{ name: "cilium_wg0", port: 51871, peers: 2 }],
            });
            assert.deepStrictEqual(parseCiliumEncryption(lines("cilium/status-server-1-disabled.txt")), { mode: "Disabled", interfaces: [] });
        });

        it("reads the Encryption line as the WireGuard guide prints it too, without NodeEncryption", () => {
            assert.deepStrictEqual(parseCiliumEncryption(["Encryption: Wireguard [cilium_wg0 (Pubkey: <..>, Port: 51871, Peers: 2)]"]),
                { mode: "Wireguard", interfaces: [{ name: "cilium_wg0", port: 51871, peers: 2 }] });
            assert.deepStrictEqual(parseCiliumEncryption(["Encryption:   Wireguard   failed to get WireGuard status"]),
                { mode: "Wireguard", interfaces: [], message: "failed to get WireGuard status" });
            assert.strictEqual(parseCiliumEncryption(["KVStore:   Disabled"]), undefined);
        });

        it("reads the auth map's rows, an empty map, and nothing else", () => {
            assert.deepStrictEqual(parseCiliumAuthList(lines("cilium/auth-list-server-1-spire.txt")), [
                { localIdentity: 25871, remoteIdentity: 48302, remoteNodeId: 2, authType: "spire", expiration: "2025-06-12 15:37:51 +0000 UTC" },
                { localIdentity: 9042, remoteIdentity: 61177, remoteNodeId: 2, authType: "spire", expiration: "2025-06-12 15:38:04 +0000 UTC" },
            ]);
            assert.deepStrictEqual(parseCiliumAuthList(lines("cilium/auth-list-empty.txt")), []);
            assert.deepStrictEqual(parseCiliumAuthList(["Cannot find auth bpf map"]), []);
            assert.strictEqual(parseCiliumAuthList(["Error: unknown command \"auth\" for \"cilium-dbg bpf\""]),
                'not an auth map listing: Error: unknown command "auth" for "cilium-dbg bpf"');
            assert.match(parseCiliumAuthList([lines("cilium/auth-list-server-1-spire.txt")[0], "25871 48302"]) as string, /^unreadable auth map row/);
        });
    });

    describe("evidence", () => {
        it("mTLS on: WireGuard with peers and a SPIRE entry for each client and server identity", async () => {
            assert.deepStrictEqual(await evidenceOf(on, MTLS_ON_CLUSTER), {
                mtls: true,
                detail: "http-server (node server-1): encryption Wireguard on cilium_wg0 (port 51871, 2 peers), node encryption Disabled; " +
                    "SPIRE-authenticated: wrk-client (identity 48302) and http-server (identity 25871), remote node 2, expires " +
                    "2025-06-12 15:37:51 +0000 UTC (2 SPIRE entries on the node); kube-proxy replacement False; routing Network: Tunnel [vxlan] Host: Legacy; " +
                    "netperf-server (node server-1): encryption Wireguard on cilium_wg0 (port 51871, 2 peers), node encryption Disabled; " +
                    "SPIRE-authenticated: netperf-client (identity 61177) and netperf-server (identity 9042), remote node 2, expires " +
                    "2025-06-12 15:38:04 +0000 UTC (2 SPIRE entries on the node); kube-proxy replacement False; routing Network: Tunnel [vxlan] Host: Legacy",
            });
        });

        it("mTLS off: no encryption and an empty auth map", async () => {
            const reading = await evidenceOf(off, MTLS_OFF_CLUSTER);
            assert.strictEqual(reading.mtls, false);
            assert.match(reading.detail, /^http-server \(node server-1\): encryption Disabled; no SPIRE auth entry for wrk-client \(identity 48302\) and http-server \(identity 25871\) \(0 SPIRE entries on the node\)/);
        });

        it("reads both through the API server, exec'ing argv into the agent on the servers' node", async () => {
            const { calls } = await runCiliumEvidence(on, ciliumCluster(MTLS_ON_CLUSTER));
            for (const call of [STATUS_EXEC, AUTH_EXEC]) assert.ok(calls.includes(`EXEC ${call}`), call);
            assert.ok(calls.includes("GET /apis/cilium.io/v2/namespaces/meshbench/ciliumendpoints"));
        });

        it("calls half of it a contradiction of either request: WireGuard without authentication, or the reverse", async () => {
            const wireguardOnly = { ...MTLS_ON_CLUSTER, auth: "empty" } as const;
            const authOnly = { ...MTLS_ON_CLUSTER, status: "status-server-1-disabled.txt" };
            for (const state of [wireguardOnly, authOnly]) {
                const [asOn, asOff] = [await evidenceOf(on, state), await evidenceOf(off, state)];
                assert.deepStrictEqual([asOn.mtls, asOff.mtls], [false, true], state.status);
                assert.match(asOn.detail, /^only part of Cilium's mTLS \(WireGuard and SPIRE authentication\) was in place: /);
            }
        });

        it("cannot tell when a SPIRE entry cannot be tied to the clients, or the agent cannot be found", async () => {
            const noClientEndpoint = await evidenceOf(on, { ...MTLS_ON_CLUSTER, withoutEndpoint: ["wrk-client"] });
            assert.strictEqual(noClientEndpoint.mtls, undefined);
            assert.match(noClientEndpoint.detail, /no SPIRE auth entry for wrk-client \(identity unknown\) and http-server \(identity 25871\)/);
            const cluster = ciliumCluster(MTLS_ON_CLUSTER);
            const { reading } = await runCiliumEvidence(on, { ...cluster, pods: cluster.pods.filter((p) => p.name !== SERVER_AGENT) });
            assert.strictEqual(reading.mtls, undefined);
            assert.match(reading.detail, /http-server: not read: no running cilium agent on node server-1/);
        });

        it("says, with the verdict, that an unserved probe was dropped by policy rather than refused by mTLS", () => {
            const refused = { result: "refused" as const, detail: "wrk exited with 124 (stopped by the run timeout)" };
            const verdict = judgeMtls({
                requested: true, http: refused, netperf: refused, probeRefusal: cilium.evidence.probeRefusal!(on),
                evidence: { source: cilium.evidence.source, mtls: true, detail: "" },
            });
            assert.strictEqual(verdict.verdict, "verified");
            assert.match(verdict.plaintext.http.detail, /^dropped by Cilium's policy, not refused for want of mTLS: .*: wrk exited with 124 \(stopped by the run timeout\)$/);
        });
    });

    describe("fairness", () => {
        it("records kube-proxy kept, the CNI, and what tells mTLS off apart from mesh none", () => {
            const [fOn, fOff] = [cilium.fairness(on), cilium.fairness(off)];
            assert.match(fOn.kubeProxy, /^kept .*kubeProxyReplacement false/);
            assert.match(fOn.cni, /Cilium 1\.17\.17 is the cluster's CNI .*Flannel v0\.26\.7/);
            assert.match(fOn.mtls, /SPIRE mutual authentication .* plus WireGuard encryption/);
            assert.match(fOff.mtls, /^no CiliumNetworkPolicy and no encryption/);
            assert.match(fOff.mtlsOffVersusNone, /mesh none measures Flannel's/);
        });
    });
});
