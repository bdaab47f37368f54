// The stack config every real-tier suite starts from: the no-mesh baseline on the testbed,
// with its local images and short load settings, and the helpers those suites share.
import { execFileSync } from "child_process";
import { assertOk, pulumi, type PulumiWorkspace } from "./pulumi-cli";

export const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set; run this suite through testbed/run.sh`);
    return value;
};

export const REPETITIONS = 2;

/** Short load settings: the tier proves the path end to end; its numbers are not a benchmark. */
export function baselineConfig(overrides: Record<string, string> = {}): Record<string, string> {
    return {
        "meshbench:target": "kubeconfig",
        "meshbench:mesh": "none",
        "meshbench:wrkThreads": "2",
        "meshbench:wrkConnections": "2",
        "meshbench:wrkCpu": "1",
        "meshbench:wrkDurationSeconds": "5",
        "meshbench:netperfDurationSeconds": "5",
        "meshbench:warmupSeconds": "1",
        "meshbench:repetitions": String(REPETITIONS),
        // Both servers on one node: each requests a core, and a testbed node has the machine's
        // two, so servers split over two nodes would leave the clients and the probe one node
        // (2.2 cores of requests; seen as a netperf client Pending until the provider's timeout).
        "meshbench:serverNodeName": "node-1",
        "meshbench:kubeconfig": env("MESHBENCH_TESTBED_KUBECONFIG"),
        "meshbench:httpServerImage": env("MESHBENCH_TESTBED_HTTP_IMAGE"),
        "meshbench:wrkImage": env("MESHBENCH_TESTBED_WRK_IMAGE"),
        "meshbench:netperfImage": env("MESHBENCH_TESTBED_NETPERF_IMAGE"),
        // fortio from Go modules in a scratch image, at rates a testbed node can hold.
        "meshbench:fortioImage": env("MESHBENCH_TESTBED_FORTIO_IMAGE"),
        "meshbench:openLoopCapacityRps": "400",
        "meshbench:openLoopFractions": "0.25,0.5",
        "meshbench:openLoopConnections": "4",
        ...overrides,
    };
}

/** `pulumi stack init` and the baseline's config (with overrides) on the workspace's stack. */
export async function configureBaseline(ws: PulumiWorkspace, overrides: Record<string, string> = {}): Promise<void> {
    assertOk(await pulumi(ws, ["stack", "init"], 60, "stack init"), "pulumi stack init");
    const pairs = Object.entries(baselineConfig(overrides)).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]);
    assertOk(await pulumi(ws, ["config", "set-all", ...pairs], 60), "pulumi config set-all");
    assertOk(await pulumi(ws, ["config", "set", "--path", "pulumi:disable-default-providers[0]", "kubernetes"], 60), "pulumi config set");
}

export const kubectl = (...args: string[]): string =>
    execFileSync("kubectl", ["--kubeconfig", env("MESHBENCH_TESTBED_KUBECONFIG"), ...args], { encoding: "utf8", timeout: 30_000 });
