import * as assert from "assert";
import { parsePromSample, parsePromSamples } from "../../meshes/prometheus-text";
import { fixture } from "../helpers/mocks";

describe("Prometheus text format", () => {
    it("reads a sample's name, labels and value", () => {
        assert.deepStrictEqual(
            parsePromSample('tcp_open_total{direction="inbound",peer="src",tls="true",client_id="a.b.serviceaccount.identity.linkerd.cluster.local"} 48'),
            { name: "tcp_open_total", labels: { direction: "inbound", peer: "src", tls: "true", client_id: "a.b.serviceaccount.identity.linkerd.cluster.local" }, value: 48 });
    });

    it("reads samples without labels, with a timestamp, and with special values", () => {
        assert.deepStrictEqual(parsePromSample("process_cpu_seconds_total 412.37"), { name: "process_cpu_seconds_total", labels: {}, value: 412.37 });
        assert.deepStrictEqual(parsePromSample('x{a="b"} 7 1712345678000'), { name: "x", labels: { a: "b" }, value: 7, timestampMs: 1712345678000 });
        assert.strictEqual(parsePromSample('x{a="b"} 7 soon'), undefined);
        assert.strictEqual(parsePromSample('response_latency_ms_bucket{le="+Inf"} +Inf')?.value, Infinity);
        assert.ok(Number.isNaN(parsePromSample("x NaN")!.value));
        assert.strictEqual(parsePromSample("x 1e3")?.value, 1000);
    });

    it("unescapes label values and allows empty ones and a trailing comma", () => {
        assert.deepStrictEqual(parsePromSample('m{a="say \\"hi\\"",b="c:\\\\d",c="two\\nlines",srv_group="",} 1')?.labels,
            { a: 'say "hi"', b: "c:\\d", c: "two\nlines", srv_group: "" });
        assert.deepStrictEqual(parsePromSample('m{a="x,y}z"} 2')?.labels, { a: "x,y}z" });
    });

    it("skips comments, blank lines and malformed samples", () => {
        for (const line of ["# HELP tcp_open_total Total count of opened connections", "# TYPE tcp_open_total counter", "", "   ",
            'm{a="unterminated} 1', "m{a=b} 1", 'm{a="b"}', "m one", "{a=\"b\"} 1", 'm{a="b" c="d"} 1']) {
            assert.strictEqual(parsePromSample(line), undefined, JSON.stringify(line));
        }
    });

    it("reads every sample of a proxy's metrics page and nothing else", () => {
        const lines = fixture("linkerd/proxy-metrics-http-server.txt").split("\n");
        const samples = parsePromSamples(lines);
        assert.strictEqual(samples.length, lines.filter((l) => l && !l.startsWith("#")).length);
        assert.deepStrictEqual([...new Set(samples.map((s) => s.name))], [
            "request_total", "response_latency_ms_bucket", "inbound_http_authz_allow_total", "inbound_http_authz_deny_total",
            "tcp_open_total", "tcp_read_bytes_total", "process_cpu_seconds_total",
        ]);
    });
});
