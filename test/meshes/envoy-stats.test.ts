// The Envoy /stats reading shared by the Envoy-based meshes, on output in Envoy's
// documented text format (test/fixtures/envoy-stats, written by hand; see the README there).
import * as assert from "assert";
import { listenerTls, parseEnvoyStats, readListenerTlsEvidence, type InboundListener, type StatsPage } from "../../meshes/envoy-stats";
import { fixture } from "../helpers/mocks";

const lines = (name: string) => fixture(`envoy-stats/${name}`).split("\n");
const HTTP: InboundListener = { app: "http-server", port: 8080, carries: "HTTP" };
const NETPERF: InboundListener = { app: "netperf-server", port: 12866, carries: "netperf data" };
type Page = [string, StatsPage];
const prefixed = (app: string, stats: string[]): Page => [app, { lines: stats }];
const pages = (...all: Page[]) => new Map(all);

describe("Envoy /stats", () => {
    it("reads counters and gauges as numbers and skips histograms", () => {
        const stats = parseEnvoyStats(lines("consul-http-server.txt"));
        assert.strictEqual(stats.get("server.concurrency"), 2);
        assert.strictEqual(stats.get("listener.10.244.1.7_20000.ssl.handshake"), 9);
        assert.strictEqual(stats.get("cluster.local_app.upstream_rq_total"), 1874203);
        assert.ok(!stats.has("listener.10.244.1.7_20000.downstream_cx_length_ms"), "a histogram is not a number");
        assert.ok(!stats.has("listener.admin.downstream_cx_length_ms"), "nor is 'No recorded values'");
    });

    it("sums one port's listener counters, without the per-worker copies, the admin listener or other ports", () => {
        const stats = parseEnvoyStats(lines("consul-http-server.txt"));
        assert.deepStrictEqual(listenerTls(stats, 20000), { connections: 10, handshakes: 9, withoutClientCertificate: 0, tlsErrors: 1 });
        assert.deepStrictEqual(listenerTls(stats, 9102), { connections: 1, handshakes: 0, withoutClientCertificate: 0, tlsErrors: 0 });
        assert.strictEqual(listenerTls(stats, 0), undefined, "worker_0 is not a port");
        assert.strictEqual(listenerTls(stats, 8080), undefined);
    });

    it("reads an IPv6 listener, whose address Envoy writes in brackets with underscores", () => {
        const stats = parseEnvoyStats(["listener.[__]_8080.downstream_cx_total: 4", "listener.[__]_8080.ssl.handshake: 4"]);
        assert.deepStrictEqual(listenerTls(stats, 8080), { connections: 4, handshakes: 4, withoutClientCertificate: 0, tlsErrors: 0 });
    });

    describe("as mTLS evidence", () => {
        const mutual = (app: string, port: number, handshakes = 5) => prefixed(app, [
            `listener.10.0.0.1_${port}.downstream_cx_total: ${handshakes + 1}`, `listener.10.0.0.1_${port}.ssl.handshake: ${handshakes}`,
            `listener.10.0.0.1_${port}.ssl.no_certificate: 0`, `listener.10.0.0.1_${port}.ssl.connection_error: 1`,
        ]);
        const plaintext = (app: string, port: number) => prefixed(app, [`listener.10.0.0.1_${port}.downstream_cx_total: 7`]);

        it("shows mutual TLS when every listener completed handshakes, none without a client certificate", () => {
            const reading = readListenerTlsEvidence(pages(mutual("http-server", 8080), mutual("netperf-server", 12866, 3)), [HTTP, NETPERF], true);
            assert.deepStrictEqual(reading, {
                mtls: true,
                detail: "http-server :8080 (HTTP): mutual TLS: 5 TLS handshakes over 6 connections, 0 without a client certificate, 1 TLS errors; " +
                    "netperf-server :12866 (netperf data): mutual TLS: 3 TLS handshakes over 4 connections, 0 without a client certificate, 1 TLS errors",
            });
        });

        it("shows plaintext when the listeners counted connections but no handshake", () => {
            const reading = readListenerTlsEvidence(pages(plaintext("http-server", 8080), plaintext("netperf-server", 12866)), [HTTP, NETPERF], false);
            assert.strictEqual(reading.mtls, false);
            assert.match(reading.detail, /^http-server :8080 \(HTTP\): plaintext through the sidecar: 0 TLS handshakes over 7 connections/);
        });

        it("does not call TLS without client certificates mutual", () => {
            const oneWay = prefixed("http-server", ["listener.10.0.0.1_8080.downstream_cx_total: 2", "listener.10.0.0.1_8080.ssl.handshake: 2", "listener.10.0.0.1_8080.ssl.no_certificate: 2"]);
            assert.deepStrictEqual(readListenerTlsEvidence(pages(oneWay), [HTTP], true), {
                mtls: false, detail: "http-server :8080 (HTTP): TLS, but not mutual: 2 TLS handshakes over 2 connections, 2 without a client certificate, 0 TLS errors",
            });
        });

        it("reads listeners that disagree as contradicting the request, whichever it was", () => {
            const mixed = pages(mutual("http-server", 8080), plaintext("netperf-server", 12866));
            assert.strictEqual(readListenerTlsEvidence(mixed, [HTTP, NETPERF], true).mtls, false);
            assert.strictEqual(readListenerTlsEvidence(mixed, [HTTP, NETPERF], false).mtls, true);
            assert.match(readListenerTlsEvidence(mixed, [HTTP, NETPERF], true).detail, /^listeners disagree: /);
        });

        it("cannot tell when no traffic reached the listener, the listener is missing, or the stats could not be read", () => {
            const idle = prefixed("http-server", ["listener.10.0.0.1_8080.downstream_cx_total: 0"]);
            assert.deepStrictEqual(readListenerTlsEvidence(pages(idle), [HTTP], true), { detail: "http-server :8080 (HTTP): no connection reached the sidecar's listener" });
            assert.deepStrictEqual(readListenerTlsEvidence(pages(mutual("http-server", 9901)), [HTTP], true),
                { detail: "http-server :8080 (HTTP): the sidecar has no listener on port 8080" });
            const failed = pages(mutual("http-server", 8080), ["netperf-server", { error: "no running pod" }]);
            assert.deepStrictEqual(readListenerTlsEvidence(failed, [HTTP, NETPERF], true).mtls, undefined);
            assert.deepStrictEqual(readListenerTlsEvidence(pages(prefixed("http-server", [])), [HTTP], true), { detail: "http-server :8080 (HTTP): the sidecar has no listener on port 8080" });
        });
    });
});
