// Every pin of the clusters meshbench makes, in one table: what the nodes install, which
// charts the cluster gets before any workload, and where the AMIs come from. Each pin is
// exported with the results (ClusterHandle.provenance), because each can change the numbers.

/** Canonical's AWS account, owner of the Ubuntu AMIs (Canonical, "Find Ubuntu images on AWS"). */
export const CANONICAL_OWNER_ID = "099720109477";

/**
 * Canonical's public SSM parameter for the current Ubuntu 22.04 (jammy) server AMI. Releases up
 * to 23.04 are published under `ebs-gp2`; the root volume is still created as gp3 (the volume
 * type is the instance's choice, not the AMI's).
 */
export const UBUNTU_JAMMY_SERVER_SSM_PARAMETER =
    "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id";

/**
 * What kubeadm needs on a node, per Kubernetes minor. Only 1.29 is listed: it is the paper's
 * minor, and each row pins things that differ between minors.
 */
export interface KubeadmRelease {
    /** pkgs.k8s.io repository path component, e.g. v1.29. */
    readonly repositoryMinor: string;
    /** Debian revision pkgs.k8s.io appends to every version: 1.29.1 ships as 1.29.1-1.1. */
    readonly packageRevision: string;
    /**
     * Last patch release of the minor. 1.29's is 1.29.15 (released after its end of life;
     * pkgs.k8s.io's v1.29 repository offers 1.29.15-1.1), though kubernetes/website
     * data/releases/eol.yaml still names 1.29.14 as the final patch.
     */
    readonly lastPatch: number;
    /** The sandbox image kubeadm 1.29 expects; containerd must use the same, or kubeadm warns and two pause images run. */
    readonly pauseImage: string;
    /** The container runtime the nodes install, from containerd's release tarball (see ContainerdPin). */
    readonly containerd: ContainerdPin;
    /** kubeadm config API; v1beta4 arrived in 1.31, and kubeadm 1.29 only knows v1beta3. */
    readonly kubeadmApiVersion: string;
    /** Fallback when the apt repository fails: CNI plugins as pkgs.k8s.io packages them for this minor (kubernetes-cni 1.3.0). */
    readonly cniPluginsVersion: string;
    /** Fallback: crictl of the same minor, which kubeadm's preflight needs. */
    readonly crictlVersion: string;
}

/**
 * containerd and the runc it runs. containerd's RELEASES.md (Kubernetes support table at
 * v2.0.0) recommends 1.7.11+ or 1.6.27+ for Kubernetes 1.29 and lists 2.x only from 1.30;
 * 1.6 is end of life, so the last 1.7 patch (v1.7.34, 2026-07-09). Ubuntu cannot provide it:
 * jammy has 1.5.9 and jammy-updates moved to 2.2.1, and the archive keeps no older
 * version installable. The release tarball stays published, with its SHA-256.
 */
export interface ContainerdPin {
    /** Without the leading v: the tarball is containerd-<version>-linux-amd64.tar.gz of release v<version>. */
    readonly version: string;
    /** The runc release containerd's script/setup/runc-version names at that tag. */
    readonly runcVersion: string;
}

export const KUBEADM_RELEASES: { readonly [minor: string]: KubeadmRelease } = {
    "1.29": {
        repositoryMinor: "v1.29",
        packageRevision: "1.1",
        lastPatch: 15,
        pauseImage: "registry.k8s.io/pause:3.9",
        containerd: { version: "1.7.34", runcVersion: "v1.3.6" },
        kubeadmApiVersion: "kubeadm.k8s.io/v1beta3",
        cniPluginsVersion: "v1.3.0",
        crictlVersion: "v1.29.0",
    },
};

/**
 * Minors whose pkgs.k8s.io Release.key is tried, newest first, when apt cannot verify the
 * chosen minor's repository with its own. All pkgs.k8s.io repositories are signed by one
 * OBS project key, but a repository's Release.key is renewed only while the minor gets
 * builds: when the key expired on 2024-11-02, the end-of-life repositories still published
 * the expired one, and the maintainers' workaround was a supported minor's Release.key
 * (kubernetes/release#3818, kubernetes/kubernetes#128609). So these must be minors still
 * supported upstream: 1.37, 1.36 and 1.35 on CURRENT_KEY_MINORS_AS_OF (1.34, released
 * 2025-08-27, is past the 14 months a minor is maintained). The node skips a minor that
 * pkgs.k8s.io does not serve.
 */
export const CURRENT_KEY_MINORS = ["v1.37", "v1.36", "v1.35"] as const;

/** The day CURRENT_KEY_MINORS was last checked against the Kubernetes release calendar. */
export const CURRENT_KEY_MINORS_AS_OF = "2026-12-01";

/** A Helm chart the cluster installs itself, at a pinned version. */
export interface ClusterChart {
    readonly chart: string;
    /** Helm repository URL; undefined when `chart` is an oci:// reference. */
    readonly repo?: string;
    readonly version: string;
    readonly namespace: string;
}

/**
 * Flannel, the CNI for every mesh except Cilium. Why Flannel rather than Calico: it is one
 * DaemonSet with a kernel VXLAN data path and no policy engine, operator or BGP daemon, so
 * the least CNI machinery sits under the meshes being compared, and Helm's wait covers all
 * of it. v0.26.7 (April 2025, the era of the paper's meshes) runs its end-to-end tests on
 * Kubernetes 1.29 (flannel-io/flannel e2e/Dockerfile at v0.26.7: K3S_VERSION v1.29.8+k3s1).
 */
export const FLANNEL_CHART: ClusterChart = {
    chart: "flannel",
    repo: "https://flannel-io.github.io/flannel/",
    version: "v0.26.7",
    namespace: "kube-flannel",
};

/** Flannel's backend: VXLAN, its default and the one its tests cover; it needs no AWS routing changes. */
export const FLANNEL_BACKEND = "vxlan";

/**
 * Rancher's local-path provisioner: a default StorageClass backed by a directory on the
 * node, for the mesh control planes that claim volumes (Consul servers, SPIRE). Published as
 * an OCI chart since v0.0.32 (rancher/local-path-provisioner .github/workflows/helm-release.yml).
 */
export const LOCAL_PATH_CHART: ClusterChart = {
    chart: "oci://ghcr.io/rancher/local-path-provisioner/charts/local-path-provisioner",
    version: "0.0.35",
    namespace: "local-path-storage",
};

/** The chart's helper pod image defaults to busybox:latest, which floats; pinned here. */
export const LOCAL_PATH_HELPER_IMAGE = { repository: "busybox", tag: "1.37.0" } as const;

/** StorageClass the local-path chart creates and marks as the cluster default. */
export const LOCAL_PATH_STORAGE_CLASS = "local-path";

/**
 * EKS's calendar (awsdocs/amazon-eks-user-guide, kubernetes-versions): after the end of
 * standard support a version costs extended-support rates; after the end of extended
 * support EKS creates no more clusters of it. Dates are UTC days.
 */
export interface EksVersion {
    readonly endOfStandardSupport: string;
    readonly endOfExtendedSupport: string;
}

export const EKS_VERSIONS: { readonly [minor: string]: EksVersion } = {
    "1.29": { endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
    "1.30": { endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    "1.31": { endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    "1.32": { endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    "1.33": { endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    "1.34": { endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
};

/** The day EKS_VERSIONS was read; versions whose extended support ended before it are refused at preview. */
export const EKS_VERSIONS_AS_OF = "2026-11-22";

/**
 * The default EKS version: the newest that EKS still creates and every pinned mesh supports
 * (Istio 1.25: 1.29 to 1.32; Cilium 1.17 and Linkerd edge-25.4: up to 1.32; Kuma 2.9 is
 * validated on 1.25 to 1.31). It is not the paper's 1.29, which EKS no longer creates.
 */
export const EKS_DEFAULT_VERSION = "1.32";

/** Canonical's public SSM parameter for its Ubuntu 22.04 EKS node AMI of a Kubernetes minor (Canonical, "Find Ubuntu images on AWS"). */
export const ubuntuEksSsmParameter = (minor: string): string =>
    `/aws/service/canonical/ubuntu/eks/22.04/${minor}/stable/current/amd64/hvm/ebs-gp2/ami-id`;

/**
 * The EKS add-ons meshbench installs. Their versions are the ones EKS names as default for
 * the cluster's Kubernetes version when the cluster is created (DescribeAddonVersions); they
 * are then kept (a later default does not change a running cluster) and exported with the results.
 */
export const EKS_ADDONS = ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver"] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

/** The eks cluster's Service range (outside the VPC's 10.20.0.0/16); the DNS Service is its 10th address. */
export const EKS_SERVICE_CIDR = "10.100.0.0/16";

/** The default StorageClass on eks: gp3 volumes through the EBS CSI driver. */
export const EKS_STORAGE_CLASS = "meshbench-gp3";
