import * as assert from "assert";
import { FLANNEL_CHART, LOCAL_PATH_CHART, LOCAL_PATH_HELPER_IMAGE } from "../../../cluster/versions";
import { flannelValues, localPathValues } from "../../../cluster/vms/addons";
import { unknownValueKeys } from "../../helpers/chart-keys";

describe("cluster add-ons (vms)", () => {
    const flannel = (values: Record<string, unknown>) => unknownValueKeys(values, "flannel", FLANNEL_CHART.version);
    const localPath = (values: Record<string, unknown>) => unknownValueKeys(values, "local-path-provisioner", LOCAL_PATH_CHART.version);

    it("sets only keys that Flannel's pinned chart has", () => {
        assert.deepStrictEqual(flannel(flannelValues("10.244.0.0/16")), []);
    });

    it("sets only keys that the local-path provisioner's pinned chart has", () => {
        assert.deepStrictEqual(localPath(localPathValues()), []);
    });

    it("has a key check that catches a misspelt key", () => {
        assert.deepStrictEqual(flannel({ podCIDR: "10.244.0.0/16", flannel: { backend: "vxlan", mtu: 9001 } }),
            ["podCIDR", "flannel.mtu"]);
        assert.deepStrictEqual(localPath({ nodeSelector: { "kubernetes.io/os": "linux" } }), [],
            "a free-form map takes any key");
    });

    it("gives Flannel the pod network kubeadm was given, on its VXLAN backend", () => {
        assert.deepStrictEqual(flannelValues("10.32.0.0/16"), { podCidr: "10.32.0.0/16", flannel: { backend: "vxlan" } });
    });

    it("makes local-path the default StorageClass and pins the helper image that would float to busybox:latest", () => {
        const values = localPathValues() as { storageClass: Record<string, unknown>; helperImage: { tag: string } };
        assert.deepStrictEqual(values.storageClass, { create: true, name: "local-path", defaultClass: true });
        assert.notStrictEqual(values.helperImage.tag, "latest");
        assert.deepStrictEqual(values.helperImage, LOCAL_PATH_HELPER_IMAGE);
    });
});
