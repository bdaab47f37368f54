// Command pulumi-resource-kubernetes is the Kubernetes provider plugin,
// built from github.com/pulumi/pulumi-kubernetes/provider/v4 with our own
// main.
//
// Upstream's main embeds schema-embed.json and terraform-mapping-embed.json,
// which its Makefile generates and which are not in the module zip. The zip
// does hold their sources, cmd/pulumi-resource-kubernetes/schema.json and
// terraform-mapping.json; testbed/build-tools.sh copies those two into this
// directory before the build (they are gitignored, never committed), and we
// stamp our version into the schema at start-up as upstream's generate step
// does at build time.
//
// The provider needs the schema only to answer GetSchema and to fill inputs
// when it reads an object it did not create (pulumi import, Resource.get);
// preview, up and destroy of a Node.js program do not ask for it, since the
// @pulumi/kubernetes npm package carries its own generated types.
package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	providerversion "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

// version is the version the plugin reports; the build sets it with
// -X main.version=. It is the module's own version (a commit between 4.24.0
// and 4.25.0), not the npm package's: see testbed/tools/README.md.
var version = "0.0.0-dev"

//go:embed schema.json
var schema []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func main() {
	// The provider's user agent reads this package's Version.
	providerversion.Version = version
	stamped, err := stampVersion(schema, version)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-kubernetes: %v\n", err)
		os.Exit(1)
	}
	provider.Serve("kubernetes", version, stamped, terraformMapping)
}

// stampVersion sets the schema's top-level "version", leaving the rest as is.
func stampVersion(schema []byte, version string) ([]byte, error) {
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(schema, &spec); err != nil {
		return nil, fmt.Errorf("the embedded schema is not JSON: %w", err)
	}
	v, err := json.Marshal(version)
	if err != nil {
		return nil, err
	}
	spec["version"] = v
	return json.Marshal(spec)
}
