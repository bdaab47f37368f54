// The plaintext probe: a pod outside the mesh (its own namespace, no enrolment) that
// sends plaintext to both servers before the load runs, with the same client scripts
// and tools as the benchmark. With mTLS enforced, the servers must refuse it; without,
// they must serve it. Either way the result is read, never assumed.
import type { Namespace } from "kubernetes-types/core/v1";
import type { KubeObject } from "../cluster/kube-objects";
import type { NodePlacement } from "../cluster/types";
import {
    buildScriptsConfigMap, clientContainer, netperfEnvironment, scriptsVolume, wrkEnvironment,
} from "../loadtest/clients";
import type { NetperfSettings, WrkSettings } from "../loadtest/results";
import { buildDeployment, buildServiceAccount } from "../workloads/pods";

import { PROBE_APP, PROBE_NAMESPACE } from "../shared/names";

export { PROBE_APP, PROBE_NAMESPACE };

/** One short, light run of each tool: enough to see whether plaintext is served. */
export function probeSettings(wrk: WrkSettings, netperf: NetperfSettings): { wrk: WrkSettings; netperf: NetperfSettings } {
    const once = { durationSeconds: 3, warmupSeconds: 0, repetitions: 1 };
    return {
        wrk: { ...wrk, ...once, threads: 1, connections: 1, cpu: 1 },
        netperf: { ...netperf, ...once, test: "TCP_RR", requestSize: 1, responseSize: 1 },
    };
}

/**
 * A probe run gets 30 s, not the benchmark's run + 120 s: where a policy drops packets
 * (Cilium), a tool's first connect hangs until this ends it, and an outcome is known long
 * before. 30 s is ten times the probe's 3 s run.
 */
const PROBE_TIMEOUT = { MESHBENCH_RUN_TIMEOUT_SECONDS: 30 };

export interface ProbeArgs {
    readonly wrk: WrkSettings;
    readonly netperf: NetperfSettings;
    readonly wrkImage: string;
    readonly netperfImage: string;
    /** Client nodes: the probe crosses the network like the clients do. */
    readonly placement: NodePlacement;
}

export function buildProbe(args: ProbeArgs): KubeObject[] {
    // No mesh labels or annotations: pods here are never enrolled, in any mesh.
    const namespace: Namespace = {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: PROBE_NAMESPACE, labels: { "app.kubernetes.io/part-of": "meshbench" } },
    };
    const settings = probeSettings(args.wrk, args.netperf);
    const configMap = buildScriptsConfigMap(PROBE_NAMESPACE);
    const deployment = buildDeployment({
        app: PROBE_APP,
        namespace: PROBE_NAMESPACE,
        side: "client",
        placement: args.placement,
        containers: [
            clientContainer("wrk", args.wrkImage, { ...wrkEnvironment(settings.wrk), ...PROBE_TIMEOUT }, { cpu: "100m", memory: "32Mi" }),
            clientContainer("netperf", args.netperfImage, { ...netperfEnvironment(settings.netperf), ...PROBE_TIMEOUT }, { cpu: "100m", memory: "32Mi" }),
        ],
        volumes: [scriptsVolume(configMap)],
    });
    return [namespace, configMap, buildServiceAccount(PROBE_APP, PROBE_NAMESPACE), deployment] as KubeObject[];
}
