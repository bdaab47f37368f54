// Stack config read only by target vms: the pod network and the SSH key.
import { patternField } from "../../shared/fields";
import { IPV4_CIDR } from "../cidr";

/** Flannel's own default pod network; it lies outside the VPC and the Service range. */
export const DEFAULT_POD_CIDR = "10.244.0.0/16";

/** kubeadm's default Service range; the pod network must not overlap it. */
export const SERVICE_CIDR = "10.96.0.0/12";

export const VMS_CLUSTER_FIELDS = {
    podCidr: patternField("podCidr", IPV4_CIDR, "an IPv4 CIDR such as 10.244.0.0/16",
        `vms: the pod network (Flannel's, or Cilium's when it is the mesh); each node gets a /24 of it. Default: ${DEFAULT_POD_CIDR}.`),
    sshPrivateKey: patternField("sshPrivateKey",
        /^-----BEGIN OPENSSH PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END OPENSSH PRIVATE KEY-----\s*$/,
        "an unencrypted OpenSSH private key (ssh-keygen -t ed25519 -N '' writes one)",
        "vms: private key meshbench uses to reach the nodes over SSH; set it with --secret. Default: a key generated for the stack.",
        undefined, { secret: true }),
} as const;
