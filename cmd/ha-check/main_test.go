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

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// fakeAPI is what apiServer serves: the lists ha-check reads, and the
// paths it answers 403 Forbidden, as an API server does where RBAC denies
// the list.
type fakeAPI struct {
	nodes        []v1.Node
	pods         []v1.Pod
	statefulSets []appsv1.StatefulSet
	configMaps   []v1.ConfigMap
	forbidden    []string
}

const (
	statefulSetsPath = "/apis/apps/v1/statefulsets"
	replicaSetsPath  = "/apis/apps/v1/replicasets"
	configMapsPath   = "/api/v1/configmaps"
)

// apiServer serves the lists ha-check reads.
func apiServer(t *testing.T, api fakeAPI) *httptest.Server {
	t.Helper()
	lists := map[string]any{
		"/api/v1/nodes": &v1.NodeList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "NodeList"}, Items: api.nodes},
		"/api/v1/pods":  &v1.PodList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PodList"}, Items: api.pods},
		"/apis/policy/v1/poddisruptionbudgets": &policyv1.PodDisruptionBudgetList{
			TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudgetList"}},
		statefulSetsPath: &appsv1.StatefulSetList{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSetList"}, Items: api.statefulSets},
		replicaSetsPath:  &appsv1.ReplicaSetList{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSetList"}},
		configMapsPath:   &v1.ConfigMapList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMapList"}, Items: api.configMaps},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if slices.Contains(api.forbidden, r.URL.Path) {
			w.WriteHeader(http.StatusForbidden)
			_ = json.NewEncoder(w).Encode(&metav1.Status{
				TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Status"}, Status: metav1.StatusFailure,
				Reason: metav1.StatusReasonForbidden, Code: http.StatusForbidden,
				Message: "forbidden: User \"checker\" cannot list resource at the cluster scope",
			})
			return
		}
		if r.URL.Path == configMapsPath && r.URL.Query().Get("labelSelector") != ConfigSelector {
			http.Error(w, "unexpected label selector "+r.URL.Query().Get("labelSelector"), http.StatusBadRequest)
			return
		}
		l, ok := lists[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
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
	return v1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
			policy.LabelControlPlane: "", policy.LabelRegion: "r1", policy.LabelZone: zone, policy.LabelHostID: host,
		}},
		Status: v1.NodeStatus{Conditions: []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionTrue}}},
	}
}

// etcdMember is a Ready pod of StatefulSet etcd on the node.
func etcdMember(name, nodeName string) v1.Pod {
	yes := true
	return v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: name, Labels: map[string]string{"app": "etcd"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "StatefulSet", Name: "etcd", UID: "u-etcd", Controller: &yes}}},
		Spec:   v1.PodSpec{NodeName: nodeName},
		Status: v1.PodStatus{Phase: v1.PodRunning, Conditions: []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue}}},
	}
}

func etcdStatefulSet(replicas int32) appsv1.StatefulSet {
	return appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "etcd", UID: "u-etcd"}, Spec: appsv1.StatefulSetSpec{Replicas: &replicas}}
}

func TestRun(t *testing.T) {
	nodes := []v1.Node{cpNode("cp-a", "a", "h1"), cpNode("cp-b", "b", "h2"), cpNode("cp-c", "c", "h3")}
	good := apiServer(t, fakeAPI{nodes: nodes})
	userOnMaster := apiServer(t, fakeAPI{nodes: nodes, pods: []v1.Pod{{
		ObjectMeta: metav1.ObjectMeta{Namespace: "logging", Name: "agent"},
		Spec:       v1.PodSpec{NodeName: "cp-a"},
		Status:     v1.PodStatus{Phase: v1.PodRunning},
	}}})
	// An etcd StatefulSet of five with three members, one per zone: any
	// zone's failure leaves two of five.
	etcd := []v1.Pod{etcdMember("etcd-0", "cp-a"), etcdMember("etcd-1", "cp-b"), etcdMember("etcd-2", "cp-c")}
	etcdOfFive := apiServer(t, fakeAPI{nodes: nodes, pods: etcd, statefulSets: []appsv1.StatefulSet{etcdStatefulSet(5)}})
	// The same where the checker may not list StatefulSets or ReplicaSets:
	// it sizes etcd by its three pods, passes, and says what it could not
	// read.
	etcdForbidden := apiServer(t, fakeAPI{nodes: nodes, pods: etcd, statefulSets: []appsv1.StatefulSet{etcdStatefulSet(5)},
		forbidden: []string{statefulSetsPath, replicaSetsPath}})
	// A list other than the controllers' forbidden is an error.
	podsForbidden := apiServer(t, fakeAPI{nodes: nodes, forbidden: []string{"/api/v1/pods"}})
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
		// The policy is resolved first: without --config, from the cluster.
		{name: "unreachable cluster", args: []string{"--kubeconfig", kubeconfigFor(t, closed.URL), "--timeout", "5s"}, want: 1, wantStderr: "listing ConfigMaps"},
		{
			name: "unreachable cluster, policy from --config",
			args: []string{"--kubeconfig", kubeconfigFor(t, closed.URL), "--timeout", "5s", "--config", "../../manifests/secondary/config.yaml"},
			want: 1, wantStderr: "ha-check: reading the cluster at " + closed.URL + ": listing nodes",
		},
		{name: "pass", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL)}, want: 0, wantStdout: "Verdict: PASS"},
		{name: "fail", args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL)}, want: 2, wantStdout: "Verdict: FAIL"},
		{name: "fail as JSON", args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL), "-o", "json"}, want: 2, wantStdout: `"verdict": "FAIL"`},
		{
			name: "etcd StatefulSet of five with three members fails",
			args: []string{"--kubeconfig", kubeconfigFor(t, etcdOfFive.URL)},
			want: 2, wantStdout: `FAIL  survival.zone-loses-quorum: if zone "a" failed, kube-system/etcd (StatefulSet etcd) would keep 2 of 5 members (3 available now) and lose its quorum (needs 3)`,
		},
		{
			name: "controllers forbidden: a warning, not an error",
			args: []string{"--kubeconfig", kubeconfigFor(t, etcdForbidden.URL)},
			want: 0, wantStdout: "WARN  survival.desired-size-unknown: listing statefulsets.apps and replicasets.apps is forbidden",
		},
		{
			name: "pods forbidden: an error",
			args: []string{"--kubeconfig", kubeconfigFor(t, podsForbidden.URL)},
			want: 1, wantStderr: "listing pods: forbidden",
		},
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

// vaultConfig is a scheduler configuration whose policy adds a component:
// vault (app=vault in kube-system) runs on control-plane nodes.
const vaultConfig = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}]
  pluginConfig:
  - name: HAPolicy
    args:
      components:
      - name: vault
        selectors: [{matchLabels: {app: vault}}]
        nodeRole: ControlPlane
        spread: Required
        disruption: {quorum: true}
`

const badConfig = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}]
  pluginConfig:
  - name: HAPolicy
    args: {userWorkloads: {nodeRole: Master}}
`

// oldConfig writes the policy where it was before HAPolicy: in a plugin's
// args.
const oldConfig = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}]
  pluginConfig:
  - name: WorkloadSeparation
    args:
      components:
      - name: vault
        selectors: [{matchLabels: {app: vault}}]
        nodeRole: ControlPlane
`

func configMap(ns, name, config string, created time.Time) v1.ConfigMap {
	return v1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: metav1.NewTime(created),
			Labels: map[string]string{"app.kubernetes.io/part-of": "ha-scheduler", "app.kubernetes.io/component": "scheduler-config"}},
		Data: map[string]string{ConfigKey: config},
	}
}

// outcome is what TestRunPolicySource compares of a run: the exit code,
// stderr, and from the JSON report the policy source, the verdict and
// every finding (severity and ID: pkg/checker tests the messages).
type outcome struct {
	Code         int
	Stderr       string
	PolicySource string
	Verdict      checker.Verdict
	Findings     []string
}

// runJSON runs ha-check with -o json and reads its outcome; with the same
// arguments, text output must begin with the same policy source.
func runJSON(t *testing.T, args []string) outcome {
	t.Helper()
	var stdout, stderr bytes.Buffer
	got := outcome{Code: run(append(slices.Clone(args), "-o", "json"), &stdout, &stderr), Stderr: stderr.String()}
	var text, textErr bytes.Buffer
	textCode := run(args, &text, &textErr)
	require.Equal(t, got.Code, textCode, "text output's exit code; stderr:\n%s", textErr.String())
	require.Equal(t, got.Stderr, textErr.String(), "text output's stderr")
	if got.Code == exitError {
		require.Empty(t, stdout.String(), "an error printed a report")
		require.Empty(t, text.String(), "an error printed a report")
		return got
	}
	var report struct {
		PolicySource string          `json:"policySource"`
		Verdict      checker.Verdict `json:"verdict"`
		Findings     []checker.Finding
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &report), "stdout:\n%s", stdout.String())
	got.PolicySource, got.Verdict = report.PolicySource, report.Verdict
	for _, f := range report.Findings {
		got.Findings = append(got.Findings, fmt.Sprintf("%s %s", f.Severity, f.ID))
	}
	firstLine, _, _ := strings.Cut(text.String(), "\n")
	require.Equal(t, "Policy: "+got.PolicySource, firstLine, "text output's first line")
	return got
}

// TestRunPolicySource: the policy comes from --config, else from the
// scheduler's ConfigMap, else it is the default; the report says which.
func TestRunPolicySource(t *testing.T) {
	nodes := []v1.Node{cpNode("cp-a", "a", "h1"), cpNode("cp-b", "b", "h2"), cpNode("cp-c", "c", "h3"), {
		ObjectMeta: metav1.ObjectMeta{Name: "worker-a", Labels: map[string]string{policy.LabelRegion: "r1", policy.LabelZone: "a", policy.LabelHostID: "h4"}},
		Status:     v1.NodeStatus{Conditions: []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionTrue}}},
	}}
	// Vault on a worker: fine for the default policy (an other trusted
	// pod runs anywhere), off its role for the vault policy.
	vaultPod := []v1.Pod{{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "vault-0", Labels: map[string]string{"app": "vault"}},
		Spec:       v1.PodSpec{NodeName: "worker-a"},
		Status:     v1.PodStatus{Phase: v1.PodRunning, Conditions: []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue}}},
	}}
	dir := t.TempDir()
	vaultFile, badFile, oldFile := filepath.Join(dir, "vault.yaml"), filepath.Join(dir, "bad.yaml"), filepath.Join(dir, "old.yaml")
	for name, data := range map[string]string{vaultFile: vaultConfig, badFile: badConfig, oldFile: oldConfig} {
		require.NoError(t, os.WriteFile(name, []byte(data), 0o600))
	}
	now := time.Now()
	none := kubeconfigFor(t, apiServer(t, fakeAPI{nodes: nodes, pods: vaultPod}).URL)
	forbidden := kubeconfigFor(t, apiServer(t, fakeAPI{nodes: nodes, pods: vaultPod, forbidden: []string{configMapsPath}}).URL)
	inCluster := kubeconfigFor(t, apiServer(t, fakeAPI{nodes: nodes, pods: vaultPod, configMaps: []v1.ConfigMap{
		configMap("tools", "ha-scheduler-config-new", "not: a config", now),
		configMap("kube-system", "ha-scheduler-config-old", "not: a config", now.Add(-time.Hour)),
		configMap("kube-system", "ha-scheduler-config-abc", vaultConfig, now),
	}}).URL)
	badInCluster := kubeconfigFor(t, apiServer(t, fakeAPI{nodes: nodes, pods: vaultPod, configMaps: []v1.ConfigMap{
		configMap("kube-system", "ha-scheduler-config-bad", badConfig, now),
	}}).URL)
	oldInCluster := kubeconfigFor(t, apiServer(t, fakeAPI{nodes: nodes, pods: vaultPod, configMaps: []v1.ConfigMap{
		configMap("kube-system", "ha-scheduler-config-old", oldConfig, now),
	}}).URL)
	const (
		hint = "the policy is written once per profile, as the args of the pluginConfig entry named HAPolicy (docs/policy.md)"
		pass = checker.VerdictPass
		fail = checker.VerdictFail
	)
	// The findings of the cluster under each policy: none under the
	// default; under the vault policy, vault is a component off its role,
	// with one replica of a quorum.
	var defaultFindings []string
	vaultFindings := []string{
		"fail workload-separation.component-off-role",
		"fail disruption.too-few-replicas",
		"warn disruption.no-pdb",
		"fail survival.zone-loses-component",
		"fail survival.host-loses-component",
	}

	tests := []struct {
		name string
		args []string
		want outcome
	}{
		{
			name: "no configuration: the default policy", args: []string{"--kubeconfig", none},
			want: outcome{PolicySource: "default policy (no ha-scheduler configuration found)", Verdict: pass, Findings: defaultFindings},
		},
		{
			name: "ConfigMaps forbidden: the default policy", args: []string{"--kubeconfig", forbidden},
			want: outcome{PolicySource: "default policy (listing ConfigMaps is forbidden: the ha-scheduler configuration could not be read)", Verdict: pass, Findings: defaultFindings},
		},
		{
			name: "--trusted-namespace adjusts the default policy", args: []string{"--kubeconfig", none, "--trusted-namespace", "vault"},
			want: outcome{PolicySource: "default policy (no ha-scheduler configuration found)", Verdict: pass, Findings: defaultFindings},
		},
		{
			name: "--config", args: []string{"--kubeconfig", none, "--config", vaultFile},
			want: outcome{Code: exitFail, PolicySource: "file " + vaultFile + ", profile ha", Verdict: fail, Findings: vaultFindings},
		},
		{
			name: "--config, named profile", args: []string{"--kubeconfig", none, "--config", vaultFile, "--profile", "ha"},
			want: outcome{Code: exitFail, PolicySource: "file " + vaultFile + ", profile ha", Verdict: fail, Findings: vaultFindings},
		},
		{
			name: "--config wins over the ConfigMap", args: []string{"--kubeconfig", inCluster, "--config", vaultFile},
			want: outcome{Code: exitFail, PolicySource: "file " + vaultFile + ", profile ha", Verdict: fail, Findings: vaultFindings},
		},
		{
			name: "ConfigMap: kube-system preferred, then the newest", args: []string{"--kubeconfig", inCluster},
			want: outcome{
				Code:         exitFail,
				PolicySource: "ConfigMap kube-system/ha-scheduler-config-abc, profile ha (of 3 found, kube-system preferred, then the newest; not used: kube-system/ha-scheduler-config-old, tools/ha-scheduler-config-new)",
				Verdict:      fail, Findings: vaultFindings,
			},
		},
		{
			name: "ConfigMap, named profile", args: []string{"--kubeconfig", inCluster, "--profile", "ha"},
			want: outcome{
				Code:         exitFail,
				PolicySource: "ConfigMap kube-system/ha-scheduler-config-abc, profile ha (of 3 found, kube-system preferred, then the newest; not used: kube-system/ha-scheduler-config-old, tools/ha-scheduler-config-new)",
				Verdict:      fail, Findings: vaultFindings,
			},
		},
		{
			name: "--config with --trusted-namespace", args: []string{"--kubeconfig", none, "--config", vaultFile, "--trusted-namespace", "vault"},
			want: outcome{Code: exitError, Stderr: "ha-check: --trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy; with --config the policy is the configuration's: set them there\n"},
		},
		{
			name: "ConfigMap with --allow-user-workloads-on-control-plane", args: []string{"--kubeconfig", inCluster, "--allow-user-workloads-on-control-plane"},
			want: outcome{Code: exitError, Stderr: "ha-check: --trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy, but the policy is the scheduler's " +
				"(ConfigMap kube-system/ha-scheduler-config-abc, profile ha (of 3 found, kube-system preferred, then the newest; not used: kube-system/ha-scheduler-config-old, tools/ha-scheduler-config-new)): set them in its configuration\n"},
		},
		{
			name: "--config: an invalid policy names the field", args: []string{"--kubeconfig", none, "--config", badFile},
			want: outcome{Code: exitError, Stderr: "ha-check: --config " + badFile + `: invalid configuration: profiles[0].pluginConfig[0].args.userWorkloads.nodeRole: Unsupported value: "Master": supported values: "ControlPlane", "Infra", "Worker", "Any"` + "\n"},
		},
		{
			name: "--config: the policy where it was written before says where it goes", args: []string{"--kubeconfig", none, "--config", oldFile},
			want: outcome{Code: exitError, Stderr: "ha-check: --config " + oldFile + `: invalid configuration: profiles[0].pluginConfig[0].args: Forbidden: unknown field "components": ` + hint + "\n"},
		},
		{
			name: "--config: missing file", args: []string{"--kubeconfig", none, "--config", filepath.Join(dir, "absent.yaml")},
			want: outcome{Code: exitError, Stderr: "ha-check: --config: open " + filepath.Join(dir, "absent.yaml") + ": no such file or directory\n"},
		},
		{
			name: "--profile that does not exist names the profiles", args: []string{"--kubeconfig", none, "--config", vaultFile, "--profile", "nope"},
			want: outcome{Code: exitError, Stderr: "ha-check: --config " + vaultFile + `: no profile "nope"; profiles: default-scheduler (no ha-scheduler plugin), ha (WorkloadSeparation)` + "\n"},
		},
		{
			name: "--profile without a configuration", args: []string{"--kubeconfig", none, "--profile", "ha"},
			want: outcome{Code: exitError, Stderr: "ha-check: --profile ha: no ha-scheduler configuration found (no ConfigMap labelled " + ConfigSelector + " with config.yaml); pass --config\n"},
		},
		{
			name: "invalid ConfigMap: an error naming it", args: []string{"--kubeconfig", badInCluster},
			want: outcome{Code: exitError, Stderr: "ha-check: ConfigMap kube-system/ha-scheduler-config-bad, key config.yaml: invalid configuration: " +
				`profiles[0].pluginConfig[0].args.userWorkloads.nodeRole: Unsupported value: "Master": supported values: "ControlPlane", "Infra", "Worker", "Any"` + "\n"},
		},
		{
			name: "ConfigMap with the policy where it was written before", args: []string{"--kubeconfig", oldInCluster},
			want: outcome{Code: exitError, Stderr: "ha-check: ConfigMap kube-system/ha-scheduler-config-old, key config.yaml: invalid configuration: " +
				`profiles[0].pluginConfig[0].args: Forbidden: unknown field "components": ` + hint + "\n"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, runJSON(t, tc.args)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}
