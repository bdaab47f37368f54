// target: vms, registered in cluster/index.ts. See vms-cluster.ts.
import type { ClusterTarget } from "../index";
import { PAPER_KUBERNETES_VERSION } from "../settings";
import { validateVmsSettings } from "./validate";
import { VmsCluster } from "./vms-cluster";

export const vms: ClusterTarget = {
    defaultKubernetesVersion: PAPER_KUBERNETES_VERSION,
    // With a mesh that is the CNI, the nodes come up without one and the mesh brings it.
    meshSupport: () => ({ supported: true }),
    validate: (settings) => validateVmsSettings(settings),
    create: (name, settings, needs, opts) => new VmsCluster(name, { settings, needs }, opts).handle,
};
