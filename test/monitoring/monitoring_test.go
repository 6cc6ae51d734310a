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

package monitoring

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/common/model"
	promlabels "github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// root is the repository root, seen from this package's directory.
const root = "../.."

const (
	ruleFile           = "manifests/monitoring/prometheusrule.yaml"
	serviceMonitorFile = "manifests/monitoring/servicemonitor.yaml"
	serviceFile        = "manifests/monitoring/service.yaml"
	dashboardFile      = "manifests/monitoring/dashboard.json"
	metricsFile        = "manifests/monitoring/metrics.txt"
	deploymentFile     = "manifests/secondary/deployment.yaml"
	metricsDoc         = "docs/metrics.md"
	runbookBase        = "https://github.com/ha-scheduler/ha-scheduler/blob/main/docs/metrics.md#"
)

// prometheusGenerated are the series Prometheus writes itself (never on a
// target's /metrics) that the expressions may read: the integration test
// does not look for them.
var prometheusGenerated = map[string]bool{"up": true}

// wantAlerts are the alerts docs/metrics.md explains, in the file's order.
var wantAlerts = []string{
	"HASchedulerDown",
	"HASchedulerNoLeader",
	"HASchedulerPodsUnschedulable",
	"HASchedulerDisruptionGuardRefusals",
	"HASchedulerBindingErrors",
	"HASchedulerRebalancePossible",
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	require.NoError(t, err)
	return b
}

// readStrict decodes a YAML file into obj, failing on unknown or duplicate
// fields.
func readStrict(t *testing.T, name string, obj any) {
	t.Helper()
	require.NoError(t, yaml.UnmarshalStrict(read(t, name), obj), "strict decoding of %s", name)
}

func promqlParser() parser.Parser { return parser.NewParser(parser.Options{}) }

func prometheusRule(t *testing.T) *monitoringv1.PrometheusRule {
	t.Helper()
	var pr monitoringv1.PrometheusRule
	readStrict(t, ruleFile, &pr)
	require.Equal(t, "monitoring.coreos.com/v1", pr.APIVersion, ruleFile)
	require.Equal(t, monitoringv1.PrometheusRuleKind, pr.Kind, ruleFile)
	return &pr
}

// The PrometheusRule's groups pass the checks of `promtool check rules`
// (rulefmt: PromQL of every expr, templates of labels and annotations,
// label names, durations; unknown fields refused), and each alert carries
// a severity, a summary, a description and a runbook_url that points to
// its heading in docs/metrics.md.
func TestPrometheusRulePassesPromtoolChecks(t *testing.T) {
	pr := prometheusRule(t)
	groups, err := yaml.Marshal(pr.Spec)
	require.NoError(t, err)
	_, errs := rulefmt.Parse(groups, false, model.UTF8Validation, promqlParser(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, err := range errs {
		t.Errorf("%s: %v", ruleFile, err)
	}

	anchors := docAnchors(t)
	var got []string
	for _, g := range pr.Spec.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				t.Errorf("%s: rule %q is not an alert", ruleFile, r.Record)
				continue
			}
			got = append(got, r.Alert)
			switch r.Labels["severity"] {
			case "critical", "warning", "info":
			default:
				t.Errorf("%s: alert %s: severity %q, want critical, warning or info", ruleFile, r.Alert, r.Labels["severity"])
			}
			for _, k := range []string{"summary", "description", "runbook_url"} {
				if r.Annotations[k] == "" {
					t.Errorf("%s: alert %s has no annotation %s", ruleFile, r.Alert, k)
				}
			}
			anchor := strings.ToLower(r.Alert)
			if want := runbookBase + anchor; r.Annotations["runbook_url"] != want {
				t.Errorf("%s: alert %s: runbook_url %q, want %q", ruleFile, r.Alert, r.Annotations["runbook_url"], want)
			}
			if !anchors[anchor] {
				t.Errorf("%s: alert %s: %s has no heading %q (anchor #%s)", ruleFile, r.Alert, metricsDoc, "### "+r.Alert, anchor)
			}
		}
	}
	if diff := cmp.Diff(wantAlerts, got); diff != "" {
		t.Errorf("alerts of %s (-want +got):\n%s", ruleFile, diff)
	}
}

// docAnchors are the anchors GitHub gives the headings of docs/metrics.md.
func docAnchors(t *testing.T) map[string]bool {
	t.Helper()
	heading := regexp.MustCompile(`(?m)^#+ +(.+)$`)
	drop := regexp.MustCompile(`[^a-z0-9 _-]`)
	out := map[string]bool{}
	for _, m := range heading.FindAllStringSubmatch(string(read(t, metricsDoc)), -1) {
		out[strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(m[1]), ""), " ", "-")] = true
	}
	return out
}

// dashboardExprs are the PromQL expressions of every panel's targets
// (panels of collapsed rows included), by "panel title/refId".
func dashboardExprs(t *testing.T) map[string]string {
	t.Helper()
	type panel struct {
		Title   string `json:"title"`
		Targets []struct {
			RefID string `json:"refId"`
			Expr  string `json:"expr"`
		} `json:"targets"`
		Panels []json.RawMessage `json:"panels"`
	}
	var d struct {
		UID    string            `json:"uid"`
		Title  string            `json:"title"`
		Panels []json.RawMessage `json:"panels"`
	}
	require.NoError(t, json.Unmarshal(read(t, dashboardFile), &d), dashboardFile)
	require.NotEmpty(t, d.UID, "%s: uid", dashboardFile)
	out := map[string]string{}
	var walk func([]json.RawMessage)
	walk = func(raw []json.RawMessage) {
		for _, r := range raw {
			var p panel
			require.NoError(t, json.Unmarshal(r, &p), dashboardFile)
			for _, tg := range p.Targets {
				key := p.Title + "/" + tg.RefID
				if tg.Expr == "" {
					t.Errorf("%s: target %s has no expr", dashboardFile, key)
				}
				out[key] = tg.Expr
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	require.NotEmpty(t, out, "%s: no targets", dashboardFile)
	return out
}

// metricNames are the metric names an expression's selectors read.
func metricNames(t *testing.T, where, expr string) []string {
	t.Helper()
	e, err := promqlParser().ParseExpr(expr)
	if err != nil {
		t.Errorf("%s: %q does not parse: %v", where, expr, err)
		return nil
	}
	var out []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		for _, m := range vs.LabelMatchers {
			if m.Name == model.MetricNameLabel && m.Type == promlabels.MatchEqual {
				name = m.Value
			}
		}
		if name == "" {
			t.Errorf("%s: a selector of %q names no metric", where, expr)
		}
		out = append(out, name)
		return nil
	})
	return out
}

// listedMetrics reads metrics.txt: one name a line, # comments.
func listedMetrics(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(string(read(t, metricsFile)), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// Every expression of the alerts and of the dashboard parses with
// Prometheus' PromQL parser, and the metrics they read, but for those
// Prometheus writes itself, are exactly metrics.txt: the list the
// integration test looks for on the running binary's /metrics.
func TestExpressionsNameTheListedMetrics(t *testing.T) {
	used := map[string]bool{}
	for _, g := range prometheusRule(t).Spec.Groups {
		for _, r := range g.Rules {
			for _, n := range metricNames(t, ruleFile+": "+r.Alert, r.Expr.String()) {
				used[n] = true
			}
		}
	}
	for key, expr := range dashboardExprs(t) {
		for _, n := range metricNames(t, dashboardFile+": "+key, expr) {
			used[n] = true
		}
	}
	var exported, generated []string
	for n := range used {
		if prometheusGenerated[n] {
			generated = append(generated, n)
		} else {
			exported = append(exported, n)
		}
	}
	sort.Strings(exported)
	if diff := cmp.Diff(listedMetrics(t), exported); diff != "" {
		t.Errorf("metrics the expressions read (+) differ from %s (-):\n%s", metricsFile, diff)
	}
	if diff := cmp.Diff([]string{"up"}, generated); diff != "" {
		t.Errorf("series Prometheus writes that the expressions read (-want +got):\n%s", diff)
	}

	// docs/metrics.md names each of them (histograms by their family).
	doc := string(read(t, metricsDoc))
	for _, n := range append(listedMetrics(t), generated...) {
		family := strings.TrimSuffix(n, "_bucket")
		if !strings.Contains(doc, "`"+family) {
			t.Errorf("%s does not explain %s", metricsDoc, family)
		}
	}
}

// The ServiceMonitor decodes strictly into the operator's type and scrapes
// the Service's https port, which is the scheduler pods' secure port
// (manifests/secondary/deployment.yaml); the Service selects those pods.
func TestServiceMonitorScrapesTheSchedulerPods(t *testing.T) {
	var sm monitoringv1.ServiceMonitor
	readStrict(t, serviceMonitorFile, &sm)
	require.Equal(t, "monitoring.coreos.com/v1", sm.APIVersion, serviceMonitorFile)
	require.Equal(t, monitoringv1.ServiceMonitorsKind, sm.Kind, serviceMonitorFile)
	var svc corev1.Service
	readStrict(t, serviceFile, &svc)
	var dep appsv1.Deployment
	readStrict(t, deploymentFile, &dep)

	sel, err := metav1.LabelSelectorAsSelector(&sm.Spec.Selector)
	require.NoError(t, err)
	if !sel.Matches(labels.Set(svc.Labels)) {
		t.Errorf("the ServiceMonitor's selector %v does not select the Service (labels %v)", sel, svc.Labels)
	}
	if sm.Namespace != svc.Namespace || !slices.Contains(sm.Spec.NamespaceSelector.MatchNames, svc.Namespace) {
		t.Errorf("the ServiceMonitor (namespace %s, namespaceSelector %v) does not look in the Service's namespace %s", sm.Namespace, sm.Spec.NamespaceSelector, svc.Namespace)
	}
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(dep.Spec.Template.Labels)) || svc.Namespace != dep.Namespace {
		t.Errorf("the Service (selector %v in %s) does not select the Deployment's pods (labels %v in %s)", svc.Spec.Selector, svc.Namespace, dep.Spec.Template.Labels, dep.Namespace)
	}

	type scrape struct{ Port, Scheme, Path, ServicePort, TargetPort string }
	var got []scrape
	for _, ep := range sm.Spec.Endpoints {
		s := scrape{Port: ep.Port, Path: ep.Path}
		if ep.Scheme != nil {
			s.Scheme = string(*ep.Scheme)
		}
		for _, p := range svc.Spec.Ports {
			if p.Name == ep.Port {
				s.ServicePort = p.TargetPort.String()
				for _, c := range dep.Spec.Template.Spec.Containers {
					for _, cp := range c.Ports {
						if cp.Name == p.TargetPort.String() || cp.ContainerPort == p.TargetPort.IntVal {
							s.TargetPort = cp.Name + "/" + string(cp.Protocol) + "/" + strconv.Itoa(int(cp.ContainerPort))
						}
					}
				}
			}
		}
		got = append(got, s)
	}
	want := []scrape{{Port: "https", Scheme: "https", Path: "/metrics", ServicePort: "https", TargetPort: "https/TCP/10259"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the ServiceMonitor's endpoints, resolved through the Service to the Deployment's container ports (-want +got):\n%s", diff)
	}
}
