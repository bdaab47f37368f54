// kubeadm's inputs and outputs as plain data: the init and join configs it is given
// (kubeadm.k8s.io/v1beta3, the only config API kubeadm 1.29 knows), the join command it
// prints, and the admin kubeconfig it writes. No resources here; tests call these directly.
import type { Taint } from "kubernetes-types/core/v1";
import { parseAllDocuments, stringify } from "yaml";
import { nodeLabelsFlag } from "../node-roles";

export const API_SERVER_PORT = 6443;
const CRI_SOCKET = "unix:///run/containerd/containerd.sock";

/** What one node registers as. */
export interface NodeRegistration {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly taints: readonly Taint[];
}

function nodeRegistration(node: NodeRegistration): Record<string, unknown> {
    return {
        name: node.name,
        criSocket: CRI_SOCKET,
        // Explicit even when empty: kubeadm taints a control-plane node unless told otherwise,
        // and meshbench's system node must take the add-ons and mesh control planes.
        taints: node.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
        kubeletExtraArgs: { "node-labels": nodeLabelsFlag(node.labels) },
    };
}

export interface InitConfigInputs {
    /** kubeadm config API, e.g. kubeadm.k8s.io/v1beta3 (cluster/versions.ts). */
    readonly apiVersion: string;
    /** Without the leading v, e.g. 1.29.1. */
    readonly kubernetesVersion: string;
    readonly node: NodeRegistration;
    readonly privateIp: string;
    /** Put into the API server's certificate, so that the operator can use the public endpoint. */
    readonly publicIp: string;
    readonly podCidr: string;
    readonly serviceCidr: string;
}

/** The control plane's config: InitConfiguration, ClusterConfiguration and KubeletConfiguration. */
export function buildKubeadmInitConfig(inputs: InitConfigInputs): string {
    const documents = [
        {
            apiVersion: inputs.apiVersion,
            kind: "InitConfiguration",
            localAPIEndpoint: { advertiseAddress: inputs.privateIp, bindPort: API_SERVER_PORT },
            nodeRegistration: nodeRegistration(inputs.node),
        },
        {
            apiVersion: inputs.apiVersion,
            kind: "ClusterConfiguration",
            clusterName: "meshbench",
            kubernetesVersion: `v${inputs.kubernetesVersion}`,
            apiServer: { certSANs: [inputs.publicIp, inputs.privateIp] },
            networking: { podSubnet: inputs.podCidr, serviceSubnet: inputs.serviceCidr, dnsDomain: "cluster.local" },
        },
        {
            apiVersion: "kubelet.config.k8s.io/v1beta1",
            kind: "KubeletConfiguration",
            // Matches containerd's SystemdCgroup = true (prepare-node.sh); Ubuntu 22.04 runs cgroup v2.
            cgroupDriver: "systemd",
        },
    ];
    return documents.map((d) => stringify(d)).join("---\n");
}

/** The parts of `kubeadm token create --print-join-command` a JoinConfiguration needs. Secret. */
export interface JoinCredentials {
    readonly apiServerEndpoint: string;
    readonly token: string;
    readonly caCertHash: string;
}

const JOIN_COMMAND =
    /kubeadm join (\S+:\d+) --token ([a-z0-9]{6}\.[a-z0-9]{16}) +--discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})/;

/** Parses the printed join command; the error never quotes it, since it holds a token. */
export function parseJoinCommand(stdout: string): JoinCredentials {
    const m = stdout.match(JOIN_COMMAND);
    if (!m) {
        throw new Error("kubeadm token create --print-join-command printed no join command " +
            "of the form: kubeadm join <host:port> --token <token> --discovery-token-ca-cert-hash sha256:<hash>");
    }
    return { apiServerEndpoint: m[1], token: m[2], caCertHash: m[3] };
}

/** A worker's config: where the API server is, how to trust it, and what the node registers as. */
export function buildKubeadmJoinConfig(apiVersion: string, credentials: JoinCredentials, node: NodeRegistration): string {
    return stringify({
        apiVersion,
        kind: "JoinConfiguration",
        discovery: {
            bootstrapToken: {
                apiServerEndpoint: credentials.apiServerEndpoint,
                token: credentials.token,
                caCertHashes: [credentials.caCertHash],
            },
        },
        nodeRegistration: nodeRegistration(node),
    });
}

/**
 * The admin kubeconfig kubeadm wrote, pointed at the control plane's public address:
 * kubeadm names the private one, which only the nodes can reach. The certificate covers
 * both (certSANs above).
 */
export function kubeconfigForEndpoint(adminConf: string, publicIp: string): string {
    const [doc, ...rest] = parseAllDocuments(adminConf);
    const config = doc?.toJS() as { clusters?: { cluster?: { server?: string } }[] } | undefined;
    if (!config?.clusters?.length || rest.length > 0 || doc.errors.length > 0) {
        throw new Error("/etc/kubernetes/admin.conf on the control plane is not a kubeconfig with a cluster");
    }
    for (const entry of config.clusters) {
        if (!entry.cluster?.server) throw new Error("/etc/kubernetes/admin.conf names a cluster without a server");
        entry.cluster.server = `https://${publicIp}:${API_SERVER_PORT}`;
    }
    return stringify(config);
}
