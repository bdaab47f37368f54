// The HTTP server wrk measures: nginx serving a fixed body of `responseBytes` bytes, so the
// numbers measure the network path and the mesh, not the application.
//
// One serving path for every size: the body is a file from the ConfigMap, served with
// try_files and its descriptor kept open by open_file_cache. nginx's `return 200 "..."`
// served the old fixed body from memory, but its text cannot pass 4 KiB (nginx's config
// parser refuses a longer parameter: "too long parameter"), and two paths across sizes
// would put the difference of the paths into the cost per byte. Against the old `return`,
// checked with Debian's nginx under strace (docs/measurement.md): the response is byte for
// byte the same (ETag, Last-Modified and Accept-Ranges are turned off below), written by
// the same single writev; the one change is a pread64 of the body from the page cache per
// request (no open or fstat: the descriptor stays cached), about 0.8 µs of nginx's CPU per
// request on loopback (docs/measurement.md).
import type { ConfigMap } from "kubernetes-types/core/v1";
import { nameByContent, type KubeObject } from "../cluster/kube-objects";
import type { NodePlacement } from "../cluster/types";
import type { Enrolment } from "../meshes/types";
import { buildDeployment, buildService, buildServiceAccount } from "./pods";
import { BENCH_NAMESPACE, HTTP_CONTAINER_PORT, HTTP_PORT, HTTP_SERVICE } from "./ports";

/** The body's text, repeated and cut to size: at the default 10 bytes it is the body meshbench always served. */
export const HTTP_RESPONSE_TEXT = "meshbench\n";

/** Where the body file is mounted in the nginx container, and its name there. */
export const HTTP_BODY_DIR = "/srv/meshbench";
export const HTTP_BODY_FILE = "body";

/**
 * The kubelet's readiness path: any path but the measured one ("/"). Meshes open probe
 * paths to unauthenticated clients so that the kubelet's plaintext probes pass (Linkerd's
 * policy controller authorizes every httpGet probe path from any address by default);
 * a probe on "/" would open the benchmark path to plaintext too. nginx serves it like
 * any other path.
 */
export const HTTP_READINESS_PATH = "/healthz";

/** The body of `bytes` bytes (ASCII, so one character is one byte). */
export function buildResponseBody(bytes: number): string {
    return HTTP_RESPONSE_TEXT.repeat(Math.ceil(bytes / HTTP_RESPONSE_TEXT.length)).slice(0, bytes);
}

/** What may differ between the pod and a test that runs the same nginx.conf on loopback. */
export interface NginxConfOptions {
    /** nginx's `listen` address. Default: the container port, every address of the pod. */
    readonly listen?: string;
    /** Directory holding the body file. Default: HTTP_BODY_DIR. */
    readonly bodyDir?: string;
    /** Default: /tmp/nginx.pid (writable in the image, whatever user nginx runs as). */
    readonly pidFile?: string;
}

export function buildNginxConf(options: NginxConfOptions = {}): string {
    return [
        // One worker per CPU the node offers; the server pod has no CPU limit, so the
        // mesh's proxy, not nginx, is what runs out first.
        "worker_processes auto;",
        `pid ${options.pidFile ?? "/tmp/nginx.pid"};`,
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
        // The body's descriptor and size stay cached: no open or fstat per request. The
        // file never changes while the pod runs (a new body is a new ConfigMap and pod).
        "  open_file_cache max=16 inactive=3600s;",
        "  open_file_cache_valid 3600s;",
        // sendfile stays off (nginx's default): nginx reads the body into its buffer and
        // writes headers and body with one writev, as `return` did; sendfile would send
        // them in two writes, and the small sizes in two segments.
        "  sendfile off;",
        "  server {",
        `    listen ${options.listen ?? String(HTTP_CONTAINER_PORT)} reuseport;`,
        "    default_type text/plain;",
        `    root ${options.bodyDir ?? HTTP_BODY_DIR};`,
        // The headers `return` sent, no more: a static file would add ETag, Accept-Ranges
        // and Last-Modified (an empty add_header of Last-Modified removes it).
        "    etag off;",
        "    max_ranges 0;",
        // Every path, the readiness probe's included, is answered with the body.
        `    location / { try_files /${HTTP_BODY_FILE} =500; add_header Last-Modified ""; }`,
        "  }",
        "}",
        "",
    ].join("\n");
}

/** The files of the nginx ConfigMap, by key: the config and the body. */
export function buildHttpServerFiles(responseBytes: number): Record<string, string> {
    return { "nginx.conf": buildNginxConf(), [HTTP_BODY_FILE]: buildResponseBody(responseBytes) };
}

export interface HttpServerArgs {
    readonly image: string;
    readonly placement: NodePlacement;
    readonly enrolment: Enrolment;
    /** Size of the response body, in bytes (config `responseBytes`). */
    readonly responseBytes: number;
}

export function buildHttpServer(args: HttpServerArgs): KubeObject[] {
    const files = buildHttpServerFiles(args.responseBytes);
    const configMap: ConfigMap = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: nameByContent("nginx-conf", JSON.stringify(files)), namespace: BENCH_NAMESPACE },
        data: files,
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
            volumeMounts: [
                { name: "conf", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf", readOnly: true },
                { name: "conf", mountPath: `${HTTP_BODY_DIR}/${HTTP_BODY_FILE}`, subPath: HTTP_BODY_FILE, readOnly: true },
            ],
        }],
        volumes: [{ name: "conf", configMap: { name: configMap.metadata!.name! } }],
    });
    const service = buildService(HTTP_SERVICE, [{ port: HTTP_PORT, targetPort: HTTP_CONTAINER_PORT }], args.enrolment);
    return [configMap, buildServiceAccount(HTTP_SERVICE), service, deployment] as KubeObject[];
}
