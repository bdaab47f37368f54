// What a sweep costs and how long it takes, shown before it starts (and, as money spent
// so far, while it runs). From a table of prices and of step durations, each stated with
// where it comes from; never more precise than they are. Pure: the parsed config, the
// shape of the sweep and the day come in.
//
// On vms and eks the sweep runs a lane's steps (a setup in a lane and round) on the lane's
// cluster stack, created before the first and destroyed after the last (sweep/run.ts), and
// on a second, CNI-less one for the setups of a mesh that is the CNI (Cilium); its lanes
// side by side (or one after the other with --serial). The design before, a cluster per
// step, stays in `figures` for comparison (the README's table).
import type { ClusterSettings } from "../cluster/types";
import { DEFAULT_INSTANCE_TYPES } from "../cluster/aws/settings";
import { EKS_DEFAULT_VERSION, EKS_VERSIONS } from "../cluster/versions";
import type { LoadSettings } from "../config";
import { openLoopFractions } from "../loadtest/settings";

/**
 * On-demand Linux prices in us-east-1, USD per hour. The c6i rates are AWS's published
 * ones ($0.085 for c6i.large, doubling with each size) as quoted consistently by several
 * third-party sources in November 2026; they were NOT checked against AWS's own price
 * page, of which no copy was available. The EKS fees are from the AWS Containers blog,
 * "Amazon EKS extended support for Kubernetes versions pricing" (a stored copy).
 * CHECK THEM before trusting a total: prices change, and differ by region.
 */
export const PRICES = {
    asOf: "November 2026",
    region: "us-east-1",
    source: "AWS's published rates as quoted by third parties, not checked against https://aws.amazon.com/ec2/pricing/on-demand/",
    check: "check them there before relying on the total",
    instancePerHour: {
        "c6i.large": 0.085, "c6i.xlarge": 0.17, "c6i.2xlarge": 0.34, "c6i.4xlarge": 0.68, "c6i.8xlarge": 1.36,
    } as Readonly<Record<string, number>>,
    /** Per node: a 50 GiB gp3 root volume ($0.08 per GiB-month, about $0.0055/h) and a public IPv4 address ($0.005/h). */
    perNodeExtras: 0.0105,
    eksCluster: { standard: 0.10, extended: 0.60 },
} as const;

type Target = ClusterSettings["target"];
type Range = readonly [number, number];

/**
 * Minutes, [low, high], from the steps' usual durations in docs/targets.md ("How long it takes");
 * estimates, not measurements. A cluster: `pulumi up` to a ready cluster plus its destroy
 * (vms: 10–15 up, 2–4 down; eks: 14–17 up, 10–15 down). A setup besides its load: the
 * mesh, the workloads and their image pulls, and their removal.
 */
export const STEP_MINUTES = {
    cluster: { kubeconfig: [0, 0], vms: [12, 19], eks: [24, 32] },
    setup: { kubeconfig: [2, 5], vms: [2, 3], eks: [2, 5] },
} as const satisfies Record<string, Record<Target, Range>>;

/** vCPUs of the priced types (AWS's instance type pages), for the quota a sweep needs at once. */
export const VCPUS: Readonly<Record<string, number>> = { "c6i.large": 2, "c6i.xlarge": 4, "c6i.2xlarge": 8, "c6i.4xlarge": 16, "c6i.8xlarge": 32 };

/** The paper's five setups × 3 replicates with the defaults, in us-east-1: the goal of issue 16. */
export const GOAL = { wallMinutes: 45, dollars: 5 } as const;

/** How the sweep is laid out in time. */
export interface SweepShape {
    /** Setups per lane (the baseline included). */
    readonly setups: number;
    readonly lanes: number;
    readonly rounds: number;
    /** Of `setups`, those of a mesh that is the CNI (Cilium): they run on a second cluster stack per lane. Default: 0. */
    readonly cniSetups?: number;
}

/** Which design the figures are for: a cluster per lane (as built), or per step (the design before); lanes side by side or in turn. */
export interface Design {
    readonly clusterPer: "step" | "lane";
    readonly parallel: boolean;
}

export const designText = (d: Design): string =>
    `a cluster per ${d.clusterPer}, lanes ${d.parallel ? "side by side" : "one after the other"}`;

export interface Figures {
    readonly design: Design;
    readonly wallMinutes: Range;
    /** Node-hours of EC2 while clusters are up. */
    readonly instanceHours: Range;
    /** Dollars on demand; absent when a price is missing or the target is free. */
    readonly dollars?: Range;
}

export interface SweepEstimate {
    /** Printed as they are. */
    readonly lines: string[];
    /** Whether the target spends money, so that a sweep asks before it starts. */
    readonly paid: boolean;
    /** The built design: a cluster stack per lane. */
    readonly figures: Figures;
    /** Dollars spent after `seconds` that some cluster was up (summed over clusters); absent when unpriced or free. */
    readonly spent?: (seconds: number) => number;
}

const usd = (v: number): string => `$${v < 10 ? v.toFixed(2) : v.toFixed(0)}`;
/** A range of minutes, in minutes below 90 and in hours from there. */
const duration = ([low, high]: Range): string =>
    high < 90 ? `${Math.round(low)}–${Math.round(high)} min` : `${(low / 60).toFixed(1)}–${(high / 60).toFixed(1)} h`;
const range = (f: (i: 0 | 1) => number): Range => [f(0), f(1)];

/**
 * Seconds of load one setup measures: each tool's warm-up and repetitions, one after the
 * other: wrk, netperf TCP_RR, netperf TCP_CRR, then fortio at each open-loop rate (each
 * repetition as long as wrk's).
 */
export function loadSeconds(load: LoadSettings): number {
    const rates = openLoopFractions(load.openLoopFractions).length;
    return (3 + rates) * load.warmupSeconds
        + load.repetitions * (load.wrkDurationSeconds + 2 * load.netperfDurationSeconds + rates * load.wrkDurationSeconds);
}

/** The EKS fee of a version on `today` (YYYY-MM-DD): extended support once standard support has ended. */
function eksFee(version: string | undefined, today: string): { fee: number; support: string } {
    const minor = (version ?? EKS_DEFAULT_VERSION).split(".").slice(0, 2).join(".");
    const calendar = EKS_VERSIONS[minor];
    const extended = calendar === undefined || calendar.endOfStandardSupport <= today;
    return extended ? { fee: PRICES.eksCluster.extended, support: `extended support for ${minor}` }
        : { fee: PRICES.eksCluster.standard, support: `standard support for ${minor}` };
}

/** The instance types of one cluster. */
export function clusterTypes(cluster: ClusterSettings): string[] {
    return [
        cluster.systemInstanceType ?? DEFAULT_INSTANCE_TYPES.system,
        ...Array<string>(cluster.serverNodeCount ?? 1).fill(cluster.serverInstanceType ?? DEFAULT_INSTANCE_TYPES.server),
        ...Array<string>(cluster.clientNodeCount ?? 1).fill(cluster.clientInstanceType ?? DEFAULT_INSTANCE_TYPES.client),
    ];
}

/**
 * Wall time and cluster-hours of a design. A lane is its steps one after the other; with a
 * cluster per step every step pays a cluster, with a cluster per lane the lane pays one (two
 * when the plan has a mesh that is the CNI). Lanes side by side: the wall is one lane; in
 * turn: all of them. With a cluster per step, the clusters are up for every lane's whole
 * time; with a cluster per lane, each cluster at least for its own steps (low) and at most
 * for its lane's whole time (high: its setups come first and last in the lane's order).
 */
export function figures(design: Design, target: Target, loadMinutes: number, shape: SweepShape, nodes: number, perHour?: number): Figures {
    const cluster = STEP_MINUTES.cluster[target];
    const setup = STEP_MINUTES.setup[target];
    const steps = shape.setups * shape.rounds;
    const cniSteps = (shape.cniSetups ?? 0) * shape.rounds;
    const clustersPerLane = cniSteps > 0 && cniSteps < steps ? 2 : 1;
    const step = (i: 0 | 1) => setup[i] + loadMinutes;
    const lane = design.clusterPer === "step"
        ? range((i) => steps * (cluster[i] + step(i)))
        : range((i) => clustersPerLane * cluster[i] + steps * step(i));
    const wall = design.parallel ? lane : range((i) => shape.lanes * lane[i]);
    // Minutes some cluster is up, summed over clusters.
    const clusterMinutes = design.clusterPer === "step" || clustersPerLane === 1
        ? range((i) => shape.lanes * lane[i])
        : [shape.lanes * (2 * cluster[0] + steps * step(0)), shape.lanes * 2 * lane[1]] as const;
    const paid = target !== "kubeconfig";
    return {
        design,
        wallMinutes: wall,
        instanceHours: paid ? range((i) => (clusterMinutes[i] / 60) * nodes) : [0, 0],
        ...(paid && perHour !== undefined ? { dollars: range((i) => (clusterMinutes[i] / 60) * perHour) } : {}),
    };
}

const figureText = (f: Figures): string => `${duration(f.wallMinutes)} wall, ${f.instanceHours[0].toFixed(1)}–${f.instanceHours[1].toFixed(1)} instance-hours`
    + (f.dollars ? `, ${usd(f.dollars[0])}–${usd(f.dollars[1])} on demand` : "");

export function sweepEstimate(input: {
    readonly cluster: ClusterSettings;
    readonly load: LoadSettings;
    readonly shape: SweepShape;
    /** Lanes side by side (the default with more than one lane) or one after the other (--serial). */
    readonly parallel: boolean;
    readonly keep: boolean;
    readonly today: string;
}): SweepEstimate {
    const { cluster, shape } = input;
    const target = cluster.target;
    const load = loadSeconds(input.load) / 60;
    const steps = shape.setups * shape.lanes * shape.rounds;
    const head = "estimate (from a table of prices and step durations, not a quote):";
    const plan = `  plan: ${shape.lanes} lane(s) × ${shape.rounds} round(s) × ${shape.setups} setup(s) = ${steps} step(s); `
        + `load ${load.toFixed(1)} min per step`;
    if (target === "kubeconfig") {
        const f = figures({ clusterPer: "step", parallel: false }, target, load, shape, 0);
        return { paid: false, figures: f, lines: [head, plan,
            `  time: ${duration(f.wallMinutes)} on your cluster (${STEP_MINUTES.setup.kubeconfig.join("–")} min per step installing and removing the mesh)`,
            "  cost: none from meshbench (the cluster is yours)"] };
    }

    const types = clusterTypes(cluster);
    const unpriced = [...new Set(types.filter((t) => PRICES.instancePerHour[t] === undefined))];
    const eks = target === "eks" ? eksFee(cluster.kubernetesVersion, input.today) : undefined;
    const perHour = unpriced.length > 0 ? undefined
        : types.reduce((sum, t) => sum + PRICES.instancePerHour[t] + PRICES.perNodeExtras, 0) + (eks?.fee ?? 0);
    const built = figures({ clusterPer: "lane", parallel: input.parallel }, target, load, shape, types.length, perHour);
    const clusters = shape.lanes * ((shape.cniSetups ?? 0) > 0 && (shape.cniSetups ?? 0) < shape.setups ? 2 : 1);
    // At most: every lane's clusters at once (a lane's two overlap when Cilium's setups fall between the others').
    const vcpus = types.reduce((n, t) => n + (VCPUS[t] ?? 0), 0) * (input.parallel ? clusters : clusters / shape.lanes);
    const lines = [head, plan,
        `  each cluster: ${types.length} nodes (${types.join(", ")})`
            + (perHour === undefined ? "" : `, about ${usd(perHour)}/h${eks ? ` with the EKS fee of ${usd(eks.fee)}/h, ${eks.support}` : ""}`),
        `  this sweep (${designText(built.design)}; ${clusters} cluster stack(s)): ${figureText(built)}`];
    if (vcpus > 0) lines.push(`  at once: ${vcpus} vCPUs of EC2's standard on-demand quota (new accounts often have less; --serial runs one lane at a time)`);
    if (unpriced.length > 0) lines.push(`  cost: not estimated: no price for ${unpriced.join(", ")} in this table; see https://aws.amazon.com/ec2/pricing/on-demand/`);
    if (input.keep && perHour !== undefined) lines.push(`  --keep: each cluster stack kept up goes on costing about ${usd(perHour)}/h until it is destroyed`);
    lines.push(`  prices: ${PRICES.region} on-demand, ${PRICES.asOf}, ${PRICES.source}; ${PRICES.check}`
        + (cluster.awsRegion && cluster.awsRegion !== PRICES.region ? `; ${cluster.awsRegion} usually costs more` : ""));
    lines.push("  times: from the steps' usual durations (README, target sections), not measured");
    return { paid: true, lines, figures: built, ...(perHour === undefined ? {} : { spent: (seconds: number) => (seconds / 3600) * perHour }) };
}
