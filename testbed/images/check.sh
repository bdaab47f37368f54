#!/usr/bin/env bash
# Checks that the images build.sh made really run what the program runs in them, on a
# private containerd (its own root, state, socket and config; nothing of the machine's).
#
#   testbed/images/check.sh DIR     (root; DIR: the directory build.sh printed)
#
# - imports every archive with `ctr -n k8s.io images import`, under the CRI plugin's
#   config with the sandbox image set to our pause image and cgroupfs;
# - nginx: the default command of the image, with the config the program mounts from its
#   ConfigMap (buildNginxConf, read from workloads/http-server.ts), serves "/" and the
#   readiness path on 127.0.0.1:8080 inside a network namespace made here;
# - wrk: loadtest/scripts/wrk-client.sh runs in the wrk image against that nginx, and
#   the program's parsers (loadtest/protocol.ts, wrk.ts) accept what it printed;
# - netperf: netserver as the pod spec starts it, and loadtest/scripts/netperf-client.sh
#   (TCP_RR) in the same image against it, parsed by loadtest/netperf.ts; an exec in the netserver container finds the
#   tools a readiness probe may call (sh, grep, cat, netperf);
# - the client pods' idle command (loadtest/clients.ts) runs in the wrk and netperf
#   images and ends at once on SIGTERM;
# - pause: starts, and ends on SIGTERM.
# No packet leaves loopback: every container but pause runs in the one namespace made
# here, which has no route out (only `lo` and a veth pair with both ends inside it), and
# pause in a namespace of its own that containerd makes, with only `lo`. Everything started is stopped by its pid, and every dir made is removed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${1:?usage: check.sh DIR (the directory build.sh printed)}
[ -f "$dir/images.txt" ] || { echo "check.sh: no images.txt in $dir" >&2; exit 1; }

fail() { echo "check.sh: FAIL: $*" >&2; exit 1; }
ok() { echo "check.sh: ok: $*"; }
ref() { awk -v n="$1" '$1 == n { print $2 }' "$dir/images.txt"; }

tmp=$(mktemp -d /tmp/mb-images-check.XXXXXX)
netns=mb-images-check-$$
sock=$tmp/containerd.sock
ctrd_pid=""

cleanup() {
    set +e
    if [ -n "$ctrd_pid" ]; then
        for id in $(command ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
            command ctr -a "$sock" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1
        done
        sleep 1
        for id in $(command ctr -a "$sock" -n k8s.io containers ls -q 2>/dev/null); do
            command ctr -a "$sock" -n k8s.io tasks delete -f "$id" >/dev/null 2>&1
            command ctr -a "$sock" -n k8s.io containers delete "$id" >/dev/null 2>&1
        done
        kill "$ctrd_pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$ctrd_pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$ctrd_pid" 2>/dev/null
        wait "$ctrd_pid" 2>/dev/null
    fi
    # Snapshots still mounted (a task that would not die) are unmounted before removal.
    awk -v t="$tmp" 'index($2, t) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
    ip netns del "$netns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

pause_ref=$(ref pause)
mkdir -p "$tmp/root" "$tmp/state" "$tmp/opt"
containerd config default |
    sed -e "s|sandbox_image = .*|sandbox_image = \"$pause_ref\"|" \
        -e "s|SystemdCgroup = .*|SystemdCgroup = false|" \
        -e "s|path = \"/opt/containerd\"|path = \"$tmp/opt\"|" >"$tmp/config.toml"
containerd --config "$tmp/config.toml" --root "$tmp/root" --state "$tmp/state" --address "$sock" \
    >"$tmp/containerd.log" 2>&1 &
ctrd_pid=$!
for _ in $(seq 100); do
    command ctr -a "$sock" version >/dev/null 2>&1 && break
    kill -0 "$ctrd_pid" 2>/dev/null || { tail -n 20 "$tmp/containerd.log" >&2; fail "containerd exited"; }
    sleep 0.2
done
command ctr -a "$sock" version >/dev/null 2>&1 || fail "containerd did not answer on $sock in 20s"
command ctr -a "$sock" plugins ls | awk '$2 == "cri" && $4 == "ok"' | grep -q . || fail "the CRI plugin did not load"
ctr() { command ctr -a "$sock" -n k8s.io "$@"; }

while read -r _name reference archive; do
    ctr images import "$dir/$archive" >/dev/null || fail "import of $archive"
    names=$(ctr images ls -q)
    grep -qx "$reference" <<<"$names" || fail "$archive imported, but not as $reference: $(tr '\n' ' ' <<<"$names")"
    ok "imported $reference"
done <"$dir/images.txt"
# What each node's containerd holds for them: the content store (the archives' blobs,
# the base layer once) plus the unpacked snapshots.
echo "check.sh: containerd root after the imports: $(du -sh "$tmp/root" | cut -f1)"

ip netns add "$netns"
ip -n "$netns" link set lo up
# netperf resolves its -H with AI_ADDRCONFIG, which finds no IPv4 address in a namespace
# that has only `lo` ("could not resolve host '127.0.0.1'"). A pod has its eth0; here a
# veth pair with both ends inside the namespace, and a documentation address (RFC 5737)
# on one end, stands in for it. Nothing is sent to it; IPv6 is off, so not even router
# solicitations go out on it.
ip netns exec "$netns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$netns" link add mb-eth0 type veth peer name mb-eth1
ip -n "$netns" addr add 192.0.2.1/32 dev mb-eth0
ip -n "$netns" link set mb-eth0 up
ip -n "$netns" link set mb-eth1 up
net=(--with-ns "network:/var/run/netns/$netns")
# As in a pod: the scripts' ConfigMap at /meshbench, and /sys/fs/cgroup mounted read-only,
# which the CRI plugin adds to every container (`ctr run` alone does not) and which the
# scripts read the client's CPU time from.
scripts=(--mount "type=bind,src=$repo/loadtest/scripts,dst=/meshbench,options=rbind:ro"
    --mount "type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:noexec:nodev")
# Every task must end by itself within its bound; none may hang the check.
run() { timeout 120 /usr/bin/ctr -a "$sock" -n k8s.io run --rm "${net[@]}" "$@"; }

# parsed TOOL OUTPUT: the program's own parsers (loadtest/protocol.ts and the tool's) read
# the client script's output, as the load test will; prints the parsed repetition.
parsed() {
    (cd "$repo" && node -e 'require("ts-node/register/transpile-only");
        const [tool, output] = process.argv.slice(1);
        const session = require("./loadtest/protocol").parseSession(output);
        const failure = require("./loadtest/protocol").sessionFailure(session, 1, tool);
        if (failure) { console.error(failure); process.exit(1); }
        const parse = tool === "wrk" ? require("./loadtest/wrk").parseWrkRun : require("./loadtest/netperf").parseNetperfRun;
        console.log(JSON.stringify(parse(session.repetitions[0].lines)));' "$1" "$2")
}

# nginx, started as the HTTP server pod starts it: the image's own command, the
# program's nginx.conf mounted read-only over Debian's.
# The ConfigMap's two files, nginx.conf and the default 10-byte body, mounted where the pod mounts them.
(cd "$repo" && node -e 'require("ts-node/register/transpile-only");
    const files = require("./workloads/http-server").buildHttpServerFiles(10);
    require("fs").writeFileSync(process.argv[1] + "/nginx.conf", files["nginx.conf"]);
    require("fs").writeFileSync(process.argv[1] + "/body", files.body);' "$tmp")
ctr run -d "${net[@]}" --log-uri "file://$tmp/nginx.log" \
    --mount "type=bind,src=$tmp/nginx.conf,dst=/etc/nginx/nginx.conf,options=rbind:ro" \
    --mount "type=bind,src=$tmp/body,dst=/srv/meshbench/body,options=rbind:ro" \
    "$(ref nginx)" mb-nginx >/dev/null
body=""
for _ in $(seq 50); do
    body=$(ip netns exec "$netns" curl -s --max-time 2 http://127.0.0.1:8080/ || true)
    [ -n "$body" ] && break
    sleep 0.2
done
[ "$body" = "meshbench" ] || { cat "$tmp/nginx.log" >&2; fail "nginx: GET / gave \"$body\""; }
status=$(ip netns exec "$netns" curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:8080/healthz)
[ "$status" = 200 ] || fail "nginx: GET /healthz gave $status"
ok "nginx serves / and /healthz ($(ctr tasks exec --exec-id v mb-nginx nginx -v 2>&1))"

wrk_out=$(run "${scripts[@]}" --env MESHBENCH_URL=http://127.0.0.1:8080/ \
    --env MESHBENCH_WRK_THREADS=2 --env MESHBENCH_WRK_CONNECTIONS=2 --env MESHBENCH_DURATION_SECONDS=2 \
    --env MESHBENCH_WARMUP_SECONDS=0 --env MESHBENCH_REPETITIONS=1 --env MESHBENCH_RUN_TIMEOUT_SECONDS=30 \
    "$(ref wrk)" mb-wrk sh /meshbench/wrk-client.sh) || fail "wrk-client.sh: exit $?"
for want in '^MESHBENCH-END run=1 exit=0$' '^Requests/sec:' '^MESHBENCH-CPU run=1 usage_usec='; do
    grep -q "$want" <<<"$wrk_out" || { echo "$wrk_out" >&2; fail "wrk-client.sh: no line $want"; }
done
wrk_parsed=$(parsed wrk "$wrk_out") || fail "loadtest/wrk.ts does not accept the output of Debian's wrk"
ok "wrk-client.sh: $(grep '^MESHBENCH-TOOL' <<<"$wrk_out"); parsed: $wrk_parsed"

# netserver, as the netperf server pod starts it.
ctr run -d "${net[@]}" --log-uri "file://$tmp/netserver.log" "$(ref netperf)" mb-netserver \
    netserver -D -p 12865 >/dev/null
probe=$(timeout 30 /usr/bin/ctr -a "$sock" -n k8s.io tasks exec --exec-id probe mb-netserver sh -c \
    'command -v netperf netserver grep cat >/dev/null && grep -q netserver /proc/1/cmdline && cat /proc/1/cmdline | tr "\0" " "') ||
    fail "netserver: the probe tools (sh, grep, cat, netperf) are not all in the image"
ok "netserver runs ($probe); sh, grep, cat, netperf are there"
np_out=$(run "${scripts[@]}" --env MESHBENCH_NETPERF_HOST=127.0.0.1 \
    --env MESHBENCH_NETPERF_CONTROL_PORT=12865 --env MESHBENCH_NETPERF_DATA_PORT=12866 \
    --env MESHBENCH_NETPERF_TEST=TCP_RR --env MESHBENCH_NETPERF_REQUEST_SIZE=1 --env MESHBENCH_NETPERF_RESPONSE_SIZE=1 \
    --env MESHBENCH_DURATION_SECONDS=2 --env MESHBENCH_WARMUP_SECONDS=0 --env MESHBENCH_REPETITIONS=1 \
    --env MESHBENCH_RUN_TIMEOUT_SECONDS=30 \
    "$(ref netperf)" mb-netperf sh /meshbench/netperf-client.sh) || fail "netperf-client.sh: exit $?"
grep -q '^MESHBENCH-END run=1 exit=0$' <<<"$np_out" || { echo "$np_out" >&2; fail "netperf-client.sh"; }
np_parsed=$(parsed netperf "$np_out") || { echo "$np_out" >&2; fail "loadtest/netperf.ts does not accept the output of Debian's netperf"; }
ok "netperf-client.sh: $(grep '^MESHBENCH-TOOL' <<<"$np_out"); parsed: $np_parsed"

# stops_on_term ID: the task runs, and a SIGTERM ends it within 5 s.
stops_on_term() {
    local state=""
    sleep 0.5
    state=$(ctr tasks ls | awk -v id="$1" '$1 == id { print $3 }')
    [ "$state" = RUNNING ] || fail "$1 is not running (state: ${state:-none})"
    ctr tasks kill -s SIGTERM "$1"
    for _ in $(seq 25); do
        state=$(ctr tasks ls | awk -v id="$1" '$1 == id { print $3 }')
        [ "$state" = STOPPED ] && return 0
        sleep 0.2
    done
    fail "$1 did not end on SIGTERM within 5s"
}

# The client pods' idle command (clientContainer in loadtest/clients.ts), in each client
# image: it must run, and end at once on the kubelet's SIGTERM.
mapfile -d '' idle < <(cd "$repo" && node -e 'require("ts-node/register/transpile-only");
    const c = require("./loadtest/clients").clientContainer("c", "i", {}, { cpu: "1", memory: "1Mi" });
    process.stdout.write(c.command.map((a) => a + "\0").join(""))')
[ "${#idle[@]}" -gt 0 ] || fail "could not read the client pods' command from loadtest/clients.ts"
for name in wrk netperf; do
    ctr run -d "${net[@]}" "$(ref "$name")" "mb-idle-$name" "${idle[@]}" >/dev/null
    stops_on_term "mb-idle-$name"
    ok "$name: the client pods' idle command runs and ends on SIGTERM"
done

# pause: runs as the sandbox would, and a SIGTERM ends it at once.
ctr run -d "$(ref pause)" mb-pause >/dev/null
stops_on_term mb-pause
ok "pause runs and ends on SIGTERM"
echo "check.sh: all images run"
