// A GET-only KubeApi for the residue check's lister, over @kubernetes/client-node's signing
// of https requests. It repeats the GET of runner/kube-client.ts because runner/ imports
// sweep/ (bench-cli.ts), so sweep/ cannot import runner/; moving kube-client.ts to shared/
// would let both use one.
import * as http from "http";
import * as https from "https";
import * as k8s from "@kubernetes/client-node";
import { KubeError, type KubeApi } from "../shared/kube-api";

export function kubeGetter(kubeconfig: string, context?: string): KubeApi {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    if (context) kc.setCurrentContext(context);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeError("request", "the kubeconfig names no cluster for its current context");
    return {
        exec: () => Promise.reject(new KubeError("request", "the residue lister does not exec")),
        async get(path) {
            const url = new URL(cluster.server.replace(/\/$/, "") + path);
            const options: https.RequestOptions = {
                method: "GET", hostname: url.hostname, port: url.port || undefined, path: url.pathname + url.search, headers: {},
            };
            await kc.applyToHTTPSOptions(options);
            const transport = url.protocol === "http:" ? http : https;
            return new Promise<string>((resolve, reject) => {
                const req = transport.request(options, (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        const body = Buffer.concat(chunks).toString("utf8");
                        const code = res.statusCode ?? 0;
                        if (code >= 200 && code < 300) resolve(body);
                        else reject(new KubeError("status", `GET ${path}: HTTP ${code}: ${body.slice(0, 200).trim()}`));
                    });
                });
                req.setTimeout(60_000, () => req.destroy(new Error("no answer within 60 s")));
                req.on("error", (e) => reject(new KubeError("request", `GET ${path}: ${e.message}`)));
                req.end();
            });
        },
    };
}
