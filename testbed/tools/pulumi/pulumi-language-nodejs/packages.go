package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// pulumiSection is the "pulumi" object of a provider package's package.json,
// e.g. @pulumi/kubernetes: {"resource": true, "name": "kubernetes", "version": "4.34.2"}.
type pulumiSection struct {
	Resource         bool   `json:"resource"`
	Name             string `json:"name"`
	Version          string `json:"version"`
	Server           string `json:"server"`
	Parameterization *struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Value   []byte `json:"value"` // base64 in the JSON
	} `json:"parameterization"`
}

type packageJSON struct {
	Name    string        `json:"name"`
	Version string        `json:"version"`
	Pulumi  pulumiSection `json:"pulumi"`
}

// GetRequiredPackages lists the provider plugins the program needs: every
// package under the program's node_modules whose package.json says
// "pulumi": {"resource": true}. The engine checks or installs these before
// it runs the program.
func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	pkgs, err := providerPackages(req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages, for engines
// that predate it.
func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	pkgs, err := providerPackages(dir)
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(pkgs))
	for _, p := range pkgs {
		if p.Parameterization == nil {
			plugins = append(plugins, &pulumirpc.PluginDependency{
				Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
			})
		}
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// providerPackages walks dir for package.json files inside node_modules,
// following symlinks once (npm workspaces link packages), and returns the
// provider packages, each name and version once, sorted.
func providerPackages(dir string) ([]*pulumirpc.PackageDependency, error) {
	if dir == "" {
		return nil, errors.New("no program directory given")
	}
	seen := map[string]bool{}
	found := map[string]*pulumirpc.PackageDependency{}
	var walk func(dir string, inNodeModules bool) error
	walk = func(dir string, inNodeModules bool) error {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil || seen[real] {
			return nil // a dangling link or a directory already walked
		}
		seen[real] = true
		entries, err := os.ReadDir(real)
		if err != nil {
			return fmt.Errorf("reading %s: %w", dir, err)
		}
		for _, e := range entries {
			path := filepath.Join(real, e.Name())
			if e.Name() == "package.json" && inNodeModules {
				if err := addPackage(path, found); err != nil {
					return err
				}
				continue
			}
			isDir := e.IsDir()
			if e.Type()&os.ModeSymlink != 0 {
				if st, err := os.Stat(path); err == nil {
					isDir = st.IsDir()
				}
			}
			// A policy pack's plugins are not the program's.
			if isDir && !fileExists(filepath.Join(path, "PulumiPolicy.yaml")) {
				if err := walk(path, inNodeModules || filepath.Base(real) == "node_modules"); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(dir, false); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*pulumirpc.PackageDependency, 0, len(keys))
	for _, k := range keys {
		out = append(out, found[k])
	}
	return out, nil
}

func addPackage(path string, found map[string]*pulumirpc.PackageDependency) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var pj packageJSON
	if err := json.Unmarshal(b, &pj); err != nil {
		// Not every package.json under node_modules is a package's (test
		// fixtures ship broken ones); only a provider's must parse.
		if strings.Contains(string(b), `"resource"`) {
			return fmt.Errorf("parsing %s: %w", path, err)
		}
		return nil
	}
	if !pj.Pulumi.Resource {
		return nil
	}
	name := pj.Pulumi.Name
	if name == "" {
		if !strings.HasPrefix(pj.Name, "@pulumi/") {
			return fmt.Errorf("%s: a provider package outside @pulumi/ must name its plugin in \"pulumi\".\"name\"", path)
		}
		name = strings.TrimPrefix(pj.Name, "@pulumi/")
	}
	version := pj.Pulumi.Version
	if version == "" {
		version = pj.Version
	}
	if version == "" {
		return fmt.Errorf("%s: the provider package has no version", path)
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: version, Server: pj.Pulumi.Server}
	key := name + "@" + version
	if p := pj.Pulumi.Parameterization; p != nil {
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
		key += "/" + p.Name + "@" + p.Version
	}
	found[key] = dep
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// About says which node runs programs, for `pulumi about`.
func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w", node, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimSpace(string(out)),
		Metadata:   map[string]string{"packagemanager": "npm"},
	}, nil
}

// GetProgramDependencies lists the program's npm packages, for `pulumi about`.
func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	args := []string{"ls", "--json", "--omit=dev"}
	if req.GetTransitiveDependencies() {
		args = append(args, "--all")
	}
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = dir
	// npm ls exits 1 on a missing or extraneous package but still prints the tree.
	out, runErr := cmd.Output()
	var tree struct {
		Dependencies map[string]npmNode `json:"dependencies"`
	}
	if err := json.Unmarshal(out, &tree); err != nil {
		return nil, fmt.Errorf("npm ls in %s: %v (output not JSON: %w)", dir, runErr, err)
	}
	var deps []*pulumirpc.DependencyInfo
	var add func(map[string]npmNode)
	add = func(m map[string]npmNode) {
		for name, n := range m {
			deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: n.Version})
			add(n.Dependencies)
		}
	}
	add(tree.Dependencies)
	sort.Slice(deps, func(i, j int) bool {
		if deps[i].Name != deps[j].Name {
			return deps[i].Name < deps[j].Name
		}
		return deps[i].Version < deps[j].Version
	})
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

type npmNode struct {
	Version      string             `json:"version"`
	Dependencies map[string]npmNode `json:"dependencies"`
}
