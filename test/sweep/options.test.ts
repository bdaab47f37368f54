import * as assert from "assert";
import { ALL_FIELDS } from "../../config";
import { CONFIG_KEYS, newRunId, parseSweepArgs } from "../../sweep/options";

describe("sweep command line", () => {
    it("defaults to the paper's plan, new run, teardown after each setup", () => {
        const o = parseSweepArgs([]);
        assert.deepStrictEqual(o.plan, { all: false, meshes: undefined, mtls: undefined });
        assert.deepStrictEqual([o.runId, o.keep, o.dryRun, o.resultsDir, o.config], [undefined, false, false, "results", {}]);
    });

    it("passes --target, --repetitions and every --config through as stack config", () => {
        const o = parseSweepArgs(["--meshes", "none,istio", "--mtls", "both", "--target", "kubeconfig", "--repetitions", "3",
            "--config", "kubeContext=kind-meshbench", "--config", "meshbench:wrkCpu=2", "--config", "aws:region=eu-west-1", "--run-id", "r1", "--keep"]);
        assert.deepStrictEqual(o.plan, { all: false, meshes: ["none", "istio"], mtls: "both" });
        assert.deepStrictEqual(o.config, { kubeContext: "kind-meshbench", wrkCpu: "2", "aws:region": "eu-west-1", target: "kubeconfig", repetitions: "3" });
        assert.deepStrictEqual([o.runId, o.keep], ["r1", true]);
    });

    it("keeps a value's = signs and spaces", () => {
        assert.deepStrictEqual(parseSweepArgs(["--config", "kubeconfig=/home/me/my clusters/a=b.yaml"]).config,
            { kubeconfig: "/home/me/my clusters/a=b.yaml" });
    });

    it("names the option, the value and what is allowed when refusing", () => {
        const refuses = (argv: string[], message: string) => assert.throws(() => parseSweepArgs(argv), { message });
        refuses(["--meshes", "istio,istoi"], '--meshes: unknown mesh "istoi"; allowed: none, istio, istio-ambient, linkerd, consul, kuma, cilium');
        refuses(["--meshes", "istio,bogus,Linkerd"],
            '--meshes: unknown meshes "bogus", "Linkerd"; allowed: none, istio, istio-ambient, linkerd, consul, kuma, cilium');
        refuses(["--meshes", ","], '--meshes: got ","; allowed: a comma-separated list of none, istio, istio-ambient, linkerd, consul, kuma, cilium');
        refuses(["--mtls", "yes"], '--mtls: got "yes"; allowed: on, off, both');
        refuses(["--config", "mesh=istio"], '--config: got "mesh=istio"; allowed: any key but mesh, which the sweep sets (use --meshes or --all)');
        refuses(["--config", "runId=x"], '--config: got "runId=x"; allowed: any key but runId, which the sweep sets (use --run-id)');
        refuses(["--config", "wrkCpu"], '--config: got "wrkCpu"; allowed: KEY=VALUE with a meshbench config key or aws:region, e.g. kubeContext=kind-meshbench');
        refuses(["--config", "wrkCpu=2", "--config", "wrkCpu=4"], '--config: got "wrkCpu=4"; allowed: one value per key; wrkCpu is already "2"');
        refuses(["--target", "kubeconfig", "--config", "target=eks"], "--target and --config target=...: give it once");
        refuses(["--all", "--meshes", "istio"], "--all and --meshes: choose one; --all already covers every mesh");
        refuses(["--mesh", "istio"], "unknown option --mesh (npm run sweep -- --help lists the options)");
        refuses(["-x"], "unknown option -x (npm run sweep -- --help lists the options)");
    });

    it("lists the allowed keys when a --config key is unknown", () => {
        assert.throws(() => parseSweepArgs(["--config", "wrkThreds=4"]), {
            message: `--config wrkThreds=4: unknown config key "wrkThreds"; allowed: ${CONFIG_KEYS.join(", ")}` });
        assert.ok(CONFIG_KEYS.includes("wrkThreads") && CONFIG_KEYS.includes("aws:region") && CONFIG_KEYS.includes("kubeContext"));
        assert.ok(!CONFIG_KEYS.includes("mesh") && !CONFIG_KEYS.includes("runId"), "the keys the sweep sets itself are not offered");
        assert.strictEqual(CONFIG_KEYS.length, ALL_FIELDS.length - 3 + 1);
    });

    it("takes a value that starts with a dash as the value, so that its own check explains it", () => {
        assert.strictEqual(parseSweepArgs(["--repetitions", "-1"]).config.repetitions, "-1");
        assert.strictEqual(parseSweepArgs(["--run-id", "-x", "--keep"]).runId, "-x");
        assert.throws(() => parseSweepArgs(["--meshes", "--all"]), { message: "--meshes needs a value (--meshes a,b,...)" },
            "an option after an option is not taken as its value");
    });

    it("takes --response-bytes: several sizes are a dimension of the plan, one size is config for every stack", () => {
        assert.deepStrictEqual(parseSweepArgs([]).responseBytes, []);
        const several = parseSweepArgs(["--response-bytes", "10,1024, 65536"]);
        assert.deepStrictEqual([several.responseBytes, several.config], [[10, 1024, 65536], {}]);
        const one = parseSweepArgs(["--response-bytes", "1024"]);
        assert.deepStrictEqual([one.responseBytes, one.config], [[], { responseBytes: "1024" }]);
        const refuses = (argv: string[], message: string) => assert.throws(() => parseSweepArgs(argv), { message });
        const allowed = "allowed: a comma-separated list of integers from 1 to 524288, each once";
        refuses(["--response-bytes", "10,0"], `--response-bytes: got "10,0"; ${allowed}`);
        refuses(["--response-bytes", "1k,64k"], `--response-bytes: got "1k,64k"; ${allowed}`);
        refuses(["--response-bytes", "10,10"], `--response-bytes: got "10,10"; ${allowed}`);
        refuses(["--response-bytes", "10,"], `--response-bytes: got "10,"; ${allowed}`);
        refuses(["--response-bytes", "524289"], `--response-bytes: got "524289"; ${allowed}`);
        refuses(["--response-bytes", "10,1024", "--config", "responseBytes=10"], "--response-bytes and --config responseBytes=...: give it once");
        refuses(["--destroy", "x", "--response-bytes", "10"], "--destroy runs no sweep, so --response-bytes would do nothing; give --destroy alone (or with --dry-run)");
    });

    it("takes -h for --help and -y for --yes", () => {
        assert.deepStrictEqual([parseSweepArgs(["-h"]).help, parseSweepArgs(["-y"]).yes, parseSweepArgs([]).yes], [true, true, false]);
    });

    it("makes run ids that are valid meshbench:runId values and sort by time", () => {
        assert.strictEqual(newRunId(new Date("2026-01-15T14:32:07.123Z")), "20260115-143207");
    });
});
