// target: vms — Kubernetes on Ubuntu 22.04 EC2 instances, bootstrapped with kubeadm: the
// paper's setup, and the only way left to run exactly 1.29 on AWS (EKS stopped creating
// 1.29 clusters on 2026-03-23). One control-plane node (the system node), server nodes and
// client nodes, in one zone and one cluster placement group.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { AwsNetwork } from "../aws/network";
import { describeImage, distinctInstanceTypes, nodeImage, nodeProvenance, nodeZone } from "../aws/nodes";
import type { ClusterNeeds } from "../index";
import { reportNodes, readNodes, runningVersions, runtimeProblems } from "../node-report";
import { ROLE_KEY, rolePlacement, type NodeRole } from "../node-roles";
import type { ClusterHandle, ClusterReport, ClusterSettings } from "../types";
import { FLANNEL_BACKEND, FLANNEL_CHART, LOCAL_PATH_CHART, LOCAL_PATH_STORAGE_CLASS, UBUNTU_JAMMY_SERVER_SSM_PARAMETER } from "../versions";
import { installCniAndStorage } from "./addons";
import { bootstrapCluster, type VmsNode } from "./bootstrap";
import { API_SERVER_PORT } from "./kubeadm-config";
import { buildUserData, containerdProvenance, expectedContainerRuntime } from "./node-scripts";
import { resolveVmsSettings, type VmsSettings } from "./validate";

export interface VmsClusterArgs {
    /** Cluster settings from the stack config, already validated. */
    readonly settings: ClusterSettings;
    readonly needs: ClusterNeeds;
}

/** Root volume of every node, in GiB: the OS, containerd's images of every mesh, local-path volumes. */
const ROOT_VOLUME_GIB = 50;

/** Kubernetes node names, by role and index: control-plane, server-1, client-1, ... */
export const vmsNodeName = (role: NodeRole, index: number): string => (role === "system" ? "control-plane" : `${role}-${index + 1}`);

/** The nodes to make, control plane first. */
export function planVmsNodes(vms: VmsSettings): { role: NodeRole; name: string; instanceType: string }[] {
    const roles: NodeRole[] = ["system",
        ...Array<NodeRole>(vms.aws.nodeCounts.server).fill("server"), ...Array<NodeRole>(vms.aws.nodeCounts.client).fill("client")];
    return roles.map((role, i) => ({
        role,
        name: vmsNodeName(role, roles.slice(0, i).filter((r) => r === role).length),
        instanceType: vms.aws.instanceTypes[role],
    }));
}

export class VmsCluster extends pulumi.ComponentResource {
    public readonly handle: ClusterHandle;

    constructor(name: string, args: VmsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:cluster:VmsCluster", name, {}, opts);
        const vms = resolveVmsSettings(args.settings);
        const { aws: awsSettings } = vms;
        const childOpts = { parent: this };
        const tags = { "meshbench:stack": `${pulumi.getProject()}/${pulumi.getStack()}` };

        const zone = nodeZone(awsSettings.region, distinctInstanceTypes(awsSettings.instanceTypes), awsSettings.availabilityZone, this);
        const image = nodeImage(UBUNTU_JAMMY_SERVER_SSM_PARAMETER, awsSettings.amiId, this);
        const network = new AwsNetwork(`${name}-network`, {
            zones: [zone],
            operatorCidr: awsSettings.operatorCidr,
            operatorPorts: [{ port: 22, description: "SSH for the kubeadm steps" }, { port: API_SERVER_PORT, description: "Kubernetes API" }],
            tags,
        }, childOpts);
        // One rack-local group: the lowest latency and the most bandwidth between nodes.
        const placementGroup = new aws.ec2.PlacementGroup(`${name}-placement`, { strategy: "cluster", tags }, childOpts);

        const ssh = this.sshKey(name, vms.sshPrivateKey);
        const keyPair = new aws.ec2.KeyPair(`${name}-ssh`, { publicKey: ssh.publicKey, tags }, childOpts);

        const userData = buildUserData(vms.kubernetesVersion, vms.release, { kernelModules: args.needs.nodeKernelModules ?? [] });
        const nodes: VmsNode[] = planVmsNodes(vms).map((node) => ({
            ...node,
            instance: new aws.ec2.Instance(`${name}-${node.name}`, {
                ami: image.id,
                instanceType: node.instanceType,
                subnetId: network.subnets[0].id,
                vpcSecurityGroupIds: [network.nodeSecurityGroup.id],
                placementGroup: placementGroup.name,
                keyName: keyPair.keyName,
                associatePublicIpAddress: true,
                // IMDSv2 only, and one hop: pods cannot reach the instance metadata (the nodes
                // have no IAM role, and nothing in the cluster needs it).
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                rootBlockDevice: { volumeType: "gp3", volumeSize: ROOT_VOLUME_GIB, encrypted: true, deleteOnTermination: true },
                userData,
                // A new bootstrap script means a new node, not a reboot of a prepared one.
                userDataReplaceOnChange: true,
                tags: { ...tags, Name: `${name}-${node.name}`, [ROLE_KEY]: node.role },
            }, {
                ...childOpts,
                // cloud-init installs packages at first boot: the route out must exist by then.
                dependsOn: network.egress,
                // The replacement takes over the Kubernetes node of the same name, which kubeadm
                // only allows once the old one is gone (NotReady).
                deleteBeforeReplace: true,
                // An unpinned AMI is Canonical's current one at creation; when Canonical publishes
                // a newer one, the nodes stay (pin amiId to move them). The AMI they run is reported.
                ignoreChanges: awsSettings.amiId === undefined ? ["ami"] : [],
            }),
        }));
        const bootstrap = bootstrapCluster({
            name, parent: this, nodes, zone, region: awsSettings.region, privateKey: ssh.privateKey,
            kubernetesVersion: vms.kubernetesVersion, release: vms.release, podCidr: vms.podCidr,
        });

        const provider = new k8s.Provider(`${name}-provider`, {
            kubeconfig: bootstrap.kubeconfig,
            // `pulumi destroy` still finishes if the instances are already gone.
            deleteUnreachable: true,
        }, { ...childOpts, dependsOn: bootstrap.joins });
        const access = { kubeconfig: bootstrap.kubeconfig };

        const addons = installCniAndStorage({
            name, parent: this, provider, podCidr: vms.podCidr, installCni: args.needs.installCni, after: bootstrap.joins,
        });
        const ready: pulumi.Resource[] = [...bootstrap.joins, ...(addons.cni ? [addons.cni] : []), addons.storage];

        // The AMI the nodes run, which is the one looked up only when they were created.
        const amiId = nodes[0].instance.ami;
        const amiName = describeImage(amiId, this).name;
        const reading = readNodes(`${name}-node-facts`, access, ready, [bootstrap.clusterId, ...bootstrap.joins.map((j) => j.id)], this);
        const report: pulumi.Output<ClusterReport> = pulumi.all([reading, zone, amiId, bootstrap.prepared]).apply(([read, z, ami, prepared]) => {
            const planned = nodes.map((n, i) => ({
                name: n.name, role: n.role, instanceType: n.instanceType, availabilityZone: z, amiId: ami,
                ...(prepared[i] ? { kubernetesInstall: prepared[i]!.install } : {}),
            }));
            const { nodes: reported, problems } = reportNodes(read, planned, { amiId: ami, availabilityZone: z });
            return {
                target: "vms" as const, region: awsSettings.region, availabilityZone: z,
                kubernetes: { requested: vms.kubernetesVersion, running: runningVersions(reported) },
                nodes: reported,
                problems: [...problems, ...runtimeProblems(reported, expectedContainerRuntime(vms.release.containerd))],
            };
        });

        const cni = addons.cni ? `${FLANNEL_CHART.chart} ${FLANNEL_CHART.version} (${FLANNEL_BACKEND})` : undefined;
        const provenance = pulumi.all([zone, amiId, amiName, bootstrap.prepared]).apply(([z, ami, name, prepared]): Record<string, string> => ({
            ...nodeProvenance(awsSettings, z, { id: ami, name, source: image.source }),
            kubeadmConfigApi: vms.release.kubeadmApiVersion,
            containerd: containerdProvenance(vms.release.containerd),
            kubernetesInstall: nodes.map((n, i) => `${n.name}: ${prepared[i]?.install ?? "unknown"}`).join("; "),
            podCidr: vms.podCidr,
            cni: cni ?? "none installed by the cluster: the mesh is the CNI",
            storage: `local-path-provisioner ${LOCAL_PATH_CHART.version} (StorageClass ${LOCAL_PATH_STORAGE_CLASS})`,
        }));

        this.handle = {
            target: "vms",
            provider,
            access,
            serverPlacement: rolePlacement("server"),
            clientPlacement: rolePlacement("client"),
            storageClassName: LOCAL_PATH_STORAGE_CLASS,
            ready,
            requestedKubernetesVersion: vms.kubernetesVersion,
            provenance,
            podNetwork: { cni, podCidr: vms.podCidr, apiServerHost: nodes[0].instance.privateIp, apiServerPort: API_SERVER_PORT },
            outputs: { kubeconfig: bootstrap.kubeconfig, report },
        };
        this.registerOutputs({ report });
    }

    /** The SSH key: the one given as secret config, or one generated for the stack. */
    private sshKey(name: string, given: string | undefined): { privateKey: pulumi.Output<string>; publicKey: pulumi.Output<string> } {
        if (given !== undefined) {
            const privateKey = pulumi.secret(given);
            const publicKey = tls.getPublicKeyOutput({ privateKeyOpenssh: privateKey }, { parent: this }).publicKeyOpenssh;
            return { privateKey, publicKey: pulumi.unsecret(publicKey) };
        }
        const key = new tls.PrivateKey(`${name}-ssh-key`, { algorithm: "ED25519" }, {
            parent: this, additionalSecretOutputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
        });
        return { privateKey: pulumi.secret(key.privateKeyOpenssh), publicKey: key.publicKeyOpenssh };
    }
}
