// The whole program under Pulumi's mocks with target eks. AWS's answers are mock data
// (test/helpers/cloud-mocks.ts); what is asserted is what meshbench decides.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import type { ClusterReport } from "../../../cluster/types";
import { supportType } from "../../../cluster/eks/validate";
import type { BenchmarkResults } from "../../../loadtest/results";
import { EKS_STEP_STDOUT, MOCK_EKS, MOCK_SSM_AMIS, mockAddonVersion } from "../../helpers/cloud-mocks";
import { DEFAULT_STEP_STDOUT, dependsOn, runProgram, named, ofType, type ProgramRun } from "../../helpers/mocks";
import { isSecretValue, secretValue } from "../../helpers/secrets";
import { validateKubeObject } from "../../helpers/schema";

const EKS_CONFIG = {
    target: "eks", "aws:region": "us-east-1", operatorCidr: "203.0.113.7/32",
    repetitions: "2", warmupSeconds: "1", wrkThreads: "2", wrkConnections: "2",
};
const EKS_STEPS = { "node-facts": EKS_STEP_STDOUT["node-facts"], ...DEFAULT_STEP_STDOUT, facts: EKS_STEP_STDOUT.facts };
const EKS_SSM_PATH = "/aws/service/canonical/ubuntu/eks/22.04/1.32/stable/current/amd64/hvm/ebs-gp2/ami-id";
const EKS_AMI = MOCK_SSM_AMIS[EKS_SSM_PATH];


describe("program, target eks, mesh none", function () {
    this.timeout(60_000);
    let run: ProgramRun;
    let results: BenchmarkResults;

    before(async () => {
        run = await runProgram(EKS_CONFIG, EKS_STEPS);
        results = run.outputs.results as BenchmarkResults;
        console.log(`      program evaluation under mocks, target eks: ${run.milliseconds.toFixed(0)} ms`);
    });

    it("creates an EKS cluster of version 1.32 with API authentication, its endpoint open only to operatorCidr", () => {
        const cluster = named(run, "cluster-eks").inputs;
        assert.strictEqual(cluster.version, "1.32");
        assert.deepStrictEqual(cluster.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
        assert.deepStrictEqual(cluster.vpcConfig.publicAccessCidrs, ["203.0.113.7/32"]);
        assert.strictEqual(cluster.vpcConfig.endpointPublicAccess, true);
        assert.strictEqual(cluster.vpcConfig.endpointPrivateAccess, true);
        assert.deepStrictEqual(cluster.vpcConfig.subnetIds, ["cluster-network-subnet-1-id", "cluster-network-subnet-2-id"]);
        assert.deepStrictEqual(cluster.upgradePolicy, { supportType: supportType("1.32", new Date()) });
        assert.strictEqual(cluster.bootstrapSelfManagedAddons, false);
        assert.strictEqual(cluster.roleArn, "arn:aws:iam::123456789012:role/cluster-cluster-role-mock");
    });

    it("gives the control plane and the nodes their roles, with AWS's managed policies", () => {
        const trust = (name: string) => JSON.parse(named(run, name).inputs.assumeRolePolicy).Statement[0].Principal.Service;
        assert.strictEqual(trust("cluster-cluster-role"), "eks.amazonaws.com");
        assert.strictEqual(trust("cluster-node-role"), "ec2.amazonaws.com");
        const attached = (role: string) => ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.inputs.role === `${role}-mock`).map((a) => a.inputs.policyArn).sort();
        assert.deepStrictEqual(attached("cluster-cluster-role"), ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
        assert.deepStrictEqual(attached("cluster-node-role"), [
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy", "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
        ]);
    });

    it("boots Canonical's Ubuntu 22.04 EKS AMI for 1.32, from its SSM parameter", () => {
        const ssm = run.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter").map((i) => i.inputs.name);
        assert.deepStrictEqual(ssm, [EKS_SSM_PATH]);
        assert.strictEqual(results.provenance.cluster.ami, EKS_AMI);
        assert.match(results.provenance.cluster.amiName, /^ubuntu-eks\/k8s_1\.32\/images\/hvm-ssd\/ubuntu-jammy-22\.04-amd64-server-/);
    });

    it("launches every node from a template with that AMI, IMDSv2 with hop limit 2, gp3 and the placement group", () => {
        const templates = ofType(run, "aws:ec2/launchTemplate:LaunchTemplate");
        assert.deepStrictEqual(templates.map((t) => [t.name, t.inputs.instanceType]).sort(),
            [["cluster-client", "c6i.4xlarge"], ["cluster-server", "c6i.4xlarge"], ["cluster-system", "c6i.2xlarge"]]);
        assert.strictEqual(named(run, "cluster-placement").inputs.strategy, "cluster");
        for (const t of templates) {
            assert.strictEqual(t.inputs.imageId, EKS_AMI);
            assert.deepStrictEqual(t.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 });
            assert.deepStrictEqual(t.inputs.placement, { groupName: "cluster-placement-mock" });
            assert.strictEqual(t.inputs.blockDeviceMappings[0].ebs.volumeType, "gp3");
            assert.deepStrictEqual(t.inputs.vpcSecurityGroupIds, ["cluster-network-nodes-id"]);
            const userData = Buffer.from(t.inputs.userData, "base64").toString();
            assert.match(userData, /^MESHBENCH_CLUSTER_NAME=cluster-eks-mock$/m);
            assert.match(userData, new RegExp(`^MESHBENCH_API_SERVER=${MOCK_EKS.endpoint.replace(/\./g, "\\.")}$`, "m"));
            assert.match(userData, /^exec \/etc\/eks\/bootstrap\.sh /m);
        }
    });

    it("runs one managed node group per role in one subnet, labelled and tainted like vms", () => {
        const groups = Object.fromEntries(ofType(run, "aws:eks/nodeGroup:NodeGroup").map((g) => [g.name, g.inputs]));
        assert.deepStrictEqual(Object.keys(groups).sort(), ["cluster-client", "cluster-server", "cluster-system"]);
        for (const role of ["system", "server", "client"]) {
            const group = groups[`cluster-${role}`];
            assert.deepStrictEqual(group.labels, { "meshbench.io/role": role });
            assert.deepStrictEqual(group.taints ?? [], role === "system" ? [] : [{ key: "meshbench.io/role", value: role, effect: "NO_SCHEDULE" }]);
            assert.deepStrictEqual(group.subnetIds, ["cluster-network-subnet-1-id"]);
            assert.deepStrictEqual(group.launchTemplate, { id: `cluster-${role}-id`, version: "1" });
            assert.deepStrictEqual(group.scalingConfig, { desiredSize: 1, minSize: 1, maxSize: 1 });
            const userData = Buffer.from(named(run, `cluster-${role}`).inputs.userData as string, "base64").toString();
            assert.match(userData, new RegExp(`^MESHBENCH_NODE_LABELS=meshbench\\.io/role=${role}$`, "m"));
        }
        const podSpec = (app: string) => ofType(run, "kubernetes:apps/v1:Deployment").find((d) => d.inputs.metadata.name === app)!.inputs.spec.template.spec;
        assert.deepStrictEqual(podSpec("http-server").nodeSelector, { "meshbench.io/role": "server" });
        assert.deepStrictEqual(podSpec("wrk-client").nodeSelector, { "meshbench.io/role": "client" });
        // The two subnets sit in two zones; the nodes' is the first.
        assert.deepStrictEqual(["cluster-network-subnet-1", "cluster-network-subnet-2"].map((s) => named(run, s).inputs.availabilityZone), ["us-east-1a", "us-east-1b"]);
    });

    it("installs vpc-cni, kube-proxy, coredns and the EBS CSI driver at the versions EKS names for 1.32, and a default gp3 StorageClass", () => {
        const addons = ofType(run, "aws:eks/addon:Addon").map((a) => [a.inputs.addonName, a.inputs.addonVersion, a.inputs.clusterName]);
        assert.deepStrictEqual(addons.sort(), ["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]
            .map((addon) => [addon, mockAddonVersion(addon, "1.32"), "cluster-eks-mock"]));
        const asked = run.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion");
        assert.ok(asked.every((i) => i.inputs.kubernetesVersion === "1.32" && i.inputs.mostRecent === false), "the default version for 1.32");
        const storageClass = ofType(run, "kubernetes:storage.k8s.io/v1:StorageClass")[0].inputs;
        validateKubeObject(storageClass as any);
        assert.strictEqual(storageClass.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
        assert.match(results.provenance.cluster.addons, /^vpc-cni v1\.19\.5-eksbuild\.1; kube-proxy v1\.32\.3-eksbuild\.2; coredns /);
    });

    it("lets the control plane reach the kubelet on the nodes, and no webhook port for mesh none, and nothing else in", () => {
        const rules = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.inputs);
        const fromControlPlane = rules.filter((r) => r.referencedSecurityGroupId === MOCK_EKS.clusterSecurityGroupId);
        assert.ok(fromControlPlane.every((r) => r.securityGroupId === "cluster-network-nodes-id" && r.ipProtocol === "tcp" && r.fromPort === r.toPort));
        assert.deepStrictEqual(fromControlPlane.map((r) => r.fromPort).sort((a, b) => a - b), [443, 10250]);
        const toApi = rules.filter((r) => r.securityGroupId === MOCK_EKS.clusterSecurityGroupId);
        assert.deepStrictEqual(toApi.map((r) => [r.referencedSecurityGroupId, r.fromPort]), [["cluster-network-nodes-id", 443]]);
        const others = rules.filter((r) => !fromControlPlane.includes(r) && !toApi.includes(r));
        assert.deepStrictEqual(others.map((r) => [r.securityGroupId, r.referencedSecurityGroupId, r.cidrIpv4]),
            [["cluster-network-nodes-id", "cluster-network-nodes-id", undefined]], "no SSH, no port open to any CIDR");
    });

    it("hands out a kubeconfig that is secret and asks `aws eks get-token` for credentials", async () => {
        const provider = ofType(run, "pulumi:providers:kubernetes")[0];
        assert.ok(isSecretValue(provider.inputs.kubeconfig));
        assert.strictEqual(provider.inputs.deleteUnreachable, "true");
        const kubeconfig = parse(secretValue(provider.inputs.kubeconfig));
        assert.strictEqual(kubeconfig.clusters[0].cluster.server, MOCK_EKS.endpoint);
        assert.deepStrictEqual(kubeconfig.users[0].user.exec.args, ["--region", "us-east-1", "eks", "get-token", "--cluster-name", "cluster-eks-mock", "--output", "json"]);
        assert.ok(await pulumi.isSecret(run.rawOutputs.kubeconfig as pulumi.Output<string>));
        for (const step of ofType(run, "command:local:Command")) assert.ok(isSecretValue(step.inputs.environment), step.name);
        for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.match(r.provider ?? "", /EksCluster\$pulumi:providers:kubernetes::cluster-provider::/, r.name);
        }
    });

    it("records the Kubernetes version EKS runs, so that no one takes the run for a 1.29 run", () => {
        assert.strictEqual(results.status, "ok", results.reasons.join("; "));
        assert.strictEqual(results.provenance.target, "eks");
        assert.deepStrictEqual(results.provenance.kubernetes, { requested: "1.32", running: ["v1.32.3"] });
        assert.strictEqual(results.provenance.cluster.eksVersion, "1.32");
        assert.strictEqual(results.provenance.cluster.eksPlatformVersion, MOCK_EKS.platformVersion);
        const report = run.outputs.clusterReport as ClusterReport;
        assert.deepStrictEqual(report.kubernetes, { requested: "1.32", running: ["v1.32.3"] });
        assert.deepStrictEqual(report.nodes.map((n) => [n.role, n.instanceType, n.amiId, n.availabilityZone, n.kernelVersion]).sort(), [
            ["client", "c6i.4xlarge", EKS_AMI, "us-east-1a", "6.8.0-1024-aws"],
            ["server", "c6i.4xlarge", EKS_AMI, "us-east-1a", "6.8.0-1024-aws"],
            ["system", "c6i.2xlarge", EKS_AMI, "us-east-1a", "6.8.0-1024-aws"],
        ]);
    });

    it("starts the node groups only once the nodes' route out exists", () => {
        const routeOut = ["aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable",
            "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"]
            .flatMap((type) => ofType(run, type));
        assert.strictEqual(routeOut.length, 5, "gateway, route table, two associations, egress rule");
        for (const group of ofType(run, "aws:eks/nodeGroup:NodeGroup")) {
            for (const resource of routeOut) assert.ok(dependsOn(group, resource), `${group.name} waits for ${resource.name}`);
        }
    });

    it("states the Service range and tells every node's bootstrap the cluster DNS address in it", () => {
        assert.deepStrictEqual(named(run, "cluster-eks").inputs.kubernetesNetworkConfig, { ipFamily: "ipv4", serviceIpv4Cidr: "10.100.0.0/16" });
        for (const role of ["system", "server", "client"]) {
            const userData = Buffer.from(named(run, `cluster-${role}`).inputs.userData as string, "base64").toString();
            assert.match(userData, /^MESHBENCH_DNS_CLUSTER_IP=10\.100\.0\.10$/m, role);
            assert.match(userData, /--dns-cluster-ip "\$MESHBENCH_DNS_CLUSTER_IP"/);
        }
    });

    it("releases the EBS volumes on destroy after every chart and workload, and before the EBS CSI driver and its StorageClass", () => {
        const release = named(run, "cluster-release-volumes");
        assert.strictEqual(release.inputs.create, undefined, "does nothing on up");
        assert.strictEqual(release.inputs.delete, 'sh -c "$MESHBENCH_RELEASE_VOLUMES"');
        assert.ok(dependsOn(release, named(run, "cluster-aws-ebs-csi-driver")));
        assert.ok(dependsOn(release, ofType(run, "kubernetes:storage.k8s.io/v1:StorageClass")[0]));
        const kube = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:storage.k8s.io/v1:StorageClass"
            && !r.type.startsWith("pulumi:providers"));
        assert.ok(kube.length > 0);
        // Namespaces come first in every chain of Kubernetes resources: each must wait for the step.
        for (const ns of ofType(run, "kubernetes:core/v1:Namespace")) assert.ok(dependsOn(ns, release), ns.name);
        const environment = secretValue(release.inputs.environment) as unknown as Record<string, string>;
        assert.strictEqual(environment.MESHBENCH_STORAGE_CLASS, "meshbench-gp3");
    });

    it("gets the kubeconfig's tokens as aws:profile when the stack sets it", async () => {
        const other = await runProgram({ ...EKS_CONFIG, "aws:profile": "bench" }, EKS_STEPS);
        const kubeconfig = parse(secretValue(ofType(other, "pulumi:providers:kubernetes")[0].inputs.kubeconfig));
        assert.deepStrictEqual(kubeconfig.users[0].user.exec.env, [{ name: "AWS_PROFILE", value: "bench" }]);
        const without = parse(secretValue(ofType(run, "pulumi:providers:kubernetes")[0].inputs.kubeconfig));
        assert.strictEqual(without.users[0].user.exec.env, undefined);
    });

    it("uses another EKS version's AMI when asked for that version", async () => {
        const other = await runProgram({ ...EKS_CONFIG, kubernetesVersion: "1.33" }, EKS_STEPS);
        assert.deepStrictEqual(other.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter").map((i) => i.inputs.name),
            ["/aws/service/canonical/ubuntu/eks/22.04/1.33/stable/current/amd64/hvm/ebs-gp2/ami-id"]);
        assert.strictEqual(named(other, "cluster-eks").inputs.version, "1.33");
    });

    it("refuses 1.29 before creating anything, pointing to target vms", async () => {
        await assert.rejects(runProgram({ ...EKS_CONFIG, kubernetesVersion: "1.29" }, EKS_STEPS),
            /EKS stopped creating 1\.29 clusters when its extended support ended on 2026-03-23\. For Kubernetes 1\.29 itself, as in the paper, use target vms/);
    });
});
