// The measurement as one resource in `pulumi up`: a dynamic resource whose provider runs
// the runner in Node. Chosen over command:local:Command because the command provider is
// not buildable everywhere meshbench runs (it is not served by every Go module proxy) and
// because a command keeps whatever it printed as settled state; the dynamic provider's
// diff can refuse to settle a run that was not ok. See runner/provider.ts.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { BenchmarkResults } from "../shared/results";
import type { BenchmarkPlan } from "./run";

/**
 * The provider's methods only require runner/provider.ts by this absolute path, with
 * ts-node registered in the provider's process: the closure Pulumi serializes stays the
 * same whatever else in the repository changes.
 */
const PROVIDER_MODULE = path.join(__dirname, "provider.ts");
/** ts-node as the program resolved it, so that the provider's process finds the same one. */
const TS_NODE = require.resolve("ts-node");

/* eslint-disable @typescript-eslint/no-require-imports */
const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        require(TS_NODE).register({ transpileOnly: true });
        const outs = await require(PROVIDER_MODULE).measure(inputs);
        return { id: `${outs.plan.inputs.mesh}-${outs.plan.inputs.runId}`, outs };
    },
    async update(_id, _olds, news) {
        require(TS_NODE).register({ transpileOnly: true });
        return { outs: await require(PROVIDER_MODULE).measure(news) };
    },
    async diff(_id, olds, news) {
        require(TS_NODE).register({ transpileOnly: true });
        const reason: string | undefined = require(PROVIDER_MODULE).needsMeasuring(olds, news);
        return { changes: reason !== undefined, deleteBeforeReplace: false };
    },
};

export interface MeasurementArgs {
    readonly plan: pulumi.Input<BenchmarkPlan>;
    /** Identity of what was deployed: content hashes and Helm revisions, by what they identify. */
    readonly deployed: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** The cluster's kubeconfig; made a secret here whatever it was. */
    readonly kubeconfig: pulumi.Input<string>;
    readonly context?: string;
}

export class Measurement extends pulumi.dynamic.Resource {
    // `declare`: a class field would overwrite, after super(), the output Pulumi sets up.
    declare public readonly results: pulumi.Output<BenchmarkResults>;

    constructor(name: string, args: MeasurementArgs, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, {
            plan: args.plan,
            deployed: args.deployed,
            kubeconfig: pulumi.secret(args.kubeconfig),
            context: args.context,
            results: undefined,
        }, { ...opts, additionalSecretOutputs: ["kubeconfig"] });
    }
}

/** The provider itself, for its own tests. */
export const measurementProvider = provider;
