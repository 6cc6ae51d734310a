package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// apiServer serves the three lists ha-check reads.
func apiServer(t *testing.T, nodes []v1.Node, pods []v1.Pod) *httptest.Server {
	t.Helper()
	lists := map[string]any{
		"/api/v1/nodes": &v1.NodeList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "NodeList"}, Items: nodes},
		"/api/v1/pods":  &v1.PodList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PodList"}, Items: pods},
		"/apis/policy/v1/poddisruptionbudgets": &policyv1.PodDisruptionBudgetList{
			TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudgetList"}},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, ok := lists[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(l)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func kubeconfigFor(t *testing.T, server string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster:
    server: %s
contexts:
- name: lab
  context:
    cluster: lab
    user: admin
current-context: lab
users:
- name: admin
  user:
    token: t
`, server)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func cpNode(name, zone, host string) v1.Node {
	return v1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
		policy.LabelControlPlane: "", policy.LabelRegion: "r1", policy.LabelZone: zone, policy.LabelHostID: host,
	}}}
}

func TestRun(t *testing.T) {
	nodes := []v1.Node{cpNode("cp-a", "a", "h1"), cpNode("cp-b", "b", "h2"), cpNode("cp-c", "c", "h3")}
	good := apiServer(t, nodes, nil)
	userOnMaster := apiServer(t, nodes, []v1.Pod{{
		ObjectMeta: metav1.ObjectMeta{Namespace: "logging", Name: "agent"},
		Spec:       v1.PodSpec{NodeName: "cp-a"},
		Status:     v1.PodStatus{Phase: v1.PodRunning},
	}})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	tests := []struct {
		name       string
		args       []string
		want       int
		wantStdout string
		wantStderr string
	}{
		{name: "help", args: []string{"-h"}, want: 0, wantStderr: "Usage: ha-check"},
		{name: "bad flag", args: []string{"--nope"}, want: 1, wantStderr: "not defined"},
		{name: "stray argument", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL), "extra"}, want: 1, wantStderr: "unexpected arguments"},
		{name: "bad output", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL), "--output", "yaml"}, want: 1, wantStderr: "text or json"},
		{name: "missing kubeconfig", args: []string{"--kubeconfig", "/nonexistent/kubeconfig"}, want: 1, wantStderr: "kubeconfig"},
		{name: "unknown context", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL), "--context", "prod"}, want: 1, wantStderr: "prod"},
		{name: "unreachable cluster", args: []string{"--kubeconfig", kubeconfigFor(t, closed.URL), "--timeout", "5s"}, want: 1, wantStderr: "listing nodes"},
		{name: "pass", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL)}, want: 0, wantStdout: "Verdict: PASS"},
		{name: "fail", args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL)}, want: 2, wantStdout: "Verdict: FAIL"},
		{name: "fail as JSON", args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL), "-o", "json"}, want: 2, wantStdout: `"verdict": "FAIL"`},
		{
			name: "trusted namespace",
			args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL), "--trusted-namespace", "logging"},
			want: 0, wantStdout: "Verdict: PASS",
		},
		{
			name: "compact cluster",
			args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL), "--allow-user-workloads-on-control-plane"},
			want: 0, wantStdout: "Verdict: PASS",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tc.args, &stdout, &stderr); got != tc.want {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tc.want, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantStdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantStderr, stderr.String())
			}
			if tc.want == 1 && tc.name != "help" && stdout.Len() > 0 {
				t.Errorf("an error printed a report:\n%s", stdout.String())
			}
		})
	}
}

// With no kubeconfig anywhere (and not in a pod) the command fails with a
// reason, it does not guess a server.
func TestRunNoKubeconfig(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "absent"))
	t.Setenv("HOME", t.TempDir())
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	var stdout, stderr bytes.Buffer
	if got := run(nil, &stdout, &stderr); got != 1 {
		t.Errorf("exit code %d, want 1; stderr:\n%s", got, stderr.String())
	}
	if !strings.HasPrefix(stderr.String(), "ha-check: ") {
		t.Errorf("stderr: %q", stderr.String())
	}
}
