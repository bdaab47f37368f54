// The benchmark namespace. It is created before the mesh, because some meshes' policies
// live in it; its labels and annotations enrol every pod created in it later.
import * as pulumi from "@pulumi/pulumi";
import type { Namespace } from "kubernetes-types/core/v1";
import { createKubeObject, type KubeObject } from "../cluster/kube-objects";
import type { ClusterHandle } from "../cluster/types";
import type { Enrolment } from "../meshes/types";
import { BENCH_NAMESPACE } from "./ports";

export function buildBenchNamespace(enrolment: Enrolment): Namespace {
    return {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
            name: BENCH_NAMESPACE,
            labels: { "app.kubernetes.io/part-of": "meshbench", ...enrolment.namespaceLabels },
            annotations: { ...enrolment.namespaceAnnotations },
        },
    };
}

export interface BenchNamespaceArgs {
    readonly cluster: ClusterHandle;
    readonly enrolment: Enrolment;
}

export class BenchNamespace extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Resource;

    constructor(name: string, args: BenchNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:workloads:BenchNamespace", name, {}, opts);
        this.namespace = createKubeObject(`${name}-namespace`, buildBenchNamespace(args.enrolment) as KubeObject, {
            parent: this, provider: args.cluster.provider, dependsOn: args.cluster.ready,
        });
        this.registerOutputs({});
    }
}
