import * as assert from "assert";
import { awsCredentialSource, prerequisiteChecks, prerequisiteLines, type MachineFacts } from "../../sweep/prerequisites";
import { flagOf, sweepWording } from "../../sweep/wording";

describe("sweep wording of the program's config messages", () => {
    it("names the flag instead of the stack key", () => {
        assert.deepStrictEqual(["target", "repetitions", "runId", "mesh", "mtls", "wrkCpu"].map(flagOf),
            ["--target", "--repetitions", "--run-id", "--meshes", "--mtls", "--config wrkCpu"]);
        assert.strictEqual(sweepWording('meshbench:repetitions: got "0"; allowed: an integer from 1 to 50'),
            '--repetitions: got "0"; allowed: an integer from 1 to 50');
        assert.strictEqual(sweepWording("meshbench:wrkThreds: unknown config key; did you mean meshbench:wrkThreads?"),
            "--config wrkThreds: unknown config key; did you mean wrkThreads?");
    });

    it("turns pulumi config set hints into sweep flags, but never a --secret one", () => {
        assert.strictEqual(sweepWording("has one; target vms is the supported path for cilium (pulumi config set target vms)"),
            "has one; target vms is the supported path for cilium (--target vms)");
        assert.strictEqual(sweepWording("use target vms (kubeadm on EC2): pulumi config set target vms"), "use target vms (kubeadm on EC2): --target vms");
        assert.strictEqual(sweepWording("Set one with: pulumi config set kubeconfig <path>"), "Set one with: --config kubeconfig=<path>");
        assert.strictEqual(sweepWording("aws:region: not set; allowed: a region (there: pulumi config set aws:region us-east-1)"),
            "--config aws:region: not set; allowed: a region (there: --config aws:region=us-east-1)");
        const secret = "(pulumi config rm sshPrivateKey, then pulumi config set --secret sshPrivateKey ...)";
        assert.strictEqual(sweepWording(secret), secret);
    });
});

describe("sweep prerequisites", () => {
    const facts = (over: Partial<MachineFacts> = {}): MachineFacts => ({
        env: {}, home: "/home/me", pulumi: { found: true, version: "pulumi 3.248.0" }, fileExists: () => false, onPath: () => undefined, ...over,
    });

    it("finds AWS credentials where the AWS provider would, without asking AWS", () => {
        assert.strictEqual(awsCredentialSource(facts({ env: { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" } })), "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        assert.strictEqual(awsCredentialSource(facts({ env: { AWS_ACCESS_KEY_ID: "a" } })), undefined, "a key id alone is not credentials");
        assert.strictEqual(awsCredentialSource(facts({ env: { AWS_PROFILE: "bench" } })), "AWS_PROFILE=bench");
        assert.strictEqual(awsCredentialSource(facts({ fileExists: (f) => f === "/home/me/.aws/config" })), "/home/me/.aws/config");
        assert.strictEqual(awsCredentialSource(facts({ env: { AWS_SHARED_CREDENTIALS_FILE: "/run/creds" }, fileExists: (f) => f === "/run/creds" })), "/run/creds");
    });

    it("checks what the target needs: nothing of AWS on kubeconfig, the AWS CLI only on eks, no passphrase off a local backend", () => {
        const names = (target: string | undefined, url = "file:///p/.pulumi-state") => prerequisiteChecks(target, url, facts()).map((c) => c.name);
        assert.deepStrictEqual(names("kubeconfig"), ["Pulumi CLI", "state passphrase"]);
        assert.deepStrictEqual(names("vms"), ["Pulumi CLI", "state passphrase", "AWS credentials"]);
        assert.deepStrictEqual(names("eks"), ["Pulumi CLI", "state passphrase", "AWS credentials", "AWS CLI"]);
        assert.deepStrictEqual(names("vms", "s3://bucket"), ["Pulumi CLI", "AWS credentials"]);
        assert.deepStrictEqual(names(undefined), ["Pulumi CLI", "state passphrase"]);
    });

    it("prints what it found and what is missing, one line each", () => {
        const checks = prerequisiteChecks("eks", "file:///p/.pulumi-state",
            facts({ env: { PULUMI_CONFIG_PASSPHRASE: "x", AWS_PROFILE: "bench" }, onPath: (c) => (c === "aws" ? "/usr/bin/aws" : undefined) }));
        assert.deepStrictEqual(prerequisiteLines(checks), [
            "  Pulumi CLI: pulumi 3.248.0",
            "  state passphrase: PULUMI_CONFIG_PASSPHRASE",
            "  AWS credentials: AWS_PROFILE=bench (not checked with AWS until the first up)",
            "  AWS CLI: /usr/bin/aws",
        ]);
    });
});
