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

package manifests

// The Helm chart (charts/ha-scheduler), rendered and linted by helm built
// from helm's own Go packages pinned in hack/tools/helm
// (hack/build-binaries.sh helm): its version and image, the policy written
// once in its values, and the configuration it renders as the binary loads
// it. What it installs on an API server, and that it installs what the
// kustomization installs: test/integration/ship_helm_test.go.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/app"
	"github.com/ha-scheduler/ha-scheduler/pkg/version"
	"github.com/ha-scheduler/ha-scheduler/test/helmchart"
)

const chartDir = helmchart.Dir

// chartHelm is helm, built from the pinned Go packages, in the repository
// root.
func chartHelm(t *testing.T) *helmchart.Helm {
	t.Helper()
	h, err := helmchart.New(root)
	require.NoError(t, err)
	return h
}

// chartObjects renders the chart (helmchart.Helm.Template) and returns its
// objects.
func chartObjects(t *testing.T, ns, values string, args ...string) []map[string]any {
	t.Helper()
	objs, err := chartHelm(t).Objects(ns, values, args...)
	require.NoError(t, err)
	return objs
}

// chartFind returns the object of that kind and name (nil if none).
func chartFind(objs []map[string]any, kind, name string) map[string]any {
	for _, o := range objs {
		md, _ := o["metadata"].(map[string]any)
		if o["kind"] == kind && md["name"] == name {
			return o
		}
	}
	return nil
}

// chartField returns the value at a path of map keys and list indexes.
func chartField(obj any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := obj.(map[string]any)
			obj = m[k]
		case int:
			l, _ := obj.([]any)
			if k >= len(l) {
				return nil
			}
			obj = l[k]
		}
	}
	return obj
}

// chartConfig returns the scheduler configuration of the chart's
// ConfigMap (there must be exactly one; the dashboard's, with
// monitoring.enabled, is not it).
func chartConfig(t *testing.T, objs []map[string]any) string {
	t.Helper()
	cfg, cm, err := helmchart.SchedulerConfig(objs)
	require.NoError(t, err)
	require.Equal(t, "scheduler-config", chartField(cm, "metadata", "labels", "app.kubernetes.io/component"),
		"the chart's scheduler configuration is the ConfigMap of component scheduler-config")
	return cfg
}

// chartPluginArgs returns the args of the named pluginConfig entry of the first
// profile of a scheduler configuration.
func chartPluginArgs(t *testing.T, cfg, name string) any {
	t.Helper()
	var c map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(cfg), &c))
	entries, _ := chartField(c, "profiles", 0, "pluginConfig").([]any)
	for _, e := range entries {
		if chartField(e, "name") == name {
			return chartField(e, "args")
		}
	}
	return nil
}

// chartExcluded returns the namespaces an admission policy binding
// (MutatingAdmissionPolicyBinding or ValidatingAdmissionPolicyBinding) of the
// chart leaves alone (nil when the binding is not rendered).
func chartExcluded(t *testing.T, objs []map[string]any, binding string) []any {
	t.Helper()
	b := chartFind(objs, "MutatingAdmissionPolicyBinding", binding)
	if b == nil {
		b = chartFind(objs, "ValidatingAdmissionPolicyBinding", binding)
	}
	if b == nil {
		return nil
	}
	exprs, _ := chartField(b, "spec", "matchResources", "namespaceSelector", "matchExpressions").([]any)
	require.Len(t, exprs, 1, "binding %s", binding)
	require.Equal(t, "kubernetes.io/metadata.name", chartField(exprs[0], "key"))
	require.Equal(t, "NotIn", chartField(exprs[0], "operator"))
	values, _ := chartField(exprs[0], "values").([]any)
	return values
}

// chartLoadPolicies loads a scheduler configuration as the binary does with
// --config (app.LoadPolicies: decoding, defaulting, our validation).
func chartLoadPolicies(t *testing.T, cfg string) (any, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return app.LoadPolicies(path)
}

// TestHelmChartVersionAndImage: the chart's version is the release, its
// appVersion the image tag `make image` builds, and the Deployment it
// renders runs the image the kustomization names (which hack/image's test
// ties to `make image`).
func TestHelmChartVersionAndImage(t *testing.T) {
	type chart struct {
		Version    string `json:"version"`
		AppVersion string `json:"appVersion"`
	}
	var got chart
	data, err := os.ReadFile(filepath.Join(root, chartDir, "Chart.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &got))
	tag := version.Kubernetes + "-ha." + version.Release
	if diff := cmp.Diff(chart{Version: version.Release, AppVersion: tag}, got); diff != "" {
		t.Errorf("%s/Chart.yaml differs from pkg/version (-want +got):\n%s", chartDir, diff)
	}

	var kust struct {
		Images []struct {
			Name    string `json:"name"`
			NewName string `json:"newName"`
			NewTag  string `json:"newTag"`
		} `json:"images"`
	}
	data, err = os.ReadFile(filepath.Join(root, "manifests", "secondary", "kustomization.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &kust))
	require.Len(t, kust.Images, 1)
	kustomized := kust.Images[0].NewName + ":" + kust.Images[0].NewTag

	deploy := chartFind(chartObjects(t, "", ""), "Deployment", "ha-scheduler")
	require.NotNil(t, deploy)
	rendered := chartField(deploy, "spec", "template", "spec", "containers", 0, "image")
	want := "ghcr.io/ha-scheduler/ha-scheduler:" + tag
	if diff := cmp.Diff([]any{want, want}, []any{rendered, kustomized}); diff != "" {
		t.Errorf("images (-want +got: the chart's Deployment, manifests/secondary's images):\n%s", diff)
	}
}

// TestHelmChartLints: helm lint --strict passes with the default values and
// with every option on.
func TestHelmChartLints(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"--set", "admission.routing.enabled=true"},
		{"--set", "admission.daemonSetNodeAffinity.enabled=false"},
		{"--set", "admission.reservedNodes.enabled=false,admission.reservedPriority.enabled=false"},
		{"--set", "policy.userWorkloads.nodeRole=Any,policy.reservedPriority=1000000"},
		{"--set", "monitoring.enabled=true"},
		{"--set", "admission.routing.enabled=true,monitoring.enabled=true,monitoring.serviceMonitor.labels.release=kps,monitoring.prometheusRule.labels.release=kps"},
		{"--set", "monitoring.enabled=true,monitoring.serviceMonitor.enabled=false,monitoring.prometheusRule.enabled=false,monitoring.dashboard.enabled=false"},
	} {
		out, err := chartHelm(t).Run(append([]string{"lint", "--strict", "--kube-version", version.Kubernetes, chartDir}, args...)...)
		require.NoError(t, err, "helm lint %v", args)
		require.Contains(t, out, "1 chart(s) linted, 0 chart(s) failed", "helm lint %v", args)
	}
}

// chartPolicy is what the policy, written once in the values, becomes in the
// rendered objects.
type chartPolicy struct {
	HAPolicy        any
	DisruptionGuard any
	LeaseNamespace  any
	// Namespaces the DaemonSet and routing admission policies leave alone.
	DaemonSetExcluded []any
	RoutingExcluded   []any
	// The reserved-nodes policy's bindings and the namespaces each leaves
	// alone (nil when none is rendered); the namespaces the
	// reserved-priority policy leaves alone, and its threshold.
	ReservedNodes    map[string][]any
	PriorityExcluded []any
	ReservedPriority any
}

// chartReservedNodeBindings are the bindings of the reserved-nodes policy,
// one per role label.
var chartReservedNodeBindings = []string{
	"ha-scheduler-reserved-nodes-control-plane", "ha-scheduler-reserved-nodes-master", "ha-scheduler-reserved-nodes-infra",
}

// chartReservedNodes is the ReservedNodes of a chartPolicy: each of the
// bindings, excluding ns.
func chartReservedNodes(ns []any, bindings ...string) map[string][]any {
	out := map[string][]any{}
	for _, b := range bindings {
		out[b] = ns
	}
	return out
}

func chartPolicyOf(t *testing.T, objs []map[string]any) chartPolicy {
	t.Helper()
	cfg := chartConfig(t, objs)
	var c map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(cfg), &c))
	p := chartPolicy{
		HAPolicy:          chartPluginArgs(t, cfg, "HAPolicy"),
		DisruptionGuard:   chartPluginArgs(t, cfg, "DisruptionGuard"),
		LeaseNamespace:    chartField(c, "leaderElection", "resourceNamespace"),
		DaemonSetExcluded: chartExcluded(t, objs, "ha-scheduler-daemonset-node-affinity"),
		RoutingExcluded:   chartExcluded(t, objs, "ha-scheduler-route-pods"),
		PriorityExcluded:  chartExcluded(t, objs, "ha-scheduler-reserved-priority"),
	}
	for _, o := range objs {
		if o["kind"] == "ValidatingAdmissionPolicyBinding" && chartField(o, "spec", "policyName") == "ha-scheduler-reserved-nodes" {
			if p.ReservedNodes == nil {
				p.ReservedNodes = map[string][]any{}
			}
			name := chartField(o, "metadata", "name").(string)
			p.ReservedNodes[name] = chartExcluded(t, objs, name)
		}
	}
	if vap := chartFind(objs, "ValidatingAdmissionPolicy", "ha-scheduler-reserved-priority"); vap != nil {
		vars, _ := chartField(vap, "spec", "variables").([]any)
		for _, v := range vars {
			if chartField(v, "name") == "reservedPriority" {
				p.ReservedPriority = chartField(v, "expression")
			}
		}
	}
	return p
}

// TestHelmPolicyWrittenOnce: the values' policy is the scheduler
// configuration's HAPolicy entry, and its trustedNamespaces are what both
// admission policies leave alone. The defaults are
// manifests/secondary/config.yaml's policy.
func TestHelmPolicyWrittenOnce(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join(root, "manifests", "secondary", "config.yaml"))
	require.NoError(t, err)
	shippedPolicy := chartPluginArgs(t, string(shipped), "HAPolicy")
	require.NotNil(t, shippedPolicy)
	shippedDG := chartPluginArgs(t, string(shipped), "DisruptionGuard")
	levels := chartField(shippedPolicy, "levels")
	requiredLevels := chartField(shippedPolicy, "requiredLevels")

	const routing = "admission:\n  routing:\n    enabled: true\n"
	ks := []any{"kube-system"}
	tests := []struct {
		name   string
		ns     string
		values string
		want   chartPolicy
	}{{
		name: "defaults: manifests/secondary",
		want: chartPolicy{
			HAPolicy: shippedPolicy, DisruptionGuard: shippedDG, LeaseNamespace: "kube-system",
			DaemonSetExcluded: ks,
			ReservedNodes:     chartReservedNodes(ks, chartReservedNodeBindings...), PriorityExcluded: ks, ReservedPriority: "2000000000",
		},
	}, {
		name:   "defaults with routing: manifests/secondary and manifests/admission-routing",
		values: routing,
		want: chartPolicy{
			HAPolicy: shippedPolicy, DisruptionGuard: shippedDG, LeaseNamespace: "kube-system",
			DaemonSetExcluded: ks, RoutingExcluded: ks,
			ReservedNodes: chartReservedNodes(ks, chartReservedNodeBindings...), PriorityExcluded: ks, ReservedPriority: "2000000000",
		},
	}, {
		name: "more trusted namespaces: the configuration and every binding",
		values: routing + `policy:
  trustedNamespaces: [kube-system, calico-system, monitoring]
disruptionGuard:
  mode: BestEffort
`,
		want: chartPolicy{
			HAPolicy: map[string]any{
				"trustedNamespaces": []any{"kube-system", "calico-system", "monitoring"},
				"levels":            levels, "requiredLevels": requiredLevels,
			},
			DisruptionGuard: map[string]any{"mode": "BestEffort"}, LeaseNamespace: "kube-system",
			DaemonSetExcluded: []any{"kube-system", "calico-system", "monitoring"},
			RoutingExcluded:   []any{"kube-system", "calico-system", "monitoring"},
			ReservedNodes:     chartReservedNodes([]any{"kube-system", "calico-system", "monitoring"}, chartReservedNodeBindings...),
			PriorityExcluded:  []any{"kube-system", "calico-system", "monitoring"}, ReservedPriority: "2000000000",
		},
	}, {
		name:   "another release namespace: its lease, and never routed",
		ns:     "ha-system",
		values: routing,
		want: chartPolicy{
			HAPolicy: shippedPolicy, DisruptionGuard: shippedDG, LeaseNamespace: "ha-system",
			DaemonSetExcluded: ks, RoutingExcluded: []any{"kube-system", "ha-system"},
			ReservedNodes: chartReservedNodes(ks, chartReservedNodeBindings...), PriorityExcluded: ks, ReservedPriority: "2000000000",
		},
	}, {
		name:   "trustedNamespaces left out: the scheduler's default, kube-system",
		values: routing + "policy:\n  trustedNamespaces: null\n",
		want: chartPolicy{
			HAPolicy:        map[string]any{"levels": levels, "requiredLevels": requiredLevels},
			DisruptionGuard: shippedDG, LeaseNamespace: "kube-system",
			DaemonSetExcluded: ks, RoutingExcluded: ks,
			ReservedNodes: chartReservedNodes(ks, chartReservedNodeBindings...), PriorityExcluded: ks, ReservedPriority: "2000000000",
		},
	}, {
		name:   "no DaemonSet admission policy",
		values: "admission:\n  daemonSetNodeAffinity:\n    enabled: false\n",
		want: chartPolicy{HAPolicy: shippedPolicy, DisruptionGuard: shippedDG, LeaseNamespace: "kube-system",
			ReservedNodes: chartReservedNodes(ks, chartReservedNodeBindings...), PriorityExcluded: ks, ReservedPriority: "2000000000"},
	}, {
		name:   "no reserved-nodes and reserved-priority policies",
		values: "admission:\n  reservedNodes:\n    enabled: false\n  reservedPriority:\n    enabled: false\n",
		want:   chartPolicy{HAPolicy: shippedPolicy, DisruptionGuard: shippedDG, LeaseNamespace: "kube-system", DaemonSetExcluded: ks},
	}, {
		name:   "a reserved priority of the policy's",
		values: "policy:\n  reservedPriority: 1000000\n",
		want: chartPolicy{
			HAPolicy:        map[string]any{"trustedNamespaces": ks, "levels": levels, "requiredLevels": requiredLevels, "reservedPriority": float64(1000000)},
			DisruptionGuard: shippedDG, LeaseNamespace: "kube-system", DaemonSetExcluded: ks,
			ReservedNodes: chartReservedNodes(ks, chartReservedNodeBindings...), PriorityExcluded: ks, ReservedPriority: "1000000",
		},
	}, {
		name:   "compact cluster: control-plane nodes are not reserved, infra nodes are",
		values: "policy:\n  allowUserWorkloadsOnControlPlane: true\n",
		want: chartPolicy{
			HAPolicy:        map[string]any{"trustedNamespaces": ks, "levels": levels, "requiredLevels": requiredLevels, "allowUserWorkloadsOnControlPlane": true},
			DisruptionGuard: shippedDG, LeaseNamespace: "kube-system", DaemonSetExcluded: ks,
			ReservedNodes: chartReservedNodes(ks, "ha-scheduler-reserved-nodes-infra"), PriorityExcluded: ks, ReservedPriority: "2000000000",
		},
	}, {
		name:   "user workloads on infra nodes: control-plane nodes only",
		values: "policy:\n  userWorkloads: {nodeRole: Infra}\n",
		want: chartPolicy{
			HAPolicy:        map[string]any{"trustedNamespaces": ks, "levels": levels, "requiredLevels": requiredLevels, "userWorkloads": map[string]any{"nodeRole": "Infra"}},
			DisruptionGuard: shippedDG, LeaseNamespace: "kube-system", DaemonSetExcluded: ks,
			ReservedNodes: chartReservedNodes(ks, "ha-scheduler-reserved-nodes-control-plane", "ha-scheduler-reserved-nodes-master"), PriorityExcluded: ks, ReservedPriority: "2000000000",
		},
	}, {
		name:   "user workloads anywhere: no node is reserved",
		values: "policy:\n  userWorkloads: {nodeRole: Any}\n",
		want: chartPolicy{
			HAPolicy:        map[string]any{"trustedNamespaces": ks, "levels": levels, "requiredLevels": requiredLevels, "userWorkloads": map[string]any{"nodeRole": "Any"}},
			DisruptionGuard: shippedDG, LeaseNamespace: "kube-system", DaemonSetExcluded: ks,
			PriorityExcluded: ks, ReservedPriority: "2000000000",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := chartPolicyOf(t, chartObjects(t, tc.ns, tc.values))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rendered policy (-want +got):\n%s", diff)
			}
		})
	}
}

// chartFullPolicy sets every field of the policy (docs/policy.md), as values and
// as the HAPolicy args of a hand-written configuration.
const chartFullPolicy = `{trustedNamespaces: [kube-system, calico-system],
  components: [{name: etcd, selectors: [{matchLabels: {component: etcd}}], nodeRole: ControlPlane, spread: Required, disruption: {quorum: true}},
               {name: ingress, selectors: [{matchExpressions: [{key: app, operator: In, values: [ingress-nginx]}]}], nodeRole: Infra, disruption: {minAvailable: 2}}],
  otherTrustedPods: {nodeRole: Any, spread: None},
  userWorkloads: {nodeRole: Worker, spread: Required},
  allowUserWorkloadsOnControlPlane: true,
  levels: [topology.kubernetes.io/zone, kubernetes.io/hostname],
  requiredLevels: [topology.kubernetes.io/zone],
  reservedPriority: 1000000}`

// TestHelmRenderedConfigLoads: the configuration the chart renders is
// loaded by the binary's own code path (--config: app.LoadPolicies) into
// the policy of manifests/secondary/config.yaml with the defaults, and
// into exactly the values' policy when every field is set.
func TestHelmRenderedConfigLoads(t *testing.T) {
	shipped, err := app.LoadPolicies(filepath.Join(root, "manifests", "secondary", "config.yaml"))
	require.NoError(t, err)
	got, err := chartLoadPolicies(t, chartConfig(t, chartObjects(t, "", "")))
	require.NoError(t, err)
	if diff := cmp.Diff(any(shipped), got); diff != "" {
		t.Errorf("defaults: policies (-manifests/secondary +chart):\n%s", diff)
	}

	want, err := chartLoadPolicies(t, schedulerConfig("ha-scheduler", chartFullPolicy, "{mode: BestEffort}"))
	require.NoError(t, err)
	got, err = chartLoadPolicies(t, chartConfig(t, chartObjects(t, "", "policy: "+chartFullPolicy+"\ndisruptionGuard: {mode: BestEffort}\n")))
	require.NoError(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("every field set: policies (-hand-written +chart):\n%s", diff)
	}
}

// TestHelmBadValuesFailNamingTheField: a bad value fails with its field
// named, at helm install/template (values.schema.json, for unknown fields,
// types and enums), or when the binary loads the rendered configuration
// (the rest of the validation, with the path in the configuration).
func TestHelmBadValuesFailNamingTheField(t *testing.T) {
	tests := []struct {
		name   string
		values string
		// helm fails with every string of helmErr; or, when nil, the
		// binary refuses the rendered configuration with every string of
		// loadErr.
		helmErr, loadErr []string
	}{{
		name:    "unknown field (typo)",
		values:  "policy:\n  trustedNamespace: [calico-system]\n",
		helmErr: []string{"/policy", "trustedNamespace"},
	}, {
		name:    "no trusted namespace",
		values:  "policy:\n  trustedNamespaces: []\n",
		helmErr: []string{"/policy/trustedNamespaces"},
	}, {
		name:    "not a namespace name",
		values:  "policy:\n  trustedNamespaces: [Kube_System]\n",
		helmErr: []string{"/policy/trustedNamespaces/0"},
	}, {
		name:    "unknown nodeRole",
		values:  "policy:\n  userWorkloads: {nodeRole: Workers}\n",
		helmErr: []string{"/policy/userWorkloads/nodeRole"},
	}, {
		name:    "component without selectors",
		values:  "policy:\n  components: [{name: etcd, nodeRole: ControlPlane}]\n",
		helmErr: []string{"/policy/components/0", "selectors"},
	}, {
		name:    "a reserved priority above system-cluster-critical",
		values:  "policy:\n  reservedPriority: 2000001000\n",
		helmErr: []string{"/policy/reservedPriority"},
	}, {
		name:    "a reserved priority of zero",
		values:  "policy:\n  reservedPriority: 0\n",
		helmErr: []string{"/policy/reservedPriority"},
	}, {
		name:    "unknown DisruptionGuard mode",
		values:  "disruptionGuard:\n  mode: Lenient\n",
		helmErr: []string{"/disruptionGuard/mode"},
	}, {
		name:    "unknown monitoring field (typo)",
		values:  "monitoring:\n  enabled: true\n  servicemonitor: {labels: {release: kps}}\n",
		helmErr: []string{"/monitoring", "servicemonitor"},
	}, {
		name:    "a label value that is not a string",
		values:  "monitoring:\n  enabled: true\n  prometheusRule: {labels: {release: 1}}\n",
		helmErr: []string{"/monitoring/prometheusRule/labels/release"},
	}, {
		name:    "no Prometheus ServiceAccount",
		values:  "monitoring:\n  enabled: true\n  prometheus: {serviceAccount: {name: \"\"}}\n",
		helmErr: []string{"/monitoring/prometheus/serviceAccount/name"},
	}, {
		name:    "a scrape interval that is not a duration",
		values:  "monitoring:\n  enabled: true\n  serviceMonitor: {interval: 30}\n",
		helmErr: []string{"/monitoring/serviceMonitor/interval"},
	}, {
		name:    "a required level that is not a level",
		values:  "policy:\n  requiredLevels: [topology.kubernetes.io/region]\n",
		loadErr: []string{"profiles[0].pluginConfig[0].args.requiredLevels[0]", "must be one of levels"},
	}, {
		name:    "quorum and minAvailable",
		values:  "policy:\n  components: [{name: etcd, selectors: [{matchLabels: {component: etcd}}], nodeRole: ControlPlane, disruption: {quorum: true, minAvailable: 2}}]\n",
		loadErr: []string{"profiles[0].pluginConfig[0].args.components[0].disruption.minAvailable", "not both"},
	}, {
		name:    "duplicate component",
		values:  "policy:\n  components: [{name: etcd, selectors: [{matchLabels: {component: etcd}}]}, {name: etcd, selectors: [{matchLabels: {app: etcd}}]}]\n",
		loadErr: []string{"profiles[0].pluginConfig[0].args.components[1].name", "Duplicate"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := chartHelm(t).Template("", tc.values)
			if tc.helmErr != nil {
				require.Error(t, err, "helm rendered the bad values")
				for _, s := range tc.helmErr {
					require.ErrorContains(t, err, s)
				}
				return
			}
			require.NoError(t, err)
			objs, err := helmchart.Parse(out)
			require.NoError(t, err)
			_, err = chartLoadPolicies(t, chartConfig(t, objs))
			require.Error(t, err, "the binary loads the rendered configuration")
			for _, s := range tc.loadErr {
				require.ErrorContains(t, err, s)
			}
		})
	}
}

// The chart's copies of manifests/monitoring's files: a chart reads no
// file outside its directory, so its alerts and dashboard are copies that
// `make manifests` writes from the originals.
var chartMonitoringCopies = []string{"dashboard.json", "prometheusrule.yaml"}

// TestHelmMonitoringFilesAreCopies: the chart's alerts and dashboard
// (charts/ha-scheduler/files) are byte for byte manifests/monitoring's, the
// one source of both.
func TestHelmMonitoringFilesAreCopies(t *testing.T) {
	for _, f := range chartMonitoringCopies {
		src := filepath.Join("manifests", "monitoring", f)
		dst := filepath.Join(chartDir, "files", f)
		want, err := os.ReadFile(filepath.Join(root, src))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(root, dst))
		if err != nil {
			t.Errorf("%v: run `make manifests` (it copies %s to %s)", err, src, dst)
			continue
		}
		if !bytes.Equal(want, got) {
			t.Errorf("%s differs from its source %s: run `make manifests` (it copies the source over the copy; edit only the source) (-source +copy):\n%s",
				dst, src, cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")))
		}
	}
}

// chartMonitoring is what the chart's monitoring objects are, by the
// values they come from.
type chartMonitoring struct {
	// kind/namespace/name of each monitoring object, sorted.
	Objects []string
	// The ServiceMonitor's namespaceSelector and the metrics-reader
	// binding's subjects.
	ScrapeNamespaces, Subjects any
	// Labels of the ServiceMonitor, the PrometheusRule and the dashboard
	// ConfigMap, Helm's standard labels aside.
	ServiceMonitorLabels, PrometheusRuleLabels, DashboardLabels any
}

func chartIsMonitoring(o map[string]any) bool {
	switch chartField(o, "metadata", "name") {
	case "ha-scheduler-metrics-reader", "ha-scheduler-dashboard":
		return true
	}
	switch o["kind"] {
	case "Service", "ServiceMonitor", "PrometheusRule":
		return true
	}
	return false
}

// chartLabelsWithoutHelm returns an object's labels, Helm's standard ones
// aside (which must be there); nil when the object is not rendered.
func chartLabelsWithoutHelm(t *testing.T, o map[string]any) any {
	t.Helper()
	if o == nil {
		return nil
	}
	labels, _ := chartField(o, "metadata", "labels").(map[string]any)
	out := map[string]any{}
	for k, v := range labels {
		out[k] = v
	}
	for _, k := range []string{"helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance", "app.kubernetes.io/version"} {
		if _, ok := out[k]; !ok {
			t.Errorf("%s/%s lacks Helm's label %s", o["kind"], chartField(o, "metadata", "name"), k)
		}
		delete(out, k)
	}
	return out
}

// TestHelmMonitoring: monitoring.enabled renders manifests/monitoring's
// objects in the release's namespace, the alerts exactly
// manifests/monitoring/prometheusrule.yaml's groups and the dashboard
// ConfigMap dashboard.json as it is; the values choose Prometheus's
// ServiceAccount, the selector labels, and which of the ServiceMonitor, the
// PrometheusRule and the dashboard. Off by default. The whole objects are
// compared with the kustomization's in test/integration
// (TestShipHelmChartInstallsWhatKustomizeInstalls).
func TestHelmMonitoring(t *testing.T) {
	var rule map[string]any
	require.NoError(t, yaml.Unmarshal(readRepoFile(t, "manifests/monitoring/prometheusrule.yaml"), &rule))
	wantGroups := chartField(rule, "spec", "groups")
	require.NotEmpty(t, wantGroups)
	dashboard := string(readRepoFile(t, "manifests/monitoring/dashboard.json"))

	objects := func(ns string, kinds ...string) []string {
		out := []string{
			"ClusterRole//ha-scheduler-metrics-reader",
			"ClusterRoleBinding//ha-scheduler-metrics-reader",
			"Service/" + ns + "/ha-scheduler",
		}
		for _, k := range kinds {
			name := "ha-scheduler"
			if k == "ConfigMap" {
				name = "ha-scheduler-dashboard"
			}
			out = append(out, k+"/"+ns+"/"+name)
		}
		sort.Strings(out)
		return out
	}
	all := []string{"ConfigMap", "PrometheusRule", "ServiceMonitor"}
	subject := func(ns, name string) any {
		return []any{map[string]any{"kind": "ServiceAccount", "namespace": ns, "name": name}}
	}
	own := map[string]any{"app.kubernetes.io/name": "ha-scheduler", "app.kubernetes.io/part-of": "ha-scheduler"}
	with := func(m map[string]any, kv ...string) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}

	tests := []struct {
		name   string
		ns     string
		values string
		want   chartMonitoring
	}{{
		name: "defaults: off",
		want: chartMonitoring{},
	}, {
		name:   "on: manifests/monitoring",
		values: "monitoring: {enabled: true}\n",
		want: chartMonitoring{
			Objects:              objects("kube-system", all...),
			ScrapeNamespaces:     map[string]any{"matchNames": []any{"kube-system"}},
			Subjects:             subject("monitoring", "prometheus-k8s"),
			ServiceMonitorLabels: own, PrometheusRuleLabels: own,
			DashboardLabels: with(own, "grafana_dashboard", "1"),
		},
	}, {
		name: "on in another namespace, another Prometheus, selector labels (which never replace the chart's)",
		ns:   "ha-system",
		values: `monitoring:
  enabled: true
  prometheus: {serviceAccount: {name: prometheus, namespace: observability}}
  serviceMonitor: {labels: {release: kps, app.kubernetes.io/name: other}}
  prometheusRule: {labels: {release: kps, role: alert-rules}}
  dashboard: {labels: {grafana_dashboard: "1", grafana_folder: platform}}
`,
		want: chartMonitoring{
			Objects:              objects("ha-system", all...),
			ScrapeNamespaces:     map[string]any{"matchNames": []any{"ha-system"}},
			Subjects:             subject("observability", "prometheus"),
			ServiceMonitorLabels: with(own, "release", "kps"),
			PrometheusRuleLabels: with(own, "release", "kps", "role", "alert-rules"),
			DashboardLabels:      with(own, "grafana_dashboard", "1", "grafana_folder", "platform"),
		},
	}, {
		name:   "on, only the Service and the RBAC",
		values: "monitoring:\n  enabled: true\n  serviceMonitor: {enabled: false}\n  prometheusRule: {enabled: false}\n  dashboard: {enabled: false}\n",
		want: chartMonitoring{
			Objects:  objects("kube-system"),
			Subjects: subject("monitoring", "prometheus-k8s"),
		},
	}, {
		name:   "on, without the ServiceMonitor",
		values: "monitoring:\n  enabled: true\n  serviceMonitor: {enabled: false}\n",
		want: chartMonitoring{
			Objects:              objects("kube-system", "ConfigMap", "PrometheusRule"),
			Subjects:             subject("monitoring", "prometheus-k8s"),
			PrometheusRuleLabels: own, DashboardLabels: with(own, "grafana_dashboard", "1"),
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs := chartObjects(t, tc.ns, tc.values)
			var got chartMonitoring
			for _, o := range objs {
				if chartIsMonitoring(o) {
					ns, _ := chartField(o, "metadata", "namespace").(string)
					got.Objects = append(got.Objects, fmt.Sprintf("%s/%s/%v", o["kind"], ns, chartField(o, "metadata", "name")))
				}
			}
			sort.Strings(got.Objects)
			sm := chartFind(objs, "ServiceMonitor", "ha-scheduler")
			if sm != nil {
				got.ScrapeNamespaces = chartField(sm, "spec", "namespaceSelector")
			}
			if b := chartFind(objs, "ClusterRoleBinding", "ha-scheduler-metrics-reader"); b != nil {
				got.Subjects = chartField(b, "subjects")
			}
			pr := chartFind(objs, "PrometheusRule", "ha-scheduler")
			cm := chartFind(objs, "ConfigMap", "ha-scheduler-dashboard")
			got.ServiceMonitorLabels = chartLabelsWithoutHelm(t, sm)
			got.PrometheusRuleLabels = chartLabelsWithoutHelm(t, pr)
			got.DashboardLabels = chartLabelsWithoutHelm(t, cm)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("monitoring objects (-want +got):\n%s", diff)
			}

			// The alerts and the dashboard are manifests/monitoring's.
			if pr != nil {
				if diff := cmp.Diff(wantGroups, chartField(pr, "spec", "groups")); diff != "" {
					t.Errorf("the PrometheusRule's groups (-manifests/monitoring/prometheusrule.yaml +chart):\n%s", diff)
				}
			}
			if cm != nil {
				if diff := cmp.Diff(map[string]any{"dashboard.json": dashboard}, chartField(cm, "data")); diff != "" {
					t.Errorf("the dashboard ConfigMap's data (-manifests/monitoring/dashboard.json +chart):\n%s", diff)
				}
			}
			// The Service selects the chart's scheduler pods, in its namespace.
			if svc := chartFind(objs, "Service", "ha-scheduler"); svc != nil {
				deploy := chartFind(objs, "Deployment", "ha-scheduler")
				require.NotNil(t, deploy)
				if diff := cmp.Diff(chartField(deploy, "spec", "selector", "matchLabels"), chartField(svc, "spec", "selector")); diff != "" {
					t.Errorf("the metrics Service's selector (-the Deployment's +the Service's):\n%s", diff)
				}
			}
		})
	}
}

func readRepoFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	require.NoError(t, err)
	return b
}
