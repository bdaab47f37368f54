// Command coredns is CoreDNS with only the plugins the testbed's Corefile uses.
//
// Upstream's main imports core/plugin, which links in every plugin (forward,
// route53, azure, clouddns, etcd, ...). Ours links in only these, so the
// build is small and fast, and the server cannot forward a query upstream:
// the forward plugin is not in the binary, so a Corefile naming it fails to
// load instead of sending packets off the machine.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

// directives is the order plugins run in, a subset of upstream's
// core/dnsserver/zdirectives.go (plugin.cfg) in the same relative order.
// Replacing the list makes `coredns -plugins` and the Corefile parser know
// only the plugins that are linked in.
var directives = []string{
	"reload",
	"ready",
	"health",
	"errors",
	"log",
	"cache",
	"kubernetes",
	"loop",
}

func main() {
	dnsserver.Directives = directives
	coremain.Run()
}
