#!/usr/bin/env bash
# Proves the built Pulumi pieces work together, with nothing from the network:
# in a temporary dir with a file backend, a passphrase and automatic plugin
# acquisition off, it runs a preview that must fail on missing config, then
# preview, up, a second up that must change nothing, stack export (the secret
# must not be in the clear) and destroy of index.ts (one dynamic resource, a
# plain and a secret output). Prints the wall time of each step.
#
# Usage: testbed/tools/smoke/run.sh [BINDIR]  (default: the bindir that
# testbed/build-tools.sh pulumi prints; it builds nothing if cached)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
bindir=${1:-$("$repo/testbed/build-tools.sh" pulumi | awk '$1 == "bindir" {print $2}')}
[ -x "$bindir/pulumi" ] || { echo "smoke: no pulumi in '$bindir'" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/meshbench-smoke.XXXXXX")
# MESHBENCH_SMOKE_KEEP=1 keeps the dir (logs, state) for a look afterwards.
if [ "${MESHBENCH_SMOKE_KEEP:-}" = 1 ]; then echo "smoke: keeping $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
cp "$here/index.ts" "$here/Pulumi.yaml" "$here/package.json" "$work/"
ln -s "$repo/node_modules" "$work/node_modules"
cd "$work"

export PATH="$bindir:$PATH"
export PULUMI_HOME="$work/.pulumi-home"          # no plugins or logins from ~/.pulumi
export PULUMI_CONFIG_PASSPHRASE=smoke-passphrase
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true              # no call to api.pulumi.com
export PULUMI_SKIP_CONFIRMATIONS=true
secret=smoke-secret-$$

step() {
  local name=$1; shift
  local t0=$SECONDS
  if ! "$@" > "$work/$name.log" 2>&1; then
    echo "smoke: step $name failed: $*" >&2; cat "$work/$name.log" >&2; return 1
  fi
  printf 'smoke: %-22s %3ds\n' "$name" $(( SECONDS - t0 ))
}
fail() { echo "smoke: $*" >&2; exit 1; }

step version pulumi version
grep -qx "v3.248.0" "$work/version.log" || fail "pulumi version is $(cat "$work/version.log"), not v3.248.0"
mkdir "$work/state"
step login pulumi login "file://$work/state"
step stack-init pulumi stack init dev --secrets-provider passphrase

# Missing required config: the program's own error, reported as a failure.
t0=$SECONDS
if pulumi preview --non-interactive > "$work/bad-preview.log" 2>&1; then
  fail "preview without config succeeded"
fi
grep -q 'Missing required configuration variable .meshbench-tools-smoke:label.' "$work/bad-preview.log" \
  || { cat "$work/bad-preview.log" >&2; fail "preview without config did not name the missing key"; }
printf 'smoke: %-22s %3ds (failed on the missing key, as it must)\n' bad-config-preview $(( SECONDS - t0 ))

step config pulumi config set label smoke
step config-secret pulumi config set --secret token "$secret"
step preview pulumi preview --non-interactive
step up pulumi up --yes --non-interactive
[ "$(pulumi stack output label)" = smoke ] || fail "output label is not smoke"
[ "$(pulumi stack output labelLength)" = 5 ] || fail "output labelLength is not 5"
[ "$(pulumi stack output token)" = "[secret]" ] || fail "output token is not shown as a secret"
[ "$(pulumi stack output --show-secrets token)" = "$secret" ] || fail "output token does not decrypt to the config's secret"
step up-again pulumi up --yes --non-interactive --expect-no-changes
step export pulumi stack export --file "$work/state.json"
grep -q '"type": "pulumi-nodejs:dynamic:Resource"' "$work/state.json" || fail "no dynamic resource in the state"
if grep -q "$secret" "$work/state.json" "$work"/state -r; then fail "the secret is in the clear in the state"; fi
step destroy pulumi destroy --yes --non-interactive
step export-empty pulumi stack export --file "$work/empty.json"
if grep -q '"type": "pulumi-nodejs:dynamic:Resource"' "$work/empty.json"; then fail "the dynamic resource outlived destroy"; fi
step stack-rm pulumi stack rm --yes dev
echo "smoke: ok"
