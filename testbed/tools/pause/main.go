// Command pause is the testbed's pod sandbox process: PID 1 of each pod's
// namespaces, which holds them open while the pod's containers come and go.
// It does nothing but wait: SIGTERM or SIGINT ends it with status 0 (what
// the kubelet sends when the pod goes), and SIGCHLD reaps any child that was
// re-parented to it (with a shared PID namespace, orphans land on PID 1 and
// would stay zombies).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		fmt.Println("pause (meshbench testbed)")
		return
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	for sig := range sigs {
		if sig == syscall.SIGCHLD {
			reap()
			continue
		}
		fmt.Fprintf(os.Stderr, "pause: %v, exiting\n", sig)
		os.Exit(0)
	}
}

// reap collects every child that has exited. Signals coalesce, so one SIGCHLD
// may stand for many children: loop until none is left to collect.
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
