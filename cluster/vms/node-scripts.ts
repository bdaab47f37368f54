// The shell scripts the nodes run, as the commands and user data that carry them. The
// scripts live in cluster/vms/scripts/*.sh, where shellcheck checks them; the user data is
// prepare-node.sh with its settings prepended, and is checked again as rendered.
import { createHash } from "crypto";
import * as path from "path";
import { readScript, renderUserData } from "../user-data";
import { CURRENT_KEY_MINORS, type KubeadmRelease } from "../versions";

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

/** The settings prepare-node.sh reads, by variable name. */
export function prepareNodeSettings(kubernetesVersion: string, release: KubeadmRelease): Record<string, string> {
    return {
        MESHBENCH_KUBERNETES_VERSION: kubernetesVersion,
        MESHBENCH_REPOSITORY_MINOR: release.repositoryMinor,
        MESHBENCH_PACKAGE_REVISION: release.packageRevision,
        MESHBENCH_CURRENT_KEY_MINORS: CURRENT_KEY_MINORS.join(" "),
        MESHBENCH_PAUSE_IMAGE: release.pauseImage,
        MESHBENCH_CNI_PLUGINS_VERSION: release.cniPluginsVersion,
        MESHBENCH_CRICTL_VERSION: release.crictlVersion,
    };
}

/** The instance's user data: a shell script cloud-init runs once, as root, at first boot. */
export const buildUserData = (kubernetesVersion: string, release: KubeadmRelease): string =>
    renderUserData("cluster/vms/scripts/prepare-node.sh", PREPARE_NODE, prepareNodeSettings(kubernetesVersion, release));

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
