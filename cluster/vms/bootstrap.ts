// The kubeadm steps, each a `remote.Command` over SSH from the machine that runs `pulumi up`:
// wait for cloud-init on every node, kubeadm init on the control plane, read a join command,
// join the workers, read back admin.conf. Every step names its node's instance in its
// triggers, so a replaced instance reruns its steps; the scripts themselves are idempotent,
// so a step rerun on an unchanged node changes nothing.
import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { roleLabels, roleTaints, wellKnownLabels, type NodeRole } from "../node-roles";
import type { KubeadmRelease } from "../versions";
import {
    buildKubeadmInitConfig, buildKubeadmJoinConfig, kubeconfigForEndpoint, parseJoinCommand, type NodeRegistration,
} from "./kubeadm-config";
import {
    ADMIN_CONF_COMMAND, AWAIT_NODE_SCRIPT, JOIN_COMMAND_COMMAND, KUBEADM_INIT_SCRIPT, KUBEADM_JOIN_SCRIPT, parsePreparedNode,
    scriptDigest, type PreparedNode,
} from "./node-scripts";
import { SERVICE_CIDR } from "./settings";

/** One EC2 instance and the Kubernetes node it becomes. */
export interface VmsNode {
    readonly role: NodeRole;
    /** Kubernetes node name. */
    readonly name: string;
    readonly instanceType: string;
    readonly instance: aws.ec2.Instance;
}

/** What a node registers as: its name, role label and taint, and the well-known labels a cloud controller would set. */
export function nodeRegistration(node: Omit<VmsNode, "instance">, zone: string, region: string): NodeRegistration {
    return {
        name: node.name,
        labels: { ...roleLabels(node.role), ...wellKnownLabels(node.instanceType, zone, region) },
        taints: roleTaints(node.role),
    };
}

export interface BootstrapArgs {
    /** Prefix of the step names. */
    readonly name: string;
    readonly parent: pulumi.Resource;
    /** The control plane first, then the workers. */
    readonly nodes: readonly VmsNode[];
    /** The nodes' availability zone and region, for their topology labels. */
    readonly zone: pulumi.Output<string>;
    readonly region: string;
    /** SSH key for the `ubuntu` user. Secret. */
    readonly privateKey: pulumi.Output<string>;
    readonly kubernetesVersion: string;
    readonly release: KubeadmRelease;
    readonly podCidr: string;
}

export interface Bootstrap {
    /** What each node's preparation reported, in node order; undefined if it printed nothing readable. */
    readonly prepared: pulumi.Output<(PreparedNode | undefined)[]>;
    /** The worker joins: once they are done, every node is in the cluster. */
    readonly joins: command.remote.Command[];
    /** Admin kubeconfig pointed at the public endpoint. Secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** Changes whenever the cluster is rebuilt; steps that read the cluster rerun on it. */
    readonly clusterId: pulumi.Output<string>;
}

export function bootstrapCluster(args: BootstrapArgs): Bootstrap {
    const { name, parent, release } = args;
    const [controlPlane, ...workers] = args.nodes;
    const connection = (node: VmsNode): command.types.input.remote.ConnectionArgs => ({
        host: node.instance.publicIp,
        user: "ubuntu",
        privateKey: args.privateKey,
        // sshd comes up a minute or so after the instance starts: keep dialling for ~10 minutes.
        dialErrorLimit: 60,
        perDialTimeout: 10,
    });

    const prepared = args.nodes.map((node) => new command.remote.Command(`${name}-${node.name}-prepared`, {
        connection: connection(node),
        create: AWAIT_NODE_SCRIPT,
        triggers: [node.instance.id],
        logging: "stdoutAndStderr",
    }, { parent, customTimeouts: { create: "25m" } }));

    // No secret in here: the token comes from `kubeadm token create` below.
    const registration = (node: VmsNode) => args.zone.apply((zone) => nodeRegistration(node, zone, args.region));
    const initConfig = pulumi.all([controlPlane.instance.privateIp, controlPlane.instance.publicIp, registration(controlPlane)])
        .apply(([privateIp, publicIp, node]) => buildKubeadmInitConfig({
            apiVersion: release.kubeadmApiVersion,
            kubernetesVersion: args.kubernetesVersion,
            node,
            privateIp, publicIp,
            podCidr: args.podCidr,
            serviceCidr: SERVICE_CIDR,
        }));
    const init = new command.remote.Command(`${name}-kubeadm-init`, {
        connection: connection(controlPlane),
        create: KUBEADM_INIT_SCRIPT,
        stdin: initConfig,
        // A new config or script replaces the step, and with it every step after it.
        triggers: [controlPlane.instance.id, initConfig, scriptDigest(KUBEADM_INIT_SCRIPT)],
        // The script keeps kubeadm's output (which ends in a join command) in a root-only log
        // and prints only its outcome, or the log's end with token lines removed.
        logging: "stderr",
    }, { parent, dependsOn: [prepared[0]], customTimeouts: { create: "15m" } });

    // Secret: a bootstrap token. A new one whenever a worker is replaced, since tokens expire.
    const joinCommand = new command.remote.Command(`${name}-join-command`, {
        connection: connection(controlPlane),
        create: JOIN_COMMAND_COMMAND,
        triggers: [init.id, ...workers.map((w) => w.instance.id)],
        logging: "none",
        addPreviousOutputInEnv: false,
    }, { parent, dependsOn: [init], additionalSecretOutputs: ["stdout", "stderr"] });
    const credentials = pulumi.secret(joinCommand.stdout).apply(parseJoinCommand);

    const joins = workers.map((worker) => {
        const index = args.nodes.indexOf(worker);
        const joinConfig = pulumi.all([credentials, registration(worker)])
            .apply(([c, node]) => buildKubeadmJoinConfig(release.kubeadmApiVersion, c, node));
        return new command.remote.Command(`${name}-${worker.name}-join`, {
            connection: connection(worker),
            create: KUBEADM_JOIN_SCRIPT,
            stdin: pulumi.secret(joinConfig),
            triggers: [worker.instance.id, init.id, scriptDigest(KUBEADM_JOIN_SCRIPT)],
            // kubeadm join's output carries no token (the config arrives on stdin), and its
            // failures are worth seeing.
            logging: "stdoutAndStderr",
        }, { parent, dependsOn: [prepared[index], joinCommand], customTimeouts: { create: "10m" } });
    });

    // Secret: client certificate and key of cluster-admin.
    const adminConf = new command.remote.Command(`${name}-admin-conf`, {
        connection: connection(controlPlane),
        create: ADMIN_CONF_COMMAND,
        triggers: [init.id],
        logging: "none",
        addPreviousOutputInEnv: false,
    }, { parent, dependsOn: [init], additionalSecretOutputs: ["stdout", "stderr"] });
    const kubeconfig = pulumi.secret(pulumi.all([pulumi.secret(adminConf.stdout), controlPlane.instance.publicIp])
        .apply(([conf, publicIp]) => kubeconfigForEndpoint(conf, publicIp)));

    return {
        prepared: pulumi.unsecret(pulumi.all(prepared.map((p) => p.stdout)).apply((outs) => outs.map(parsePreparedNode))),
        joins,
        kubeconfig,
        clusterId: init.id,
    };
}
