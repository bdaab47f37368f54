// Stack config of target vms, as parseConfig sees it at preview: the exact messages.
import * as assert from "assert";
import { parseConfig, type StackContext } from "../../../config";
import { MOCK_SSH_PRIVATE_KEY } from "../../helpers/cloud-mocks";
import { configProblems } from "../../helpers/config";

const VMS = { target: "vms", operatorCidr: "203.0.113.7/32" };
const CONTEXT: StackContext = { awsRegion: "us-east-1" };

const problemsOf = (raw: Record<string, string>, context: StackContext = CONTEXT): string[] => configProblems(raw, context);

describe("config, target vms", () => {
    it("accepts the defaults: Kubernetes 1.29.1, no pinned zone or AMI, a generated SSH key", () => {
        const { cluster } = parseConfig(VMS, CONTEXT);
        assert.strictEqual(cluster.target, "vms");
        assert.strictEqual(cluster.kubernetesVersion, "1.29.1");
        assert.strictEqual(cluster.awsRegion, "us-east-1");
        for (const key of ["availabilityZone", "amiId", "sshPrivateKey", "podCidr", "serverNodeCount"] as const) {
            assert.strictEqual(cluster[key], undefined, key);
        }
    });

    it("is the default target", () => {
        assert.strictEqual(parseConfig({ operatorCidr: "203.0.113.7/32" }, CONTEXT).cluster.target, "vms");
    });

    it("accepts 1.29.15, the last 1.29 patch (pkgs.k8s.io offers 1.29.15-1.1)", () => {
        assert.deepStrictEqual(problemsOf({ ...VMS, kubernetesVersion: "1.29.15" }), []);
        assert.strictEqual(parseConfig({ ...VMS, kubernetesVersion: "1.29.15" }, CONTEXT).cluster.kubernetesVersion, "1.29.15");
    });

    it("accepts every vms key", () => {
        const { cluster } = parseConfig({
            ...VMS, kubernetesVersion: "1.29.14", availabilityZone: "us-east-1c", systemInstanceType: "m6i.2xlarge",
            serverInstanceType: "c6i.8xlarge", clientInstanceType: "c6in.4xlarge", serverNodeCount: "2", clientNodeCount: "1",
            amiId: "ami-0123456789abcdef0", podCidr: "10.32.0.0/16", sshPrivateKey: MOCK_SSH_PRIVATE_KEY,
        }, { ...CONTEXT, isSecret: (key) => key === "sshPrivateKey" });
        assert.strictEqual(cluster.serverNodeCount, 2);
        assert.strictEqual(cluster.availabilityZone, "us-east-1c");
    });

    const badInputs: [string, Record<string, string>, StackContext, string[]][] = [
        ["no operatorCidr", { target: "vms" }, CONTEXT, [
            "meshbench:operatorCidr: not set; allowed: the IPv4 CIDR you run pulumi from, such as 203.0.113.7/32 (target vms opens SSH and the Kubernetes API only to it; there is no default)"]],
        ["a malformed operatorCidr", { ...VMS, operatorCidr: "203.0.113/32" }, CONTEXT, [
            'meshbench:operatorCidr: got "203.0.113/32"; allowed: an IPv4 CIDR such as 203.0.113.7/32']],
        ["the whole internet", { ...VMS, operatorCidr: "0.0.0.0/0" }, CONTEXT, [
            'meshbench:operatorCidr: got "0.0.0.0/0"; allowed: a CIDR narrower than the whole internet, such as 203.0.113.7/32: it is the only source allowed to reach SSH and the Kubernetes API']],
        ["host bits in operatorCidr", { ...VMS, operatorCidr: "203.0.113.7/24" }, CONTEXT, [
            'meshbench:operatorCidr: got "203.0.113.7/24"; allowed: a CIDR without host bits, such as 203.0.113.0/24']],
        ["no region", VMS, {}, [
            "aws:region: not set; allowed: an AWS region such as us-east-1 (target vms makes its cluster there: pulumi config set aws:region us-east-1)"]],
        ["a region with a zone letter", VMS, { awsRegion: "us-east-1a" }, [
            'aws:region: got "us-east-1a"; allowed: an AWS region such as us-east-1']],
        ["a zone of another region", { ...VMS, availabilityZone: "eu-west-1a" }, CONTEXT, [
            'meshbench:availabilityZone: got "eu-west-1a"; allowed: an availability zone of aws:region us-east-1, such as us-east-1a']],
        ["Kubernetes 1.30", { ...VMS, kubernetesVersion: "1.30.2" }, CONTEXT, [
            'meshbench:kubernetesVersion: got "1.30.2"; allowed: 1.29.0 to 1.29.15 on target vms (its package repository, pause image and kubeadm config API are pinned per minor in cluster/versions.ts)']],
        ["a minor version (that is for eks)", { ...VMS, kubernetesVersion: "1.29" }, CONTEXT, [
            'meshbench:kubernetesVersion: got "1.29"; allowed: 1.29.0 to 1.29.15 on target vms (its package repository, pause image and kubeadm config API are pinned per minor in cluster/versions.ts)']],
        ["a 1.29 patch that never existed", { ...VMS, kubernetesVersion: "1.29.16" }, CONTEXT, [
            'meshbench:kubernetesVersion: got "1.29.16"; allowed: 1.29.0 to 1.29.15 on target vms (its package repository, pause image and kubeadm config API are pinned per minor in cluster/versions.ts)']],
        ["a pod network inside the VPC", { ...VMS, podCidr: "10.20.128.0/17" }, CONTEXT, [
            'meshbench:podCidr: got "10.20.128.0/17"; allowed: a range that does not overlap the VPC (10.20.0.0/16)']],
        ["a pod network over the Services", { ...VMS, podCidr: "10.96.0.0/16" }, CONTEXT, [
            'meshbench:podCidr: got "10.96.0.0/16"; allowed: a range that does not overlap the Service network (10.96.0.0/12)']],
        ["a pod network too small for the nodes", { ...VMS, podCidr: "10.244.0.0/24" }, CONTEXT, [
            'meshbench:podCidr: got "10.244.0.0/24"; allowed: a prefix from /8 to /20: each node takes a /24 of it']],
        ["a Graviton instance type", { ...VMS, clientInstanceType: "c7g.4xlarge" }, CONTEXT, [
            'meshbench:clientInstanceType: got "c7g.4xlarge"; allowed: an x86_64 instance type such as c6i.4xlarge (the nodes run the amd64 Ubuntu AMI; Graviton types are arm64)']],
        ["an instance type that is no type", { ...VMS, serverInstanceType: "large" }, CONTEXT, [
            'meshbench:serverInstanceType: got "large"; allowed: an EC2 instance type such as c6i.4xlarge']],
        ["six server nodes", { ...VMS, serverNodeCount: "6" }, CONTEXT, [
            'meshbench:serverNodeCount: got "6"; allowed: an integer from 1 to 5']],
        ["an AMI that is no AMI ID", { ...VMS, amiId: "ubuntu-22.04" }, CONTEXT, [
            'meshbench:amiId: got "ubuntu-22.04"; allowed: an AMI ID such as ami-0123456789abcdef0']],
        ["a key of target kubeconfig", { ...VMS, kubeContext: "kind-kind" }, CONTEXT, [
            "meshbench:kubeContext: applies only to target kubeconfig, not vms; remove it (pulumi config rm kubeContext) or change target"]],
        ["an SSH key stored in plain text", { ...VMS, sshPrivateKey: MOCK_SSH_PRIVATE_KEY }, { ...CONTEXT, isSecret: () => false }, [
            "meshbench:sshPrivateKey: the value is stored in plain text; allowed: only a value stored encrypted (pulumi config rm sshPrivateKey, then pulumi config set --secret sshPrivateKey ...)"]],
        ["an SSH key that is no OpenSSH key", { ...VMS, sshPrivateKey: "-----BEGIN RSA PRIVATE KEY-----\nMIIsecretbits\n-----END RSA PRIVATE KEY-----" },
            { ...CONTEXT, isSecret: () => true }, [
                `meshbench:sshPrivateKey: got "(secret, not shown)"; allowed: an unencrypted OpenSSH private key (ssh-keygen -t ed25519 -N '' writes one)`]],
    ];

    for (const [what, raw, context, messages] of badInputs) {
        it(`refuses ${what}`, () => {
            assert.deepStrictEqual(problemsOf(raw, context), messages);
        });
    }

    it("never repeats a secret's value in a message", () => {
        const problems = problemsOf({ ...VMS, sshPrivateKey: "MIIsecretbits" }, { ...CONTEXT, isSecret: () => false });
        assert.strictEqual(problems.length, 2, "stored in plain text, and not an OpenSSH key");
        assert.ok(problems.every((p) => !p.includes("MIIsecretbits")), problems.join("\n"));
    });

    it("refuses the vms keys on target kubeconfig", () => {
        assert.deepStrictEqual(problemsOf({ target: "kubeconfig", podCidr: "10.244.0.0/16", serverNodeCount: "2", operatorCidr: "203.0.113.7/32" }), [
            "meshbench:operatorCidr: applies only to target vms and eks, not kubeconfig; remove it (pulumi config rm operatorCidr) or change target",
            "meshbench:serverNodeCount: applies only to target vms and eks, not kubeconfig; remove it (pulumi config rm serverNodeCount) or change target",
            "meshbench:podCidr: applies only to target vms, not kubeconfig; remove it (pulumi config rm podCidr) or change target",
        ]);
    });
});
