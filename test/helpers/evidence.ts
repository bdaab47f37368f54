// A mesh's evidence read as the runner reads it, through KubeApi, from a fake cluster
// (test/helpers/fake-kube.ts) that knows only the pods and GET paths it is given;
// anything else fails as the API server would.
import type { EvidenceReading, MeshContext, MtlsEvidence } from "../../meshes/types";
import { FakeKube } from "./fake-kube";

export interface StandInCluster {
    /** The running pod of each app (label app.kubernetes.io/name) in the benchmark namespace; an app left out has none. */
    readonly pods: Readonly<Record<string, string>>;
    /** What GET <path> answers, by path, as a fixture file name under test/fixtures; other paths are 404. */
    readonly raw: Readonly<Record<string, string>>;
}

export async function readEvidence(
    evidence: MtlsEvidence, ctx: MeshContext, cluster: StandInCluster,
): Promise<{ reading: EvidenceReading; calls: string[] }> {
    const kube = new FakeKube({
        pods: Object.entries(cluster.pods).map(([app, name]) => ({
            name, namespace: ctx.benchNamespace, labels: { "app.kubernetes.io/name": app }, node: "worker-1",
            containers: [{ name: app, image: "", imageId: "" }],
        })),
        nodes: [],
        get: Object.fromEntries(Object.entries(cluster.raw).map(([path, file]) => [path, { fixture: file }])),
    });
    const reading = await evidence.read(kube, ctx);
    return { reading, calls: kube.calls };
}
