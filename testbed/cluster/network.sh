#!/bin/bash
# The testbed's network: the host namespace with its bridge, a namespace per node joined to
# it, static routes for the pod ranges, and nothing else. Sourced after lib.sh.

tb_make_network() {
    local cidr node ns ip other
    # Belt and braces: the machine itself can never send to the testbed's ranges.
    for cidr in $TB_CIDRS; do ip route replace unreachable "$cidr"; done

    ip netns add "$TB_NETNS"
    ip -n "$TB_NETNS" link set lo up
    ip -n "$TB_NETNS" link add mbtb0 type bridge
    ip -n "$TB_NETNS" addr add "$TB_HOST_IP/24" dev mbtb0
    ip -n "$TB_NETNS" link set mbtb0 up
    for node in $TB_NODES; do
        ns=$(tb_node_netns "$node")
        ip=$(tb_node_ip "$node")
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip -n "$TB_NETNS" link add "veth-$node" type veth peer name eth0 netns "$ns"
        ip -n "$TB_NETNS" link set "veth-$node" master mbtb0 up
        ip -n "$ns" addr add "$ip/24" dev eth0
        ip -n "$ns" link set eth0 up
        # Routing between nodes' pods, and pod traffic through kube-proxy's rules on the bridge.
        tb_in "$ns" sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
        ip -n "$TB_NETNS" route add "$(tb_node_pod_cidr "$node")" via "$ip"
        for other in $TB_NODES; do
            [ "$other" = "$node" ] && continue
            ip -n "$ns" route add "$(tb_node_pod_cidr "$other")" via "$(tb_node_ip "$other")"
        done
    done
    tb_assert_no_way_out
}

# Fails unless no testbed namespace has a default route or a link other than its own.
tb_assert_no_way_out() {
    local ns
    for ns in "$TB_NETNS" $(for n in $TB_NODES; do tb_node_netns "$n"; done); do
        if [ -n "$(ip -n "$ns" route show default)" ]; then tb_die "namespace $ns has a default route"; fi
    done
    local unreachable
    unreachable=$(ip route show type unreachable)
    for cidr in $TB_CIDRS; do
        grep -q "^unreachable $cidr" <<< "$unreachable" || tb_die "no unreachable route for $cidr on the machine"
    done
}

tb_remove_network() {
    local node cidr
    for node in $TB_NODES; do ip netns del "$(tb_node_netns "$node")" 2> /dev/null || true; done
    ip netns del "$TB_NETNS" 2> /dev/null || true
    for cidr in $TB_CIDRS; do ip route del unreachable "$cidr" 2> /dev/null || true; done
}
