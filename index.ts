// meshbench: one stack = one cluster, one mesh, one benchmark. This file only composes:
// config → cluster → mesh → workloads → load test (the runner, as one resource) → outputs.
import { TARGETS } from "./cluster";
import { readStackConfig } from "./config";
import { netperfSettings, openLoopSettings, wrkSettings } from "./loadtest/run-settings";
import { MESHES } from "./meshes";
import { MeshInstall } from "./meshes/mesh-install";
import { LoadTest } from "./runner/load-test";
import type { MeshContext } from "./meshes/types";
import { BenchNamespace } from "./workloads/namespace";
import { BENCH_NAMESPACE } from "./workloads/ports";
import { Workloads } from "./workloads/workloads";

const config = readStackConfig();
const mesh = MESHES[config.mesh];

const cluster = TARGETS[config.cluster.target]
    .create("cluster", config.cluster, {
        mesh: config.mesh, installCni: !mesh.providesCni,
        nodeKernelModules: mesh.nodeKernelModules, webhookPorts: mesh.webhookPorts,
    });

const meshContext: MeshContext = {
    mtls: config.mtls,
    target: config.cluster.target,
    benchNamespace: BENCH_NAMESPACE,
    storageClassName: cluster.storageClassName,
};
const enrolment = mesh.enrolment(meshContext);

const bench = new BenchNamespace("bench", { cluster, enrolment });
const meshInstall = new MeshInstall("mesh", { mesh, ctx: meshContext, cluster, benchNamespace: bench.namespace });

const workloads = new Workloads("workloads", {
    cluster, enrolment,
    httpServerImage: config.images.httpServerImage,
    responseBytes: config.load.responseBytes,
    netperfImage: config.images.netperfImage,
    dependsOn: [bench.namespace, meshInstall],
});

const loadTest = new LoadTest("loadtest", {
    cluster, mesh, meshContext,
    wrkImage: config.images.wrkImage,
    netperfImage: config.images.netperfImage,
    fortioImage: config.images.fortioImage,
    inputs: {
        mesh: config.mesh,
        mtlsRequested: config.mtls,
        target: config.cluster.target,
        runId: config.load.runId,
        wrk: wrkSettings(config.load),
        netperf: netperfSettings(config.load),
        openLoop: openLoopSettings(config.load),
        requestedKubernetesVersion: cluster.requestedKubernetesVersion,
        pins: mesh.pins(meshContext),
        images: config.images,
        fairness: mesh.fairness(meshContext),
    },
    deployed: { servers: workloads.identity, mesh: meshInstall.identity },
    dependsOn: [bench.namespace, meshInstall, workloads],
});

export const results = loadTest.results;
// Targets that make the cluster (vms, eks) also export its admin kubeconfig (a secret) and
// what it is: region, zone, AMI, and each node as read from it. Undefined on `kubeconfig`.
export const kubeconfig = cluster.outputs?.kubeconfig;
export const clusterReport = cluster.outputs?.report;
