import * as assert from "assert";
import { splitKubectlOutput } from "../../cluster/kubectl";
import { none } from "../../meshes/none";
import { fixture } from "../helpers/mocks";
import { assertShellcheckClean } from "../helpers/shellcheck";

const ctx = { mtls: false, target: "kubeconfig" as const, benchNamespace: "meshbench" };

describe("mesh none", () => {
    it("cannot turn mTLS on, and says why", () => {
        assert.strictEqual(none.mtlsOn.supported, false);
        assert.strictEqual(none.mtlsOff.supported, true);
    });

    it("installs nothing and enrols nothing", () => {
        assert.deepStrictEqual([none.releases(ctx, {}), none.policies(ctx), none.pins(ctx)], [[], [], []]);
        const enrolment = none.enrolment(ctx);
        assert.deepStrictEqual([enrolment.namespaceLabels, enrolment.podAnnotations("wrk-client")], [{}, {}]);
    });

    it("shows plaintext by the absence of any proxy container", () => {
        const [call] = splitKubectlOutput(fixture("evidence-none.txt"));
        assert.deepStrictEqual(none.evidence.parse(call.lines, ctx),
            { mtls: false, detail: "no proxy in the path: each of 4 benchmark pods runs only its own container" });
    });

    it("cannot tell when a pod carries an extra container, such as an injected sidecar", () => {
        const reading = none.evidence.parse(["PODCONTAINERS http-server istio-init nginx istio-proxy", "PODCONTAINERS wrk-client wrk"], ctx);
        assert.deepStrictEqual(reading, { detail: "pods run more than their own container: http-server (istio-init, nginx, istio-proxy)" });
    });

    it("has an evidence script that passes shellcheck and lists the benchmark namespace's pods", () => {
        const script = none.evidence.script(ctx);
        assert.match(script, /^kubectl -n meshbench get pods -o 'jsonpath=\{range \.items\[\*\]\}PODCONTAINERS \{\.metadata\.labels\.app\\\.kubernetes\\\.io\/name\}/);
        assertShellcheckClean(`kubectl() { :; }\n${script}`, "none's evidence script");
    });
});
