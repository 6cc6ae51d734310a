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
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	authnv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/disruptionguard"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// The Prometheus Operator's CRDs the server-side dry run validates
// manifests/monitoring against: the CRD files of the operator's release
// module. v0.85.0 is the newest release whose root module (the one holding
// example/prometheus-operator-crd) the Go module proxy serves; test/monitoring
// also decodes the objects strictly into the v0.95.2 API types.
const (
	shipPromOperatorModule = "github.com/prometheus-operator/prometheus-operator@v0.85.0"
	shipPromOperatorCRDDir = "example/prometheus-operator-crd"
)

var shipMonitoringCRDs = []string{"servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"}

// The scraper of the integration tests stands for Prometheus: the
// ServiceAccount manifests/monitoring/rbac.yaml binds.
const (
	shipPrometheusNamespace = "monitoring"
	shipPrometheusSA        = "prometheus-k8s"
)

// shipInstallMonitoringCRDs applies the ServiceMonitor and PrometheusRule
// CRDs of the operator's release (taken from the module cache, downloaded
// through the Go module proxy when missing) and waits until they are
// established; they are removed when the test ends.
func shipInstallMonitoringCRDs(t *testing.T) {
	t.Helper()
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	cmd := exec.Command(goBin, "mod", "download", "-json", shipPromOperatorModule)
	cmd.Dir = t.TempDir() // outside the module: no go.mod change
	out, err := cmd.Output()
	var mod struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &mod); err != nil || jerr != nil || mod.Error != "" {
		t.Fatalf("go mod download %s: %v %v %s", shipPromOperatorModule, err, jerr, mod.Error)
	}
	var args []string
	for _, crd := range shipMonitoringCRDs {
		group := strings.SplitN(crd, ".", 2)
		args = append(args, "-f", filepath.Join(mod.Dir, shipPromOperatorCRDDir, group[1]+"_"+group[0]+".yaml"))
	}
	if out, err := cluster.Kubectl(t, append([]string{"apply", "--server-side"}, args...)...); err != nil {
		t.Fatalf("applying the Prometheus Operator CRDs: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := cluster.Kubectl(t, append([]string{"delete", "--ignore-not-found"}, args...)...); err != nil {
			t.Errorf("removing the Prometheus Operator CRDs: %v\n%s", err, out)
		}
	})
	wait := []string{"wait", "--for=condition=Established", "--timeout=60s"}
	for _, crd := range shipMonitoringCRDs {
		wait = append(wait, "crd/"+crd)
	}
	if out, err := cluster.Kubectl(t, wait...); err != nil {
		t.Fatalf("waiting for the Prometheus Operator CRDs: %v\n%s", err, out)
	}
}

// manifests/monitoring renders to the objects it documents, the dashboard
// ConfigMap holds dashboard.json as it is, and a real API server with the
// Prometheus Operator's CRDs accepts every object (server-side dry run,
// strict field validation: an unknown or misspelt field of the
// ServiceMonitor or PrometheusRule is refused).
func TestShipMonitoringManifestsApplyWithServerDryRun(t *testing.T) {
	shipInstallMonitoringCRDs(t)

	objs := shipRenderedObjects(t, "manifests/monitoring")
	var got []string
	for _, o := range objs {
		got = append(got, shipKind(o)+"/"+shipName(o))
	}
	sort.Strings(got)
	want := []string{
		"ClusterRole/ha-scheduler-metrics-reader",
		"ClusterRoleBinding/ha-scheduler-metrics-reader",
		"ConfigMap/ha-scheduler-dashboard",
		"PrometheusRule/ha-scheduler",
		"Service/ha-scheduler",
		"ServiceMonitor/ha-scheduler",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects of manifests/monitoring (-want +got):\n%s", diff)
	}
	dashboard, err := os.ReadFile(harness.ManifestPath("monitoring/dashboard.json"))
	require.NoError(t, err)
	for _, o := range objs {
		if shipKind(o) != "ConfigMap" {
			continue
		}
		md, _ := o["metadata"].(map[string]any)
		wantCM := map[string]any{
			"namespace": "kube-system",
			"labels": map[string]any{
				"grafana_dashboard":         "1",
				"app.kubernetes.io/name":    "ha-scheduler",
				"app.kubernetes.io/part-of": "ha-scheduler",
			},
			"data": map[string]any{"dashboard.json": string(dashboard)},
		}
		gotCM := map[string]any{"namespace": md["namespace"], "labels": md["labels"], "data": o["data"]}
		if diff := cmp.Diff(wantCM, gotCM); diff != "" {
			t.Errorf("the dashboard ConfigMap (-want +got):\n%s", diff)
		}
	}

	out, err := cluster.Kubectl(t, "apply", "--dry-run=server", "--validate=strict", "-k", "manifests/monitoring")
	if err != nil {
		t.Fatalf("server dry run of manifests/monitoring: %v\n%s", err, out)
	}
	t.Logf("kubectl apply --dry-run=server -k manifests/monitoring:\n%s", out)
	if n := strings.Count(out, "(server dry run)"); n != len(want) {
		t.Errorf("the dry run reported %d objects, want %d", n, len(want))
	}
}

// What the alerts and the dashboard read is on the running binary's
// /metrics (shipped secondary configuration, leader election on), fetched
// as Prometheus fetches it: with the token of the ServiceAccount that
// manifests/monitoring/rbac.yaml binds, which is refused until that RBAC is
// applied. DisruptionGuard's counter is there at zero for every rule of the
// profile before any refusal; WorkloadSeparation's rejection shows in
// scheduler_unschedulable_pods; a refusal counts under its rule.
func TestShipMonitoringMetricsOnTheBinary(t *testing.T) {
	ctx := context.Background()
	cluster.Reset(t)
	cluster.DeleteLease(t, "kube-system", shipSecondaryLease)
	t.Cleanup(func() { cluster.DeleteLease(t, "kube-system", shipSecondaryLease) })
	cluster.CreateNode(t, shipWorker("worker-1", "zone-a", "host-1", "1"))

	// Prometheus's identity: a ServiceAccount token, as the ServiceMonitor's
	// bearerTokenFile holds.
	cluster.EnsureNamespace(t, shipPrometheusNamespace)
	_, err := cluster.Client.CoreV1().ServiceAccounts(shipPrometheusNamespace).Create(ctx,
		&v1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: shipPrometheusSA}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	tr, err := cluster.Client.CoreV1().ServiceAccounts(shipPrometheusNamespace).CreateToken(ctx, shipPrometheusSA, &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)},
	}, metav1.CreateOptions{})
	require.NoError(t, err, "TokenRequest for %s/%s", shipPrometheusNamespace, shipPrometheusSA)
	token := tr.Status.Token

	s := cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml"))
	shipWaitLeader(t, shipSecondaryLease, s)

	// Without the RBAC of manifests/monitoring the scrape is forbidden.
	code, body, err := shipGetWithToken(s, "/metrics", token)
	require.NoError(t, err)
	if code != http.StatusForbidden {
		t.Errorf("GET /metrics as %s/%s before applying the RBAC: %d, want 403\n%s", shipPrometheusNamespace, shipPrometheusSA, code, body)
	}
	var rbac []map[string]any
	for _, o := range shipRenderedObjects(t, "manifests/monitoring") {
		switch shipKind(o) {
		case "ClusterRole", "ClusterRoleBinding":
			rbac = append(rbac, o)
		}
	}
	file := shipWriteObjects(t, rbac)
	if out, err := cluster.Kubectl(t, "apply", "--server-side", "-f", file); err != nil {
		t.Fatalf("applying the monitoring RBAC: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := cluster.Kubectl(t, "delete", "--ignore-not-found", "-f", file); err != nil {
			t.Errorf("removing the monitoring RBAC: %v\n%s", err, out)
		}
	})
	// scrape polls /metrics as Prometheus until cond holds on the body. The
	// scheduler caches a denial for a few seconds: the first polls may
	// still be refused.
	scrape := func(what string, cond func(body string) bool) string {
		t.Helper()
		var code int
		err := wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, harness.Timeout, true, func(context.Context) (bool, error) {
			var err error
			code, body, err = shipGetWithToken(s, "/metrics", token)
			return err == nil && code == http.StatusOK && cond(body), nil
		})
		if err != nil {
			t.Fatalf("%s: last GET /metrics as %s/%s: %d\n%s", what, shipPrometheusNamespace, shipPrometheusSA, code, shipGrepAny(body, "ha_scheduler_", "scheduler_unschedulable_pods", "leader_election"))
		}
		return body
	}

	// Before any refusal: every rule of the profile at zero.
	body = scrape("the refusal counter", func(b string) bool { return len(shipSamples(b, disruptionguard.MetricRefusedVictims)) > 0 })
	wantRefused := map[string]float64{}
	for _, r := range disruptionguard.Rules {
		wantRefused[`profile="ha-scheduler",rule="`+r+`"`] = 0
	}
	if diff := cmp.Diff(wantRefused, shipSamples(body, disruptionguard.MetricRefusedVictims)); diff != "" {
		t.Errorf("%s before any refusal (-want +got):\n%s", disruptionguard.MetricRefusedVictims, diff)
	}
	// The leader says so (the elector of kube-scheduler is named
	// kube-scheduler whatever the lease).
	if diff := cmp.Diff(map[string]float64{`name="kube-scheduler"`: 1}, shipSamples(body, "leader_election_master_status")); diff != "" {
		t.Errorf("leader_election_master_status of the only instance (-want +got):\n%s", diff)
	}

	// A pod scheduled; a control-plane component that no node can take
	// (WorkloadSeparation: no control-plane node).
	cluster.CreatePod(t, shipPod("default", "web-0", haScheduler, "100m", map[string]string{"app": "web"}))
	cluster.WaitScheduled(t, "default", "web-0")
	cluster.CreatePod(t, shipControlPlanePod("kube-scheduler-0", haScheduler, "kube-scheduler"))
	t.Logf("kube-scheduler-0: %s", cluster.WaitUnschedulable(t, "kube-system", "kube-scheduler-0"))
	wantUnschedulable := map[string]float64{`plugin="WorkloadSeparation",profile="ha-scheduler"`: 1}
	body = scrape("scheduler_unschedulable_pods", func(b string) bool {
		return cmp.Equal(wantUnschedulable, shipSamples(b, "scheduler_unschedulable_pods"))
	})

	// A refusal: a user pod of higher priority would need to preempt a
	// kube-system pod (rule trusted).
	shipPriorityClass(t, "ship-monitoring-high", 1000)
	cluster.CreatePod(t, shipPod("kube-system", "addon-0", haScheduler, "800m", map[string]string{"app": "some-addon"}))
	cluster.WaitScheduled(t, "kube-system", "addon-0")
	pre := shipPod("default", "preemptor", haScheduler, "800m", map[string]string{"app": "preemptor"})
	pre.Spec.PriorityClassName = "ship-monitoring-high"
	cluster.CreatePod(t, pre)
	t.Logf("preemptor: %s", cluster.WaitUnschedulable(t, "default", "preemptor"))
	trusted := `profile="ha-scheduler",rule="` + disruptionguard.RuleTrusted + `"`
	body = scrape("a refusal by rule trusted", func(b string) bool { return shipSamples(b, disruptionguard.MetricRefusedVictims)[trusted] >= 1 })
	gotRefused := shipSamples(body, disruptionguard.MetricRefusedVictims)
	wantRefused[trusted] = gotRefused[trusted] // one per attempt: the preemptor may have been retried
	if diff := cmp.Diff(wantRefused, gotRefused); diff != "" {
		t.Errorf("%s after a refusal by rule %s (-want +got):\n%s", disruptionguard.MetricRefusedVictims, disruptionguard.RuleTrusted, diff)
	}

	// Every metric an alert or the dashboard reads (test/monitoring keeps
	// the list equal to their expressions) has samples.
	listed, err := os.ReadFile(harness.ManifestPath("monitoring/metrics.txt"))
	require.NoError(t, err)
	var names, missing []string
	for _, l := range strings.Split(string(listed), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			names = append(names, l)
			if len(shipSamples(body, l)) == 0 {
				missing = append(missing, l)
			}
		}
	}
	require.NotEmpty(t, names, "manifests/monitoring/metrics.txt lists no metric")
	if diff := cmp.Diff([]string(nil), missing); diff != "" {
		t.Errorf("metrics of manifests/monitoring/metrics.txt without a sample on /metrics (-want +got):\n%s", diff)
	}
}

var shipTokenClient = &http.Client{
	Timeout: 5 * time.Second,
	// The scheduler serves a self-signed certificate, as it does in the
	// Deployment (the ServiceMonitor skips verification the same way).
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // test-only loopback
}

// shipGetWithToken fetches a path from the scheduler's secure port with a
// bearer token.
func shipGetWithToken(s *harness.Scheduler, path, token string) (int, string, error) {
	req, err := http.NewRequest(http.MethodGet, "https://127.0.0.1:"+strconv.Itoa(s.Port)+path, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := shipTokenClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

var shipLabelPair = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)

// shipSamples returns every sample of the series name (text exposition
// format), keyed by its labels sorted by name (`a="x",b="y"`; "" when it
// has none).
func shipSamples(body, name string) map[string]float64 {
	out := map[string]float64{}
	for _, line := range strings.Split(body, "\n") {
		var labelPart, value string
		switch {
		case strings.HasPrefix(line, name+"{"):
			end := strings.LastIndex(line, "}")
			if end < 0 {
				continue
			}
			labelPart, value = line[len(name)+1:end], line[end+1:]
		case strings.HasPrefix(line, name+" "):
			value = line[len(name):]
		default:
			continue
		}
		fields := strings.Fields(value)
		if len(fields) == 0 {
			continue
		}
		f, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		var pairs []string
		for _, m := range shipLabelPair.FindAllStringSubmatch(labelPart, -1) {
			pairs = append(pairs, m[1]+`="`+m[2]+`"`)
		}
		sort.Strings(pairs)
		out[strings.Join(pairs, ",")] = f
	}
	return out
}

// shipGrepAny returns the lines of body that hold any of the strings.
func shipGrepAny(body string, subs ...string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		for _, s := range subs {
			if strings.Contains(l, s) {
				out = append(out, l)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}
