// Stand-in kubectls for steps run through the real wrapper (cluster/kubectl.sh):
// - runEvidenceScript: names pods as a cluster would and serves each pod's metrics from a
//   file, for evidence snippets that look pods up by label (Istio);
// - runWithFakeKubectl: answers from a table of expected calls and records every call; an
//   unexpected call fails as kubectl would, on stderr (Linkerd's steps).
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubectlShellCommand, KUBECTL_WRAPPER, type KubectlInvocation } from "../../cluster/kubectl";

/** The node every server pod is reported on, and the ztunnel pod the fake places there. */
export const FAKE_SERVER_NODE = "worker-1";
export const FAKE_ZTUNNEL_POD = "ztunnel-x7k2p";
/** The name the fake gives the running pod of an app. */
export const fakePodName = (app: string): string => `${app}-7c5b9d8f6-k4m2p`;

const FAKE_KUBECTL = `#!/bin/sh
shift 2
echo "$*" >> "$FAKE_KUBECTL_LOG"
selector=''; output=''; raw=''
while [ $# -gt 0 ]; do
    case "$1" in
        -l) selector=$2; shift ;;
        -o) output=$2; shift ;;
        --raw) raw=$2; shift ;;
    esac
    shift
done
if [ -n "$raw" ]; then
    pod=\${raw#/api/v1/namespaces/*/pods/}; pod=\${pod%%:*}
    if [ -r "$FAKE_METRICS_DIR/$pod.prom" ]; then cat "$FAKE_METRICS_DIR/$pod.prom"; exit 0; fi
    echo 'Error from server (ServiceUnavailable): the server is currently unable to handle the request' >&2
    exit 1
fi
case "$selector|$output" in
    'app=ztunnel|'*) printf '%s' ${FAKE_ZTUNNEL_POD} ;;
    *'|jsonpath={.items[0].spec.nodeName}') printf '%s' ${FAKE_SERVER_NODE} ;;
    'app.kubernetes.io/name='*) printf '%s' "\${selector#app.kubernetes.io/name=}-7c5b9d8f6-k4m2p" ;;
esac
`;

export interface EvidenceRun {
    /** What the step printed, wrapper's exit marker included. */
    readonly stdout: string;
    /** kubectl's arguments, one call per line. */
    readonly calls: string[];
}

/**
 * Runs an evidence snippet as the evidence step does. `metrics` maps a pod name to the
 * fixture (under test/fixtures) its metrics endpoint serves; other pods cannot be read.
 */
export async function runEvidenceScript(script: string, metrics: Record<string, string>): Promise<EvidenceRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-evidence-"));
    try {
        fs.writeFileSync(path.join(dir, "kubectl"), FAKE_KUBECTL, { mode: 0o755 });
        for (const [pod, file] of Object.entries(metrics)) {
            fs.copyFileSync(path.join(__dirname, "..", "fixtures", file), path.join(dir, `${pod}.prom`));
        }
        const log = path.join(dir, "calls.log");
        fs.writeFileSync(log, "");
        const stdout = await new Promise<string>((resolve, reject) => execFile("sh", ["-c", kubectlShellCommand({ script })], {
            env: {
                ...process.env, PATH: `${dir}:${process.env.PATH}`, MESHBENCH_KUBECTL_WRAPPER: KUBECTL_WRAPPER,
                MESHBENCH_KUBECONFIG: "apiVersion: v1\nkind: Config", FAKE_METRICS_DIR: dir, FAKE_KUBECTL_LOG: log,
            },
        }, (error, out) => (error ? reject(error) : resolve(out))));
        return { stdout, calls: fs.readFileSync(log, "utf8").split("\n").filter(Boolean) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}


/** What kubectl answers to one call: keyed by its arguments (without --kubeconfig), joined by spaces. */
export interface FakeAnswer {
    readonly stdout?: string;
    readonly stderr?: string;
    readonly exitCode?: number;
}

export interface FakeKubectlRun {
    /** The step's stdout, wrapper marker included, as the kubectl step would keep it. */
    readonly stdout: string;
    /** Each call's arguments, without --kubeconfig, in order. */
    readonly calls: string[][];
}

const STAND_IN = `#!/usr/bin/env node
const fs = require("fs");
const args = process.argv.slice(2);
if (args[0] === "--kubeconfig") args.splice(0, 2);
fs.appendFileSync(process.env.FAKE_KUBECTL_LOG, JSON.stringify(args) + "\\n");
const answer = JSON.parse(fs.readFileSync(process.env.FAKE_KUBECTL_ANSWERS, "utf8"))[args.join(" ")];
if (!answer) {
    process.stderr.write("error: the stand-in kubectl does not expect: " + args.join(" ") + "\\n");
    process.exit(1);
}
process.stdout.write(answer.stdout || "");
process.stderr.write(answer.stderr || "");
process.exit(answer.exitCode || 0);
`;

export async function runWithFakeKubectl(
    invocation: KubectlInvocation, answers: Readonly<Record<string, FakeAnswer>>,
): Promise<FakeKubectlRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-fake-kubectl-"));
    try {
        fs.writeFileSync(path.join(dir, "kubectl"), STAND_IN, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "answers.json"), JSON.stringify(answers));
        const env = {
            ...process.env,
            PATH: `${dir}:${process.env.PATH}`,
            MESHBENCH_KUBECTL_WRAPPER: KUBECTL_WRAPPER,
            MESHBENCH_KUBECONFIG: "apiVersion: v1\nkind: Config",
            FAKE_KUBECTL_LOG: path.join(dir, "calls.log"),
            FAKE_KUBECTL_ANSWERS: path.join(dir, "answers.json"),
        };
        const stdout = await new Promise<string>((resolve, reject) =>
            execFile("sh", ["-c", kubectlShellCommand(invocation)], { env, maxBuffer: 16 * 1024 * 1024 },
                (error, out) => (error ? reject(error) : resolve(out))));
        const log = path.join(dir, "calls.log");
        const calls = fs.existsSync(log)
            ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[])
            : [];
        return { stdout, calls };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
