// The image-pin check itself (#12 item 2): it must catch an image our values set that the
// mesh does not pin, and a value it cannot interpret. The registry test applies it to
// every mesh in every mTLS mode.
import * as assert from "assert";
import { istioAmbient } from "../../meshes/istio-ambient";
import { kuma } from "../../meshes/kuma";
import type { MeshContext } from "../../meshes/types";
import { imagesInObjects, imagesSetBy, isImageKey, normalizeImage, unpinnedImages } from "../helpers/chart-images";

const ctx: MeshContext = { mtls: true, target: "vms", benchNamespace: "meshbench" };

describe("image pin check", () => {
    it("composes the image a value sets as the chart does, with the chart's defaults for the parts left unset", () => {
        assert.deepStrictEqual(imagesSetBy("kuma", "2.9.0", { kubectl: { image: { repository: "bitnamilegacy/kubectl" } } }),
            { images: ["docker.io/bitnamilegacy/kubectl:1.27.5"], unexplained: [] });
        assert.deepStrictEqual(imagesSetBy("istiod", "1.25.1", { global: { hub: "docker.io/istio", tag: "1.25.1" } }).images,
            ["docker.io/istio/pilot:1.25.1", "docker.io/istio/proxyv2:1.25.1"]);
        assert.deepStrictEqual(imagesSetBy("istiod", "1.25.1", { profile: "ambient", global: { hub: "docker.io/istio", tag: "1.25.1", variant: "distroless" } }).images,
            ["docker.io/istio/pilot:1.25.1-distroless"], "no sidecar runs in the ambient profile");
        assert.deepStrictEqual(imagesSetBy("linkerd-control-plane", "2025.4.1", { proxy: { image: { version: "edge-25.4.1" } } }).images,
            ["cr.l5d.io/linkerd/proxy:edge-25.4.1"]);
    });

    it("catches the Kuma hook image of chart 2.9.0's default, which is not pinned", () => {
        const { images } = imagesSetBy("kuma", "2.9.0", { kubectl: { image: { tag: "1.27.5" } } });
        assert.deepStrictEqual(unpinnedImages(images, kuma.pins(ctx)), ["docker.io/bitnami/kubectl:1.27.5"]);
        assert.deepStrictEqual(unpinnedImages(imagesSetBy("kuma", "2.9.0", kuma.releases(ctx, {})[0].values).images, kuma.pins(ctx)), []);
    });

    it("catches a tag that differs from the pin, e.g. the distroless variant against the default one", () => {
        assert.deepStrictEqual(unpinnedImages(["docker.io/istio/pilot:1.25.1"], istioAmbient.pins(ctx)), ["docker.io/istio/pilot:1.25.1"]);
        assert.deepStrictEqual(unpinnedImages(["docker.io/istio/pilot:1.25.1-distroless"], istioAmbient.pins(ctx)), []);
    });

    it("reports an image-like value it cannot interpret, instead of passing it", () => {
        assert.deepStrictEqual(imagesSetBy("kuma", "2.9.0", { controlPlane: { image: { tag: "2.9.1" }, replicas: 1 } }),
            { images: [], unexplained: ["controlPlane.image", "controlPlane.image.tag"] });
        assert.deepStrictEqual(imagesSetBy("consul", "1.7.0", { global: { imageK8S: "hashicorp/consul-k8s-control-plane:1.7.1" } }).unexplained,
            ["global.imageK8S"]);
    });

    it("tells image keys from pull settings and everything else", () => {
        assert.deepStrictEqual(["controlPlane.image.tag", "global.hub", "hub", "global.imageK8S", "image.useDigest", "global.imagePullSecrets[]",
            "controlPlane.image.pullPolicy", "cni.enabled", "proxy.runtime.workers.minimum"].map(isImageKey),
        [true, true, true, true, true, false, false, false, false]);
    });

    it("finds the images of containers in the objects a mesh applies", () => {
        const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" },
            spec: { template: { spec: { initContainers: [{ name: "i", image: "busybox:1.37" }], containers: [{ name: "c", image: "a/b:1" }] } } } };
        assert.deepStrictEqual(imagesInObjects([deployment]), ["busybox:1.37", "a/b:1"]);
    });

    it("writes out Docker Hub's implicit registry, so that pins and values compare", () => {
        assert.deepStrictEqual(["kumahq/kuma-cp:2.9.0", "busybox:1.37", "docker.io/istio/pilot:1.25.1", "cr.l5d.io/linkerd/proxy:edge-25.4.1", "localhost/x:1"].map(normalizeImage),
            ["docker.io/kumahq/kuma-cp:2.9.0", "docker.io/library/busybox:1.37", "docker.io/istio/pilot:1.25.1", "cr.l5d.io/linkerd/proxy:edge-25.4.1", "localhost/x:1"]);
    });
});
