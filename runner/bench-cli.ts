// The bench command (runner/bench.ts): reads the stack through the pulumi CLI, runs the
// runner, prints progress, writes the results file. Exits 1 when the run was not ok.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MESHES } from "../meshes";
import type { MeshName } from "../meshes/types";
import type { BenchmarkResults } from "../shared/results";
import { resultsProblem } from "../sweep/results-file";
import { parseBenchArgs, planFromResults } from "./bench";
import { kubeClient } from "../shared/kube-client";
import { runBenchmark } from "./run";

const pulumi = (args: string[]): string => execFileSync("pulumi", args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

async function main(): Promise<number> {
    const opts = parseBenchArgs(process.argv.slice(2));
    if (typeof opts === "string") {
        console.error(opts);
        return 2;
    }
    const outputs = JSON.parse(pulumi(["stack", "output", "--json", "--show-secrets", "--stack", opts.stack])) as Record<string, unknown>;
    const problem = resultsProblem(outputs.results);
    if (problem) throw new Error(`stack ${opts.stack}, output results: ${problem}`);
    const last = outputs.results as BenchmarkResults;
    const config = (key: string) => {
        try {
            return pulumi(["config", "get", key, "--stack", opts.stack]).trim() || undefined;
        } catch {
            return undefined;
        }
    };
    const kubeconfigFile = config("meshbench:kubeconfig") ?? process.env.KUBECONFIG ?? path.join(os.homedir(), ".kube", "config");
    const kubeconfig = typeof outputs.kubeconfig === "string" ? outputs.kubeconfig : fs.readFileSync(kubeconfigFile, "utf8");
    const plan = planFromResults(last, opts.repetitions);
    const results = await runBenchmark(plan, kubeClient(kubeconfig, config("meshbench:kubeContext")),
        MESHES[plan.inputs.mesh as MeshName], { report: (line) => console.log(`${opts.stack}: ${line}`) });
    const dir = opts.out ?? path.join("runs", `bench-${opts.stack}-${new Date().toISOString().replace(/[:.]/g, "-")}`);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${opts.stack}.json`);
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`${opts.stack}: ${results.status}; results in ${file} (npm run report -- ${dir})`);
    return results.status === "ok" ? 0 : 1;
}

main().then((code) => process.exit(code), (e: Error) => {
    console.error(e.message);
    process.exit(2);
});
