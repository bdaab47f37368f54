import * as assert from "assert";
import { podChurn } from "../../runner/pod-churn";
import type { PodSummary } from "../../shared/kube-api";

const pod = (app: string, uid: string, restarts = 0): PodSummary => ({
    name: `${app}-${uid}`, namespace: "meshbench", uid, labels: { "app.kubernetes.io/name": app },
    initContainers: [], containers: [app], containerStatuses: [], restarts,
});

describe("pod churn around the load", () => {
    const before = [pod("http-server", "a"), pod("netperf-server", "b"), pod("wrk-client", "c")];

    it("is nothing when the same pods ran through, without restarts", () => {
        assert.strictEqual(podChurn(before, [...before].reverse()), undefined);
    });

    it("names a server pod that was replaced", () => {
        assert.strictEqual(podChurn(before, [pod("http-server", "d"), before[1], before[2]]),
            "the benchmark pods changed during the load: http-server pod http-server-a went away; http-server pod http-server-d appeared");
    });

    it("names a container that restarted", () => {
        assert.strictEqual(podChurn(before, [before[0], pod("netperf-server", "b", 2), before[2]]),
            "the benchmark pods changed during the load: netperf-server pod netperf-server-b restarted 2 time(s)");
    });
});
