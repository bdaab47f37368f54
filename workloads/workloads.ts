// The two servers the clients measure.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { createKubeObject, resourceName } from "../cluster/kube-objects";
import type { ClusterHandle } from "../cluster/types";
import type { Enrolment } from "../meshes/types";
import { buildHttpServer } from "./http-server";
import { buildNetperfServer } from "./netperf-server";

export interface WorkloadsArgs {
    readonly cluster: ClusterHandle;
    /** How the namespace and pods join the mesh. */
    readonly enrolment: Enrolment;
    readonly httpServerImage: string;
    /** Size of the HTTP server's response body, in bytes. */
    readonly responseBytes: number;
    readonly netperfImage: string;
    /** The benchmark namespace, and the mesh: it must be ready before any benchmark pod starts, or pods start unmeshed. */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class Workloads extends pulumi.ComponentResource {
    /** A hash of every object the servers are made of (pod specs, nginx.conf, the response body, ...): the measurement reruns when it changes. */
    public readonly identity: string;

    constructor(name: string, args: WorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("meshbench:workloads:Workloads", name, {}, opts);
        const childOpts = { parent: this, provider: args.cluster.provider };
        const placement = args.cluster.serverPlacement;
        const objects = [
            ...buildHttpServer({ image: args.httpServerImage, placement, enrolment: args.enrolment, responseBytes: args.responseBytes }),
            ...buildNetperfServer({ image: args.netperfImage, placement, enrolment: args.enrolment }),
        ];
        // Depending on this component waits for every server: rolled out and behind its Service.
        for (const obj of objects) createKubeObject(resourceName(name, obj), obj, { ...childOpts, dependsOn: args.dependsOn });
        this.identity = createHash("sha256").update(JSON.stringify(objects)).digest("hex").slice(0, 16);
        this.registerOutputs({ identity: this.identity });
    }
}
