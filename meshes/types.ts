// The one interface every mesh implements. A mesh file describes its mesh with plain
// data (charts, values, policies, labels); meshes/mesh-install.ts creates the resources.
import * as pulumi from "@pulumi/pulumi";
import type { TargetName } from "../cluster/settings";
import type { KubeObject } from "../cluster/kube-objects";

export type { KubeObject };

export const MESH_NAMES = ["none", "istio", "istio-ambient", "linkerd", "consul", "kuma", "cilium"] as const;
export type MeshName = (typeof MESH_NAMES)[number];

/** Whether a mesh can run in one mTLS mode, and if not, why (shown at preview). */
export type ModeSupport = { readonly supported: true } | { readonly supported: false; readonly reason: string };

/** What a mesh's builders are told about the stack. */
export interface MeshContext {
    readonly mtls: boolean;
    readonly target: TargetName;
    /** Namespace of the benchmark servers and clients. */
    readonly benchNamespace: string;
    /** StorageClass for control-plane volumes; undefined = the cluster default. */
    readonly storageClassName?: string;
}

/** A Helm chart at a pinned version. Installed with helm.v3.Release, in list order. */
export interface HelmReleaseSpec {
    /** Release name, unique within the mesh. */
    readonly name: string;
    readonly chart: string;
    readonly version: string;
    readonly repo: string;
    readonly namespace: string;
    /** Values; every key must exist in the pinned chart (checked by tests against test/fixtures/chart-keys). */
    readonly values: Record<string, unknown>;
    /** How long Helm may wait for the release to become ready. */
    readonly timeoutSeconds?: number;
}

/** The benchmark's pods, as a mesh sees them. */
export const WORKLOAD_ROLES = ["http-server", "netperf-server", "wrk-client", "netperf-client"] as const;
export type WorkloadRole = (typeof WORKLOAD_ROLES)[number];

export type { BenchPort } from "../shared/names";
import type { BenchPort } from "../shared/names";
import type { Pin } from "../shared/results";

/** How the benchmark namespace and pods join the mesh. */
export interface Enrolment {
    readonly namespaceLabels: Readonly<Record<string, string>>;
    readonly namespaceAnnotations: Readonly<Record<string, string>>;
    /** Per-pod annotations (e.g. Consul's connect-inject, port exclusions). */
    podAnnotations(role: WorkloadRole): Readonly<Record<string, string>>;
    /** The appProtocol a Service port gets (e.g. linkerd.io/opaque for netperf). */
    appProtocol(port: BenchPort): string;
}

export type { Pin } from "../shared/results";

/** What a mesh's evidence said about the traffic the benchmark measured. */
export interface EvidenceReading {
    /** true: mutual TLS; false: plaintext; undefined: the output cannot tell. */
    readonly mtls?: boolean;
    /** What was seen, in a sentence with the numbers (e.g. counters before/after). */
    readonly detail: string;
}

/**
 * How a mesh proves, after the runs, whether the measured traffic was mutual TLS: a
 * shell snippet run through the kubectl wrapper (cluster/kubectl.sh, where `kubectl` is
 * a function using the stack's kubeconfig), and a parser for what it printed.
 */
export interface MtlsEvidence {
    /** Where the evidence comes from, for the results (e.g. "istio-proxy stats of both servers"). */
    readonly source: string;
    script(ctx: MeshContext): string;
    parse(lines: readonly string[], ctx: MeshContext): EvidenceReading;
    /**
     * Traffic this mesh leaves outside mTLS by design (e.g. a port excluded from the
     * proxies), each with why and what the plaintext probe then shows; exported with the
     * verdict so that it never reads as more than it is. Optional: none.
     */
    exemptions?(ctx: MeshContext): string[];
    /**
     * What a plaintext probe that was not served shows in this mesh, when that is something
     * other than a server refusing plaintext for want of mTLS (Cilium: a policy drop, since
     * every pod there has an identity). Put before the probe's detail. Optional: a refusal.
     */
    probeRefusal?(ctx: MeshContext): string;
}

/** Resources a mesh must create before its charts, e.g. a generated identity CA. */
export interface MeshPrerequisiteArgs {
    readonly ctx: MeshContext;
    /** Prefix for child resource names. */
    readonly name: string;
    /** Parent for every resource created. */
    readonly parent: pulumi.Resource;
}

export interface Mesh {
    readonly name: MeshName;
    /** One line for the README and reports. */
    readonly description: string;
    readonly mtlsOn: ModeSupport;
    readonly mtlsOff: ModeSupport;
    /** True when the mesh is the cluster's network plugin (Cilium); the cluster then comes up without one. */
    readonly providesCni: boolean;
    /** Charts, images and manifests this mesh pins. */
    pins(ctx: MeshContext): Pin[];
    /**
     * Optional resources the charts need, such as certificates. Returns named values
     * (usually secret) that `releases` may place into chart values.
     */
    prerequisites?(args: MeshPrerequisiteArgs): Record<string, pulumi.Output<string>>;
    /** Charts, installed in order, each after the one before. */
    releases(ctx: MeshContext, prerequisites: Record<string, pulumi.Output<string>>): HelmReleaseSpec[];
    /** mTLS on/off objects, applied after every chart, in list order. May be empty. */
    policies(ctx: MeshContext): KubeObject[];
    enrolment(ctx: MeshContext): Enrolment;
    /** Proof, read from the cluster after the runs, that the measured traffic was (or was not) mTLS. */
    readonly evidence: MtlsEvidence;
    /**
     * Everything left on or off that changes the numbers (telemetry, access logs,
     * proxy resources, protocol detection, ...), with the reason. Exported with the results.
     */
    fairness(ctx: MeshContext): Readonly<Record<string, string>>;
}
