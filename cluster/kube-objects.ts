// Creating Kubernetes objects built as plain data. Builders all over the program return
// plain objects (easy to test without mocks); this is the one place that turns them into
// resources, always on the cluster's provider.
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Namespace, ConfigMap, Service, ServiceAccount } from "kubernetes-types/core/v1";
import type { Deployment } from "kubernetes-types/apps/v1";

/** Any Kubernetes object as plain data: built-in kinds or custom resources. */
export interface KubeObject {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: {
        readonly name: string;
        readonly namespace?: string;
        readonly labels?: Readonly<Record<string, string>>;
        readonly annotations?: Readonly<Record<string, string>>;
    };
    readonly [field: string]: unknown;
}

/**
 * A name that carries a hash of the contents it names. A ConfigMap named this way is a
 * new object when its contents change, which changes the pod template that mounts it
 * and so restarts the pods with the new contents.
 */
export const nameByContent = (prefix: string, contents: string): string =>
    `${prefix}-${createHash("sha256").update(contents).digest("hex").slice(0, 10)}`;

/** Resource name for an object: kind and name, unique within a component. */
export const resourceName = (prefix: string, obj: KubeObject): string =>
    [prefix, obj.kind.toLowerCase(), obj.metadata.namespace, obj.metadata.name].filter(Boolean).join("-");

/**
 * Creates one object. Built-in kinds use their typed classes so that the provider's
 * readiness checks (Deployment rollout, Service endpoints) apply; everything else is a
 * CustomResource.
 */
export function createKubeObject(
    name: string, obj: KubeObject, opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
    switch (`${obj.apiVersion}/${obj.kind}`) {
        case "v1/Namespace":
            return new k8s.core.v1.Namespace(name, obj as Namespace, opts);
        case "v1/ServiceAccount":
            return new k8s.core.v1.ServiceAccount(name, obj as ServiceAccount, opts);
        case "v1/ConfigMap":
            return new k8s.core.v1.ConfigMap(name, obj as ConfigMap, opts);
        case "v1/Service":
            return new k8s.core.v1.Service(name, obj as Service, opts);
        case "apps/v1/Deployment":
            // kubernetes-types marks spec optional; the builders always set it.
            return new k8s.apps.v1.Deployment(name, obj as Deployment as k8s.apps.v1.DeploymentArgs, opts);
        default:
            return new k8s.apiextensions.CustomResource(name, obj as k8s.apiextensions.CustomResourceArgs, opts);
    }
}
