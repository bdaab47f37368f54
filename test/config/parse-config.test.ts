import * as assert from "assert";
import { ConfigError, parseConfig } from "../../config";
import { openLoopSettings } from "../../loadtest/run-settings";
import { configProblems } from "../helpers/config";

const problemsOf = (raw: Record<string, string>): string[] => configProblems(raw);

const base = { target: "kubeconfig" };

describe("parseConfig", () => {
    it("applies every default on the kubeconfig target", () => {
        const config = parseConfig(base);
        assert.strictEqual(config.mesh, "none");
        assert.strictEqual(config.mtls, false, "mesh none is plaintext");
        assert.strictEqual(config.load.wrkThreads, 8);
        assert.strictEqual(config.load.wrkConnections, 8);
        assert.strictEqual(config.load.wrkCpu, 8, "wrkCpu follows wrkThreads");
        assert.strictEqual(config.load.repetitions, 5);
        assert.strictEqual(config.load.netperfRequestSize, 1);
        assert.strictEqual(config.load.responseBytes, 10, "the body meshbench always served");
        assert.strictEqual(config.load.runId, "1");
        assert.strictEqual(config.cluster.kubernetesVersion, undefined, "an existing cluster's version is read, not chosen");
        assert.strictEqual(config.images.wrkImage, "williamyeh/wrk:4.0.2");
    });

    it("reads every load setting", () => {
        const config = parseConfig({
            ...base, wrkThreads: "4", wrkConnections: "16", wrkDurationSeconds: "60", netperfDurationSeconds: "20",
            warmupSeconds: "0", repetitions: "10", netperfRequestSize: "64",
            netperfResponseSize: "1024", wrkCpu: "6", runId: "rerun-2", responseBytes: "65536",
            openLoopCapacityRps: "40000", openLoopFractions: "0.1, 0.5,1.2", openLoopConnections: "64",
        });
        assert.deepStrictEqual(config.load, {
            wrkThreads: 4, wrkConnections: 16, wrkDurationSeconds: 60, netperfDurationSeconds: 20, warmupSeconds: 0,
            repetitions: 10, netperfRequestSize: 64, netperfResponseSize: 1024, wrkCpu: 6,
            runId: "rerun-2", responseBytes: 65536, openLoopCapacityRps: 40000, openLoopFractions: "0.1,0.5,1.2", openLoopConnections: 64,
        });
    });

    it("defaults the open-loop rates to the paper's baseline capacity, and turns them off with none", () => {
        assert.deepStrictEqual(openLoopSettings(parseConfig(base).load).rates, [12810, 25620, 38430]);
        assert.strictEqual(parseConfig(base).images.fortioImage, "fortio/fortio:1.68.2");
        assert.deepStrictEqual(openLoopSettings(parseConfig({ ...base, openLoopFractions: "none" }).load).rates, []);
    });

    it("accepts pinned image overrides, by tag or digest", () => {
        const digest = `nginx@sha256:${"0".repeat(64)}`;
        const config = parseConfig({ ...base, httpServerImage: digest, wrkImage: "registry.example.com:5000/team/wrk:4.2.0" });
        assert.strictEqual(config.images.httpServerImage, digest);
        assert.strictEqual(config.images.wrkImage, "registry.example.com:5000/team/wrk:4.2.0");
    });

    it("takes mtls false explicitly for the baseline", () => {
        assert.strictEqual(parseConfig({ ...base, mtls: "false" }).mtls, false);
    });

    // Each bad input, and the exact message a user sees at preview.
    const badInputs: [string, Record<string, string>, string][] = [
        ["misspelt mesh", { mesh: "istoi" },
            'meshbench:mesh: got "istoi"; allowed: none, istio, istio-ambient, linkerd, consul, kuma, cilium'],
        ["mesh in capitals", { mesh: "Istio" },
            'meshbench:mesh: got "Istio"; allowed: none, istio, istio-ambient, linkerd, consul, kuma, cilium'],
        ["unknown target", { target: "gke" }, 'meshbench:target: got "gke"; allowed: kubeconfig, vms, eks'],
        ["mtls as yes", { mtls: "yes" }, 'meshbench:mtls: got "yes"; allowed: true, false'],
        ["mtls on the baseline", { mtls: "true" },
            'meshbench:mtls: got "true"; allowed: false for mesh none, because mesh none is the plaintext baseline and has nothing that could do mTLS; choose a mesh (e.g. istio) to measure mTLS'],
        ["zero threads", { wrkThreads: "0" }, 'meshbench:wrkThreads: got "0"; allowed: an integer from 1 to 256'],
        ["fractional threads", { wrkThreads: "2.5" }, 'meshbench:wrkThreads: got "2.5"; allowed: an integer from 1 to 256'],
        ["threads as words", { wrkThreads: "eight" }, 'meshbench:wrkThreads: got "eight"; allowed: an integer from 1 to 256'],
        ["fewer connections than threads", { wrkThreads: "8", wrkConnections: "4" },
            'meshbench:wrkConnections: got "4"; allowed: at least wrkThreads (8); wrk gives each thread at least one connection'],
        ["negative duration", { wrkDurationSeconds: "-5" }, 'meshbench:wrkDurationSeconds: got "-5"; allowed: an integer from 1 to 3600'],
        ["duration with a unit", { wrkDurationSeconds: "30s" }, 'meshbench:wrkDurationSeconds: got "30s"; allowed: an integer from 1 to 3600'],
        ["warm-up too long", { warmupSeconds: "601" }, 'meshbench:warmupSeconds: got "601"; allowed: an integer from 0 to 600'],
        ["no repetitions", { repetitions: "0" }, 'meshbench:repetitions: got "0"; allowed: an integer from 1 to 50'],
        ...([["a percentage", "25,50"], ["a zero fraction", "0,0.5"], ["an empty list", ""], ["a fraction twice", "0.5,0.50"], ["words", "half"]] as const)
            .map(([name, value]): [string, Record<string, string>, string] => [`open-loop fractions as ${name}`, { openLoopFractions: value },
                `meshbench:openLoopFractions: got ${JSON.stringify(value)}; allowed: comma-separated fractions of openLoopCapacityRps, ` +
                "each above 0 and at most 2, each once (e.g. 0.25,0.5,0.75), or none to turn the open-loop step off"]),
        ["a fraction too small for the capacity", { openLoopCapacityRps: "100", openLoopFractions: "0.001" },
            'meshbench:openLoopFractions: got "0.001"; allowed: fractions that give at least 1 request/s of openLoopCapacityRps (100); 0.001 gives none'],
        ["no open-loop capacity", { openLoopCapacityRps: "0" }, 'meshbench:openLoopCapacityRps: got "0"; allowed: an integer from 1 to 10000000'],
        ["too many open-loop connections", { openLoopConnections: "2000" }, 'meshbench:openLoopConnections: got "2000"; allowed: an integer from 1 to 1024'],
        // Every setup runs TCP_RR and TCP_CRR; the key that chose one is gone.
        ["the old netperf test key", { netperfTest: "TCP_CRR" }, "meshbench:netperfTest: unknown config key"],
        ["empty request", { netperfRequestSize: "0" }, 'meshbench:netperfRequestSize: got "0"; allowed: an integer from 1 to 1048576'],
        // The body travels in a ConfigMap, whose data the API server caps at 1 MiB.
        ["empty body", { responseBytes: "0" }, 'meshbench:responseBytes: got "0"; allowed: an integer from 1 to 524288'],
        ["body past 512 KiB", { responseBytes: "524289" }, 'meshbench:responseBytes: got "524289"; allowed: an integer from 1 to 524288'],
        ["body size with a unit", { responseBytes: "64k" }, 'meshbench:responseBytes: got "64k"; allowed: an integer from 1 to 524288'],
        ["huge response", { netperfResponseSize: "2000000" }, 'meshbench:netperfResponseSize: got "2000000"; allowed: an integer from 1 to 1048576'],
        ["image without tag", { wrkImage: "williamyeh/wrk" },
            'meshbench:wrkImage: got "williamyeh/wrk"; allowed: an image reference pinned to a tag other than latest, or to a digest (name:tag or name@sha256:<64 hex>)'],
        ["image on latest", { httpServerImage: "nginx:latest" },
            'meshbench:httpServerImage: got "nginx:latest"; allowed: an image reference pinned to a tag other than latest, or to a digest (name:tag or name@sha256:<64 hex>)'],
        ["image with a short digest", { netperfImage: "cilium/netperf@sha256:abc" },
            'meshbench:netperfImage: got "cilium/netperf@sha256:abc"; allowed: an image reference pinned to a tag other than latest, or to a digest (name:tag or name@sha256:<64 hex>)'],
        ["version with a v", { kubernetesVersion: "v1.29.1" },
            'meshbench:kubernetesVersion: got "v1.29.1"; allowed: a Kubernetes version without a leading v: a patch such as 1.29.1 on vms, a minor such as 1.32 on eks'],
        ["version of a cluster meshbench does not make", { kubernetesVersion: "1.29.1" },
            "meshbench:kubernetesVersion: applies only to target vms and eks, not kubeconfig; remove it (pulumi config rm kubernetesVersion) or change target"],
        ["CIDR without a prefix", { operatorCidr: "203.0.113.7" },
            'meshbench:operatorCidr: got "203.0.113.7"; allowed: an IPv4 CIDR such as 203.0.113.7/32'],
        ["CIDR out of range", { operatorCidr: "300.0.113.7/32" },
            'meshbench:operatorCidr: got "300.0.113.7/32"; allowed: an IPv4 CIDR such as 203.0.113.7/32'],
        ["CIDR with a /33", { operatorCidr: "203.0.113.7/33" },
            'meshbench:operatorCidr: got "203.0.113.7/33"; allowed: an IPv4 CIDR such as 203.0.113.7/32'],
        ["runId with capitals", { runId: "Run_1" },
            'meshbench:runId: got "Run_1"; allowed: lowercase letters, digits and dashes, at most 32 characters'],
        ["node name with spaces", { serverNodeName: "worker 1" },
            'meshbench:serverNodeName: got "worker 1"; allowed: a Kubernetes node name'],
        ["misspelt key", { wrkThread: "8" }, "meshbench:wrkThread: unknown config key; did you mean meshbench:wrkThreads?"],
        ["key from another tool", { replicas: "3" }, "meshbench:replicas: unknown config key"],
        ["wrk CPU of zero", { wrkCpu: "0" }, 'meshbench:wrkCpu: got "0"; allowed: an integer from 1 to 256'],
    ];

    for (const [what, raw, message] of badInputs) {
        it(`rejects ${what}`, () => {
            assert.deepStrictEqual(problemsOf({ ...base, ...raw }), [message]);
        });
    }

    it(`tries at least 20 bad inputs (${badInputs.length})`, () => {
        assert.ok(badInputs.length >= 20);
    });

    it("reports every problem at once", () => {
        const problems = problemsOf({ ...base, mesh: "istoi", wrkThreads: "0", netperfRequestSize: "0" });
        assert.deepStrictEqual(problems.map((p) => p.split(":")[1]), ["mesh", "wrkThreads", "netperfRequestSize"]);
        assert.match(new ConfigError(problems).message, /^invalid stack config:\n {2}- meshbench:mesh: /);
    });

    it("checks target eks's own keys", () => {
        assert.deepStrictEqual(problemsOf({ target: "eks" }), [
            "aws:region: not set; allowed: an AWS region such as us-east-1 (target eks makes its cluster there: pulumi config set aws:region us-east-1)",
            "meshbench:operatorCidr: not set; allowed: the IPv4 CIDR you run pulumi from, such as 203.0.113.7/32 (target eks opens the Kubernetes API only to it; there is no default)",
        ]);
    });

    it("defaults to the vms target, which needs an AWS region and the operator's CIDR", () => {
        assert.deepStrictEqual(problemsOf({}), [
            "aws:region: not set; allowed: an AWS region such as us-east-1 (target vms makes its cluster there: pulumi config set aws:region us-east-1)",
            "meshbench:operatorCidr: not set; allowed: the IPv4 CIDR you run pulumi from, such as 203.0.113.7/32 (target vms opens SSH and the Kubernetes API only to it; there is no default)",
        ]);
    });


    // mesh linkerd (issue #6)
    it("turns mTLS on by default for mesh linkerd", () => {
        const config = parseConfig({ ...base, mesh: "linkerd" });
        assert.deepStrictEqual([config.mesh, config.mtls], ["linkerd", true]);
        assert.strictEqual(parseConfig({ ...base, mesh: "linkerd", mtls: "true" }).mtls, true);
    });

    it("refuses mTLS off for mesh linkerd and names the baseline to use instead", () => {
        assert.deepStrictEqual(problemsOf({ ...base, mesh: "linkerd", mtls: "false" }), [
            'meshbench:mtls: got "false"; allowed: true for mesh linkerd, because Linkerd always requires identity, ' +
            'so meshed pods always talk mTLS (its CLI: "--disable-identity is no longer supported"); ' +
            "the plaintext baseline to compare it with is mesh none",
        ]);
    });
});
