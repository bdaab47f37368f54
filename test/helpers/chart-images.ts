// Which images a release's values set or override, as each pinned chart composes them from
// those values (read in the charts' templates at the pinned tags), so that a test can hold
// that every one of them is among the mesh's pins. A value key that looks like part of an
// image reference and that no row below explains is reported too: a new override then
// fails the test until someone writes down which image it names.
import type { KubeObject } from "../../cluster/kube-objects";
import type { Pin } from "../../meshes/types";
import { flattenValueKeys } from "./chart-keys";

type Values = Record<string, any>;

/** One image a chart renders, and the value keys its reference is made of. */
interface ImageSlot {
    /** Key paths (flattenValueKeys notation) that compose the reference; setting any of them sets the image. */
    readonly keys: readonly string[];
    /** The reference the chart renders with these values (unset parts at the chart's defaults); "" when none runs. */
    image(values: Values): string;
}

/** Istio's `<hub>/<image>:<tag>[-<variant>]` (istiod, cni and ztunnel templates @ 1.25.1). */
const istioImage = (image: string, scope: Values | undefined): string => {
    const hub = scope?.hub ?? "docker.io/istio";
    const tag = scope?.tag ?? "1.25.1";
    return `${hub}/${image}:${tag}${scope?.variant ? `-${scope.variant}` : ""}`;
};
const ISTIO_GLOBAL_KEYS = ["global.hub", "global.tag", "global.variant"];

/** Per chart@version: the image slots our values reach. */
export const CHART_IMAGES: Readonly<Record<string, readonly ImageSlot[]>> = {
    "istiod@1.25.1": [
        { keys: ISTIO_GLOBAL_KEYS, image: (v) => istioImage("pilot", v.global) },
        // The sidecar image of the injection template. In the ambient profile no benchmark pod
        // gets a sidecar and no waypoint is installed, so proxyv2 runs nowhere.
        { keys: ISTIO_GLOBAL_KEYS, image: (v) => (v.profile === "ambient" ? "" : istioImage("proxyv2", v.global)) },
    ],
    "cni@1.25.1": [{ keys: ISTIO_GLOBAL_KEYS, image: (v) => istioImage("install-cni", v.global) }],
    "ztunnel@1.25.1": [{ keys: ["hub", "tag", "variant"], image: (v) => istioImage("ztunnel", v) }],
    // templates/_proxy.tpl: `{{.Values.proxy.image.name}}:{{.Values.proxy.image.version | default .Values.linkerdVersion}}`.
    "linkerd-control-plane@2025.4.1": [{
        keys: ["proxy.image", "proxy.image.name", "proxy.image.version"],
        image: (v) => `${v.proxy?.image?.name ?? "cr.l5d.io/linkerd/proxy"}:${v.proxy?.image?.version || "edge-25.4.1"}`,
    }],
    // The hook jobs: `{{ registry }}/{{ repository }}:{{ tag }}` of kubectl.image (values.yaml @ 2.9.0).
    "kuma@2.9.0": [{
        keys: ["kubectl", "kubectl.image", "kubectl.image.registry", "kubectl.image.repository", "kubectl.image.tag"],
        image: (v) => `${v.kubectl?.image?.registry ?? "docker.io"}/${v.kubectl?.image?.repository ?? "bitnami/kubectl"}:${v.kubectl?.image?.tag ?? "1.27.5"}`,
    }],
};

/** A key that names (part of) an image: a segment with "image" in it, or a last segment like hub or tag; pull settings excluded. */
export function isImageKey(key: string): boolean {
    const segments = key.split(/(?<!\\)\./);
    const last = segments[segments.length - 1];
    if (/pull/i.test(last)) return false;
    return segments.some((s) => /image/i.test(s)) || /^(hub|tag|variant|registry|repository|digest|useDigest)$/.test(last);
}

/** The images a release's values set, and the image-like keys no slot explains. */
export function imagesSetBy(chart: string, version: string, values: Values): { images: string[]; unexplained: string[] } {
    const slots = CHART_IMAGES[`${chart}@${version}`] ?? [];
    const set = flattenValueKeys(values).filter(isImageKey);
    const images = slots.filter((slot) => slot.keys.some((k) => set.includes(k))).map((slot) => slot.image(values)).filter(Boolean);
    const unexplained = set.filter((key) => !slots.some((slot) => slot.keys.includes(key)));
    return { images, unexplained };
}

/** Every `image` of a container in an object a mesh applies (policies, extra manifests). */
export function imagesInObjects(objects: readonly KubeObject[]): string[] {
    const found: string[] = [];
    const walk = (node: unknown, key?: string): void => {
        if (Array.isArray(node)) node.forEach((item) => walk(item));
        else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, k);
        else if (key === "image" && typeof node === "string") found.push(node);
    };
    walk(objects);
    return found;
}

/** An image reference in full: Docker Hub's implicit registry (and library/) written out. */
export function normalizeImage(ref: string): string {
    const first = ref.split("/")[0];
    const hasRegistry = ref.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    if (hasRegistry) return ref;
    return ref.includes("/") ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

/** The images among `images` that no image pin names, tag included. */
export function unpinnedImages(images: readonly string[], pins: readonly Pin[]): string[] {
    const pinned = new Set(pins.filter((p) => p.kind === "image").map((p) => normalizeImage(`${p.name}:${p.version}`)));
    return images.filter((image) => !pinned.has(normalizeImage(image)));
}
