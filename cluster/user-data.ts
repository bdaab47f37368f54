// User data for EC2 instances: a shell script from a file, with its settings prepended as
// shell assignments. The script files are shellchecked as they are; tests shellcheck the
// rendered text too.
import * as fs from "fs";
import { shellQuote } from "./kubectl";

/** EC2 caps user data at 16 KiB. */
export const USER_DATA_LIMIT = 16 * 1024;

export const readScript = (file: string): string => fs.readFileSync(file, "utf8");

/** `#!/bin/sh`, a comment naming the source, the settings, then the scripts, in order, without their shebangs. */
export function renderUserData(source: string, scripts: string | readonly string[], settings: Readonly<Record<string, string>>): string {
    const body = (typeof scripts === "string" ? [scripts] : scripts).map((s) => s.replace(/^#!.*\n/, "")).join("\n");
    const assignments = Object.entries(settings).map(([name, value]) => `${name}=${shellQuote(value)}`);
    const userData = ["#!/bin/sh", `# meshbench: ${source} with its settings.`, ...assignments, body].join("\n");
    const size = Buffer.byteLength(userData);
    if (size > USER_DATA_LIMIT) throw new Error(`user data from ${source} is ${size} bytes; EC2 allows ${USER_DATA_LIMIT}`);
    return userData;
}
