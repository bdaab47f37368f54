// The shell scripts the nodes run, as the commands and user data that carry them. The
// scripts live in cluster/vms/scripts/*.sh, where shellcheck checks them; the user data is
// prepare-node.sh with its settings and containerd-config.sh's functions prepended, and is
// checked again as rendered.
import { createHash } from "crypto";
import * as path from "path";
import { readScript, renderUserData } from "../user-data";
import { CURRENT_KEY_MINORS, type ContainerdPin, type KubeadmRelease } from "../versions";

const script = (name: string): string => readScript(path.join(__dirname, "scripts", name));

/** Waits for cloud-init and prints `MESHBENCH-NODE install=... kernel=...`. Run as `ubuntu`. */
export const AWAIT_NODE_SCRIPT = script("await-node.sh");
/** kubeadm init with the config on stdin; idempotent. Run as `ubuntu` on the control plane. */
export const KUBEADM_INIT_SCRIPT = script("kubeadm-init.sh");
/** kubeadm join with the JoinConfiguration on stdin; idempotent. Run as `ubuntu` on a worker. */
export const KUBEADM_JOIN_SCRIPT = script("kubeadm-join.sh");
/** Prints a join command with a fresh bootstrap token: long enough for the workers to join, short enough to expire unused. */
export const JOIN_COMMAND_COMMAND = "sudo kubeadm token create --print-join-command --ttl 2h0m0s";
export const ADMIN_CONF_COMMAND = "sudo cat /etc/kubernetes/admin.conf";

const PREPARE_NODE = script("prepare-node.sh");
/** Writes and checks containerd's config; functions only, run by prepare-node.sh. */
export const CONTAINERD_CONFIG_FUNCTIONS = script("containerd-config.sh");

/** What the node preparation is given besides the release pins. */
export interface NodePreparation {
    /** Kernel modules the mesh needs on every node (Mesh.nodeKernelModules); loading one that is missing fails the node. */
    readonly kernelModules: readonly string[];
}

const KERNEL_MODULE = /^[a-z0-9_-]+$/;

/** The settings prepare-node.sh reads, by variable name. */
export function prepareNodeSettings(
    kubernetesVersion: string, release: KubeadmRelease, preparation: NodePreparation = { kernelModules: [] },
): Record<string, string> {
    const bad = preparation.kernelModules.find((m) => !KERNEL_MODULE.test(m));
    if (bad !== undefined) throw new Error(`kernel module ${JSON.stringify(bad)} is not a module name`);
    return {
        MESHBENCH_KUBERNETES_VERSION: kubernetesVersion,
        MESHBENCH_REPOSITORY_MINOR: release.repositoryMinor,
        MESHBENCH_PACKAGE_REVISION: release.packageRevision,
        MESHBENCH_CURRENT_KEY_MINORS: CURRENT_KEY_MINORS.join(" "),
        MESHBENCH_PAUSE_IMAGE: release.pauseImage,
        MESHBENCH_CONTAINERD_VERSION: release.containerd.version,
        MESHBENCH_RUNC_VERSION: release.containerd.runcVersion,
        MESHBENCH_KERNEL_MODULES: preparation.kernelModules.join(" "),
        MESHBENCH_CNI_PLUGINS_VERSION: release.cniPluginsVersion,
        MESHBENCH_CRICTL_VERSION: release.crictlVersion,
    };
}

/** The instance's user data: a shell script cloud-init runs once, as root, at first boot. */
export const buildUserData = (kubernetesVersion: string, release: KubeadmRelease, preparation?: NodePreparation): string =>
    renderUserData("cluster/vms/scripts/prepare-node.sh after containerd-config.sh",
        [CONTAINERD_CONFIG_FUNCTIONS, PREPARE_NODE], prepareNodeSettings(kubernetesVersion, release, preparation));

/** What await-node.sh printed: how Kubernetes was installed, and the kernel. */
export interface PreparedNode {
    readonly install: string;
    readonly kernel: string;
}

export function parsePreparedNode(stdout: string): PreparedNode | undefined {
    const m = stdout.match(/^MESHBENCH-NODE install=(.+) kernel=(\S+)$/m);
    return m ? { install: m[1], kernel: m[2] } : undefined;
}

/** A short digest of a script, for triggers: changing a step's script reruns the step. */
export const scriptDigest = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** The container runtime as the results record it: the pinned release and where it came from. */
export const containerdProvenance = (pin: ContainerdPin): string =>
    `containerd v${pin.version} (release tarball from github.com/containerd/containerd, SHA-256 checked), runc ${pin.runcVersion}`;

/** What the kubelet reports as its runtime when the pinned containerd runs (node status containerRuntimeVersion). */
export const expectedContainerRuntime = (pin: ContainerdPin): string => `containerd://${pin.version}`;
