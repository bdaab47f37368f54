// Runs a mesh's evidence snippet exactly as the mtls-evidence step does — through the real
// kubectl wrapper (cluster/kubectl.sh --script) with the real sh, grep and sed — against a
// stand-in `kubectl` on PATH that answers from fixtures, as the API server would.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { shellQuote } from "../../cluster/kubectl";
import { runScript } from "./shell";

export interface StandInCluster {
    /** The running pod of each app (label app.kubernetes.io/name); an app left out has none. */
    readonly pods: Readonly<Record<string, string>>;
    /** What `kubectl get --raw <path>` prints, by path, as a fixture file name under test/fixtures; other paths fail. */
    readonly raw: Readonly<Record<string, string>>;
}

/** A kubectl that knows only the pods and raw paths it is given; anything else fails as the API server would. */
function standInKubectl(cluster: StandInCluster): string {
    const cases = [
        ...Object.entries(cluster.pods).map(([app, pod]) =>
            `    *"app.kubernetes.io/name=${app} "*) printf '%s' ${shellQuote(pod)} ;;`),
        ...Object.entries(cluster.raw).map(([rawPath, file]) =>
            `    ${shellQuote(`get --raw ${rawPath}`)}) cat ${shellQuote(path.join(__dirname, "..", "fixtures", file))} ;;`),
    ];
    return [
        "#!/bin/sh",
        "# Stand-in kubectl for the tests; the wrapper passes its kubeconfig first.",
        '[ "$1" = --kubeconfig ] && shift 2',
        'case "$*" in',
        ...cases,
        '    *"get pods"*) echo "error: array index out of bounds: index 0, length 0" >&2; exit 1 ;;',
        '    *) echo "Error from server (NotFound): the server could not find the requested resource" >&2; exit 1 ;;',
        "esac",
        "",
    ].join("\n");
}

/** The stdout of the evidence step: what the snippet printed, then the wrapper's exit marker. */
export async function runEvidenceSnippet(script: string, cluster: StandInCluster): Promise<string> {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-kubectl-"));
    try {
        fs.writeFileSync(path.join(bin, "kubectl"), standInKubectl(cluster), { mode: 0o755 });
        const run = await runScript("cluster/kubectl.sh", {
            PATH: `${bin}:${process.env.PATH}`, MESHBENCH_KUBECONFIG: "apiVersion: v1\nkind: Config\n",
        }, ["--script", script]);
        return run.stdout;
    } finally {
        fs.rmSync(bin, { recursive: true, force: true });
    }
}
