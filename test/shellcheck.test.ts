// Every shell script the project ships, checked by shellcheck (Debian package; .ci/run
// installs it). Scripts run on busybox in the client images, so they are checked as sh,
// unless their first line asks for bash.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./helpers/shell";

function shellScripts(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        if (["node_modules", ".git", "bin"].includes(entry.name)) return [];
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? shellScripts(full) : entry.name.endsWith(".sh") ? [full] : [];
    });
}

describe("shell scripts", () => {
    const scripts = shellScripts(ROOT);

    before(() => {
        assert.match(execFileSync("shellcheck", ["--version"]).toString(), /version: /, "shellcheck must be installed");
    });

    it("includes the client scripts and the kubectl wrapper", () => {
        const relative = scripts.map((s) => path.relative(ROOT, s));
        for (const expected of ["loadtest/scripts/wrk-client.sh", "loadtest/scripts/netperf-client.sh", "cluster/kubectl.sh"]) {
            assert.ok(relative.includes(expected), expected);
        }
    });

    for (const script of shellScripts(ROOT)) {
        it(`${path.relative(ROOT, script)} passes shellcheck`, () => {
            // Scripts that declare bash (the testbed's, which run on the build host) are
            // checked as bash; the rest, sourced files included, as sh.
            const bash = /^#!.*\bbash\b/.test(fs.readFileSync(script, "utf8").split("\n", 1)[0]);
            const shell = bash ? [] : ["--shell=sh"];
            const run = spawnSync("shellcheck", ["--external-sources", ...shell, "--severity=style", path.relative(ROOT, script)], { cwd: ROOT });
            assert.strictEqual(run.status, 0, run.stdout.toString() + run.stderr.toString());
        });
    }
});
