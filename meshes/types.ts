// The one interface every mesh implements. A mesh file describes its mesh with plain
// data (charts, values, policies, labels); meshes/mesh-install.ts creates the resources.
import * as pulumi from "@pulumi/pulumi";
import type { TargetName } from "../cluster/settings";
import type { KubeObject } from "../cluster/kube-objects";
import type { KubeApi } from "../shared/kube-api";

export type { KubeObject };

export const MESH_NAMES = ["none", "istio", "istio-ambient", "linkerd", "consul", "kuma", "cilium"] as const;
export type MeshName = (typeof MESH_NAMES)[number];

/** Whether a mesh can run in one mTLS mode, and if not, why (shown at preview). */
export type { ModeSupport } from "../shared/support";
import type { ModeSupport, NodePort } from "../shared/support";

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
 * function over the runner's KubeApi (exec argv in a container, GET an API path, e.g.
 * a pod's metrics through the API server's pod proxy) that returns its structured
 * reading. It never throws: what could not be read is a reading without `mtls`.
 */
export interface MtlsEvidence {
    /** Where the evidence comes from, for the results (e.g. "istio-proxy stats of both servers"). */
    readonly source: string;
    read(kube: KubeApi, ctx: MeshContext): Promise<EvidenceReading>;
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

/** What the runner tells a mesh's steps about the run (all plain data). */
export interface RunnerView {
    readonly ctx: MeshContext;
    /** Where the clients dial: netperf's host and ports, wrk's URL. */
    readonly wrkUrl: string;
    readonly netperf: { readonly host: string; readonly controlPort: number; readonly dataPort: number };
    /** One line of progress for the console (pulumi up's output, the bench CLI). */
    report(line: string): void;
}

/** The bytes the load tools themselves counted, a lower bound of what crossed the network. */
export interface MeasuredLoad {
    readonly bytes: number;
    /** How the bytes were counted, for the detail. */
    readonly counted: string;
}

/**
 * A bounded wait before the probe, until the mesh can carry the benchmark (e.g. Cilium:
 * SPIRE has registered the benchmark identities and authentication works). `check` is
 * polled every `intervalSeconds` until it says ready or `timeoutSeconds` pass; the run
 * then fails with the last thing it saw.
 */
export interface MeshGate {
    readonly name: string;
    readonly timeoutSeconds: number;
    readonly intervalSeconds: number;
    check(kube: KubeApi, view: RunnerView): Promise<{ readonly ready: boolean; readonly detail: string }>;
}

/**
 * A reading taken before and after the load (e.g. Cilium: cilium_wg0's byte counters on
 * the servers' nodes), whose verdict joins the mesh's evidence: the run's mTLS is shown
 * only when the evidence and every witness agree. `before` returns a snapshot or why
 * none could be taken (a string).
 */
export interface LoadWitness<Snapshot = unknown> {
    readonly name: string;
    readonly source: string;
    before(kube: KubeApi, view: RunnerView): Promise<Snapshot | string>;
    after(kube: KubeApi, view: RunnerView, before: Snapshot, load: MeasuredLoad): Promise<EvidenceReading>;
}

/** Runner steps a mesh declares; the runner runs them at their place, knowing no mesh by name. */
export interface MeshRunnerSteps {
    /** Before the plaintext probe, in order. */
    readonly gates?: readonly MeshGate[];
    /** Around the measured load (wrk and netperf). */
    readonly witnesses?: readonly LoadWitness[];
}

/** Resources a mesh must create before its charts, e.g. a generated identity CA. */
export interface MeshPrerequisiteArgs {
    readonly ctx: MeshContext;
    /** Prefix for child resource names. */
    readonly name: string;
    /** Parent for every resource created. */
    readonly parent: pulumi.Resource;
}

/** Some of a mesh's pods: by namespace and label selector (every pod of the namespace when none). */
export interface MeshPods {
    /** What they are, in a word (e.g. "ztunnel"). */
    readonly name: string;
    readonly namespace: string;
    readonly labelSelector?: string;
}

/** Whose CPU and memory the runner reads besides the benchmark pods' (runner/resource-reads.ts). */
export interface ResourceTargets {
    /** The container the mesh injects into each benchmark pod; absent when it injects none. */
    readonly sidecar?: string;
    /** Agents on every node (DaemonSets); read on the client and server nodes. */
    readonly nodeAgents: readonly MeshPods[];
    /** The control plane; read on whichever nodes it runs. */
    readonly controlPlane: readonly MeshPods[];
}

export interface Mesh {
    readonly name: MeshName;
    /** One line for the README and reports. */
    readonly description: string;
    readonly mtlsOn: ModeSupport;
    readonly mtlsOff: ModeSupport;
    /** True when the mesh is the cluster's network plugin (Cilium); the cluster then comes up without one. */
    readonly providesCni: boolean;
    /**
     * Kernel modules the mesh needs on every node (Cilium: wireguard), loaded when the
     * target prepares its nodes (vms), which then fail clearly if one is missing. Optional: none.
     */
    readonly nodeKernelModules?: readonly string[];
    /**
     * The mesh's ServiceMesh.Type in the Service Mesh Performance spec (protos/service_mesh.proto),
     * which the report's SMP export names it by; undefined for mesh none, which is no mesh.
     */
    readonly smpType?: string;
    /**
     * TCP ports the API server must reach on the nodes for this mesh's admission webhooks;
     * on EKS the nodes' security group opens exactly these to the control plane. Default: none.
     */
    readonly webhookPorts?: readonly NodePort[];
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
    /** Steps the runner runs for this mesh (gates before the probe, witnesses around the load). Optional: none. */
    runnerSteps?(ctx: MeshContext): MeshRunnerSteps;
    /**
     * Everything left on or off that changes the numbers (telemetry, access logs,
     * proxy resources, protocol detection, ...), with the reason. Exported with the results.
     */
    fairness(ctx: MeshContext): Readonly<Record<string, string>>;
    /** Its sidecar, node agents and control plane, whose CPU and memory are read around each repetition. */
    resourceTargets(ctx: MeshContext): ResourceTargets;
}
