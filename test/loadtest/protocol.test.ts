import * as assert from "assert";
import { parseSession, sessionFailure } from "../../loadtest/protocol";

describe("client line protocol", () => {
    it("separates the warm-up, the repetitions and the CPU each used", () => {
        const session = parseSession([
            "MESHBENCH-TOOL wrk wrk 4.0.2 [epoll] Copyright (C) 2012 Will Glozer",
            "MESHBENCH-BEGIN run=warmup", "a", "MESHBENCH-CPU run=warmup usage_usec=500000 wall_usec=1000000",
            "MESHBENCH-END run=warmup exit=0",
            "MESHBENCH-BEGIN run=1", "b", "c", "MESHBENCH-CPU run=1 usage_usec=8000000 wall_usec=2000000",
            "MESHBENCH-END run=1 exit=0",
            "MESHBENCH-DONE",
        ].join("\n"));
        assert.strictEqual(session.toolVersion, "wrk 4.0.2 [epoll] Copyright (C) 2012 Will Glozer");
        assert.deepStrictEqual(session.warmup, { label: "warmup", lines: ["a"], clientCpuCores: 0.5, exitCode: 0 });
        assert.deepStrictEqual(session.repetitions, [{ label: "1", lines: ["b", "c"], clientCpuCores: 4, exitCode: 0 }]);
        assert.strictEqual(sessionFailure(session, 1, "wrk"), undefined);
    });

    it("leaves the CPU unknown when the cgroup could not be read", () => {
        const session = parseSession("MESHBENCH-BEGIN run=1\nx\nMESHBENCH-END run=1 exit=0\nMESHBENCH-DONE");
        assert.strictEqual(session.repetitions[0].clientCpuCores, undefined);
    });

    it("names a crashed run with the tool's last words", () => {
        const session = parseSession("MESHBENCH-BEGIN run=1\nboom\nMESHBENCH-END run=1 exit=139\nMESHBENCH-DONE");
        assert.strictEqual(sessionFailure(session, 1, "wrk"), "wrk run 1 exited with 139: boom");
    });

    it("notices a script that never finished", () => {
        const session = parseSession("MESHBENCH-BEGIN run=1\nx\nMESHBENCH-END run=1 exit=0");
        assert.strictEqual(sessionFailure(session, 1, "wrk"), "wrk client did not finish (no MESHBENCH-DONE marker)");
    });
});
