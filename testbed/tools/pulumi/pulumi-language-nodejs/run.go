package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/google/shlex"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// exitAfterUserMessage is the exit code @pulumi/pulumi's cmd/run uses when it
// has already printed an actionable error (its
// nodeJSProcessExitedAfterLoggingUserActionableMessage); the engine is then
// told to bail without adding a message of its own.
const exitAfterUserMessage = 32

// options are the runtime options of Pulumi.yaml (runtime.options).
type options struct {
	typescript bool   // run TypeScript through ts-node (default true)
	tsconfig   string // tsconfig path for ts-node, relative to the program
	nodeargs   string // extra arguments for node, shell-quoted
}

func parseOptions(m map[string]any) (options, error) {
	o := options{typescript: true}
	if v, ok := m["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return o, fmt.Errorf("runtime option typescript: got %v; allowed: true, false", v)
		}
		o.typescript = b
	}
	for key, dst := range map[string]*string{"tsconfig": &o.tsconfig, "nodeargs": &o.nodeargs} {
		if v, ok := m[key]; ok {
			s, isString := v.(string)
			if !isString {
				return o, fmt.Errorf("runtime option %s: got %v; allowed: a string", key, v)
			}
			*dst = s
		}
	}
	return o, nil
}

// Run runs the program once, as @pulumi/pulumi's cmd/run expects to be run:
//
//	node [nodeargs] <cmd/run> --monitor A --engine A --project P --stack S
//	     --pwd DIR [--dry-run] --parallel N ... <entry point> [args...]
//
// with the stack's config in PULUMI_CONFIG (JSON, keys "<ns>:config:<name>")
// and the secret keys in PULUMI_CONFIG_SECRET_KEYS. A failed program is an
// error in the response, not an RPC error, so the engine reports it as the
// program's.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	info := req.GetInfo()
	if info == nil {
		return nil, errors.New("RunRequest has no program info")
	}
	opts, err := parseOptions(info.GetOptions().AsMap())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = "@pulumi/pulumi/cmd/run"
	}
	entry, err := resolveModule(ctx, node, info.GetProgramDirectory(), runPath)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	cfg, err := configJSON(req.GetConfig())
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not pass the stack's config: " + err.Error()}, nil
	}
	secretKeys, err := json.Marshal(nonNil(req.GetConfigSecretKeys()))
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not pass the config's secret keys: " + err.Error()}, nil
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+cfg,
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	args, err := shlex.Split(opts.nodeargs)
	if err != nil {
		return &pulumirpc.RunResponse{Error: "runtime option nodeargs: " + err.Error()}, nil
	}
	args = append(args, entry)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	// The engine always names an entry point, "." for the program directory.
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	// Both the engine's cancel and the end of this RPC stop the program:
	// first with SIGINT, as a user's Ctrl-C, then killed after 5 s.
	runCtx, stop := context.WithCancel(h.cancelCtx)
	defer stop()
	context.AfterFunc(ctx, stop)
	cmd := exec.CommandContext(runCtx, node, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = info.GetProgramDirectory()
	cmd.Env = env
	// The engine shows our stdout and stderr as the program's.
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == exitAfterUserMessage:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() >= 0:
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: "Program was stopped: " + exitErr.String()}, nil
	default:
		return &pulumirpc.RunResponse{Error: "could not run node: " + err.Error()}, nil
	}
}

// resolveModule asks node where a module resolves from the program's
// directory, so the program's own copy of @pulumi/pulumi runs it.
func resolveModule(ctx context.Context, node, dir, module string) (string, error) {
	script := fmt.Sprintf("process.stdout.write(require.resolve(%q))", module)
	cmd := exec.CommandContext(ctx, node, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		detail := err.Error()
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			detail = strings.TrimSpace(string(exitErr.Stderr))
		}
		return "", fmt.Errorf("could not find %s from %s (is the program's node_modules installed? run npm ci): %s",
			module, dir, detail)
	}
	return strings.TrimSpace(string(out)), nil
}

// configJSON is the stack's config as @pulumi/pulumi reads it from
// PULUMI_CONFIG: the engine sends "<ns>:<name>" keys; the SDK reads both that
// form and the older "<ns>:config:<name>", and the older one is what every
// SDK version understands.
func configJSON(cfg map[string]string) (string, error) {
	out := make(map[string]string, len(cfg))
	for k, v := range cfg {
		key, err := config.ParseKey(k)
		if err != nil {
			return "", err
		}
		out[key.Namespace()+":config:"+key.Name()] = v
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
