import * as assert from "assert";
import * as path from "path";
import { readKubeconfig, resolveKubeconfigPath } from "../../cluster/kubeconfig-file";

describe("kubeconfig file for target kubeconfig", () => {
    it("prefers the setting, then $KUBECONFIG, then ~/.kube/config", () => {
        assert.strictEqual(resolveKubeconfigPath("~/k.yaml", {}, "/home/u"), "/home/u/k.yaml");
        assert.strictEqual(resolveKubeconfigPath(undefined, { KUBECONFIG: "/tmp/kind.yaml" }, "/home/u"), "/tmp/kind.yaml");
        assert.strictEqual(resolveKubeconfigPath(undefined, {}, "/home/u"), "/home/u/.kube/config");
    });

    it("refuses a $KUBECONFIG list, saying how to choose one file", () => {
        assert.throws(() => resolveKubeconfigPath(undefined, { KUBECONFIG: "/a:/b" }, "/home/u"),
            { message: "$KUBECONFIG lists several files (/a:/b); meshbench needs one. Set one with: pulumi config set kubeconfig <path>" });
    });

    it("names the key, the value and the problem when the file cannot be read", () => {
        assert.throws(() => readKubeconfig("/nonexistent/kubeconfig", "/nonexistent/kubeconfig"),
            /^Error: meshbench:kubeconfig: got "\/nonexistent\/kubeconfig"; allowed: a readable kubeconfig file \(reading \/nonexistent\/kubeconfig failed: ENOENT/);
        assert.throws(() => readKubeconfig("/nonexistent/config", undefined),
            /^Error: target kubeconfig needs a kubeconfig: a readable kubeconfig file \(reading \/nonexistent\/config failed: ENOENT.*Set one with: pulumi config set kubeconfig <path>$/);
    });

    it("reads a kubeconfig file", () => {
        assert.match(readKubeconfig(path.join(__dirname, "..", "fixtures", "kubeconfig.yaml"), undefined), /current-context: test/);
    });
});
