// The HTTP server wrk measures: nginx returning a small fixed body from memory, so the
// numbers measure the network path and the mesh, not the application.
import type { ConfigMap } from "kubernetes-types/core/v1";
import { nameByContent, type KubeObject } from "../cluster/kube-objects";
import type { NodePlacement } from "../cluster/types";
import type { Enrolment } from "../meshes/types";
import { buildDeployment, buildService, buildServiceAccount } from "./pods";
import { BENCH_NAMESPACE, HTTP_CONTAINER_PORT, HTTP_PORT, HTTP_SERVICE } from "./ports";

/** The fixed response body; 10 bytes. */
export const HTTP_RESPONSE_BODY = "meshbench\n";

/**
 * The kubelet's readiness path: any path but the measured one ("/"). Meshes open probe
 * paths to unauthenticated clients so that the kubelet's plaintext probes pass (Linkerd's
 * policy controller authorizes every httpGet probe path from any address by default);
 * a probe on "/" would open the benchmark path to plaintext too. nginx serves it like
 * any other path.
 */
export const HTTP_READINESS_PATH = "/healthz";

export function buildNginxConf(port: number = HTTP_CONTAINER_PORT, body: string = HTTP_RESPONSE_BODY): string {
    return [
        // One worker per CPU the node offers; the server pod has no CPU limit, so the
        // mesh's proxy, not nginx, is what runs out first.
        "worker_processes auto;",
        "pid /tmp/nginx.pid;",
        "error_log /dev/stderr warn;",
        "events { worker_connections 4096; }",
        "http {",
        // Logging every request would cost more than serving it.
        "  access_log off;",
        // nginx closes a keep-alive connection after 1000 requests by default; wrk would
        // then reconnect, and every mesh would pay new (m)TLS handshakes mid-run. The
        // benchmark measures steady-state requests, so connections are kept.
        "  keepalive_requests 10000000;",
        "  keepalive_timeout 300s;",
        "  server {",
        `    listen ${port} reuseport;`,
        "    default_type text/plain;",
        `    location / { return 200 ${JSON.stringify(body)}; }`,
        "  }",
        "}",
        "",
    ].join("\n");
}

export interface HttpServerArgs {
    readonly image: string;
    readonly placement: NodePlacement;
    readonly enrolment: Enrolment;
}

export function buildHttpServer(args: HttpServerArgs): KubeObject[] {
    const conf = buildNginxConf();
    const configMap: ConfigMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: nameByContent("nginx-conf", conf), namespace: BENCH_NAMESPACE },
        data: { "nginx.conf": conf },
    };
    const deployment = buildDeployment({
        app: HTTP_SERVICE,
        mesh: { role: "http-server", enrolment: args.enrolment },
        side: "server",
        placement: args.placement,
        containers: [{
            name: "nginx",
            image: args.image,
            ports: [{ name: "http", containerPort: HTTP_CONTAINER_PORT, protocol: "TCP" }],
            resources: { requests: { cpu: "1", memory: "64Mi" } },
            readinessProbe: { httpGet: { path: HTTP_READINESS_PATH, port: HTTP_CONTAINER_PORT }, periodSeconds: 2 },
            volumeMounts: [{ name: "conf", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf", readOnly: true }],
        }],
        volumes: [{ name: "conf", configMap: { name: configMap.metadata!.name! } }],
    });
    const service = buildService(HTTP_SERVICE, [{ port: HTTP_PORT, targetPort: HTTP_CONTAINER_PORT }], args.enrolment);
    return [configMap, buildServiceAccount(HTTP_SERVICE), service, deployment] as KubeObject[];
}
