// Rendering user data: settings first, then the scripts without shebangs, comment lines or
// blank lines, except inside here-documents (unit files are written from them verbatim).
import * as assert from "assert";
import { dnsServiceAddress } from "../../cluster/cidr";
import { renderUserData, stripComments } from "../../cluster/user-data";

describe("user data", () => {
    it("drops comment and blank lines but keeps here-documents, shellcheck directives and code", () => {
        const script = [
            "#!/bin/sh", "# why this exists", "set -eu", "", "  # indented comment", "f() {",
            "    # shellcheck disable=SC2086 # one word per module", "    echo $1 # trailing comment stays",
            "    cat > /etc/x.conf <<'UNIT'", "# a comment the unit file keeps", "", "[Service]", "UNIT", "}",
        ].join("\n");
        assert.strictEqual(stripComments(script), [
            "set -eu", "f() {", "    # shellcheck disable=SC2086 # one word per module", "    echo $1 # trailing comment stays",
            "    cat > /etc/x.conf <<'UNIT'", "# a comment the unit file keeps", "", "[Service]", "UNIT", "}",
        ].join("\n"));
    });

    it("puts the settings, quoted, before the scripts in order", () => {
        const text = renderUserData("a.sh after b.sh", ["#!/bin/sh\nb() { :; }\n", "#!/bin/sh\n# a\nb\n"], { A: "x y", B: "" });
        assert.strictEqual(text, "#!/bin/sh\n# meshbench: a.sh after b.sh with its settings; the comments are in those files.\nA='x y'\nB=''\nb() { :; }\nb\n");
    });
});

describe("cluster DNS address", () => {
    it("is the 10th address of the Service range", () => {
        assert.strictEqual(dnsServiceAddress("10.100.0.0/16"), "10.100.0.10");
        assert.strictEqual(dnsServiceAddress("10.96.0.0/12"), "10.96.0.10");
        assert.strictEqual(dnsServiceAddress("172.20.0.0/16"), "172.20.0.10");
        assert.throws(() => dnsServiceAddress("10.0.0.0/29"), /no 10th address/);
    });
});
