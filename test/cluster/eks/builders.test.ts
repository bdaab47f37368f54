import * as assert from "assert";
import { spawnSync } from "child_process";
import { parse } from "yaml";
import { buildGp3StorageClass } from "../../../cluster/eks/addons";
import { buildEksKubeconfig } from "../../../cluster/eks/kubeconfig";
import { buildEksUserData } from "../../../cluster/eks/node-groups";
import { validateKubeObject } from "../../helpers/schema";

const endpoint = { clusterName: "cluster-eks-1a2b3c4", endpoint: "https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com", certificateAuthority: "bWVzaGJlbmNoLW1vY2stZWtzLWNh" };
const SERVICE_CIDR = "10.100.0.0/16";

describe("eks kubeconfig", () => {
    const config = parse(buildEksKubeconfig({ ...endpoint, region: "us-east-1" }));

    it("names the cluster's endpoint and CA", () => {
        assert.deepStrictEqual(config.clusters, [{ name: endpoint.clusterName, cluster: { server: endpoint.endpoint, "certificate-authority-data": endpoint.certificateAuthority } }]);
        assert.strictEqual(config["current-context"], endpoint.clusterName);
    });

    it("gets a token from `aws eks get-token` instead of holding a credential", () => {
        assert.deepStrictEqual(config.users[0].user, {
            exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "aws",
                args: ["--region", "us-east-1", "eks", "get-token", "--cluster-name", endpoint.clusterName, "--output", "json"],
            },
        });
    });

    it("asks for the token as aws:profile, when the stack sets it, so that it is the identity with the access entry", () => {
        const withProfile = parse(buildEksKubeconfig({ ...endpoint, region: "us-east-1", awsProfile: "bench" }));
        assert.deepStrictEqual(withProfile.users[0].user.exec.env, [{ name: "AWS_PROFILE", value: "bench" }]);
        assert.strictEqual(config.users[0].user.exec.env, undefined, "no env without aws:profile: the CLI's own defaults apply");
    });
});

describe("eks node user data", () => {
    const server = buildEksUserData({ ...endpoint, serviceCidr: SERVICE_CIDR, role: "server" });
    const system = buildEksUserData({ ...endpoint, serviceCidr: SERVICE_CIDR, role: "system" });

    it("passes shellcheck as rendered", () => {
        for (const userData of [server, system]) {
            const run = spawnSync("shellcheck", ["--shell=sh", "--severity=style", "-"], { input: userData });
            assert.strictEqual(run.status, 0, run.stdout.toString());
        }
    });

    it("runs the AMI's bootstrap for this cluster, registering the role's label and taint", () => {
        assert.match(server, /^exec \/etc\/eks\/bootstrap\.sh "\$MESHBENCH_CLUSTER_NAME" \\$/m);
        assert.match(server, /^MESHBENCH_CLUSTER_NAME=cluster-eks-1a2b3c4$/m);
        assert.match(server, /^MESHBENCH_API_SERVER=https:\/\/0123456789ABCDEF\.gr7\.us-east-1\.eks\.amazonaws\.com$/m);
        assert.match(server, /^MESHBENCH_NODE_LABELS=meshbench\.io\/role=server$/m);
        assert.match(server, /^MESHBENCH_NODE_TAINTS=meshbench\.io\/role=server:NoSchedule$/m);
        assert.match(system, /^MESHBENCH_NODE_TAINTS=''$/m, "the system node is not tainted");
        assert.match(server, /^MESHBENCH_DNS_CLUSTER_IP=10\.100\.0\.10$/m, "the cluster DNS: the 10th address of the Service range");
    });

    it("gives the kubelet the taint only when there is one", () => {
        const run = (userData: string) => spawnSync("sh", ["-c", `${userData.replace(/^exec \/etc\/eks\/bootstrap\.sh/m, "printf '%s\\n'")}`], {
            env: { PATH: `/nonexistent:${process.env.PATH}` },
        });
        // systemctl may be missing or refuse here; the script tolerates either.
        const serverArgs = run(server).stdout.toString().trim().split("\n");
        assert.deepStrictEqual(serverArgs.slice(-1), ["--node-labels=meshbench.io/role=server --register-with-taints=meshbench.io/role=server:NoSchedule"]);
        assert.deepStrictEqual(run(system).stdout.toString().trim().split("\n").slice(-1), ["--node-labels=meshbench.io/role=system"]);
        assert.deepStrictEqual(serverArgs.slice(0, 7), [endpoint.clusterName, "--apiserver-endpoint", endpoint.endpoint,
            "--b64-cluster-ca", endpoint.certificateAuthority, "--dns-cluster-ip", "10.100.0.10"]);
    });
});

describe("eks storage", () => {
    it("makes a default gp3 StorageClass on the EBS CSI driver that validates against the schema", () => {
        const storageClass = buildGp3StorageClass();
        validateKubeObject(storageClass as { apiVersion: string; kind: string });
        assert.strictEqual(storageClass.provisioner, "ebs.csi.aws.com");
        assert.strictEqual(storageClass.parameters?.type, "gp3");
        assert.strictEqual(storageClass.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"], "true");
        assert.strictEqual(storageClass.volumeBindingMode, "WaitForFirstConsumer");
    });
});
