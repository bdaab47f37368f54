// target: eks, registered in cluster/index.ts. See eks-cluster.ts.
import type { ClusterTarget } from "../index";
import { EKS_DEFAULT_VERSION } from "../versions";
import { EksCluster } from "./eks-cluster";
import { eksMeshSupport, validateEksSettings } from "./validate";

export const eks: ClusterTarget = {
    defaultKubernetesVersion: EKS_DEFAULT_VERSION,
    meshSupport: eksMeshSupport,
    validate: (settings) => validateEksSettings(settings),
    create: (name, settings, needs, opts) => new EksCluster(name, { settings, needs }, opts).handle,
};
