// A GET-only KubeApi for the residue check's lister (the GET is shared/kube-get.ts's).
import { KubeError, type KubeApi } from "../shared/kube-api";
import { loadKubeconfig, signedGet } from "../shared/kube-get";

export function kubeGetter(kubeconfig: string, context?: string): KubeApi {
    const { kc, server } = loadKubeconfig(kubeconfig, context);
    return {
        exec: () => Promise.reject(new KubeError("request", "the residue lister does not exec")),
        get: (path) => signedGet(kc, server, path),
    };
}
