// The testbed can send nothing off this machine: no namespace of it has a default route or
// a link to the machine's own network, the machine has unreachable routes for its ranges,
// and its DNS answers cluster.local only. Checked on the running testbed, before anything
// is deployed (mocharc.json runs this file first).
import * as assert from "assert";
import { execFileSync } from "child_process";

const TESTBED_NAMESPACES = ["mbtb", "mbtb-node-1", "mbtb-node-2", "mbtb-node-3"];
const TESTBED_RANGES = ["10.213.0.0/24", "10.214.0.0/16", "10.215.0.0/24"];

const ip = (...args: string[]): string => execFileSync("ip", args, { encoding: "utf8", timeout: 10_000 });
/** `ip` in the machine's own network namespace (this suite runs inside the testbed's; run.sh names it). */
const machineIp = (...args: string[]): string => {
    const netns = process.env.MESHBENCH_MACHINE_NETNS;
    if (!netns) throw new Error("MESHBENCH_MACHINE_NETNS is not set; run this suite through testbed/run.sh");
    return execFileSync("nsenter", [`--net=${netns}`, "--", "ip", ...args], { encoding: "utf8", timeout: 10_000 });
};

describe("the real tier: nothing leaves the machine", () => {
    for (const ns of TESTBED_NAMESPACES) {
        it(`namespace ${ns} has no default route and no link but its own`, () => {
            assert.strictEqual(ip("-n", ns, "route", "show", "default").trim(), "");
            const links = ip("-n", ns, "-o", "link", "show").split("\n").filter(Boolean).map((l) => l.split(":")[1].trim().split("@")[0]);
            for (const link of links) assert.match(link, /^(lo|eth0|mbtb0|veth-node-\d|cni0|veth[0-9a-f]+)$/, `unexpected link ${link} in ${ns}`);
        });
    }

    it("the machine has an unreachable route for each testbed range", () => {
        const unreachable = machineIp("route", "show", "type", "unreachable");
        for (const range of TESTBED_RANGES) assert.ok(unreachable.includes(`unreachable ${range}`), `no unreachable route for ${range}:\n${unreachable}`);
    });

    it("the testbed's DNS answers cluster.local and refuses everything else", () => {
        const corefile = execFileSync("cat", ["/var/lib/meshbench-testbed/Corefile"], { encoding: "utf8" });
        assert.doesNotMatch(corefile, /^\s*forward\b/m);
        assert.match(corefile, /^cluster\.local:53 \{/m);
        assert.strictEqual((corefile.match(/^\S.*\{\s*$/gm) ?? []).length, 1, "one server block only");
    });
});
