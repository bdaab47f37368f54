// The netperf server: netserver on its control port. netperf asks it to listen on the
// pinned data port for each test, so both ports are declared on the Service.
import type { KubeObject } from "../cluster/kube-objects";
import type { NodePlacement } from "../cluster/types";
import type { Enrolment } from "../meshes/types";
import { buildDeployment, buildService, buildServiceAccount } from "./pods";
import { NETPERF_CONTROL_PORT, NETPERF_DATA_PORT, NETPERF_SERVICE } from "./ports";

/**
 * netserver's readiness probe: one netperf TCP_RR transaction (`-l -1`) to netserver over
 * the pod's loopback, so the pod is Ready only when netserver itself answers netperf's
 * protocol. A TCP probe proves less under a mesh: Linkerd's proxy accepts the kubelet's
 * connection before netserver listens, and every probe is a plaintext connection through
 * the proxy that the mesh's evidence counts. Loopback never reaches a proxy (the meshes'
 * redirect rules return `-o lo` unredirected, e.g. linkerd2-proxy-init's "ignore-loopback"),
 * and the same exec probe runs under every mesh. It needs only the netperf binary the
 * image has for the clients anyway; its data connection takes a port netserver picks, never
 * the pinned data port of a measured run. `-P 0`: no banner.
 */
export const NETSERVER_READINESS_COMMAND: readonly string[] = [
    "netperf", "-H", "127.0.0.1", "-p", String(NETPERF_CONTROL_PORT.port), "-t", "TCP_RR", "-l", "-1", "-P", "0",
];

export interface NetperfServerArgs {
    readonly image: string;
    readonly placement: NodePlacement;
    readonly enrolment: Enrolment;
}

export function buildNetperfServer(args: NetperfServerArgs): KubeObject[] {
    const deployment = buildDeployment({
        app: NETPERF_SERVICE,
        mesh: { role: "netperf-server", enrolment: args.enrolment },
        side: "server",
        placement: args.placement,
        containers: [{
            name: "netserver",
            image: args.image,
            // -D: stay in the foreground, so the container lives as long as netserver.
            command: ["netserver", "-D", "-p", String(NETPERF_CONTROL_PORT.port)],
            ports: [
                { name: "control", containerPort: NETPERF_CONTROL_PORT.port, protocol: "TCP" },
                { name: "data", containerPort: NETPERF_DATA_PORT.port, protocol: "TCP" },
            ],
            resources: { requests: { cpu: "1", memory: "32Mi" } },
            // Each exec starts a process in the pod during the measurement too: one every 5 s,
            // a few milliseconds of CPU. timeoutSeconds 5, since the default 1 s could fail a
            // probe on a busy node and take the server out of its Service mid-run.
            readinessProbe: { exec: { command: [...NETSERVER_READINESS_COMMAND] }, periodSeconds: 5, timeoutSeconds: 5 },
        }],
    });
    const service = buildService(NETPERF_SERVICE, [
        { port: NETPERF_CONTROL_PORT, targetPort: NETPERF_CONTROL_PORT.port },
        { port: NETPERF_DATA_PORT, targetPort: NETPERF_DATA_PORT.port },
    ], args.enrolment);
    return [buildServiceAccount(NETPERF_SERVICE), service, deployment] as KubeObject[];
}
