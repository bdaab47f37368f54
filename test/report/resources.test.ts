// The report's resource cost: CPU per 1,000 requests against the baseline, proxy memory
// as what a mesh adds (the baseline has none, never a division by it), and a dash with
// the reason where a section was not measured.
import * as assert from "assert";
import type { BenchmarkResults, ResourceResult } from "../../loadtest/results";
import { resourceSection } from "../../report/resources";
import { setupRows } from "../../report/summarize";
import { buildFixtureRun } from "../fixtures/results/build";

const run = buildFixtureRun();
const tableRow = (lines: string[], label: string) => lines.flatMap((l) => l.split("\n")).find((l) => l.startsWith(`| ${label} |`))?.split(" | ").map((c) => c.replace(/^\| | \|$/g, ""));

describe("report: resource cost", () => {
    it("shows the data plane's CPU per 1,000 requests against the baseline and each sidecar's memory", () => {
        const results = Object.values(run);
        const lines = resourceSection(results, setupRows(results));
        const crrOf = (stack: string) => run[stack].netperfCrr.resources!.median.dataPlaneCpuPer1kRequests!;
        assert.deepStrictEqual(tableRow(lines, "baseline (no mesh)"), ["baseline (no mesh)", "195.0", "baseline",
            (crrOf("none-mtls-off") * 1000).toFixed(1), "baseline", "none", "none", "none", "none"]);
        // INVENTED fixture: Istio's data plane 595.3 CPU ms per 1,000 requests against the baseline's 195.0, and
        // per 1,000 TCP_CRR connections against the baseline's.
        const istio = run["istio-mtls-on"].resources.median;
        assert.deepStrictEqual(tableRow(lines, "istio, mTLS on"), ["istio, mTLS on", (istio.dataPlaneCpuPer1kRequests! * 1000).toFixed(1),
            `+${((istio.dataPlaneCpuPer1kRequests! / run["none-mtls-off"].resources.median.dataPlaneCpuPer1kRequests! - 1) * 100).toFixed(1)}%`,
            (crrOf("istio-mtls-on") * 1000).toFixed(1), `+${((crrOf("istio-mtls-on") / crrOf("none-mtls-off") - 1) * 100).toFixed(1)}%`,
            "62.0", "none", "0.010", "180.0"]);
        assert.ok(crrOf("istio-mtls-on") > crrOf("istio-mtls-off"), "the fixture's mTLS handshakes cost more");
        assert.ok(lines[0].includes("The baseline runs no proxies, so its proxy memory is none"));
    });

    it("shows a dash and says why for a setup whose reads failed, and no change against a baseline without numbers", () => {
        const unmeasured: ResourceResult = { status: "unmeasured", reason: "the pods to read could not be listed: HTTP 403", source: "kubelet", repetitions: [], median: { groups: {} } };
        const none = run["none-mtls-off"];
        const results: BenchmarkResults[] = [{ ...none, resources: unmeasured, netperfCrr: { ...none.netperfCrr, resources: unmeasured } }, run["linkerd-mtls-on"]];
        const lines = resourceSection(results, setupRows(results));
        assert.deepStrictEqual(tableRow(lines, "baseline (no mesh)"), ["baseline (no mesh)", "—", "baseline", "—", "baseline", "—", "—", "—", "—"]);
        assert.deepStrictEqual(tableRow(lines, "linkerd, mTLS on")!.filter((_, i) => [1, 2, 4, 5].includes(i)), ["375.2", "—", "—", "21.0"]);
        assert.ok(lines.includes("- baseline (no mesh): wrk: unmeasured: the pods to read could not be listed: HTTP 403"));
        assert.ok(lines.includes("- baseline (no mesh): TCP_CRR: unmeasured: the pods to read could not be listed: HTTP 403"));
    });
});
