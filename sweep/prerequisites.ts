// What must be on this machine before a sweep (or --destroy) starts: the Pulumi CLI, the
// passphrase of the local state, and on AWS targets credentials and, for eks, the AWS CLI.
// Every one is checked and every missing one reported at once, before any stack is
// touched. Pure: the probes of the machine (the CLI's version, files, PATH) come in.
import * as path from "path";

/** What probing the Pulumi CLI found. */
export type PulumiCliProbe =
    | { readonly found: true; readonly version: string }
    | { readonly found: false; readonly problem: string };

export interface MachineFacts {
    readonly env: NodeJS.ProcessEnv;
    readonly home: string;
    readonly pulumi: PulumiCliProbe;
    /** Whether a file exists (for ~/.aws/credentials and the like). */
    readonly fileExists: (file: string) => boolean;
    /** The executable's path on PATH, if any. */
    readonly onPath: (command: string) => string | undefined;
}

export interface PrerequisiteCheck {
    readonly name: string;
    /** What was found, or undefined when it is missing. */
    readonly found?: string;
    /** What to do, when it is missing. */
    readonly problem?: string;
}

/** Where Pulumi keeps state: $PULUMI_BACKEND_URL if set, else `.pulumi-state/` in the project. */
export function backendUrl(env: NodeJS.ProcessEnv, projectDir: string): string {
    return env.PULUMI_BACKEND_URL || `file://${path.join(projectDir, ".pulumi-state")}`;
}

/** A local backend encrypts stack secrets with a passphrase, which Pulumi reads from the environment. */
export function passphraseProblem(env: NodeJS.ProcessEnv, url: string): string | undefined {
    if (!url.startsWith("file://")) return undefined;
    if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) return undefined;
    return "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE): it encrypts the stacks' secrets "
        + `(kubeconfigs, keys) in the local state at ${url.slice("file://".length)}`;
}

/**
 * Where the AWS provider would find credentials, as far as can be told without asking AWS
 * (no request leaves this machine before the first `up`). A role of an EC2 instance or an
 * SSO cache cannot be seen from here; set AWS_PROFILE to name the profile that has them.
 */
export function awsCredentialSource(facts: MachineFacts): string | undefined {
    const { env } = facts;
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    if (env.AWS_PROFILE) return `AWS_PROFILE=${env.AWS_PROFILE}`;
    if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return "AWS_WEB_IDENTITY_TOKEN_FILE";
    if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return "the container credentials endpoint";
    for (const file of [env.AWS_SHARED_CREDENTIALS_FILE || path.join(facts.home, ".aws", "credentials"),
        env.AWS_CONFIG_FILE || path.join(facts.home, ".aws", "config")]) {
        if (facts.fileExists(file)) return file;
    }
    return undefined;
}

/** Every prerequisite of a sweep on `target` (undefined: --destroy, whose stacks' targets are not known here). */
export function prerequisiteChecks(target: string | undefined, url: string, facts: MachineFacts): PrerequisiteCheck[] {
    const checks: PrerequisiteCheck[] = [];
    checks.push(facts.pulumi.found
        ? { name: "Pulumi CLI", found: facts.pulumi.version }
        : { name: "Pulumi CLI", problem: facts.pulumi.problem });
    const passphrase = passphraseProblem(facts.env, url);
    if (url.startsWith("file://")) {
        checks.push(passphrase
            ? { name: "state passphrase", problem: passphrase }
            : { name: "state passphrase", found: facts.env.PULUMI_CONFIG_PASSPHRASE_FILE ? "PULUMI_CONFIG_PASSPHRASE_FILE" : "PULUMI_CONFIG_PASSPHRASE" });
    }
    if (target === "vms" || target === "eks") {
        const source = awsCredentialSource(facts);
        checks.push(source
            ? { name: "AWS credentials", found: `${source} (not checked with AWS until the first up)` }
            : { name: "AWS credentials", problem: `target ${target} creates AWS resources and found no AWS credentials: set AWS_PROFILE, `
                + "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or write ~/.aws/credentials (aws configure)" });
    }
    if (target === "eks") {
        const aws = facts.onPath("aws");
        checks.push(aws
            ? { name: "AWS CLI", found: aws }
            : { name: "AWS CLI", problem: "target eks needs the AWS CLI (v2) on PATH: the kubeconfig gets its tokens from `aws eks get-token` "
                + "(https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)" });
    }
    return checks;
}

/** The checks as printed lines: what was found, and each missing one. */
export const prerequisiteLines = (checks: readonly PrerequisiteCheck[]): string[] =>
    checks.map((c) => `  ${c.name}: ${c.found ?? `MISSING: ${c.problem}`}`);

export const prerequisiteProblems = (checks: readonly PrerequisiteCheck[]): string[] =>
    checks.filter((c) => c.problem).map((c) => `${c.name}: ${c.problem}`);
