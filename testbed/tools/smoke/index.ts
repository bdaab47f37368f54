// The smallest program that proves the built Pulumi pieces work together:
// the CLI, our Node.js language host (TypeScript through ts-node, config and
// secrets passed in) and the dynamic-provider plugin. One dynamic resource,
// a plain output and a secret output. testbed/tools/smoke/run.sh drives it.
import * as pulumi from "@pulumi/pulumi";

interface StampInputs {
    label: string;
}

// Runs in the dynamic-provider plugin, not in the program: it must not close
// over anything but its inputs.
const stampProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: StampInputs) {
        return { id: `stamp-${inputs.label}`, outs: { label: inputs.label, length: inputs.label.length } };
    },
};

class Stamp extends pulumi.dynamic.Resource {
    public readonly label!: pulumi.Output<string>;
    public readonly length!: pulumi.Output<number>;

    constructor(name: string, args: { label: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super(stampProvider, name, { label: args.label, length: undefined }, opts);
    }
}

const config = new pulumi.Config();
const stamp = new Stamp("stamp", { label: config.require("label") });

export const label = stamp.label;
export const labelLength = stamp.length;
// requireSecret keeps it a secret: the state holds it encrypted.
export const token = config.requireSecret("token");
