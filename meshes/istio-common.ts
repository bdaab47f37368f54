// Istio 1.25.1, what its two data planes share: the pins, the charts' repository and
// namespace, the istiod values of the house fairness profile, the PeerAuthentication,
// and the protocol each benchmark port is declared with. meshes/istio.ts (sidecars) and
// meshes/istio-ambient.ts (ztunnel) build on it; neither repeats any of it.
import type { BenchPort, HelmReleaseSpec, KubeObject, Pin } from "./types";

/**
 * Istio's pin table: the release the paper measured, whose version every chart and image
 * carries, the charts' repository and the image registry. istioPins() lists what each
 * mode installs from it. The registry is set explicitly in the values: the charts in git
 * default to gcr.io/istio-testing:latest and only the published packages are rewritten,
 * so a pin that relied on the package's default would name an image we never set.
 */
export const ISTIO_PINS = {
    version: "1.25.1",
    chartRepo: "https://istio-release.storage.googleapis.com/charts",
    hub: "docker.io/istio",
} as const;

export const ISTIO_VERSION = ISTIO_PINS.version;
export const ISTIO_CHART_REPO = ISTIO_PINS.chartRepo;
export const ISTIO_HUB = ISTIO_PINS.hub;
/** Where every chart goes, and Istio's root namespace (meshConfig.rootNamespace defaults to it). */
export const ISTIO_NAMESPACE = "istio-system";

/** The charts of the repository, by the names Helm knows them (the cni chart lives in git under istio-cni). */
export type IstioChart = "base" | "istiod" | "cni" | "ztunnel";

/** Image variant: "" is Istio's default (Debian-based); ambient's profile switches everything to distroless. */
export type IstioVariant = "" | "distroless";

/** The image tag for a variant, as the charts compose it: `<tag>-<variant>`. */
export const istioImageTag = (variant: IstioVariant): string => (variant ? `${ISTIO_VERSION}-${variant}` : ISTIO_VERSION);

/** One chart at the pinned version, in istio-system. */
export function istioRelease(name: string, chart: IstioChart, values: Record<string, unknown>): HelmReleaseSpec {
    return { name, chart, version: ISTIO_VERSION, repo: ISTIO_CHART_REPO, namespace: ISTIO_NAMESPACE, values };
}

/** Pins for the charts a mode installs and the images they run. */
export function istioPins(charts: readonly IstioChart[], images: readonly string[], variant: IstioVariant): Pin[] {
    return [
        ...charts.map((name): Pin => ({ kind: "chart", name, version: ISTIO_VERSION, source: ISTIO_CHART_REPO })),
        ...images.map((name): Pin => ({ kind: "image", name: `${ISTIO_HUB}/${name}`, version: istioImageTag(variant), source: ISTIO_HUB })),
    ];
}

/** `global.hub`, `global.tag` (and the variant, when not the default) for istiod and cni. */
export function istioGlobalImage(variant: IstioVariant): Record<string, string> {
    return { hub: ISTIO_HUB, tag: ISTIO_VERSION, ...(variant ? { variant } : {}) };
}

/** Worker threads per proxy, as the house profile asks of every mesh. */
export const PROXY_WORKER_THREADS = 2;

/**
 * istiod's meshConfig under the house fairness profile. meshConfig is free-form in the
 * chart (any MeshConfig field) and is merged over the chart's own mesh settings.
 */
export function istioMeshConfig(): Record<string, unknown> {
    return {
        // No access log: empty is Istio's default; stated, so that a profile cannot turn it on.
        accessLogFile: "",
        // Istio's default is true (pkg/config/mesh/mesh.go @1.25.1), which sets sampling and
        // custom tags on every HTTP connection manager even with no tracer
        // (pilot/pkg/networking/core/tracing.go, configureTracingFromTelemetry). Off: no spans.
        enableTracing: false,
        defaultConfig: {
            // Without it, pilot-agent sizes Envoy's workers from the CPU limit
            // (pilot/cmd/pilot-agent/config/config.go @1.25.1). Istio's sidecars get 2 only
            // because the chart's default limit is 2000m; meshbench removes that limit, so
            // the 2 is set here instead of inferred.
            concurrency: PROXY_WORKER_THREADS,
        },
    };
}

/** The PeerAuthentication that governs the whole mesh: `default` in the root namespace. */
export function meshPeerAuthentication(mode: "STRICT" | "DISABLE"): KubeObject {
    return {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: { name: "default", namespace: ISTIO_NAMESPACE },
        spec: { mtls: { mode } },
    };
}

/**
 * How Istio should treat each benchmark port, declared rather than sniffed: appProtocol
 * wins over the port name (istio.io, "Protocol Selection"). The HTTP port is HTTP, so a
 * sidecar parses it (L7); netperf's control and data ports are opaque TCP.
 */
export const ISTIO_APP_PROTOCOL: { readonly [R in BenchPort["role"]]: string } = {
    "http": "http",
    "netperf-control": "tcp",
    "netperf-data": "tcp",
};
