#!/bin/sh
# containerd's config for kubeadm 1.29, written for the containerd that is installed: its
# own `containerd config default`, with two settings changed, then checked in the
# effective config (`containerd config dump`). Functions only: cluster/vms/node-scripts.ts
# puts them before prepare-node.sh in the user data, and test/cluster/vms/containerd-config.test.ts
# runs them against a real containerd 1.x (config version 2) and a version-3 fixture.
#
# The two settings, and where each config version keeps them (containerd docs/cri/config.md):
# - the systemd cgroup driver, because kubeadm configures the kubelet for it and Ubuntu
#   22.04 runs cgroup v2: SystemdCgroup in the runc runtime's options;
# - the pause image kubeadm 1.29 expects: version 2 `sandbox_image` in the CRI plugin,
#   version 3 (containerd 2.x) `sandbox` under the CRI images plugin's pinned_images.

containerd_config_say() { echo "meshbench-prepare: $*"; }

# Sets runc_section, sandbox_section and sandbox_key for config version $1 (section names
# without quotes: quoting differs between versions and is ignored when matching).
containerd_config_layout() {
    case "$1" in
        2)
            runc_section=plugins.io.containerd.grpc.v1.cri.containerd.runtimes.runc.options
            sandbox_section=plugins.io.containerd.grpc.v1.cri
            sandbox_key=sandbox_image ;;
        3)
            runc_section=plugins.io.containerd.cri.v1.runtime.containerd.runtimes.runc.options
            sandbox_section=plugins.io.containerd.cri.v1.images.pinned_images
            sandbox_key=sandbox ;;
        *) return 1 ;;
    esac
}

# The top-level `version = N` of a config file (containerd 1.x prints keys sorted, so it
# need not be the first line).
containerd_config_version() {
    awk '/^[[:space:]]*\[/ { exit } /^version[[:space:]]*=/ { sub(/^version[[:space:]]*=[[:space:]]*/, ""); print; exit }' "$1"
}

# Prints file $1 with key $3 of table $2 set to the TOML value $4: replaced where the key
# is, else added right under the table's header. Fails if the table is not in the file.
containerd_config_set() {
    awk -v table="$2" -v key="$3" -v value="$4" '
        function name(line) { gsub(/["'\''[:space:]]/, "", line); gsub(/^\[+|\]+$/, "", line); return line }
        function is_key(line) { return line ~ ("^[[:space:]]*" key "[[:space:]]*=") }
        FNR == 1 { inside = 0 }
        /^[[:space:]]*\[/ { inside = (name($0) == table) }
        NR == FNR { if (inside) { found = 1; if (is_key($0)) present = 1 }; next }
        /^[[:space:]]*\[/ { print; if (inside && !present) print key " = " value; next }
        inside && is_key($0) { indent = $0; sub(/[^[:space:]].*$/, "", indent); print indent key " = " value; next }
        { print }
        END { if (!found) exit 3 }' "$1" "$1"
}

# Prints the value of key $3 in table $2 of file $1, without quotes; nothing if unset.
containerd_config_get() {
    awk -v table="$2" -v key="$3" '
        function name(line) { gsub(/["'\''[:space:]]/, "", line); gsub(/^\[+|\]+$/, "", line); return line }
        /^[[:space:]]*\[/ { inside = (name($0) == table); next }
        inside && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
            sub(/^[^=]*=[[:space:]]*/, ""); gsub(/^["'\'']|["'\''][[:space:]]*$/, ""); print; exit
        }' "$1"
}

# Writes containerd's config to $1 for the pause image $2.
write_containerd_config() {
    work=$(mktemp -d)
    containerd config default > "${work}/default.toml" || { rm -rf "$work"; return 1; }
    version=$(containerd_config_version "${work}/default.toml")
    if ! containerd_config_layout "$version"; then
        containerd_config_say "containerd config default printed config version ${version:-none}; this step writes versions 2 (containerd 1.x) and 3 (containerd 2.x)"
        rm -rf "$work"
        return 1
    fi
    if ! containerd_config_set "${work}/default.toml" "$runc_section" SystemdCgroup true > "${work}/cgroup.toml" ||
        ! containerd_config_set "${work}/cgroup.toml" "$sandbox_section" "$sandbox_key" "\"$2\"" > "${work}/config.toml"; then
        containerd_config_say "containerd config default (version ${version}) lacks [${runc_section}] or [${sandbox_section}]"
        rm -rf "$work"
        return 1
    fi
    install -D -m 0644 "${work}/config.toml" "$1"
    rm -rf "$work"
}

# Checks the effective config containerd reads from $1: the systemd cgroup driver and the
# pause image $2. Says what it found when either does not hold.
verify_containerd_config() {
    work=$(mktemp -d)
    if ! containerd --config "$1" config dump > "${work}/dump.toml"; then
        containerd_config_say "containerd config dump failed on $1"
        rm -rf "$work"
        return 1
    fi
    version=$(containerd_config_version "${work}/dump.toml")
    if ! containerd_config_layout "$version"; then
        containerd_config_say "containerd config dump printed config version ${version:-none}; expected 2 or 3"
        rm -rf "$work"
        return 1
    fi
    cgroup=$(containerd_config_get "${work}/dump.toml" "$runc_section" SystemdCgroup)
    sandbox=$(containerd_config_get "${work}/dump.toml" "$sandbox_section" "$sandbox_key")
    rm -rf "$work"
    if [ "$cgroup" != true ]; then
        containerd_config_say "containerd's effective config has SystemdCgroup = ${cgroup:-unset} in [${runc_section}], not true: the kubelet kubeadm configures uses the systemd cgroup driver"
        return 1
    fi
    if [ "$sandbox" != "$2" ]; then
        containerd_config_say "containerd's effective config has ${sandbox_key} = ${sandbox:-unset} in [${sandbox_section}], not $2, the pause image kubeadm expects"
        return 1
    fi
}
