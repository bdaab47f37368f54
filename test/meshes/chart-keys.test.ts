// The chart-key check itself: it must catch what it is there to catch.
import * as assert from "assert";
import { flattenValueKeys, unknownValueKeys } from "../helpers/chart-keys";

describe("chart key check", () => {
    it("flattens values into the key files' notation", () => {
        assert.deepStrictEqual(flattenValueKeys({ a: { b: 1, "c.d": { e: true } }, list: [{ x: 1 }], empty: {} }),
            ["a", "a.b", "a.c\\.d", "a.c\\.d.e", "list[]", "list[].x", "empty"]);
    });

    it("accepts keys the pinned chart has, including free-form maps", () => {
        assert.deepStrictEqual(unknownValueKeys({ resources: { requests: { cpu: "500m" } }, autoscaleBehavior: { any: { thing: 1 } } },
            "istiod", "1.25.1"), []);
    });

    it("catches a misspelt key and a key under the wrong parent", () => {
        assert.deepStrictEqual(unknownValueKeys({ resources: { request: { cpu: "1" } }, replicaCunt: 1 }, "istiod", "1.25.1"),
            ["resources.request", "resources.request.cpu", "replicaCunt"]);
    });

    it("follows the aliases and free-form prefixes a key file's header names", () => {
        const values = { pilot: { replicaCount: 1 }, meshConfig: { accessLogFile: "" } };
        assert.deepStrictEqual(unknownValueKeys(values, "istiod", "1.25.1", {}), ["pilot.replicaCount", "meshConfig.accessLogFile"]);
        assert.deepStrictEqual(unknownValueKeys(values, "istiod", "1.25.1"), [], "istiod's header rules apply by default");
    });
});
