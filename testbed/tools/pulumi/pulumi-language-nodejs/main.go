// Command pulumi-language-nodejs is the testbed's own Node.js language host
// for the Pulumi engine.
//
// Upstream's host is its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which
// the module proxy here does not serve, so this one is written against the
// LanguageRuntime protocol in sdk/v3's pulumirpc stubs. It does what a
// `pulumi preview/up/destroy` of a TypeScript program needs: it reports the
// provider packages the program's node_modules declare, and runs the program
// through @pulumi/pulumi's own entry point (cmd/run), which loads ts-node for
// TypeScript. It does not install dependencies (npm ci does that), does not
// generate code, and does not run plugins written in Node.js: those methods
// answer Unimplemented.
//
// The engine starts it with the engine's address as its one argument and
// reads the port it listens on from the first line of its stdout.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
)

// version is what GetPluginInfo reports; the build sets it to the SDK's
// version with -X main.version=.
var version = "0.0.0-dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	// Accepted because the engine may pass them; tracing is not supported.
	flag.String("tracing", "", "ignored")
	runtime := flag.String("runtime", "nodejs", "only nodejs is supported")
	flag.Parse()
	if *showVersion {
		fmt.Println(version)
		return
	}
	if *runtime != "nodejs" {
		fail(fmt.Errorf("unsupported runtime %q; this host runs only nodejs", *runtime))
	}

	host := newHost("")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if args := flag.Args(); len(args) > 0 {
		host.engineAddress = args[0]
		// Exit when the engine goes away, so no host outlives a killed `pulumi`.
		if err := rpcutil.Healthcheck(ctx, host.engineAddress, 5*time.Minute, stop); err != nil {
			fail(fmt.Errorf("could not start the engine health check: %w", err))
		}
	}

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(fmt.Errorf("could not listen on loopback: %w", err))
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	pulumirpc.RegisterLanguageRuntimeServer(srv, host)
	go func() {
		<-ctx.Done()
		host.cancel()
		srv.Stop()
	}()
	// The engine reads this line to learn where we listen.
	fmt.Printf("%d\n", lis.Addr().(*net.TCPAddr).Port)
	if err := srv.Serve(lis); err != nil && ctx.Err() == nil {
		fail(fmt.Errorf("language host stopped serving: %w", err))
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
	os.Exit(1)
}

// host implements pulumirpc.LanguageRuntimeServer; methods it does not
// define answer codes.Unimplemented through the embedded type.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	// cancelCtx ends every running program when the engine calls Cancel.
	cancelCtx context.Context
	cancel    context.CancelFunc
}

func newHost(engineAddress string) *host {
	ctx, cancel := context.WithCancel(context.Background())
	return &host{engineAddress: engineAddress, cancelCtx: ctx, cancel: cancel}
}

// Handshake is how an engine that attached to an already running host tells
// it the engine's address.
func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

// InstallDependencies does nothing: the testbed installs the program's
// packages with npm ci before it runs pulumi, and must not reach a registry
// from here. It says so on the stream, so `pulumi install` is not silent.
func (h *host) InstallDependencies(_ *pulumirpc.InstallDependenciesRequest,
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	return stream.Send(&pulumirpc.InstallDependenciesResponse{
		Stderr: []byte("pulumi-language-nodejs (meshbench testbed): not installing dependencies; run npm ci\n"),
	})
}

// RuntimeOptionsPrompts has nothing to ask: `pulumi new` is not supported.
func (h *host) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}
