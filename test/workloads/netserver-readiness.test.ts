// netserver's readiness probe (#12 item 12): an exec probe that passes only when netserver
// itself answers, the same under every mesh. The exact command is run with the real netperf
// and netserver in a network namespace of the test's own (`unshare -n`), so port 12865 and
// the loopback are private, against: nothing listening, a listener that accepts and closes
// (what a proxy does when the app behind it does not listen yet), one that accepts and says
// nothing, and netserver.
import * as assert from "assert";
import { spawnSync } from "child_process";
import { buildNetperfServer, NETSERVER_READINESS_COMMAND } from "../../workloads/netperf-server";
import { MESHES } from "../../meshes";

const has = (command: string, ...args: string[]) => spawnSync(command, args, { stdio: "ignore" }).status === 0;

/**
 * Runs the probe command in a fresh network namespace, after starting `listener` there (or
 * nothing) and, if given, a command `during` the probe, and returns the probe's exit status
 * (or "other failed" when that command failed). 124: `timeout` stopped it after
 * `timeoutSeconds`, as the kubelet would: 5 s as the probe's timeoutSeconds, unless the
 * case waits only to see a probe that never returns stopped.
 */
function probeAgainst(listener?: string, during?: string, timeoutSeconds = 5): number | string {
    const script = [
        "set -u",
        "ip link set lo up",
        // An address besides 127.0.0.1, as a pod has on eth0: netperf resolves 127.0.0.1 with
        // AI_ADDRCONFIG, which finds no IPv4 address in a namespace that has only loopback's.
        "ip addr add 192.0.2.1/32 dev lo",
        listener ? `${listener} >/dev/null 2>&1 & pid=$!` : "pid=",
        // Wait (at most 5 s) until the listener listens on 12865 (0x3241), so the probe does not race it.
        'i=0; while [ -n "$pid" ] && [ "$i" -lt 50 ] && ! grep -Eq ":3241 [0-9A-F]+:0000 0A" /proc/net/tcp /proc/net/tcp6; do sleep 0.1; i=$((i+1)); done',
        during ? `${during} >/dev/null 2>&1 & other=$!; sleep 0.5` : "other=",
        `timeout ${timeoutSeconds} "$@" >/dev/null 2>&1; status=$?`,
        'if [ -n "$other" ]; then wait "$other" || status="other failed"; fi',
        'if [ -n "$pid" ]; then kill "$pid"; wait "$pid"; fi',
        'echo "PROBE $status"',
    ].join("\n");
    const run = spawnSync("unshare", ["-n", "sh", "-c", script, "sh", ...NETSERVER_READINESS_COMMAND], { encoding: "utf8", timeout: 30_000 });
    const match = /PROBE (\d+|other failed)/.exec(run.stdout);
    assert.ok(match, `probe run printed no status: ${run.stdout} ${run.stderr}`);
    return /^\d+$/.test(match[1]) ? Number(match[1]) : match[1];
}

describe("netserver readiness probe", function () {
    this.timeout(60_000);

    it("is one netperf TCP_RR transaction to netserver's control port over loopback, every 5 s, for every mesh", () => {
        assert.deepStrictEqual(NETSERVER_READINESS_COMMAND,
            ["netperf", "-H", "127.0.0.1", "-p", "12865", "-t", "TCP_RR", "-l", "-1", "-P", "0"]);
        for (const mesh of Object.values(MESHES)) {
            const objects = buildNetperfServer({ image: "cilium/netperf:2.0", placement: {}, enrolment: mesh.enrolment({ mtls: true, target: "vms", benchNamespace: "meshbench" }) });
            const deployment = objects.find((o) => o.kind === "Deployment") as any;
            assert.deepStrictEqual(deployment.spec.template.spec.containers[0].readinessProbe,
                { exec: { command: [...NETSERVER_READINESS_COMMAND] }, periodSeconds: 5, timeoutSeconds: 5 }, mesh.name);
        }
    });

    it("passes only when netserver itself answers on 12865 (real netperf and netserver, in a private network namespace)", function () {
        if (!has("netperf", "-V") || !has("sh", "-c", "command -v netserver") || !has("unshare", "-n", "true")) {
            // netperf is in Debian's non-free section; .ci/run does not install it.
            this.skip();
        }
        assert.strictEqual(probeAgainst(), 255, "nothing listens: netperf cannot establish its control connection");
        const acceptAndClose = `node -e 'require("net").createServer((s) => s.destroy()).listen(12865, "127.0.0.1")'`;
        assert.strictEqual(probeAgainst(acceptAndClose), 1, "a listener that accepts and closes, as a proxy with no app behind it: netperf fails reading the response");
        const acceptAndHold = `node -e 'require("net").createServer(() => {}).listen(12865, "127.0.0.1")'`;
        // It never answers, so any limit stops it; 2 s rather than the kubelet's 5 keeps the suite quick.
        assert.strictEqual(probeAgainst(acceptAndHold, undefined, 2), 124, "a listener that accepts and never answers: the probe times out");
        assert.strictEqual(probeAgainst("netserver -D -p 12865"), 0, "netserver answers");
        // A measured run holds the pinned data port 12866; the probe's data connection takes another.
        assert.strictEqual(probeAgainst("netserver -D -p 12865", "netperf -H 127.0.0.1 -p 12865 -t TCP_RR -l 2 -P 0 -- -P ,12866"), 0,
            "netserver answers the probe while a measured run goes on, and the run completes");
    });
});
