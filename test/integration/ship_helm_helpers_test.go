/*
Copyright The ha-scheduler Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package integration

// Helpers of the Helm chart's shipping tests (ship_helm_test.go): the chart
// rendered by helm built from helm's own Go packages, pinned in
// hack/tools/helm (hack/build-binaries.sh helm).

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/version"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

const shipChart = "charts/ha-scheduler"

// shipHelmRender renders the chart as `helm install ha-scheduler
// --namespace kube-system` would, for the Kubernetes release we build
// against, with the given values (YAML; "" for the defaults), and returns
// its objects.
func shipHelmRender(t *testing.T, values string) []map[string]any {
	t.Helper()
	bin, err := harness.Binary("HELM_BIN", "_output/bin/helm", "hack/build-binaries.sh helm")
	require.NoError(t, err)
	args := []string{"template", "ha-scheduler", shipChart, "--namespace", "kube-system", "--kube-version", version.Kubernetes}
	if values != "" {
		// Not under t.TempDir(): helm splits --values at commas, which
		// test names may hold.
		f, err := os.CreateTemp("", "helm-values-*.yaml")
		require.NoError(t, err)
		t.Cleanup(func() { _ = os.Remove(f.Name()) })
		_, err = f.WriteString(values)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		file := f.Name()
		args = append(args, "--values", file)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = harness.RepoRoot()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "helm %s\n%s", strings.Join(args, " "), stderr.String())

	var objs []map[string]any
	r := utilyaml.NewYAMLReader(bufio.NewReader(&stdout))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return objs
		}
		require.NoError(t, err)
		var obj map[string]any
		require.NoError(t, yaml.Unmarshal(doc, &obj), "parsing the rendered chart:\n%s", doc)
		if obj != nil {
			objs = append(objs, obj)
		}
	}
}

// shipIdentityObjects returns the ServiceAccount and RBAC objects among
// objs.
func shipIdentityObjects(objs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, o := range objs {
		switch shipKind(o) {
		case "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
			out = append(out, o)
		}
	}
	return out
}

// shipConfigMapConfig returns the scheduler configuration of the one
// ConfigMap among objs that holds config.yaml (not the dashboard's).
func shipConfigMapConfig(t *testing.T, objs []map[string]any) string {
	t.Helper()
	var cfgs []string
	for _, o := range objs {
		if shipKind(o) == "ConfigMap" {
			data, _ := o["data"].(map[string]any)
			if cfg, ok := data["config.yaml"].(string); ok {
				cfgs = append(cfgs, cfg)
			}
		}
	}
	require.Len(t, cfgs, 1, "want one ConfigMap with config.yaml")
	return cfgs[0]
}

// shipWriteRenderedConfig writes a rendered scheduler configuration for a
// scheduler run by the harness: as rendered, with only the client
// connection's kubeconfig set.
func shipWriteRenderedConfig(t *testing.T, cfg, kubeconfig string) string {
	t.Helper()
	var c map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(cfg), &c))
	conn, _ := c["clientConnection"].(map[string]any)
	if conn == nil {
		conn = map[string]any{}
	}
	conn["kubeconfig"] = kubeconfig
	c["clientConnection"] = conn
	out, err := yaml.Marshal(c)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, out, 0o600))
	return path
}
