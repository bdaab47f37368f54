// shellcheck for shell that lives in TypeScript strings (evidence snippets, rendered
// scripts): written to a temporary file and checked as POSIX sh.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function assertShellcheckClean(script: string, what: string): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meshbench-shellcheck-"));
    const file = path.join(dir, "snippet.sh");
    try {
        fs.writeFileSync(file, `#!/bin/sh\n${script}\n`);
        const run = spawnSync("shellcheck", ["--shell=sh", "--severity=style", file]);
        assert.strictEqual(run.status, 0, `${what} fails shellcheck:\n${run.stdout.toString()}${run.stderr.toString()}`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
