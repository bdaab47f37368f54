// A ROUGH estimate of what a sweep costs and how long it takes, shown before it starts.
// Issue 16 brings the real one; until then this is a small table of prices and step
// durations, stated with where they come from, and never more precise than they are.
// Pure: the parsed config and the day come in.
import type { ClusterSettings } from "../cluster/types";
import { DEFAULT_INSTANCE_TYPES } from "../cluster/aws/settings";
import { EKS_DEFAULT_VERSION, EKS_VERSIONS } from "../cluster/versions";
import type { LoadSettings } from "../config";

/**
 * On-demand Linux prices in us-east-1, USD per hour. The c6i rates are AWS's published
 * ones ($0.085 for c6i.large, doubling with each size) as quoted consistently by several
 * third-party sources in November 2026; they were NOT checked against AWS's own price
 * page, of which no copy was available. The EKS fees are from the AWS Containers blog,
 * "Amazon EKS extended support for Kubernetes versions pricing" (a stored copy).
 */
export const PRICES = {
    asOf: "November 2026",
    region: "us-east-1",
    source: "AWS's published rates as quoted by third parties, not checked against https://aws.amazon.com/ec2/pricing/on-demand/",
    instancePerHour: {
        "c6i.large": 0.085, "c6i.xlarge": 0.17, "c6i.2xlarge": 0.34, "c6i.4xlarge": 0.68, "c6i.8xlarge": 1.36,
    } as Readonly<Record<string, number>>,
    /** Per node: a 50 GiB gp3 root volume ($0.08 per GiB-month, about $0.0055/h) and a public IPv4 address ($0.005/h). */
    perNodeExtras: 0.0105,
    eksCluster: { standard: 0.10, extended: 0.60 },
} as const;

/**
 * Minutes a setup spends outside the measured load, [low, high]: creating the cluster up
 * to the benchmark, installing the mesh and pulling images, and destroying it all. From
 * the steps' usual durations in docs/targets.md ("How long it takes"); estimates, not measurements.
 */
export const OVERHEAD_MINUTES = {
    kubeconfig: [2, 5],
    vms: [14, 22],
    eks: [26, 37],
} as const satisfies Record<ClusterSettings["target"], readonly [number, number]>;

export interface SweepEstimate {
    /** Printed as they are. */
    readonly lines: string[];
    /** Whether the target spends money, so that a sweep asks before it starts. */
    readonly paid: boolean;
}

const usd = (v: number): string => `$${v < 10 ? v.toFixed(2) : v.toFixed(0)}`;
/** A range of minutes, in minutes below 90 and in hours from there. */
const duration = ([low, high]: readonly number[]): string =>
    high < 90 ? `${Math.round(low)}–${Math.round(high)} min` : `${(low / 60).toFixed(1)}–${(high / 60).toFixed(1)} h`;

/** Seconds of load one setup measures: each tool's warm-up and repetitions. */
export const loadSeconds = (load: LoadSettings): number =>
    2 * load.warmupSeconds + load.repetitions * (load.wrkDurationSeconds + load.netperfDurationSeconds);

/** The EKS fee of a version on `today` (YYYY-MM-DD): extended support once standard support has ended. */
function eksFee(version: string | undefined, today: string): { fee: number; support: string } {
    const minor = (version ?? EKS_DEFAULT_VERSION).split(".").slice(0, 2).join(".");
    const calendar = EKS_VERSIONS[minor];
    const extended = calendar === undefined || calendar.endOfStandardSupport <= today;
    return extended ? { fee: PRICES.eksCluster.extended, support: `extended support for ${minor}` }
        : { fee: PRICES.eksCluster.standard, support: `standard support for ${minor}` };
}

export function sweepEstimate(input: {
    readonly cluster: ClusterSettings;
    readonly load: LoadSettings;
    readonly setups: number;
    readonly keep: boolean;
    readonly today: string;
}): SweepEstimate {
    const { cluster, setups } = input;
    const [low, high] = OVERHEAD_MINUTES[cluster.target];
    const load = loadSeconds(input.load) / 60;
    const perSetup = [low + load, high + load];
    const total = perSetup.map((m) => m * setups);
    const time = `${setups} setup(s) × ${Math.round(perSetup[0])}–${Math.round(perSetup[1])} min ≈ ${duration(total)}`;
    const head = "estimate (rough: from a small table, not a quote; issue 16 brings the real one):";
    if (cluster.target === "kubeconfig") {
        return { paid: false, lines: [head, `  time: ${time} on your cluster (load ${Math.round(load)} min per setup, the rest installs and teardown)`,
            "  cost: none from meshbench (the cluster is yours)"] };
    }

    const types = [
        cluster.systemInstanceType ?? DEFAULT_INSTANCE_TYPES.system,
        ...Array<string>(cluster.serverNodeCount ?? 1).fill(cluster.serverInstanceType ?? DEFAULT_INSTANCE_TYPES.server),
        ...Array<string>(cluster.clientNodeCount ?? 1).fill(cluster.clientInstanceType ?? DEFAULT_INSTANCE_TYPES.client),
    ];
    const lines = [head, `  time: ${time}, each setup on a fresh ${cluster.target} cluster of ${types.length} nodes`];
    const unpriced = [...new Set(types.filter((t) => PRICES.instancePerHour[t] === undefined))];
    if (unpriced.length > 0) {
        lines.push(`  cost: not estimated: no price for ${unpriced.join(", ")} in this table; see https://aws.amazon.com/ec2/pricing/on-demand/`);
        return { paid: true, lines };
    }
    const eks = cluster.target === "eks" ? eksFee(cluster.kubernetesVersion, input.today) : undefined;
    const perHour = types.reduce((sum, t) => sum + PRICES.instancePerHour[t] + PRICES.perNodeExtras, 0) + (eks?.fee ?? 0);
    const cost = total.map((m) => (m / 60) * perHour);
    lines.push(`  cost: about ${usd(perHour)}/h while a cluster is up${eks ? ` (with the EKS fee of ${usd(eks.fee)}/h, ${eks.support})` : ""}`
        + ` → about ${usd(cost[0])}–${usd(cost[1])} on demand`);
    if (input.keep) lines.push(`  --keep: each stack kept up goes on costing about ${usd(perHour)}/h until it is destroyed`);
    lines.push(`  prices: ${PRICES.region} on-demand, ${PRICES.asOf}, ${PRICES.source}`
        + (cluster.awsRegion && cluster.awsRegion !== PRICES.region ? `; ${cluster.awsRegion} usually costs more` : ""));
    lines.push("  times: from the steps' usual durations, not measured");
    return { paid: true, lines };
}
