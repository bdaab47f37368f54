// The netperf server: netserver on its control port. netperf asks it to listen on the
// pinned data port for each test, so both ports are declared on the Service.
import type { KubeObject } from "../cluster/kube-objects";
import type { NodePlacement } from "../cluster/types";
import type { Enrolment } from "../meshes/types";
import { buildDeployment, buildService, buildServiceAccount } from "./pods";
import { NETPERF_CONTROL_PORT, NETPERF_DATA_PORT, NETPERF_SERVICE } from "./ports";

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
            readinessProbe: { tcpSocket: { port: NETPERF_CONTROL_PORT.port }, periodSeconds: 2 },
        }],
    });
    const service = buildService(NETPERF_SERVICE, [
        { port: NETPERF_CONTROL_PORT, targetPort: NETPERF_CONTROL_PORT.port },
        { port: NETPERF_DATA_PORT, targetPort: NETPERF_DATA_PORT.port },
    ], args.enrolment);
    return [buildServiceAccount(NETPERF_SERVICE), service, deployment] as KubeObject[];
}
