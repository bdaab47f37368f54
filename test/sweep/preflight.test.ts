import * as assert from "assert";
import { none } from "../../meshes/none";
import type { Plan } from "../../sweep/plan";
import { preflightProblems } from "../../sweep/preflight";
import { backendUrl, passphraseProblem } from "../../sweep/prerequisites";
import type { SweepRecord } from "../../sweep/record";
import { setupRawConfig, staleConfigKeys, stackConfigEntries } from "../../sweep/stack-config";

const BASELINE: Plan = { setups: [{ mesh: "none", mtls: false, stack: "none-mtls-off" }], skipped: [] };
const TWO: Plan = { setups: [...BASELINE.setups, { mesh: "none", mtls: false, stack: "none-again" }], skipped: [] };

describe("stack config of a setup", () => {
    it("sets mesh, an explicit mtls, the run id, the shared keys, and disables default Kubernetes providers", () => {
        const raw = setupRawConfig(BASELINE.setups[0], { target: "kubeconfig", kubeContext: "kind-a" }, "r1");
        assert.deepStrictEqual(stackConfigEntries(raw), [
            { key: "meshbench:target", value: "kubeconfig", secret: false, path: false },
            { key: "meshbench:kubeContext", value: "kind-a", secret: false, path: false },
            { key: "meshbench:mesh", value: "none", secret: false, path: false },
            { key: "meshbench:mtls", value: "false", secret: false, path: false },
            { key: "meshbench:runId", value: "r1", secret: false, path: false },
            { key: "pulumi:disable-default-providers[0]", value: "kubernetes", secret: false, path: true },
        ]);
    });

    it("removes meshbench keys an earlier sweep left on a reused stack, and nothing else", () => {
        const entries = stackConfigEntries({ mesh: "none", mtls: "false", runId: "r2" });
        assert.deepStrictEqual(staleConfigKeys(
            ["meshbench:mesh", "meshbench:wrkCpu", "meshbench:kubeContext", "pulumi:disable-default-providers", "aws:region"], entries),
        ["meshbench:wrkCpu", "meshbench:kubeContext"]);
    });
});

describe("sweep preflight", () => {
    it("passes a valid plan", () => {
        assert.deepStrictEqual(preflightProblems({ runId: "r1", plan: BASELINE, settings: { target: "kubeconfig" }, keep: false }), []);
    });

    it("checks every stack's config with the program's parser before touching a stack, naming the flags", () => {
        assert.deepStrictEqual(preflightProblems({ runId: "R 1", plan: BASELINE, settings: { target: "kubeconfig", wrkThreds: "4", repetitions: "0" }, keep: false }), [
            "--config wrkThreds: unknown config key; did you mean wrkThreads?",
            '--repetitions: got "0"; allowed: an integer from 1 to 50',
            '--run-id: got "R 1"; allowed: lowercase letters, digits and dashes, at most 32 characters',
        ]);
        assert.deepStrictEqual(preflightProblems({ runId: "r1", plan: BASELINE, settings: {}, keep: false }), [
            "--config aws:region: not set; allowed: an AWS region such as us-east-1 (target vms makes its cluster there: --config aws:region=us-east-1)",
            "--config operatorCidr: not set; allowed: the IPv4 CIDR you run pulumi from, such as 203.0.113.7/32 (target vms opens SSH and the Kubernetes API only to it; there is no default)",
        ]);
        assert.deepStrictEqual(preflightProblems({
            runId: "r1", plan: BASELINE, settings: { "aws:region": "us-east-1", operatorCidr: "203.0.113.7/32" }, keep: false,
        }), [], "the AWS region passes through to the parser");
        assert.deepStrictEqual(stackConfigEntries({ "aws:region": "us-east-1" })[0],
            { key: "aws:region", value: "us-east-1", secret: false, path: false }, "and into the stack, under its own namespace");
    });

    it("on vms, checks the configs of the cluster stacks and of the setups on them, which split the keys by home", () => {
        const plan: Plan = { setups: [BASELINE.setups[0], { mesh: "cilium", mtls: true, stack: "cilium-mtls-on" }], skipped: [] };
        const settings = { "aws:region": "us-east-1", operatorCidr: "203.0.113.7/32", serverInstanceType: "c6i.8xlarge", clientNodeCount: "2", wrkThreads: "4" };
        assert.deepStrictEqual(preflightProblems({ runId: "r1", plan, settings, keep: false }), []);
    });

    it("says why there is nothing to run", () => {
        const plan: Plan = { setups: [], skipped: [{ mesh: "istio", reason: "the target already has a CNI" }, { mesh: "linkerd", mtls: false, reason: "no plaintext" }] };
        assert.deepStrictEqual(preflightProblems({ runId: "r1", plan, settings: {}, keep: false }),
            ["nothing to run; skipped: istio: the target already has a CNI; linkerd mTLS off: no plaintext"]);
    });

    it("refuses --keep when several setups would share one existing cluster", () => {
        const problems = preflightProblems({ runId: "r1", plan: TWO, settings: { target: "kubeconfig" }, keep: true });
        assert.strictEqual(problems.length, 1);
        assert.match(problems[0], /^--keep with target kubeconfig runs one setup at a time/);
        assert.deepStrictEqual(preflightProblems({ runId: "r1", plan: BASELINE, settings: { target: "kubeconfig" }, keep: true }), []);
    });

    it("refuses to resume a run with other settings, which would mix incomparable numbers", () => {
        const earlier: SweepRecord = { runId: "r1", settings: { target: "kubeconfig", repetitions: "5" }, startedAt: "", updatedAt: "",
            finished: true, setups: [], skipped: [] };
        assert.deepStrictEqual(preflightProblems({ runId: "r1", plan: BASELINE, settings: { repetitions: "5", target: "kubeconfig" }, keep: false, earlier }), []);
        assert.deepStrictEqual(preflightProblems({ runId: "r1", plan: BASELINE, settings: { target: "kubeconfig", repetitions: "3" }, keep: false, earlier }), [
            "run r1 was swept with repetitions=5 target=kubeconfig; this sweep has repetitions=3 target=kubeconfig. "
            + "Resume with the same options, or start a new run without --run-id",
        ]);
    });

    it("keeps state in the project unless PULUMI_BACKEND_URL says otherwise, and needs a passphrase for local state", () => {
        assert.strictEqual(backendUrl({}, "/srv/meshbench"), "file:///srv/meshbench/.pulumi-state");
        assert.strictEqual(backendUrl({ PULUMI_BACKEND_URL: "s3://bucket" }, "/srv/meshbench"), "s3://bucket");
        assert.match(passphraseProblem({}, "file:///srv/meshbench/.pulumi-state")!, /^set PULUMI_CONFIG_PASSPHRASE/);
        assert.strictEqual(passphraseProblem({ PULUMI_CONFIG_PASSPHRASE: "" }, "file:///x"), undefined, "an empty passphrase is Pulumi's choice to allow");
        assert.strictEqual(passphraseProblem({ PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/p" }, "file:///x"), undefined);
        assert.strictEqual(passphraseProblem({}, "s3://bucket"), undefined);
    });

    it("uses the registry's baseline, which the program's parser accepts with mtls false only", () => {
        assert.strictEqual(none.mtlsOn.supported, false);
        const bad: Plan = { setups: [{ mesh: "none", mtls: true, stack: "none-mtls-on" }], skipped: [] };
        assert.match(preflightProblems({ runId: "r1", plan: bad, settings: { target: "kubeconfig" }, keep: false })[0], /^--mtls: got "true"; allowed: false for mesh none/);
    });
});
