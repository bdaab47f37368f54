// GET of an API path, signed with a kubeconfig's credentials (certificates, token or exec
// plugin) by @kubernetes/client-node: shared/kube-client.ts's GET.
import * as http from "http";
import * as https from "https";
import * as k8s from "@kubernetes/client-node";
import { KubeError } from "./kube-api";

/** A loaded kubeconfig at its current (or the given) context, and its cluster. */
export function loadKubeconfig(kubeconfig: string, context?: string): { kc: k8s.KubeConfig; server: string } {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    if (context) kc.setCurrentContext(context);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeError("request", "the kubeconfig names no cluster for its current context");
    return { kc, server: cluster.server };
}

/** GETs `path` from the cluster's API server; a status outside 2xx is a KubeError naming it. */
export async function signedGet(kc: k8s.KubeConfig, server: string, path: string): Promise<string> {
    const url = new URL(server.replace(/\/$/, "") + path);
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
}
