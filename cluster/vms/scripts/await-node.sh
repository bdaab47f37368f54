#!/bin/sh
# Runs over SSH as the `ubuntu` user, first thing on every node: waits until cloud-init has
# run prepare-node.sh, then prints what it installed, one line:
#   MESHBENCH-NODE install=<packages pkgs.k8s.io 1.29.1-1.1 | binaries dl.k8s.io v1.29.1> kernel=<uname -r>
# A node whose preparation failed makes this step fail, with the end of cloud-init's log.
set -u

# `cloud-init status --wait` exits 2 when cloud-init finished with recoverable warnings;
# the marker prepare-node.sh writes on success decides instead.
cloud-init status --wait > /dev/null 2>&1

if [ -f /var/lib/meshbench/prepared ]; then
    install=$(sed -n 's/^install=//p' /var/lib/meshbench/prepared)
    echo "MESHBENCH-NODE install=${install} kernel=$(uname -r)"
    exit 0
fi
echo "meshbench: preparing this node failed; the end of /var/log/cloud-init-output.log:" >&2
sudo tail -n 40 /var/log/cloud-init-output.log >&2
exit 1
