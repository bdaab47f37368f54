// Installs any Mesh: its prerequisites, its charts in order, then its mTLS policies.
// Mesh files only describe; this is the one place that creates mesh resources.
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createKubeObject, resourceName } from "../cluster/kube-objects";
import type { ClusterHandle } from "../cluster/types";
import type { HelmReleaseSpec, Mesh, MeshContext } from "./types";

/** Namespaces that exist in every cluster and must never be created or deleted by a mesh. */
const SYSTEM_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/** Namespaces a mesh's charts install into, each once, in first-use order. */
export const releaseNamespaces = (releases: readonly HelmReleaseSpec[]): string[] =>
    [...new Set(releases.map((r) => r.namespace))].filter((ns) => !SYSTEM_NAMESPACES.has(ns));

export interface MeshInstallArgs {
    readonly mesh: Mesh;
    readonly ctx: MeshContext;
    readonly cluster: ClusterHandle;
    /** The benchmark namespace: policies that live in it are applied after it exists. */
    readonly benchNamespace: pulumi.Resource;
}

export class MeshInstall extends pulumi.ComponentResource {
    /**
     * What was installed: each release's Helm revision (any change to its values or
     * chart upgrades it) and a hash of the policies. The measurement reruns when it changes.
     */
    public readonly identity: pulumi.Output<string>;

    constructor(name: string, args: MeshInstallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:meshes:MeshInstall", name, {}, opts);
        const { mesh, ctx, cluster } = args;
        const childOpts = { parent: this, provider: cluster.provider };

        const prerequisites = mesh.prerequisites?.({ ctx, name, parent: this }) ?? {};
        const releases = mesh.releases(ctx, prerequisites);

        // Created here rather than by Helm so that `pulumi destroy` removes them too.
        const namespaces = releaseNamespaces(releases).map((ns) => new k8s.core.v1.Namespace(`${name}-ns-${ns}`, {
            metadata: { name: ns, labels: { "app.kubernetes.io/part-of": "meshbench" } },
        }, { ...childOpts, dependsOn: cluster.ready }));

        // Each chart after the one before: CRDs before the control plane that serves them,
        // the control plane before the node agents that connect to it.
        let previous: pulumi.Resource[] = [...namespaces, ...cluster.ready];
        const installed = releases.map((release) => {
            const resource = new k8s.helm.v3.Release(`${name}-${release.name}`, {
                name: release.name,
                chart: release.chart,
                version: release.version,
                repositoryOpts: { repo: release.repo },
                namespace: release.namespace,
                values: release.values,
                // Helm waits until the release's workloads are ready, so the next chart and
                // the benchmark pods start against a working control plane.
                waitForJobs: true,
                timeout: release.timeoutSeconds ?? 600,
                atomic: false,
            }, { ...childOpts, dependsOn: previous });
            previous = [resource];
            return resource;
        });

        // In list order, each after the one before: a policy may need an earlier one to exist
        // (Kuma's admission webhook refuses a MeshTrafficPermission before its Mesh).
        let previousPolicy: pulumi.Resource[] = [];
        const policies = mesh.policies(ctx).map((obj) => {
            const policy = createKubeObject(resourceName(name, obj), obj, {
                ...childOpts, dependsOn: [...installed, ...namespaces, args.benchNamespace, ...previousPolicy],
            });
            previousPolicy = [policy];
            return policy;
        });

        // Whoever depends on this component waits for all of it: charts rolled out and
        // policies applied.
        const policyHash = createHash("sha256").update(JSON.stringify(mesh.policies(ctx))).digest("hex").slice(0, 16);
        this.identity = pulumi.all(installed.map((r) => pulumi.interpolate`${r.name}@${r.status.revision}`))
            .apply((revisions) => [...revisions, `policies@${policyHash}`].join(","));
        this.registerOutputs({ releases: installed.map((r) => r.status), policies: policies.length, identity: this.identity });
    }
}
