// Every relative link in the README and docs/ leads somewhere: the file exists, and an
// anchor (`#...`) names a heading of that file, as GitHub renders it. The README's
// internals moved to docs/, so a link left pointing at an old heading fails here.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const DOCS = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** GitHub's heading anchor: lower case, punctuation but `-` and `_` dropped, spaces to `-`, repeats numbered. */
function anchors(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    let inFence = false;
    for (const line of markdown.split("\n")) {
        if (line.startsWith("```")) inFence = !inFence;
        const m = !inFence && /^#{1,6} (.*)$/.exec(line);
        if (!m) continue;
        const base = m[1].trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
    }
    return out;
}

/** The relative links of a Markdown file, outside code fences: [text](target). */
function links(markdown: string): string[] {
    const prose = markdown.replace(/^```[\s\S]*?^```/gm, "");
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t));
}

describe("docs links", () => {
    it("computes anchors as GitHub does", () => {
        assert.deepStrictEqual([...anchors("# meshbench\n## EC2 VMs with kubeadm: target `vms` (the default)\n```\n# not a heading\n```\n## Results\n## Results\n")],
            ["meshbench", "ec2-vms-with-kubeadm-target-vms-the-default", "results", "results-1"]);
    });

    for (const doc of DOCS) {
        it(`${doc}: every relative link and anchor resolves`, () => {
            const text = fs.readFileSync(path.join(ROOT, doc), "utf8");
            const found = links(text);
            assert.ok(found.length > 0, `${doc} has links`);
            for (const link of found) {
                const [file, anchor] = link.split("#");
                const target = file === "" ? doc : path.posix.normalize(path.posix.join(path.posix.dirname(doc), file));
                const full = path.join(ROOT, target);
                assert.ok(fs.existsSync(full), `${doc}: ${link}: no file ${target}`);
                if (anchor !== undefined) {
                    assert.ok(anchors(fs.readFileSync(full, "utf8")).has(anchor), `${doc}: ${link}: no heading #${anchor} in ${target}`);
                }
            }
        });
    }
});
