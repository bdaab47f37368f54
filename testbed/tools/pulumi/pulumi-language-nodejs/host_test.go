package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The program's provider packages are found in node_modules (nested, scoped
// and through a symlink), each once; a package.json outside node_modules, a
// non-provider package and a policy pack's packages are not.
func TestProviderPackages(t *testing.T) {
	dir := t.TempDir()
	nm := filepath.Join(dir, "node_modules")
	write(t, filepath.Join(dir, "package.json"), `{"name":"prog","pulumi":{"resource":true}}`)
	write(t, filepath.Join(nm, "@pulumi/kubernetes/package.json"),
		`{"name":"@pulumi/kubernetes","version":"4.34.2","pulumi":{"resource":true,"name":"kubernetes","version":"4.34.2"}}`)
	write(t, filepath.Join(nm, "@pulumi/command/package.json"),
		`{"name":"@pulumi/command","version":"1.2.1","pulumi":{"resource":true}}`)
	write(t, filepath.Join(nm, "@pulumi/pulumi/package.json"), `{"name":"@pulumi/pulumi","version":"3.248.0"}`)
	write(t, filepath.Join(nm, "a/node_modules/@pulumi/tls/package.json"),
		`{"name":"@pulumi/tls","version":"v5.6.1","pulumi":{"resource":true}}`)
	write(t, filepath.Join(nm, "pack/PulumiPolicy.yaml"), "runtime: nodejs\n")
	write(t, filepath.Join(nm, "pack/node_modules/@pulumi/aws/package.json"),
		`{"name":"@pulumi/aws","version":"6.0.0","pulumi":{"resource":true}}`)
	other := t.TempDir()
	write(t, filepath.Join(other, "package.json"),
		`{"name":"@pulumi/random","version":"4.16.0","pulumi":{"resource":true}}`)
	if err := os.Symlink(other, filepath.Join(nm, "@pulumi/random")); err != nil {
		t.Fatal(err)
	}
	// The same package twice (hoisted and nested) is listed once.
	write(t, filepath.Join(nm, "b/node_modules/@pulumi/command/package.json"),
		`{"name":"@pulumi/command","version":"1.2.1","pulumi":{"resource":true}}`)

	pkgs, err := providerPackages(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pkgs {
		if p.Kind != "resource" {
			t.Errorf("%s: kind %q, want resource", p.Name, p.Kind)
		}
		got = append(got, p.Name+"@"+p.Version)
	}
	want := []string{"command@v1.2.1", "kubernetes@v4.34.2", "random@v4.16.0", "tls@v5.6.1"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestProviderPackagesThirdPartyNeedsName(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "node_modules/acme/package.json"),
		`{"name":"acme","version":"1.0.0","pulumi":{"resource":true}}`)
	if _, err := providerPackages(dir); err == nil {
		t.Fatal("a provider package outside @pulumi/ without pulumi.name was accepted")
	}
}

// The engine's "<ns>:<name>" keys reach the SDK as "<ns>:config:<name>".
func TestConfigJSON(t *testing.T) {
	got, err := configJSON(map[string]string{"meshbench:mesh": "istio", "kubernetes:context": "kind"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(got), &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m["meshbench:config:mesh"] != "istio" || m["kubernetes:config:context"] != "kind" {
		t.Fatalf("configJSON = %s", got)
	}
	if _, err := configJSON(map[string]string{"no-namespace": "x"}); err == nil {
		t.Fatal("a key without a namespace was accepted")
	}
}

func TestParseOptions(t *testing.T) {
	o, err := parseOptions(map[string]any{})
	if err != nil || !o.typescript {
		t.Fatalf("default options = %+v, %v; want typescript on", o, err)
	}
	o, err = parseOptions(map[string]any{"typescript": false, "tsconfig": "tsconfig.pulumi.json", "nodeargs": "--max-old-space-size=4096"})
	if err != nil || o.typescript || o.tsconfig != "tsconfig.pulumi.json" || o.nodeargs != "--max-old-space-size=4096" {
		t.Fatalf("options = %+v, %v", o, err)
	}
	_, err = parseOptions(map[string]any{"typescript": "yes"})
	if err == nil || err.Error() != "runtime option typescript: got yes; allowed: true, false" {
		t.Fatalf("bad typescript option: err = %v", err)
	}
}
