import * as assert from "assert";
import type { KubeObject } from "../../cluster/kube-objects";
import { buildClients, readClientScripts } from "../../loadtest/clients";
import { netperfSettings, wrkSettings } from "../../loadtest/run-settings";
import { parseConfig } from "../../config";
import { none } from "../../meshes/none";
import type { Enrolment } from "../../meshes/types";
import { MAX_RESPONSE_BYTES } from "../../loadtest/settings";
import { buildHttpServer, buildNginxConf, buildResponseBody } from "../../workloads/http-server";
import { buildBenchNamespace } from "../../workloads/namespace";
import { buildNetperfServer } from "../../workloads/netperf-server";
import { buildDeployment } from "../../workloads/pods";
import { validateKubeObject } from "../helpers/schema";

const enrolment = none.enrolment({ mtls: false, target: "kubeconfig", benchNamespace: "meshbench" });
/** A mesh that enrols by annotation and marks netperf's ports opaque, to see both reach the objects. */
const annotating: Enrolment = {
    namespaceLabels: { "mesh.example/inject": "enabled" },
    namespaceAnnotations: { "mesh.example/policy": "strict" },
    podAnnotations: (role) => ({ "mesh.example/role": role }),
    appProtocol: (port) => (port.role === "http" ? "http" : "example.com/opaque"),
};
const serverPlacement = { nodeSelector: { "meshbench.io/node-role": "server" }, tolerations: [{ key: "meshbench.io/server", operator: "Exists", effect: "NoSchedule" }] };
const config = parseConfig({ target: "kubeconfig" });

const find = (objects: KubeObject[], kind: string, name?: string): any =>
    objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

describe("workload manifests", () => {
    const http = buildHttpServer({ image: "nginx:1.27.4-alpine", placement: serverPlacement, enrolment: annotating, responseBytes: 10 });
    const netperf = buildNetperfServer({ image: "cilium/netperf:2.0", placement: serverPlacement, enrolment: annotating });
    const clients = buildClients({
        wrk: wrkSettings(config.load), netperf: netperfSettings(config.load), wrkImage: "williamyeh/wrk:4.0.2",
        netperfImage: "cilium/netperf:2.0", fortioImage: "fortio/fortio:1.68.2", placement: {}, enrolment: annotating,
    });

    it("declares every netperf port on its Service, with name, protocol and the mesh's appProtocol", () => {
        assert.deepStrictEqual(find(netperf, "Service").spec.ports, [
            { name: "tcp-netperf-control", port: 12865, targetPort: 12865, protocol: "TCP", appProtocol: "example.com/opaque" },
            { name: "tcp-netperf-data", port: 12866, targetPort: 12866, protocol: "TCP", appProtocol: "example.com/opaque" },
        ]);
        assert.deepStrictEqual(find(http, "Service").spec.ports,
            [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP", appProtocol: "http" }]);
    });

    it("runs netserver in the foreground on the control port", () => {
        const container = find(netperf, "Deployment").spec.template.spec.containers[0];
        assert.deepStrictEqual(container.command, ["netserver", "-D", "-p", "12865"]);
    });

    it("keeps clients and servers off each other's nodes, and places servers where the target says", () => {
        const server = find(http, "Deployment").spec.template.spec;
        const client = find(clients, "Deployment", "wrk-client").spec.template.spec;
        const rule = (spec: any) => spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
        assert.deepStrictEqual(rule(server),
            { labelSelector: { matchLabels: { "meshbench.io/side": "client" } }, namespaceSelector: {}, topologyKey: "kubernetes.io/hostname" });
        assert.deepStrictEqual(rule(client),
            { labelSelector: { matchLabels: { "meshbench.io/side": "server" } }, namespaceSelector: {}, topologyKey: "kubernetes.io/hostname" });
        assert.deepStrictEqual(server.nodeSelector, serverPlacement.nodeSelector);
        assert.deepStrictEqual(server.tolerations, serverPlacement.tolerations);
        assert.strictEqual(client.nodeSelector, undefined);
    });

    it("keeps a client-side pod in another namespace (the plaintext probe's) off the servers' nodes too", () => {
        const probe = buildDeployment({ app: "plaintext-probe", namespace: "meshbench-probe", side: "client", placement: {}, containers: [] });
        assert.strictEqual(probe.metadata!.namespace, "meshbench-probe");
        // Without a namespaceSelector a term matches only pods in the pod's own namespace; {} matches every namespace.
        assert.deepStrictEqual(probe.spec!.template.spec!.affinity, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { "meshbench.io/side": "server" } }, namespaceSelector: {}, topologyKey: "kubernetes.io/hostname" },
        ] } });
    });

    it("sets resource requests on every container, and gives wrk a core per thread without a limit", () => {
        for (const deployment of [...http, ...netperf, ...clients].filter((o) => o.kind === "Deployment")) {
            for (const c of (deployment as any).spec.template.spec.containers) {
                assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${deployment.metadata.name}/${c.name}`);
            }
        }
        const wrk = find(clients, "Deployment", "wrk-client").spec.template.spec.containers[0];
        assert.deepStrictEqual(wrk.resources, { requests: { cpu: "8", memory: "256Mi" } });
    });

    it("runs fortio's image idle beside wrk, in one process namespace, so the wrk container can run its binary", () => {
        const pod = find(clients, "Deployment", "wrk-client").spec.template.spec;
        assert.strictEqual(pod.shareProcessNamespace, true);
        assert.deepStrictEqual(pod.containers.map((c: any) => c.name), ["wrk", "fortio"]);
        assert.deepStrictEqual(pod.containers[1], {
            name: "fortio", image: "fortio/fortio:1.68.2",
            // An echo server on a loopback port of its own: the image has nothing else to idle with.
            command: ["/usr/bin/fortio", "tcp-echo", "-tcp-port", "127.0.0.1:0"],
            resources: { requests: { cpu: "10m", memory: "32Mi" } },
        });
        assert.strictEqual(find(clients, "Deployment", "netperf-client").spec.template.spec.shareProcessNamespace, undefined);
        // With the open-loop step off, there is no fortio image to pull.
        const off = buildClients({
            wrk: wrkSettings(config.load), netperf: netperfSettings(config.load), wrkImage: "williamyeh/wrk:4.0.2",
            netperfImage: "cilium/netperf:2.0", placement: {}, enrolment: annotating,
        });
        const offPod = find(off, "Deployment", "wrk-client").spec.template.spec;
        assert.deepStrictEqual([offPod.containers.map((c: any) => c.name), offPod.shareProcessNamespace], [["wrk"], undefined]);
    });

    it("enrols pods through the mesh's annotations, and gives each its own ServiceAccount", () => {
        for (const [objects, app, role] of [[http, "http-server", "http-server"], [netperf, "netperf-server", "netperf-server"],
            [clients, "wrk-client", "wrk-client"], [clients, "netperf-client", "netperf-client"]] as const) {
            const pod = find(objects, "Deployment", app).spec.template;
            assert.strictEqual(pod.metadata.annotations["mesh.example/role"], role);
            assert.strictEqual(pod.spec.serviceAccountName, app);
            assert.ok(find(objects, "ServiceAccount", app), `ServiceAccount ${app}`);
        }
    });

    it("mounts the exact client scripts from loadtest/scripts and passes the settings as environment", () => {
        const configMap = find(clients, "ConfigMap");
        assert.deepStrictEqual(configMap.data, readClientScripts());
        const wrk = find(clients, "Deployment", "wrk-client").spec.template.spec;
        assert.deepStrictEqual(wrk.volumes, [{ name: "scripts", configMap: { name: configMap.metadata.name } }]);
        const env = Object.fromEntries(wrk.containers[0].env.map((e: any) => [e.name, e.value]));
        assert.deepStrictEqual(env, {
            MESHBENCH_RUN_TIMEOUT_SECONDS: "150",
            MESHBENCH_URL: "http://http-server.meshbench.svc.cluster.local:80/", MESHBENCH_WRK_THREADS: "8",
            MESHBENCH_WRK_CONNECTIONS: "8", MESHBENCH_DURATION_SECONDS: "30", MESHBENCH_WARMUP_SECONDS: "10",
            MESHBENCH_REPETITIONS: "5",
        });
    });

    it("renames the nginx ConfigMap when its contents change, so nginx restarts with them", () => {
        const name = find(http, "ConfigMap").metadata.name;
        assert.match(name, /^nginx-conf-[0-9a-f]{10}$/);
        assert.strictEqual(find(http, "Deployment").spec.template.spec.volumes[0].configMap.name, name);
    });

    it("probes readiness on a path of its own, never on the path wrk measures", () => {
        const probe = find(http, "Deployment").spec.template.spec.containers[0].readinessProbe;
        assert.deepStrictEqual(probe.httpGet, { path: "/healthz", port: 8080 });
        assert.strictEqual(new URL(wrkSettings(config.load).url).pathname, "/");
        // nginx answers every path from its one prefix location, the probe's included (test/workloads/nginx.test.ts serves both).
        assert.match(buildNginxConf(), /location \/ \{ try_files \/body =500; /);
    });

    it("serves the body from the file it mounts, with long keep-alive and no access log", () => {
        const conf = buildNginxConf();
        assert.match(conf, /listen 8080 reuseport;/);
        assert.match(conf, /root \/srv\/meshbench;/);
        assert.match(conf, /open_file_cache max=16 inactive=3600s;/);
        assert.match(conf, /access_log off;/);
        assert.match(conf, /keepalive_requests 10000000;/);
        assert.doesNotMatch(conf, /return 200/, "one serving path for every size");
        const container = find(http, "Deployment").spec.template.spec.containers[0];
        assert.deepStrictEqual(container.volumeMounts, [
            { name: "conf", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf", readOnly: true },
            { name: "conf", mountPath: "/srv/meshbench/body", subPath: "body", readOnly: true },
        ]);
    });

    it("puts a body of exactly responseBytes bytes in the ConfigMap: the old 10-byte body by default", () => {
        assert.strictEqual(find(http, "ConfigMap").data.body, "meshbench\n");
        for (const bytes of [1, 10, 11, 1024, 65536]) {
            const body = find(buildHttpServer({ image: "nginx:1.27.4-alpine", placement: {}, enrolment, responseBytes: bytes }), "ConfigMap").data.body;
            assert.strictEqual(Buffer.byteLength(body), bytes);
            assert.strictEqual(body, buildResponseBody(bytes));
        }
        assert.strictEqual(buildResponseBody(25), "meshbench\nmeshbench\nmeshb");
    });

    it("keeps the ConfigMap of the largest body under the API server's 1 MiB", () => {
        const largest = find(buildHttpServer({ image: "nginx:1.27.4-alpine", placement: {}, enrolment, responseBytes: MAX_RESPONSE_BYTES }), "ConfigMap");
        const total = Object.values<string>(largest.data).reduce((sum, v) => sum + Buffer.byteLength(v), 0);
        assert.ok(total <= 1048576, `${total} bytes`);
        assert.strictEqual(parseConfig({ target: "kubeconfig", responseBytes: String(MAX_RESPONSE_BYTES) }).load.responseBytes, MAX_RESPONSE_BYTES);
    });

    it("renames the ConfigMap, and so restarts nginx, when the body size changes", () => {
        const names = [10, 1024, 65536].map((bytes) =>
            find(buildHttpServer({ image: "nginx:1.27.4-alpine", placement: serverPlacement, enrolment: annotating, responseBytes: bytes }), "ConfigMap").metadata.name);
        assert.strictEqual(new Set(names).size, 3);
        assert.strictEqual(names[0], find(http, "ConfigMap").metadata.name);
    });

    it("labels and annotates the namespace for the mesh", () => {
        assert.deepStrictEqual(buildBenchNamespace(annotating).metadata, {
            name: "meshbench",
            labels: { "app.kubernetes.io/part-of": "meshbench", "mesh.example/inject": "enabled" },
            annotations: { "mesh.example/policy": "strict" },
        });
        assert.deepStrictEqual(buildBenchNamespace(enrolment).metadata!.labels, { "app.kubernetes.io/part-of": "meshbench" });
    });

    it("builds objects that validate against the Kubernetes schema", () => {
        const large = buildHttpServer({ image: "nginx:1.27.4-alpine", placement: serverPlacement, enrolment, responseBytes: 65536 });
        for (const obj of [buildBenchNamespace(enrolment) as KubeObject, ...http, ...large, ...netperf, ...clients]) validateKubeObject(obj);
    });

    it("has a schema check that rejects a broken object", () => {
        const broken = JSON.parse(JSON.stringify(find(http, "Deployment")));
        broken.spec.template.spec.containers[0].ports[0].containerPort = "eighty";
        assert.throws(() => validateKubeObject(broken), /containerPort must be integer/);
        assert.throws(() => validateKubeObject({ apiVersion: "example.com/v1", kind: "Widget" }), /no schema for example.com\/v1 Widget/);
    });
});
