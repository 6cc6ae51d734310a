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
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/test/helmchart"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

const shipChart = helmchart.Dir

// shipHelmRender renders the chart as `helm install ha-scheduler
// --namespace kube-system` would, for the Kubernetes release we build
// against, with the given values (YAML; "" for the defaults), and returns
// its objects.
func shipHelmRender(t *testing.T, values string) []map[string]any {
	t.Helper()
	h, err := helmchart.New(harness.RepoRoot())
	require.NoError(t, err)
	objs, err := h.Objects("", values)
	require.NoError(t, err)
	return objs
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
	cfg, _, err := helmchart.SchedulerConfig(objs)
	require.NoError(t, err)
	return cfg
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
