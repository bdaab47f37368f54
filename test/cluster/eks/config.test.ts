// Stack config of target eks, as parseConfig sees it at preview: the exact messages.
import * as assert from "assert";
import { ConfigError, parseConfig } from "../../../config";
import { creatableEksVersions, eksMeshSupport, eksVersionProblems, supportType } from "../../../cluster/eks/validate";
import { configProblems } from "../../helpers/config";

const EKS = { target: "eks", operatorCidr: "203.0.113.7/32" };
const CONTEXT = { awsRegion: "us-east-1" };

const problemsOf = (raw: Record<string, string>): string[] => configProblems(raw, CONTEXT);

describe("config, target eks", () => {
    it("defaults to Kubernetes 1.32, the newest that EKS creates and every pinned mesh supports", () => {
        assert.strictEqual(parseConfig(EKS, CONTEXT).cluster.kubernetesVersion, "1.32");
    });

    it("accepts the versions EKS still creates, and the shared AWS keys", () => {
        assert.deepStrictEqual(creatableEksVersions(), ["1.31", "1.32", "1.33", "1.34"]);
        const { cluster } = parseConfig({ ...EKS, kubernetesVersion: "1.33", serverNodeCount: "2", availabilityZone: "us-east-1c", amiId: "ami-0123456789abcdef0" }, CONTEXT);
        assert.deepStrictEqual([cluster.kubernetesVersion, cluster.serverNodeCount, cluster.availabilityZone], ["1.33", 2, "us-east-1c"]);
    });

    it("refuses Kubernetes 1.29, explaining why and pointing to target vms", () => {
        assert.deepStrictEqual(problemsOf({ ...EKS, kubernetesVersion: "1.29" }), [
            'meshbench:kubernetesVersion: got "1.29"; allowed: 1.31, 1.32, 1.33 or 1.34 on target eks: EKS stopped creating 1.29 clusters when its extended support ended on 2026-03-23. For Kubernetes 1.29 itself, as in the paper, use target vms (kubeadm on EC2): pulumi config set target vms',
        ]);
    });

    it("refuses the paper's exact version the same way, and any patch version", () => {
        assert.deepStrictEqual(problemsOf({ ...EKS, kubernetesVersion: "1.29.1" }), [
            'meshbench:kubernetesVersion: got "1.29.1"; allowed: a minor version (EKS chooses the patch; the one running is recorded with the results): 1.31, 1.32, 1.33 or 1.34 on target eks: EKS stopped creating 1.29 clusters when its extended support ended on 2026-03-23. For Kubernetes 1.29 itself, as in the paper, use target vms (kubeadm on EC2): pulumi config set target vms',
        ]);
        assert.deepStrictEqual(eksVersionProblems("1.32.3"), [
            'meshbench:kubernetesVersion: got "1.32.3"; allowed: a minor version (EKS chooses the patch; the one running is recorded with the results): 1.31, 1.32, 1.33 or 1.34 on target eks',
        ]);
    });

    it("refuses other versions EKS no longer creates, or never did", () => {
        assert.deepStrictEqual(eksVersionProblems("1.30"), [
            'meshbench:kubernetesVersion: got "1.30"; allowed: 1.31, 1.32, 1.33 or 1.34 on target eks: EKS stopped creating 1.30 clusters when its extended support ended on 2026-07-23',
        ]);
        assert.deepStrictEqual(eksVersionProblems("1.40"), ['meshbench:kubernetesVersion: got "1.40"; allowed: 1.31, 1.32, 1.33 or 1.34 on target eks']);
    });

    it("refuses the keys only vms reads", () => {
        assert.deepStrictEqual(problemsOf({ ...EKS, podCidr: "10.244.0.0/16" }), [
            "meshbench:podCidr: applies only to target vms, not eks; remove it (pulumi config rm podCidr) or change target",
        ]);
    });

    it("needs operatorCidr and a region like vms", () => {
        try {
            parseConfig({ target: "eks" }, {});
            assert.fail("accepted");
        } catch (e) {
            assert.deepStrictEqual((e as ConfigError).problems, [
                "aws:region: not set; allowed: an AWS region such as us-east-1 (target eks makes its cluster there: pulumi config set aws:region us-east-1)",
                "meshbench:operatorCidr: not set; allowed: the IPv4 CIDR you run pulumi from, such as 203.0.113.7/32 (target eks opens the Kubernetes API only to it; there is no default)",
            ]);
        }
    });

    // mesh cilium (issue #9): refused on eks; target vms is its supported path.
    const CILIUM_ON_EKS = 'meshbench:mesh: got "cilium"; allowed: a mesh that target eks can run; ' +
        "EKS nodes come with the VPC CNI, which meshbench neither replaces nor chains cilium onto; " +
        "target vms is the supported path for cilium (pulumi config set target vms)";

    it("refuses a mesh that must be the cluster's CNI, pointing to target vms", () => {
        assert.deepStrictEqual(eksMeshSupport({ mesh: "none", installCni: true }), { supported: true });
        assert.throws(() => parseConfig({ ...EKS, mesh: "cilium" }, CONTEXT), (e: ConfigError) => {
            assert.deepStrictEqual(e.problems, [CILIUM_ON_EKS]);
            return true;
        });
    });

    it("refuses mesh cilium at preview, with mTLS on or off, and nothing else", () => {
        assert.deepStrictEqual(problemsOf({ ...EKS, mesh: "cilium" }), [CILIUM_ON_EKS]);
        assert.deepStrictEqual(problemsOf({ ...EKS, mesh: "cilium", mtls: "false" }), [CILIUM_ON_EKS]);
        assert.deepStrictEqual(problemsOf({ ...EKS, mesh: "kuma" }), []);
    });

    it("asks for standard support while the version has it, extended after", () => {
        assert.strictEqual(supportType("1.34", new Date("2026-11-22T12:00:00Z")), "STANDARD");
        assert.strictEqual(supportType("1.34", new Date("2026-12-02T00:00:00Z")), "EXTENDED");
        assert.strictEqual(supportType("1.32", new Date("2026-11-22T12:00:00Z")), "EXTENDED");
        assert.strictEqual(supportType("1.32", new Date("2026-03-22T23:59:59Z")), "STANDARD");
    });
});
