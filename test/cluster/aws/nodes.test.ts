import * as assert from "assert";
import { canonicalCidr, cidrsOverlap } from "../../../cluster/cidr";
import { chooseAvailabilityZone, distinctInstanceTypes, requireX86 } from "../../../cluster/aws/nodes";
import { MOCK_AMIS } from "../../helpers/cloud-mocks";

// What getInstanceTypeOfferings answers: parallel lists of zone and type.
const offerings = {
    locations: ["us-east-1b", "us-east-1b", "us-east-1a", "us-east-1e", "us-east-1c", "us-east-1c", "us-east-1-bos-1a", "us-east-1-bos-1a"],
    instanceTypes: ["c6i.2xlarge", "c6i.4xlarge", "c6i.2xlarge", "c6i.4xlarge", "c6i.4xlarge", "c6i.2xlarge", "c6i.2xlarge", "c6i.4xlarge"],
};
const TYPES = ["c6i.2xlarge", "c6i.4xlarge"];

describe("availability zone", () => {
    it("picks the first zone, by name, that offers every instance type", () => {
        assert.strictEqual(chooseAvailabilityZone("us-east-1", offerings, TYPES), "us-east-1b");
    });

    it("never picks a Local Zone", () => {
        const localOnly = { locations: offerings.locations.slice(6), instanceTypes: offerings.instanceTypes.slice(6) };
        assert.throws(() => chooseAvailabilityZone("us-east-1", localOnly, TYPES),
            /^Error: no availability zone of us-east-1 offers every chosen instance type \(c6i\.2xlarge, c6i\.4xlarge\); choose other instance types$/);
    });

    it("keeps a given zone that offers every type, and names the alternatives when it does not", () => {
        assert.strictEqual(chooseAvailabilityZone("us-east-1", offerings, TYPES, "us-east-1c"), "us-east-1c");
        assert.throws(() => chooseAvailabilityZone("us-east-1", offerings, TYPES, "us-east-1a"),
            /^Error: meshbench:availabilityZone: us-east-1a does not offer c6i\.4xlarge; zones of us-east-1 that offer every chosen instance type: us-east-1b, us-east-1c$/);
    });

    it("asks about each instance type once", () => {
        assert.deepStrictEqual(distinctInstanceTypes({ system: "c6i.2xlarge", server: "c6i.4xlarge", client: "c6i.4xlarge" }), TYPES);
    });
});

describe("node AMI", () => {
    it("takes x86_64 images and refuses arm64 ones, naming the image", () => {
        assert.doesNotThrow(() => requireX86({ imageId: "ami-0c7217cdde317cfec", ...MOCK_AMIS["ami-0c7217cdde317cfec"] }));
        assert.throws(() => requireX86({ imageId: "ami-0fedcba9876543210", ...MOCK_AMIS["ami-0fedcba9876543210"] }),
            /^Error: AMI ami-0fedcba9876543210 \(ubuntu\/images\/hvm-ssd\/ubuntu-jammy-22\.04-arm64-server-20240207\.1\) is arm64; meshbench's nodes need x86_64$/);
    });
});

describe("CIDRs", () => {
    it("clears host bits", () => {
        assert.strictEqual(canonicalCidr("203.0.113.7/24"), "203.0.113.0/24");
        assert.strictEqual(canonicalCidr("203.0.113.7/32"), "203.0.113.7/32");
        assert.strictEqual(canonicalCidr("10.244.0.0/16"), "10.244.0.0/16");
    });

    it("tells overlapping ranges apart", () => {
        assert.ok(cidrsOverlap("10.96.0.0/12", "10.100.0.0/16"));
        assert.ok(cidrsOverlap("10.0.0.0/8", "10.20.0.0/16"));
        assert.ok(!cidrsOverlap("10.244.0.0/16", "10.20.0.0/16"));
        assert.ok(!cidrsOverlap("10.244.0.0/16", "10.96.0.0/12"));
    });
});
