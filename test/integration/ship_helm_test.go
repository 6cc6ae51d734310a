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

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// The chart's values that turn every option on but monitoring (which needs
// the Prometheus Operator's CRDs).
const shipHelmAllOptions = "admission:\n  daemonSetNodeAffinity:\n    enabled: true\n  routing:\n    enabled: true\n"

// The chart's values that turn monitoring on (manifests/monitoring).
const shipHelmMonitoring = "monitoring:\n  enabled: true\n"

// The Helm chart, rendered by the pinned helm packages (`helm template`),
// is accepted by a real API server (server-side dry run: schema,
// defaulting, validation, admission, CEL compilation of both admission
// policies; strict field validation), with its defaults, with every option
// on, with more trusted namespaces, and with monitoring on (the
// ServiceMonitor and the PrometheusRule against the Prometheus Operator's
// CRDs, installed as TestShipMonitoringManifestsApplyWithServerDryRun
// installs them).
func TestShipHelmChartAppliesWithServerDryRun(t *testing.T) {
	for _, tc := range []struct {
		name, values   string
		monitoringCRDs bool
	}{
		{"defaults", "", false},
		{"every option", shipHelmAllOptions, false},
		{"more trusted namespaces", shipHelmAllOptions + "policy:\n  trustedNamespaces: [kube-system, calico-system]\n", false},
		{"every option and monitoring", shipHelmAllOptions + shipHelmMonitoring +
			"  serviceMonitor: {labels: {release: kube-prometheus-stack}}\n  prometheusRule: {labels: {release: kube-prometheus-stack}}\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.monitoringCRDs {
				shipInstallMonitoringCRDs(t)
			}
			objs := shipHelmRender(t, tc.values)
			file := shipWriteObjects(t, objs)
			out, err := cluster.Kubectl(t, "apply", "--dry-run=server", "--validate=strict", "-f", file)
			require.NoError(t, err, "server dry run of the rendered chart:\n%s", out)
			t.Logf("kubectl apply --dry-run=server (helm template %s):\n%s", shipChart, out)
			if n := strings.Count(out, "(server dry run)"); n != len(objs) {
				t.Errorf("the dry run reported %d objects, want %d", n, len(objs))
			}
		})
	}
}

// helmOnlyLabels are the labels the chart adds to every object's metadata
// (Helm's standard labels), the only difference the comparison with the
// kustomization ignores.
var helmOnlyLabels = []string{
	"helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance", "app.kubernetes.io/version",
}

var generatedConfigMapName = regexp.MustCompile(`^ha-scheduler-config-[a-z0-9]{10}$`)

// shipNormalize prepares an installed object for the comparison of the
// kustomization and the chart: Helm's standard labels dropped; the
// generated ConfigMap's name (both suffix a hash of different bytes: the
// comments of the configuration differ) and its reference in the
// Deployment replaced by one placeholder; the configuration itself parsed,
// so that it is compared as YAML, not as text.
func shipNormalize(t *testing.T, obj map[string]any) map[string]any {
	t.Helper()
	// A deep copy through YAML.
	b, err := yaml.Marshal(obj)
	require.NoError(t, err)
	var o map[string]any
	require.NoError(t, yaml.Unmarshal(b, &o))

	md, _ := o["metadata"].(map[string]any)
	if labels, ok := md["labels"].(map[string]any); ok {
		for _, l := range helmOnlyLabels {
			delete(labels, l)
		}
	}
	const placeholder = "ha-scheduler-config-<hash>"
	switch shipKind(o) {
	case "ConfigMap":
		data, _ := o["data"].(map[string]any)
		if _, ok := data["config.yaml"]; !ok {
			break // the dashboard's (monitoring): compared as it is
		}
		name := fmt.Sprint(md["name"])
		require.Regexp(t, generatedConfigMapName, name, "the ConfigMap's name")
		md["name"] = placeholder
		var cfg map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(fmt.Sprint(data["config.yaml"])), &cfg))
		data["config.yaml"] = cfg
	case "Deployment":
		spec, _ := o["spec"].(map[string]any)
		tmpl, _ := spec["template"].(map[string]any)
		podSpec, _ := tmpl["spec"].(map[string]any)
		volumes, _ := podSpec["volumes"].([]any)
		for _, v := range volumes {
			if cm, ok := v.(map[string]any)["configMap"].(map[string]any); ok && generatedConfigMapName.MatchString(fmt.Sprint(cm["name"])) {
				cm["name"] = placeholder
			}
		}
	}
	return o
}

// shipSorted normalizes objects and sorts them by kind, namespace and name.
func shipSorted(t *testing.T, objs []map[string]any) []map[string]any {
	t.Helper()
	out := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		out = append(out, shipNormalize(t, o))
	}
	key := func(o map[string]any) string {
		md, _ := o["metadata"].(map[string]any)
		return fmt.Sprintf("%s/%v/%v", shipKind(o), md["namespace"], md["name"])
	}
	sort.Slice(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

// The chart installs what the kustomizations install: with its defaults,
// what `kubectl kustomize manifests/secondary` renders; with the routing
// option, that and manifests/admission-routing; with monitoring on, that
// and manifests/monitoring (its alerts and dashboard are the chart's
// copies, files/, of manifests/monitoring's). Whole objects are
// compared; only Helm's standard labels and the generated ConfigMap's name
// are normalized away (shipNormalize), and every object must carry those
// labels.
func TestShipHelmChartInstallsWhatKustomizeInstalls(t *testing.T) {
	for _, tc := range []struct {
		name           string
		values         string
		kustomizations []string
	}{
		{"defaults", "", []string{"manifests/secondary"}},
		{"routing", "admission:\n  routing:\n    enabled: true\n", []string{"manifests/secondary", "manifests/admission-routing"}},
		{"monitoring on", shipHelmMonitoring, []string{"manifests/secondary", "manifests/monitoring"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var kustomized []map[string]any
			for _, dir := range tc.kustomizations {
				kustomized = append(kustomized, shipRenderedObjects(t, dir)...)
			}
			charted := shipHelmRender(t, tc.values)
			for _, o := range charted {
				md, _ := o["metadata"].(map[string]any)
				labels, _ := md["labels"].(map[string]any)
				for _, l := range helmOnlyLabels {
					if _, ok := labels[l]; !ok {
						t.Errorf("%s/%s lacks Helm's label %s", shipKind(o), shipName(o), l)
					}
				}
			}
			if diff := cmp.Diff(shipSorted(t, kustomized), shipSorted(t, charted)); diff != "" {
				t.Errorf("objects (-kustomize %v +helm template %s):\n%s", tc.kustomizations, shipChart, diff)
			}
		})
	}
}
