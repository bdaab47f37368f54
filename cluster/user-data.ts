// User data for EC2 instances: a shell script from a file, with its settings prepended as
// shell assignments. The script files are shellchecked as they are; tests shellcheck the
// rendered text too.
import * as fs from "fs";
import { shellQuote } from "./kubectl";

/** EC2 caps user data at 16 KiB. */
export const USER_DATA_LIMIT = 16 * 1024;

export const readScript = (file: string): string => fs.readFileSync(file, "utf8");

/**
 * A script without its comment lines (shellcheck directives kept) and blank lines, except
 * inside here-documents, which are copied as they are. The scripts' files keep the comments.
 */
export function stripComments(script: string): string {
    const out: string[] = [];
    let heredocEnd: string | undefined;
    for (const line of script.split("\n")) {
        if (heredocEnd !== undefined) {
            out.push(line);
            if (line === heredocEnd) heredocEnd = undefined;
            continue;
        }
        if (/^\s*$/.test(line) || (/^\s*#/.test(line) && !/^\s*# shellcheck /.test(line))) continue;
        out.push(line);
        heredocEnd = line.match(/<<-?\s*'?"?([A-Za-z_][A-Za-z0-9_]*)'?"?\s*$/)?.[1];
    }
    return out.join("\n");
}

/**
 * `#!/bin/sh`, a comment naming the sources, the settings, then the scripts, in order,
 * without their shebangs and comments (EC2's 16 KiB would not hold them).
 */
export function renderUserData(source: string, scripts: string | readonly string[], settings: Readonly<Record<string, string>>): string {
    const body = (typeof scripts === "string" ? [scripts] : scripts).map((s) => stripComments(s.replace(/^#!.*\n/, ""))).join("\n");
    const assignments = Object.entries(settings).map(([name, value]) => `${name}=${shellQuote(value)}`);
    const userData = ["#!/bin/sh", `# meshbench: ${source} with its settings; the comments are in those files.`, ...assignments, body, ""].join("\n");
    const size = Buffer.byteLength(userData);
    if (size > USER_DATA_LIMIT) throw new Error(`user data from ${source} is ${size} bytes; EC2 allows ${USER_DATA_LIMIT}`);
    return userData;
}
