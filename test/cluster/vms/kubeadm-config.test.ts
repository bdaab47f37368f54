import * as assert from "assert";
import { parseAllDocuments, parse } from "yaml";
import { roleLabels, roleTaints } from "../../../cluster/node-roles";
import { KUBEADM_RELEASES } from "../../../cluster/versions";
import {
    buildKubeadmInitConfig, buildKubeadmJoinConfig, kubeconfigForEndpoint, parseJoinCommand,
} from "../../../cluster/vms/kubeadm-config";
import { MOCK_ADMIN_CONF, MOCK_ADMIN_KEY, MOCK_JOIN_TOKEN, MOCK_REMOTE_STDOUT } from "../../helpers/cloud-mocks";

const API = KUBEADM_RELEASES["1.29"].kubeadmApiVersion;
const initConfig = buildKubeadmInitConfig({
    apiVersion: API,
    kubernetesVersion: "1.29.1",
    node: { name: "control-plane", labels: { ...roleLabels("system"), "topology.kubernetes.io/zone": "us-east-1a" }, taints: roleTaints("system") },
    privateIp: "10.20.0.10",
    publicIp: "198.51.100.10",
    podCidr: "10.244.0.0/16",
    serviceCidr: "10.96.0.0/12",
});
const documents = parseAllDocuments(initConfig).map((d) => {
    assert.deepStrictEqual(d.errors, []);
    return d.toJS();
});
const byKind = (kind: string) => documents.find((d) => d.kind === kind);

describe("kubeadm init config", () => {
    it("is three YAML documents: InitConfiguration and ClusterConfiguration in v1beta3, and a KubeletConfiguration", () => {
        assert.deepStrictEqual(documents.map((d) => `${d.apiVersion} ${d.kind}`), [
            "kubeadm.k8s.io/v1beta3 InitConfiguration",
            "kubeadm.k8s.io/v1beta3 ClusterConfiguration",
            "kubelet.config.k8s.io/v1beta1 KubeletConfiguration",
        ]);
    });

    it("asks for exactly v1.29.1, with the pod and Service networks", () => {
        const cluster = byKind("ClusterConfiguration");
        assert.strictEqual(cluster.kubernetesVersion, "v1.29.1");
        assert.deepStrictEqual(cluster.networking, { podSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/12", dnsDomain: "cluster.local" });
    });

    it("puts the public and private addresses in the API server certificate and advertises the private one", () => {
        assert.deepStrictEqual(byKind("ClusterConfiguration").apiServer.certSANs, ["198.51.100.10", "10.20.0.10"]);
        assert.deepStrictEqual(byKind("InitConfiguration").localAPIEndpoint, { advertiseAddress: "10.20.0.10", bindPort: 6443 });
    });

    it("registers the control plane untainted, with its labels, on containerd", () => {
        const registration = byKind("InitConfiguration").nodeRegistration;
        assert.strictEqual(registration.name, "control-plane");
        assert.strictEqual(registration.criSocket, "unix:///run/containerd/containerd.sock");
        assert.deepStrictEqual(registration.taints, [], "an explicit empty list: kubeadm would taint it otherwise");
        assert.strictEqual(registration.kubeletExtraArgs["node-labels"], "meshbench.io/role=system,topology.kubernetes.io/zone=us-east-1a");
    });

    it("gives the kubelet the systemd cgroup driver, as containerd is configured", () => {
        assert.strictEqual(byKind("KubeletConfiguration").cgroupDriver, "systemd");
    });
});

describe("kubeadm join", () => {
    const credentials = parseJoinCommand(MOCK_REMOTE_STDOUT["join-command"]);

    it("reads the endpoint, token and CA hash from the printed join command", () => {
        assert.deepStrictEqual(credentials, {
            apiServerEndpoint: "10.20.0.10:6443", token: MOCK_JOIN_TOKEN, caCertHash: `sha256:${"5".repeat(64)}`,
        });
    });

    it("refuses anything else without repeating it, since it may hold a token", () => {
        const printed = `kubeadm join 10.20.0.10:6443 --token ${MOCK_JOIN_TOKEN}`;
        assert.throws(() => parseJoinCommand(printed), (e: Error) => !e.message.includes(MOCK_JOIN_TOKEN) && /printed no join command/.test(e.message));
    });

    it("renders a v1beta3 JoinConfiguration with the node's name, labels and taint", () => {
        const join = parse(buildKubeadmJoinConfig(API, credentials, {
            name: "client-1", labels: roleLabels("client"), taints: roleTaints("client"),
        }));
        assert.strictEqual(join.apiVersion, "kubeadm.k8s.io/v1beta3");
        assert.strictEqual(join.kind, "JoinConfiguration");
        assert.deepStrictEqual(join.discovery.bootstrapToken, {
            apiServerEndpoint: "10.20.0.10:6443", token: MOCK_JOIN_TOKEN, caCertHashes: [`sha256:${"5".repeat(64)}`],
        });
        assert.strictEqual(join.nodeRegistration.name, "client-1");
        assert.deepStrictEqual(join.nodeRegistration.taints, [{ key: "meshbench.io/role", value: "client", effect: "NoSchedule" }]);
        assert.strictEqual(join.nodeRegistration.kubeletExtraArgs["node-labels"], "meshbench.io/role=client");
    });
});

describe("admin kubeconfig", () => {
    it("points at the public endpoint and keeps the credentials", () => {
        const config = parse(kubeconfigForEndpoint(MOCK_ADMIN_CONF, "198.51.100.10"));
        assert.strictEqual(config.clusters[0].cluster.server, "https://198.51.100.10:6443");
        assert.strictEqual(config.users[0].user["client-key-data"], MOCK_ADMIN_KEY);
        assert.strictEqual(config["current-context"], "kubernetes-admin@meshbench");
    });

    it("refuses output that is not a kubeconfig, without quoting it", () => {
        for (const bad of ["", "cat: /etc/kubernetes/admin.conf: No such file or directory", `users: [{user: {token: ${MOCK_ADMIN_KEY}}}]`]) {
            assert.throws(() => kubeconfigForEndpoint(bad, "198.51.100.10"),
                (e: Error) => /not a kubeconfig with a cluster/.test(e.message) && !e.message.includes(MOCK_ADMIN_KEY));
        }
    });
});
