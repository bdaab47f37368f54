// MOCK DATA. What AWS, the TLS provider and the nodes would answer, for the program tests
// of the targets that make clusters. Only values the engine computes live here (IDs, IPs,
// what a remote command printed); everything else is the program's own input, echoed by
// the mock monitor. The values are made up in the shapes AWS and kubeadm use; none names
// a real resource, and the keys are not real keys.
import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";

const targetFixture = (target: string) => (name: string): string =>
    fs.readFileSync(path.join(__dirname, "..", "fixtures", target, name), "utf8");
const vmsFixture = targetFixture("vms");
const eksFixture = targetFixture("eks");

/** The AMI Canonical's SSM parameters name in these mocks, by parameter. */
export const MOCK_SSM_AMIS: Readonly<Record<string, string>> = {
    "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id": "ami-0c7217cdde317cfec",
    "/aws/service/canonical/ubuntu/eks/22.04/1.32/stable/current/amd64/hvm/ebs-gp2/ami-id": "ami-0e1c5d2fa0b4e1c32",
    "/aws/service/canonical/ubuntu/eks/22.04/1.33/stable/current/amd64/hvm/ebs-gp2/ami-id": "ami-0e1c5d2fa0b4e1c33",
};

/** MOCK: AMIs by ID, as DescribeImages would describe them. */
export const MOCK_AMIS: Readonly<Record<string, { name: string; architecture: string; ownerId: string }>> = {
    "ami-0c7217cdde317cfec": { name: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207.1", architecture: "x86_64", ownerId: "099720109477" },
    "ami-0123456789abcdef0": { name: "meshbench-golden-jammy-k8s-1.29.1", architecture: "x86_64", ownerId: "111122223333" },
    "ami-0e1c5d2fa0b4e1c32": { name: "ubuntu-eks/k8s_1.32/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20251103", architecture: "x86_64", ownerId: "099720109477" },
    "ami-0e1c5d2fa0b4e1c33": { name: "ubuntu-eks/k8s_1.33/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20251103", architecture: "x86_64", ownerId: "099720109477" },
    "ami-0fedcba9876543210": { name: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-20240207.1", architecture: "arm64", ownerId: "099720109477" },
};

/** MOCK: zones of every region; zone "e" offers no c6i (as us-east-1e, an older zone, does not). */
const MOCK_ZONE_LETTERS = ["a", "b", "c", "d", "e", "f"];

export const MOCK_SSH_PRIVATE_KEY =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nbWVzaGJlbmNoLW1vY2stc3NoLWtleS1ub3QtYS1yZWFsLWtleQ==\n-----END OPENSSH PRIVATE KEY-----\n";
export const MOCK_SSH_PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG1lc2hiZW5jaC1tb2NrLXB1YmxpYy1rZXk= meshbench-mock";
export const MOCK_JOIN_TOKEN = "abcdef.0123456789abcdef";
export const MOCK_ADMIN_CONF = vmsFixture("admin.conf");
/** The secret part of the admin kubeconfig above, to look for where it must not be. */
export const MOCK_ADMIN_KEY = "bWVzaGJlbmNoLW1vY2stYWRtaW4ta2V5LW5vdC1hLXJlYWwtc2VjcmV0";
export const MOCK_KERNEL = "6.5.0-1014-aws";

/** MOCK: what each kind of remote step printed, by the suffix of its resource name. */
export const MOCK_REMOTE_STDOUT: Readonly<Record<string, string>> = {
    prepared: `MESHBENCH-NODE install=packages pkgs.k8s.io 1.29.1-1.1 kernel=${MOCK_KERNEL}\n`,
    "kubeadm-init": "kubeadm init: done\n",
    "join-command": `kubeadm join 10.20.0.10:6443 --token ${MOCK_JOIN_TOKEN} --discovery-token-ca-cert-hash sha256:${"5".repeat(64)} \n`,
    join: "kubeadm join: done\n",
    "admin-conf": MOCK_ADMIN_CONF,
};

/** MOCK: the add-on version DescribeAddonVersions would name as default, by add-on and Kubernetes minor. */
export const mockAddonVersion = (addon: string, minor: string): string =>
    ({ "vpc-cni": "v1.19.5-eksbuild.1", "kube-proxy": `v${minor}.3-eksbuild.2`, coredns: "v1.11.4-eksbuild.10", "aws-ebs-csi-driver": "v1.44.0-eksbuild.1" })[addon] ?? "unknown";

/** MOCK: what EKS reports for a new cluster. */
export const MOCK_EKS = {
    endpoint: "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com",
    certificateAuthority: "bWVzaGJlbmNoLW1vY2stZWtzLWNh",
    clusterSecurityGroupId: "sg-0c1a2b3c4d5e6f708",
    platformVersion: "eks.15",
};

/** MOCK: kubectl steps on an eks cluster, whose nodes EKS names. */
export const EKS_STEP_STDOUT = {
    "node-facts": eksFixture("node-facts.txt"),
    facts: eksFixture("cluster-facts.txt"),
};

/** MOCK: kubectl steps on a vms cluster: the cluster's node query, then the load test's facts. */
export const VMS_STEP_STDOUT = {
    "node-facts": vmsFixture("node-facts.txt"),
    facts: vmsFixture("cluster-facts.txt"),
};

let instances = 0;

/** Outputs the engine would compute for a new resource; {} when the inputs say it all. */
export function mockComputedOutputs(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    switch (args.type) {
        case "aws:ec2/instance:Instance": {
            instances += 1;
            return { publicIp: `198.51.100.${10 + (instances % 200)}`, privateIp: `10.20.0.${10 + (instances % 200)}`, arn: `arn:aws:ec2:mock:instance/${args.name}` };
        }
        case "tls:index/privateKey:PrivateKey":
            return { privateKeyOpenssh: MOCK_SSH_PRIVATE_KEY, publicKeyOpenssh: MOCK_SSH_PUBLIC_KEY };
        case "aws:ec2/keyPair:KeyPair":
            return { keyName: `${args.name}-mock` };
        case "aws:ec2/placementGroup:PlacementGroup":
            return { name: `${args.name}-mock` };
        case "aws:iam/role:Role":
            return { name: `${args.name}-mock`, arn: `arn:aws:iam::123456789012:role/${args.name}-mock` };
        case "aws:eks/cluster:Cluster":
            return {
                name: `${args.name}-mock`, arn: `arn:aws:eks:mock:cluster/${args.name}-mock`,
                endpoint: MOCK_EKS.endpoint, platformVersion: MOCK_EKS.platformVersion,
                certificateAuthority: { data: MOCK_EKS.certificateAuthority },
                vpcConfig: { ...args.inputs.vpcConfig, clusterSecurityGroupId: MOCK_EKS.clusterSecurityGroupId },
            };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: 1 };
        case "command:remote:Command": {
            const suffix = Object.keys(MOCK_REMOTE_STDOUT).find((s) => args.name.endsWith(`-${s}`));
            if (!suffix) throw new Error(`mock: no stdout for remote step ${args.name}`);
            return { stdout: MOCK_REMOTE_STDOUT[suffix], stderr: "" };
        }
        default:
            return {};
    }
}

function mockZoneOfferings(region: string, types: string[]) {
    const locations: string[] = [];
    const instanceTypes: string[] = [];
    for (const letter of MOCK_ZONE_LETTERS) {
        for (const type of types.filter((t) => !(letter === "e" && t.startsWith("c6i.")))) {
            locations.push(`${region}${letter}`);
            instanceTypes.push(type);
        }
    }
    return { locations, instanceTypes, locationTypes: ["availability-zone"], region, id: region };
}

/** Answers to the invokes the cluster targets make; undefined for any other invoke. */
export function mockInvoke(args: pulumi.runtime.MockCallArgs, region: string): Record<string, unknown> | undefined {
    switch (args.token) {
        case "aws:ssm/getParameter:getParameter": {
            const ami = MOCK_SSM_AMIS[args.inputs.name];
            if (!ami) throw new Error(`mock: no SSM parameter ${args.inputs.name}`);
            return { ...args.inputs, type: "String", value: ami, insecureValue: ami, arn: `arn:aws:ssm:${region}::parameter${args.inputs.name}`, version: 1 };
        }
        case "aws:ec2/getAmi:getAmi": {
            const id = (args.inputs.filters as { name: string; values: string[] }[]).find((f) => f.name === "image-id")?.values[0];
            const ami = id ? MOCK_AMIS[id] : undefined;
            if (!id || !ami) throw new Error(`mock: Your query returned no results (image-id ${id})`);
            return { ...args.inputs, id, imageId: id, ...ami };
        }
        case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
            const types = (args.inputs.filters as { name: string; values: string[] }[]).find((f) => f.name === "instance-type")?.values ?? [];
            return mockZoneOfferings(region, types);
        }
        case "aws:eks/getAddonVersion:getAddonVersion":
            return { ...args.inputs, id: args.inputs.addonName, version: mockAddonVersion(args.inputs.addonName, args.inputs.kubernetesVersion) };
        case "aws:index/getPartition:getPartition":
            return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        case "tls:index/getPublicKey:getPublicKey":
            return { ...args.inputs, publicKeyOpenssh: MOCK_SSH_PUBLIC_KEY, algorithm: "ED25519", id: "mock" };
        default:
            return undefined;
    }
}
