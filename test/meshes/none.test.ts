import * as assert from "assert";
import { none, readContainers } from "../../meshes/none";
import { clusterFromFacts, FakeKube } from "../helpers/fake-kube";
import { fixture } from "../helpers/mocks";

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

    it("shows plaintext by the absence of any proxy container, from the benchmark namespace's pods", async () => {
        const kube = new FakeKube(clusterFromFacts(fixture("cluster-facts.txt")));
        assert.deepStrictEqual(await none.evidence.read(kube, ctx),
            { mtls: false, detail: "no proxy in the path: each of 4 benchmark pods runs only its own container" });
    });

    it("cannot tell when a pod carries an extra container, such as an injected sidecar", () => {
        const pod = (app: string, initContainers: string[], containers: string[]) => ({
            name: app, namespace: "meshbench", uid: "", labels: { "app.kubernetes.io/name": app }, initContainers, containers, containerStatuses: [], restarts: 0,
        });
        const reading = readContainers([pod("http-server", ["istio-init"], ["nginx", "istio-proxy"]), pod("wrk-client", [], ["wrk"])]);
        assert.deepStrictEqual(reading, { detail: "pods run more than their own container: http-server (istio-init, nginx, istio-proxy)" });
    });

    it("counts the wrk client pod's idle fortio as meshbench's own, and still sees a proxy beside it", () => {
        const pod = (app: string, containers: string[]) => ({
            name: app, namespace: "meshbench", uid: "", labels: { "app.kubernetes.io/name": app }, initContainers: [], containers, containerStatuses: [], restarts: 0,
        });
        assert.strictEqual(readContainers([pod("wrk-client", ["wrk", "fortio"]), pod("http-server", ["nginx"])]).mtls, false);
        assert.deepStrictEqual(readContainers([pod("wrk-client", ["wrk", "fortio", "linkerd-proxy"])]),
            { detail: "pods run more than their own container: wrk-client (wrk, fortio, linkerd-proxy)" });
        // fortio is meshbench's own only in the wrk client pod.
        assert.strictEqual(readContainers([pod("http-server", ["nginx", "fortio"])]).mtls, undefined);
    });

    it("cannot tell when the pods cannot be listed", async () => {
        const kube = new FakeKube({ pods: [], nodes: [] });
        kube.get = async () => { throw new Error("GET /api/v1/namespaces/meshbench/pods: HTTP 401: Unauthorized"); };
        assert.deepStrictEqual(await none.evidence.read(kube, ctx),
            { detail: "the benchmark pods could not be listed: GET /api/v1/namespaces/meshbench/pods: HTTP 401: Unauthorized" });
    });
});
