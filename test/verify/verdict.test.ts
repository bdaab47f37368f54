import * as assert from "assert";
import type { ProbeOutcome } from "../../loadtest/results";
import { judgeMtls, mtlsFailure } from "../../verify/verdict";

const accepted: ProbeOutcome = { result: "accepted", detail: "served" };
const refused: ProbeOutcome = { result: "refused", detail: "reset" };
const error: ProbeOutcome = { result: "error", detail: "the HTTP server could not be reached: x" };
const evidence = (mtls: boolean | undefined) => ({ source: "proxy stats", mtls, detail: mtls === undefined ? "no counters" : `mtls=${mtls}` });

describe("mTLS verdict", () => {
    it("verifies mTLS on when plaintext is refused everywhere and the evidence shows mTLS", () => {
        const result = judgeMtls({ requested: true, http: refused, netperf: refused, evidence: evidence(true) });
        assert.deepStrictEqual([result.verdict, result.enforced], ["verified", true]);
        assert.strictEqual(mtlsFailure(result), undefined);
    });

    it("verifies mTLS off when plaintext is served everywhere and the evidence shows plaintext", () => {
        const result = judgeMtls({ requested: false, http: accepted, netperf: accepted, evidence: evidence(false) });
        assert.deepStrictEqual([result.verdict, result.enforced], ["verified", false]);
    });

    it("calls it a mismatch when plaintext gets through though mTLS was asked for", () => {
        const result = judgeMtls({ requested: true, http: refused, netperf: accepted, evidence: evidence(true) });
        assert.deepStrictEqual([result.verdict, result.enforced], ["mismatch", undefined]);
        assert.strictEqual(mtlsFailure(result),
            "mTLS mismatch: asked for mTLS on, but plaintext HTTP refused, plaintext netperf accepted; evidence (proxy stats): mtls=true");
    });

    it("calls it a mismatch when the evidence contradicts the request", () => {
        assert.strictEqual(judgeMtls({ requested: false, http: accepted, netperf: accepted, evidence: evidence(true) }).verdict, "mismatch");
        assert.strictEqual(judgeMtls({ requested: true, http: refused, netperf: refused, evidence: evidence(false) }).verdict, "mismatch");
    });

    it("states the traffic a mesh leaves outside mTLS by design with the verdict, and nothing when there is none", () => {
        const exemption = "netperf control port 12865: outside the sidecars";
        const stated = judgeMtls({ requested: true, http: refused, netperf: refused, evidence: evidence(true), exemptions: [exemption] });
        assert.deepStrictEqual([stated.verdict, stated.exemptions], ["verified", [exemption]]);
        const none = judgeMtls({ requested: true, http: refused, netperf: refused, evidence: evidence(true), exemptions: [] });
        assert.ok(!("exemptions" in none));
    });

    it("leads an unserved probe's detail with what it means in the mesh, when the mesh says it is not mTLS refusing", () => {
        const meaning = "dropped by policy, not refused for want of mTLS";
        const onWithMeaning = judgeMtls({ requested: true, http: refused, netperf: refused, evidence: evidence(true), probeRefusal: meaning });
        assert.deepStrictEqual([onWithMeaning.verdict, onWithMeaning.plaintext.http.detail, onWithMeaning.plaintext.netperf.detail],
            ["verified", `${meaning}: reset`, `${meaning}: reset`]);
        const served = judgeMtls({ requested: true, http: accepted, netperf: error, evidence: evidence(true), probeRefusal: meaning });
        assert.deepStrictEqual([served.plaintext.http, served.plaintext.netperf], [accepted, error], "only a refusal carries it");
        assert.deepStrictEqual(judgeMtls({ requested: true, http: refused, netperf: refused, evidence: evidence(true) }).plaintext.http, refused);
    });

    it("leaves it unverified when the probe or the evidence cannot tell, and says why", () => {
        const unreadable = judgeMtls({ requested: true, http: refused, netperf: refused, evidence: evidence(undefined) });
        assert.strictEqual(unreadable.verdict, "unverified");
        const unreachable = judgeMtls({ requested: true, http: error, netperf: refused, evidence: evidence(true) });
        assert.strictEqual(mtlsFailure(unreachable),
            "mTLS unverified: asked for mTLS on; plaintext HTTP error, plaintext netperf refused; evidence (proxy stats): mtls=true; the HTTP server could not be reached: x");
    });
});
