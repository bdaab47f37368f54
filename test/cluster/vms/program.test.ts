// The whole program under Pulumi's mocks with target vms: the AWS resources, the kubeadm
// steps, the cluster's add-ons, and the benchmark on top. AWS's and the nodes' answers are
// mock data (test/helpers/cloud-mocks.ts); what is asserted is what meshbench decides.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parse, parseAllDocuments } from "yaml";
import type { BenchmarkResults } from "../../../loadtest/results";
import type { ClusterReport } from "../../../cluster/types";
import { TARGETS, type ClusterHandle } from "../../../cluster";
import { parseConfig } from "../../../config";
import { dependsOn, runProgram, unwrap, named, ofType, vmsStackConfig, VMS_STEPS, type ProgramRun } from "../../helpers/mocks";
import {
    MOCK_ADMIN_KEY, MOCK_JOIN_TOKEN, MOCK_KERNEL, MOCK_SSH_PRIVATE_KEY, MOCK_SSH_PUBLIC_KEY, MOCK_SSM_AMIS,
} from "../../helpers/cloud-mocks";
import { isSecretValue, secretValue, withoutSecrets } from "../../helpers/secrets";
import { validateKubeObject } from "../../helpers/schema";

const VMS_CONFIG = vmsStackConfig();
const JAMMY_AMI = Object.values(MOCK_SSM_AMIS)[0];
const SSH_KEY_BODY = MOCK_SSH_PRIVATE_KEY.split("\n")[1];


describe("program, target vms, mesh none", function () {
    this.timeout(60_000);
    let run: ProgramRun;
    let results: BenchmarkResults;
    let report: ClusterReport;

    before(async () => {
        run = await runProgram(VMS_CONFIG, VMS_STEPS);
        results = run.outputs.results as BenchmarkResults;
        report = run.outputs.clusterReport as ClusterReport;
        console.log(`      program evaluation under mocks, target vms: ${run.milliseconds.toFixed(0)} ms`);
    });

    it("creates the network, the three instances, the kubeadm steps and the cluster's add-ons", () => {
        const names = (type: string) => ofType(run, type).map((r) => r.name).sort();
        assert.deepStrictEqual(names("aws:ec2/vpc:Vpc"), ["cluster-network-vpc"]);
        assert.deepStrictEqual(names("aws:ec2/subnet:Subnet"), ["cluster-network-subnet-1"]);
        assert.strictEqual(names("aws:ec2/internetGateway:InternetGateway").length, 1);
        assert.strictEqual(names("aws:ec2/routeTableAssociation:RouteTableAssociation").length, 1);
        assert.deepStrictEqual(names("aws:ec2/securityGroup:SecurityGroup"), ["cluster-network-nodes"]);
        assert.deepStrictEqual(names("aws:ec2/placementGroup:PlacementGroup"), ["cluster-placement"]);
        assert.deepStrictEqual(names("aws:ec2/keyPair:KeyPair"), ["cluster-ssh"]);
        assert.deepStrictEqual(names("tls:index/privateKey:PrivateKey"), ["cluster-ssh-key"]);
        assert.deepStrictEqual(names("aws:ec2/instance:Instance"), ["cluster-client-1", "cluster-control-plane", "cluster-server-1"]);
        assert.deepStrictEqual(names("command:remote:Command"), [
            "cluster-admin-conf", "cluster-client-1-join", "cluster-client-1-prepared", "cluster-control-plane-prepared",
            "cluster-join-command", "cluster-kubeadm-init", "cluster-server-1-join", "cluster-server-1-prepared",
        ]);
        assert.deepStrictEqual(names("kubernetes:helm.sh/v3:Release"), ["cluster-flannel", "cluster-local-path"]);
        assert.ok(names("command:local:Command").includes("cluster-node-facts"));
    });

    it("parents every resource to a meshbench component, the network to its own", () => {
        for (const r of run.resources.filter((x) => x.custom)) {
            const parentType = r.urn.split("::")[2].split("$").slice(-2)[0];
            assert.match(parentType, /^meshbench:[a-z]+:[A-Za-z]+$/, `${r.type} ${r.name} has parent ${parentType}`);
        }
        assert.match(named(run, "cluster-network").urn, /::meshbench:cluster:VmsCluster\$meshbench:cluster:AwsNetwork::cluster-network$/);
        assert.match(named(run, "cluster-network-vpc").urn, /::meshbench:cluster:AwsNetwork\$aws:ec2\/vpc:Vpc::/);
    });

    it("boots Canonical's Ubuntu 22.04 (jammy) AMI from its public SSM parameter", () => {
        const ssm = run.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter");
        assert.deepStrictEqual(ssm.map((i) => i.inputs.name), ["/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id"]);
        for (const instance of ofType(run, "aws:ec2/instance:Instance")) assert.strictEqual(instance.inputs.ami, JAMMY_AMI);
        assert.strictEqual(results.provenance.cluster.ami, JAMMY_AMI);
        assert.match(results.provenance.cluster.amiName, /ubuntu-jammy-22\.04-amd64-server/);
    });

    it("requires IMDSv2 on every instance, with gp3 root volumes and the bootstrap as user data", () => {
        for (const instance of ofType(run, "aws:ec2/instance:Instance")) {
            assert.deepStrictEqual(instance.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
            assert.strictEqual(instance.inputs.rootBlockDevice.volumeType, "gp3");
            assert.strictEqual(instance.inputs.userDataReplaceOnChange, true);
            assert.match(instance.inputs.userData, /^MESHBENCH_KUBERNETES_VERSION=1\.29\.1$/m);
            assert.match(instance.inputs.userData, /^MESHBENCH_PACKAGE_REVISION=1\.1$/m);
            assert.match(instance.inputs.userData, /"kubelet=\$\{PACKAGE_VERSION\}"/);
            assert.match(instance.inputs.userData, /^MESHBENCH_CONTAINERD_VERSION=1\.7\.34$/m);
            assert.match(instance.inputs.userData, /^MESHBENCH_KERNEL_MODULES=''$/m, "mesh none needs no kernel module");
        }
    });

    it("boots the instances only once their route out exists: gateway, default route, subnet association, egress rule", () => {
        const routeOut = ["aws:ec2/internetGateway:InternetGateway", "aws:ec2/routeTable:RouteTable",
            "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"]
            .flatMap((type) => ofType(run, type));
        assert.strictEqual(routeOut.length, 4);
        assert.deepStrictEqual(named(run, "cluster-network-routes").inputs.routes, [{ cidrBlock: "0.0.0.0/0", gatewayId: "cluster-network-gateway-id" }]);
        for (const instance of ofType(run, "aws:ec2/instance:Instance")) {
            for (const resource of routeOut) assert.ok(dependsOn(instance, resource), `${instance.name} waits for ${resource.name}`);
        }
    });

    it("lets only the operator's CIDR reach SSH and the API server; the nodes reach each other freely", () => {
        const ingress = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.inputs);
        for (const rule of ingress) assert.strictEqual(rule.securityGroupId, "cluster-network-nodes-id");
        const fromOutside = ingress.filter((rule) => rule.referencedSecurityGroupId === undefined);
        assert.deepStrictEqual(fromOutside.map((r) => [r.ipProtocol, r.fromPort, r.toPort, r.cidrIpv4]),
            [["tcp", 22, 22, "203.0.113.7/32"], ["tcp", 6443, 6443, "203.0.113.7/32"]]);
        assert.deepStrictEqual(ingress.filter((r) => r.referencedSecurityGroupId !== undefined).map((r) => [r.ipProtocol, r.referencedSecurityGroupId]),
            [["-1", "cluster-network-nodes-id"]], "the only other source is the group itself");
        assert.strictEqual(named(run, "cluster-network-nodes").inputs.ingress, undefined, "no inline rules");
        assert.ok(!JSON.stringify(ingress).includes("0.0.0.0/0"));
    });

    it("puts every instance in one cluster placement group, one subnet and one zone", () => {
        assert.strictEqual(named(run, "cluster-placement").inputs.strategy, "cluster");
        for (const instance of ofType(run, "aws:ec2/instance:Instance")) {
            assert.strictEqual(instance.inputs.placementGroup, "cluster-placement-mock");
            assert.strictEqual(instance.inputs.subnetId, "cluster-network-subnet-1-id");
        }
        // Mock zone "e" offers no c6i: the first zone offering every type is "a".
        assert.strictEqual(named(run, "cluster-network-subnet-1").inputs.availabilityZone, "us-east-1a");
    });

    it("inits 1.29.1 from the rendered v1beta3 config, with the control plane's public address in the certificate", () => {
        const init = named(run, "cluster-kubeadm-init").inputs;
        const [initConfiguration, clusterConfiguration] = parseAllDocuments(init.stdin).map((d) => d.toJS());
        assert.strictEqual(clusterConfiguration.apiVersion, "kubeadm.k8s.io/v1beta3");
        assert.strictEqual(clusterConfiguration.kubernetesVersion, "v1.29.1");
        assert.strictEqual(clusterConfiguration.networking.podSubnet, "10.244.0.0/16");
        assert.ok(init.triggers.includes("cluster-control-plane-id"), "a new control plane reruns init");
        assert.strictEqual(initConfiguration.localAPIEndpoint.advertiseAddress, controlPlaneIp(run, "private"));
        assert.deepStrictEqual(clusterConfiguration.apiServer.certSANs, [controlPlaneIp(run, "public"), controlPlaneIp(run, "private")]);
    });

    it("labels and taints each node for its role, and places servers and clients on them", () => {
        const registration = (config: string) => parse(config.split("---\n")[0]).nodeRegistration;
        const cp = registration(named(run, "cluster-kubeadm-init").inputs.stdin);
        assert.deepStrictEqual(cp.taints, []);
        assert.match(cp.kubeletExtraArgs["node-labels"], /^meshbench\.io\/role=system,node\.kubernetes\.io\/instance-type=c6i\.2xlarge,topology\.kubernetes\.io\/region=us-east-1,topology\.kubernetes\.io\/zone=us-east-1a$/);
        for (const role of ["server", "client"]) {
            const join = registration(secretValue(named(run, `cluster-${role}-1-join`).inputs.stdin));
            assert.strictEqual(join.name, `${role}-1`);
            assert.deepStrictEqual(join.taints, [{ key: "meshbench.io/role", value: role, effect: "NoSchedule" }]);
            assert.match(join.kubeletExtraArgs["node-labels"], new RegExp(`^meshbench\\.io/role=${role},node\\.kubernetes\\.io/instance-type=c6i\\.4xlarge,`));
        }
        const podSpec = (app: string) => ofType(run, "kubernetes:apps/v1:Deployment").find((d) => d.inputs.metadata.name === app)!.inputs.spec.template.spec;
        for (const [app, role] of [["http-server", "server"], ["netperf-server", "server"], ["wrk-client", "client"], ["netperf-client", "client"]]) {
            assert.deepStrictEqual(podSpec(app).nodeSelector, { "meshbench.io/role": role }, app);
            assert.deepStrictEqual(podSpec(app).tolerations, [{ key: "meshbench.io/role", operator: "Equal", value: role, effect: "NoSchedule" }], app);
        }
    });

    it("keeps the SSH key, the join command and the kubeconfig secret, and out of everything readable", async () => {
        for (const step of ofType(run, "command:remote:Command")) {
            assert.ok(isSecretValue(step.inputs.connection), `${step.name} connection is secret`);
            assert.strictEqual(secretValue(step.inputs.connection).privateKey, MOCK_SSH_PRIVATE_KEY);
        }
        for (const name of ["cluster-join-command", "cluster-admin-conf"]) {
            assert.strictEqual(named(run, name).inputs.logging, "none", name);
        }
        for (const role of ["server", "client"]) {
            assert.ok(secretValue<string>(named(run, `cluster-${role}-1-join`).inputs.stdin).includes(MOCK_JOIN_TOKEN), "join config holds the token, as a secret");
        }
        const provider = ofType(run, "pulumi:providers:kubernetes")[0];
        assert.ok(isSecretValue(provider.inputs.kubeconfig));
        assert.ok(await pulumi.isSecret(run.rawOutputs.kubeconfig as pulumi.Output<string>), "the kubeconfig output is secret");
        assert.strictEqual(parse(run.outputs.kubeconfig as string).users[0].user["client-key-data"], MOCK_ADMIN_KEY);
        const everything = JSON.stringify([run.resources.map((r) => r.inputs), run.outputs]);
        const readable = JSON.stringify([run.resources.map((r) => withoutSecrets(r.inputs)), run.outputs.results, run.outputs.clusterReport]);
        for (const secret of [SSH_KEY_BODY, MOCK_JOIN_TOKEN, MOCK_ADMIN_KEY]) {
            assert.ok(everything.includes(secret), `${secret} is in the program (the check below can fail)`);
            assert.ok(!readable.includes(secret), `${secret} is never readable`);
        }
    });

    it("reruns a node's steps when its instance is replaced, and the joins when the control plane is", () => {
        for (const [step, instance] of [["control-plane-prepared", "control-plane"], ["server-1-prepared", "server-1"], ["server-1-join", "server-1"], ["client-1-join", "client-1"]]) {
            assert.ok(named(run, `cluster-${step}`).inputs.triggers.includes(`cluster-${instance}-id`), step);
        }
        for (const step of ["server-1-join", "client-1-join", "admin-conf", "join-command"]) {
            assert.ok(named(run, `cluster-${step}`).inputs.triggers.includes("cluster-kubeadm-init-id"), step);
        }
    });

    it("reaches the cluster through the control plane's public endpoint, and can be destroyed without it", () => {
        const provider = ofType(run, "pulumi:providers:kubernetes")[0];
        // Provider inputs reach the engine as strings.
        assert.strictEqual(provider.inputs.deleteUnreachable, "true");
        const kubeconfig = parse(secretValue(provider.inputs.kubeconfig));
        assert.strictEqual(kubeconfig.clusters[0].cluster.server, `https://${controlPlaneIp(run, "public")}:6443`);
        for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.match(r.provider ?? "", /VmsCluster\$pulumi:providers:kubernetes::cluster-provider::/, r.name);
        }
    });

    it("installs Flannel for the kubeadm pod network and local-path as the default StorageClass, at pinned versions", () => {
        const flannel = named(run, "cluster-flannel").inputs;
        assert.deepStrictEqual([flannel.chart, flannel.version, flannel.repositoryOpts.repo, flannel.namespace],
            ["flannel", "v0.26.7", "https://flannel-io.github.io/flannel/", "kube-flannel"]);
        assert.strictEqual(flannel.values.podCidr, "10.244.0.0/16");
        const localPath = named(run, "cluster-local-path").inputs;
        assert.deepStrictEqual([localPath.chart, localPath.version], ["oci://ghcr.io/rancher/local-path-provisioner/charts/local-path-provisioner", "0.0.35"]);
        assert.strictEqual(localPath.values.storageClass.defaultClass, true);
        assert.strictEqual(flannel.skipAwait, false, "workloads wait for the CNI to be ready");
        for (const ns of ofType(run, "kubernetes:core/v1:Namespace")) validateKubeObject(ns.inputs as any);
    });

    it("exports each node's name, role, instance type, AMI, zone and kernel, and the version running", () => {
        assert.deepStrictEqual(report.kubernetes, { requested: "1.29.1", running: ["v1.29.1"] });
        assert.deepStrictEqual(report.nodes.map((n) => [n.name, n.role, n.instanceType, n.amiId, n.availabilityZone, n.kernelVersion]), [
            ["control-plane", "system", "c6i.2xlarge", JAMMY_AMI, "us-east-1a", MOCK_KERNEL],
            ["server-1", "server", "c6i.4xlarge", JAMMY_AMI, "us-east-1a", MOCK_KERNEL],
            ["client-1", "client", "c6i.4xlarge", JAMMY_AMI, "us-east-1a", MOCK_KERNEL],
        ]);
        assert.deepStrictEqual(report.problems, []);
        assert.ok(!(pulumi.Output.isInstance(run.rawOutputs.clusterReport) && isSecretValue(run.outputs.clusterReport)));
    });

    it("records the cluster in the results: target, versions, pins, and the nodes' roles", () => {
        assert.strictEqual(results.status, "ok", results.reasons.join("; "));
        assert.strictEqual(results.provenance.target, "vms");
        assert.deepStrictEqual(results.provenance.kubernetes, { requested: "1.29.1", running: ["v1.29.1"] });
        const cluster = results.provenance.cluster;
        assert.deepStrictEqual([cluster.region, cluster.availabilityZone, cluster.cni, cluster.kubeadmConfigApi],
            ["us-east-1", "us-east-1a", "flannel v0.26.7 (vxlan)", "kubeadm.k8s.io/v1beta3"]);
        assert.match(cluster.kubernetesInstall, /^control-plane: packages pkgs\.k8s\.io 1\.29\.1-1\.1; server-1: /);
        assert.strictEqual(cluster.containerd, "containerd v1.7.34 (release tarball from github.com/containerd/containerd, SHA-256 checked), runc v1.3.6");
        assert.deepStrictEqual([...new Set(results.provenance.nodes.map((n) => n.containerRuntime))], ["containerd://1.7.34"]);
        assert.deepStrictEqual(results.provenance.placement, { "http-server": "server-1", "netperf-server": "server-1", "wrk-client": "client-1", "netperf-client": "client-1" });
        assert.deepStrictEqual(results.provenance.nodes.map((n) => n.role), ["client", "system", "server"]);
    });

    it("boots a pinned AMI without asking SSM", async () => {
        const pinned = await runProgram({ ...VMS_CONFIG, amiId: "ami-0123456789abcdef0" }, VMS_STEPS);
        assert.deepStrictEqual(pinned.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter"), []);
        for (const instance of ofType(pinned, "aws:ec2/instance:Instance")) assert.strictEqual(instance.inputs.ami, "ami-0123456789abcdef0");
        const pinnedResults = pinned.outputs.results as BenchmarkResults;
        assert.deepStrictEqual([pinnedResults.provenance.cluster.amiName, pinnedResults.provenance.cluster.amiSource],
            ["meshbench-golden-jammy-k8s-1.29.1", "meshbench:amiId"]);
    });

    it("uses an SSH key given as secret config instead of generating one", async () => {
        const own = await runProgram({ ...VMS_CONFIG, sshPrivateKey: MOCK_SSH_PRIVATE_KEY }, VMS_STEPS, { secretKeys: ["sshPrivateKey"] });
        assert.deepStrictEqual(ofType(own, "tls:index/privateKey:PrivateKey"), []);
        assert.strictEqual(named(own, "cluster-ssh").inputs.publicKey, MOCK_SSH_PUBLIC_KEY);
        for (const step of ofType(own, "command:remote:Command")) {
            assert.strictEqual(secretValue(step.inputs.connection).privateKey, MOCK_SSH_PRIVATE_KEY);
        }
    });

    it("refuses, before creating anything, an SSH key stored in plain text", async () => {
        await assert.rejects(runProgram({ ...VMS_CONFIG, sshPrivateKey: MOCK_SSH_PRIVATE_KEY }, VMS_STEPS),
            (e: Error) => /meshbench:sshPrivateKey: the value is stored in plain text/.test(e.message) && !e.message.includes("BEGIN OPENSSH"));
    });
});

describe("program, target vms, mesh cilium", function () {
    this.timeout(60_000);
    let run: ProgramRun;

    before(async () => {
        run = await runProgram({ ...VMS_CONFIG, mesh: "cilium", mtls: "true" }, VMS_STEPS);
    });

    it("loads the kernel module Cilium declares (wireguard) while preparing every node", () => {
        const instances = ofType(run, "aws:ec2/instance:Instance");
        assert.strictEqual(instances.length, 3);
        for (const instance of instances) assert.match(instance.inputs.userData, /^MESHBENCH_KERNEL_MODULES=wireguard$/m, instance.name);
    });
});

describe("vms cluster for a mesh that is itself the CNI", function () {
    this.timeout(60_000);
    let run: ProgramRun;
    let handle: ClusterHandle;

    before(async () => {
        run = await runProgram(VMS_CONFIG, VMS_STEPS, {
            program: () => {
                const { "aws:region": awsRegion, ...meshbenchKeys } = VMS_CONFIG;
                const settings = parseConfig(meshbenchKeys, { awsRegion }).cluster;
                handle = TARGETS.vms.create("cluster", settings, { mesh: "cilium", installCni: false });
                return { ready: pulumi.output(handle.ready.length) };
            },
        });
    });

    it("installs no CNI: the nodes join without one, and ready holds the joins and the storage only", async () => {
        assert.deepStrictEqual(ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => r.name), ["cluster-local-path"]);
        assert.strictEqual(handle.podNetwork?.cni, undefined);
        assert.strictEqual(handle.podNetwork?.podCidr, "10.244.0.0/16");
        const ready = await Promise.all(handle.ready.map((r) => unwrap(r.urn)));
        assert.deepStrictEqual(ready.map((urn) => urn.split("::").pop()).sort(),
            ["cluster-client-1-join", "cluster-local-path", "cluster-server-1-join"]);
    });

    it("does not wait for the storage provisioner, which cannot start before the mesh brings the CNI", () => {
        assert.strictEqual(named(run, "cluster-local-path").inputs.skipAwait, true);
    });

    it("tells the mesh where the API server is on the nodes' network", async () => {
        assert.strictEqual(handle.podNetwork?.apiServerPort, 6443);
        assert.strictEqual(await unwrap(handle.podNetwork!.apiServerHost), controlPlaneIp(run, "private"));
    });
});

/** An address the mocked EC2 gave the control-plane instance. */
function controlPlaneIp(run: ProgramRun, which: "public" | "private"): string {
    return named(run, "cluster-control-plane").computed[`${which}Ip`] as string;
}
