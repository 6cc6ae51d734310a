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

package hacheck

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	hccluster "github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	hcprinters "github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/scs"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// fakeAPI is what apiServer serves: the lists ha-check reads, and the
// paths it answers 403 Forbidden, as an API server does where RBAC denies
// the list. Every request is handed to seen, when set.
type fakeAPI struct {
	nodes        []v1.Node
	pods         []v1.Pod
	statefulSets []appsv1.StatefulSet
	configMaps   []v1.ConfigMap
	forbidden    []string
	seen         func(*http.Request)
	// tls serves HTTPS: clients send credentials over HTTPS only.
	tls bool
}

const (
	statefulSetsPath = "/apis/apps/v1/statefulsets"
	replicaSetsPath  = "/apis/apps/v1/replicasets"
	configMapsPath   = "/api/v1/configmaps"
	servicesPath     = "/api/v1/services"
	// kubeSystemConfigMaps is where the configuration is read without
	// --namespace.
	kubeSystemConfigMaps = "/api/v1/namespaces/kube-system/configmaps"
)

// apiServer serves the lists ha-check reads, ConfigMaps of one namespace
// too.
func apiServer(t *testing.T, api fakeAPI) *httptest.Server {
	t.Helper()
	lists := map[string]any{
		"/api/v1/nodes": &v1.NodeList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "NodeList"}, Items: api.nodes},
		"/api/v1/pods":  &v1.PodList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PodList"}, Items: api.pods},
		"/apis/policy/v1/poddisruptionbudgets": &policyv1.PodDisruptionBudgetList{
			TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudgetList"}},
		statefulSetsPath: &appsv1.StatefulSetList{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSetList"}, Items: api.statefulSets},
		replicaSetsPath:  &appsv1.ReplicaSetList{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSetList"}},
		servicesPath:     &v1.ServiceList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceList"}},
		configMapsPath:   &v1.ConfigMapList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMapList"}, Items: api.configMaps},
	}
	for _, cm := range api.configMaps {
		path := "/api/v1/namespaces/" + cm.Namespace + "/configmaps"
		if lists[path] == nil {
			lists[path] = &v1.ConfigMapList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMapList"}}
		}
		l := lists[path].(*v1.ConfigMapList)
		l.Items = append(l.Items, cm)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if api.seen != nil {
			api.seen(r)
		}
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
		if strings.HasSuffix(r.URL.Path, "/configmaps") && r.URL.Query().Get("labelSelector") != policysource.ConfigSelector {
			http.Error(w, "unexpected label selector "+r.URL.Query().Get("labelSelector"), http.StatusBadRequest)
			return
		}
		l, ok := lists[r.URL.Path]
		if !ok {
			if strings.HasSuffix(r.URL.Path, "/configmaps") {
				l = &v1.ConfigMapList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMapList"}}
			} else {
				http.NotFound(w, r)
				return
			}
		}
		_ = json.NewEncoder(w).Encode(l)
	}))
	if api.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// cluster is what ha-check reads from api.
func (api fakeAPI) cluster() hccluster.Cluster {
	var c hccluster.Cluster
	for i := range api.nodes {
		c.Nodes = append(c.Nodes, &api.nodes[i])
	}
	for i := range api.pods {
		c.Pods = append(c.Pods, &api.pods[i])
	}
	if slices.Contains(api.forbidden, statefulSetsPath) {
		c.Forbidden = append(c.Forbidden, hccluster.ForbiddenStatefulSets)
	} else {
		for i := range api.statefulSets {
			c.StatefulSets = append(c.StatefulSets, &api.statefulSets[i])
		}
	}
	if slices.Contains(api.forbidden, replicaSetsPath) {
		c.Forbidden = append(c.Forbidden, hccluster.ForbiddenReplicaSets)
	}
	return c
}

// defaultPolicy is the default policy, adjusted.
func defaultPolicy(t *testing.T, adjust func(*config.PolicyArgs)) *policy.Policy {
	t.Helper()
	args := &config.PolicyArgs{}
	if adjust != nil {
		adjust(args)
	}
	config.SetDefaultsPolicyArgs(args)
	p, err := args.Policy()
	require.NoError(t, err)
	return p
}

// analyze is the report of api's cluster under p, as ha-check makes it.
func analyze(api fakeAPI, p *policy.Policy) *v1alpha1.Report {
	return audit.Analyze(model.New(p, api.cluster()), audit.Options{SCSRevision: scs.Current})
}

// textOf is the text report of api's cluster under p, the policy from
// source.
func textOf(t *testing.T, source string, api fakeAPI, p *policy.Policy) string {
	t.Helper()
	r := analyze(api, p)
	r.PolicySource = source
	var b bytes.Buffer
	require.NoError(t, hcprinters.Text{}.PrintObj(r, &b))
	return b.String()
}

// output is a run's exit code and what it wrote.
type output struct {
	Code           int
	Stdout, Stderr string
}

// run runs the command line as ha-check, writing to stdout and stderr,
// and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return Run(defaultName, args, genericiooptions.IOStreams{In: strings.NewReader(""), Out: stdout, ErrOut: stderr})
}

func runOutput(args ...string) output {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return output{Code: code, Stdout: stdout.String(), Stderr: stderr.String()}
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
	goodAPI := fakeAPI{nodes: nodes}
	good := apiServer(t, goodAPI)
	userOnMasterAPI := fakeAPI{nodes: nodes, pods: []v1.Pod{{
		ObjectMeta: metav1.ObjectMeta{Namespace: "logging", Name: "agent"},
		Spec:       v1.PodSpec{NodeName: "cp-a"},
		Status:     v1.PodStatus{Phase: v1.PodRunning},
	}}}
	userOnMaster := apiServer(t, userOnMasterAPI)
	// An etcd StatefulSet of five with three members, one per zone: any
	// zone's failure leaves two of five.
	etcd := []v1.Pod{etcdMember("etcd-0", "cp-a"), etcdMember("etcd-1", "cp-b"), etcdMember("etcd-2", "cp-c")}
	etcdOfFiveAPI := fakeAPI{nodes: nodes, pods: etcd, statefulSets: []appsv1.StatefulSet{etcdStatefulSet(5)}}
	etcdOfFive := apiServer(t, etcdOfFiveAPI)
	// The same where the checker may not list StatefulSets or ReplicaSets:
	// it sizes etcd by its three pods, passes, and says what it could not
	// read.
	etcdForbiddenAPI := fakeAPI{nodes: nodes, pods: etcd, statefulSets: []appsv1.StatefulSet{etcdStatefulSet(5)},
		forbidden: []string{statefulSetsPath, replicaSetsPath}}
	etcdForbidden := apiServer(t, etcdForbiddenAPI)
	// A list other than the controllers' forbidden is an error.
	podsForbidden := apiServer(t, fakeAPI{nodes: nodes, forbidden: []string{"/api/v1/pods"}})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	const noConfig = "default policy (no ha-scheduler configuration found in namespace kube-system)"
	defaults := defaultPolicy(t, nil)
	// The etcd finding the checker must name (pkg/checker tests every
	// message; this one shows the whole cluster was read).
	require.Contains(t, textOf(t, noConfig, etcdOfFiveAPI, defaults),
		`FAIL  survival.zone-loses-quorum: if zone "a" failed, kube-system/etcd (StatefulSet etcd) would keep 2 of 5 members (3 available now) and lose its quorum (needs 3)`)
	require.Contains(t, textOf(t, noConfig, etcdForbiddenAPI, defaults),
		"WARN  survival.desired-size-unknown: listing statefulsets.apps and replicasets.apps is forbidden")

	tests := []struct {
		name string
		args []string
		want output
		// stderrPrefix, when set, is the start of stderr (the rest names
		// a port), and want.Stderr is not compared.
		stderrPrefix string
	}{
		{
			name: "bad flag", args: []string{"--nope"},
			want: output{Code: exitError, Stderr: "ha-check: unknown flag: --nope\nSee 'ha-check --help' for usage.\n"},
		},
		{
			name: "stray argument", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL), "extra"},
			want: output{Code: exitError, Stderr: "ha-check: unknown command \"extra\"\nSee 'ha-check --help' for usage.\n"},
		},
		{
			name: "a mistyped command", args: []string{"polcy"},
			want: output{Code: exitError, Stderr: "ha-check: unknown command \"polcy\"; did you mean policy?\nSee 'ha-check --help' for usage.\n"},
		},
		{
			name: "bad output", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL), "--output", "xml"},
			want: output{Code: exitError, Stderr: "ha-check: --output must be text, wide, json, yaml, jsonpath=..., jsonpath-file=..., go-template=... or go-template-file=..., not \"xml\"\n" +
				"See 'ha-check --help' for usage.\n"},
		},
		{
			name: "bad --fail-on", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL), "--fail-on", "error"},
			want: output{Code: exitError, Stderr: "ha-check: --fail-on must be fail or warn, not \"error\"\nSee 'ha-check --help' for usage.\n"},
		},
		{
			name: "bad --scs-revision", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL), "--scs-revision", "v1"},
			want: output{Code: exitError, Stderr: "ha-check: --scs-revision: unknown SCS revision \"v1\": valid revisions of scs-0214 are " + scs.Described() + "\n" +
				"See 'ha-check --help' for usage.\n"},
		},
		{
			name: "bad --expect-control-plane-scheduler", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL), "--expect-control-plane-scheduler", "kube-scheduler"},
			want: output{Code: exitError, Stderr: "ha-check: --expect-control-plane-scheduler: unknown scheduler \"kube-scheduler\": valid values are auto, ha-scheduler, stock, any\n" +
				"See 'ha-check --help' for usage.\n"},
		},
		{
			name: "missing kubeconfig", args: []string{"--kubeconfig", "/nonexistent/kubeconfig"},
			want: output{Code: exitError, Stderr: "ha-check: loading kubeconfig: stat /nonexistent/kubeconfig: no such file or directory\n"},
		},
		{
			name: "unknown context", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL), "--context", "prod"},
			want: output{Code: exitError, Stderr: "ha-check: loading kubeconfig: context \"prod\" does not exist\n"},
		},
		// The policy is resolved first: without --config, from the cluster.
		{
			name: "unreachable cluster", args: []string{"--kubeconfig", kubeconfigFor(t, closed.URL), "--timeout", "5s"},
			want:         output{Code: exitError},
			stderrPrefix: "ha-check: listing ConfigMaps in namespace kube-system (" + policysource.ConfigSelector + "): Get \"" + closed.URL + "/api/v1/namespaces/kube-system/configmaps?",
		},
		{
			name:         "unreachable cluster, policy from --config",
			args:         []string{"--kubeconfig", kubeconfigFor(t, closed.URL), "--timeout", "5s", "--config", "../../../manifests/secondary/config.yaml"},
			want:         output{Code: exitError},
			stderrPrefix: "ha-check: reading the cluster at " + closed.URL + ": listing nodes: Get \"" + closed.URL + "/api/v1/nodes?limit=500\": ",
		},
		{
			name: "pass", args: []string{"--kubeconfig", kubeconfigFor(t, good.URL)},
			want: output{Code: exitPass, Stdout: textOf(t, noConfig, goodAPI, defaults)},
		},
		{
			name: "fail", args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL)},
			want: output{Code: exitFail, Stdout: textOf(t, noConfig, userOnMasterAPI, defaults)},
		},
		{
			name: "etcd StatefulSet of five with three members fails",
			args: []string{"--kubeconfig", kubeconfigFor(t, etcdOfFive.URL)},
			want: output{Code: exitFail, Stdout: textOf(t, noConfig, etcdOfFiveAPI, defaults)},
		},
		{
			name: "controllers forbidden: a warning, not an error",
			args: []string{"--kubeconfig", kubeconfigFor(t, etcdForbidden.URL)},
			want: output{Code: exitPass, Stdout: textOf(t, noConfig, etcdForbiddenAPI, defaults)},
		},
		{
			name: "pods forbidden: an error",
			args: []string{"--kubeconfig", kubeconfigFor(t, podsForbidden.URL)},
			want: output{Code: exitError, Stderr: "ha-check: reading the cluster at " + podsForbidden.URL +
				": listing pods: forbidden: User \"checker\" cannot list resource at the cluster scope\n"},
		},
		{
			name: "trusted namespace",
			args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL), "--trusted-namespace", "logging"},
			want: output{Code: exitPass, Stdout: textOf(t, noConfig, userOnMasterAPI, defaultPolicy(t, func(a *config.PolicyArgs) {
				a.TrustedNamespaces = []string{"kube-system", "logging"}
			}))},
		},
		{
			name: "empty trusted namespace",
			args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL), "--trusted-namespace="},
			want: output{Code: exitError, Stderr: "ha-check: --trusted-namespace: empty namespace\n"},
		},
		{
			name: "compact cluster",
			args: []string{"--kubeconfig", kubeconfigFor(t, userOnMaster.URL), "--allow-user-workloads-on-control-plane"},
			want: output{Code: exitPass, Stdout: textOf(t, noConfig, userOnMasterAPI, defaultPolicy(t, func(a *config.PolicyArgs) {
				a.AllowUserWorkloadsOnControlPlane = true
			}))},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runOutput(tc.args...)
			if tc.stderrPrefix != "" {
				require.True(t, strings.HasPrefix(got.Stderr, tc.stderrPrefix), "stderr:\n%s\nwant it to start with:\n%s", got.Stderr, tc.stderrPrefix)
				got.Stderr = ""
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("run (-want +got):\n%s", diff)
			}
		})
	}
}

// With no kubeconfig anywhere (and not in a pod) the command fails with a
// reason, it does not guess a server (kubectl would try localhost:8080).
func TestRunNoKubeconfig(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "absent"))
	t.Setenv("HOME", t.TempDir())
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	want := output{Code: exitError, Stderr: "ha-check: loading kubeconfig: no kubeconfig found ($KUBECONFIG, ~/.kube/config) and not running in a pod: pass --kubeconfig, or --server and credentials\n"}
	if diff := cmp.Diff(want, runOutput()); diff != "" {
		t.Errorf("run (-want +got):\n%s", diff)
	}
}

// kubectl's connection flags reach the client: --server and --token
// without a kubeconfig (with --certificate-authority or
// --insecure-skip-tls-verify), --context and --user of a kubeconfig, and
// --namespace narrows the search for the scheduler's ConfigMap.
func TestConnectionFlags(t *testing.T) {
	nodes := []v1.Node{cpNode("cp-a", "a", "h1"), cpNode("cp-b", "b", "h2"), cpNode("cp-c", "c", "h3")}
	_, vaultConfig := fixture(t, "vault.yaml")
	var (
		mu   sync.Mutex
		seen []string
	)
	api := fakeAPI{nodes: nodes, configMaps: []v1.ConfigMap{
		configMap("kube-system", "ha-scheduler-config-abc", vaultConfig, time.Now()),
		configMap("tools", "ha-scheduler-config-tools", shippedPlugins, time.Now()),
	}, seen: func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Header.Get("Authorization")+" "+r.URL.Path)
	}, tls: true}
	srv := apiServer(t, api)
	ca := filepath.Join(t.TempDir(), "ca.crt")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	requests := func() []string {
		mu.Lock()
		defer mu.Unlock()
		defer func() { seen = nil }()
		return seen
	}
	every := func(auth string, configMaps ...string) []string {
		var want []string
		for _, path := range []string{configMaps[0], "/api/v1/nodes", "/api/v1/pods", "/apis/policy/v1/poddisruptionbudgets", statefulSetsPath, replicaSetsPath, servicesPath} {
			want = append(want, auth+" "+path)
		}
		if len(configMaps) > 1 {
			// The labelled ConfigMaps of every namespace, named when not
			// read.
			want = slices.Insert(want, 1, auth+" "+configMaps[1])
		}
		// The trust analysis: RBAC and the admission policies.
		for _, res := range []string{"clusterroles", "clusterrolebindings", "roles", "rolebindings"} {
			want = append(want, auth+" /apis/rbac.authorization.k8s.io/v1/"+res)
		}
		for _, res := range []string{"validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"} {
			want = append(want, auth+" /apis/admissionregistration.k8s.io/v1/"+res)
		}
		return want
	}
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "absent"))
	t.Setenv("HOME", t.TempDir())
	// A kubeconfig of two users, the current one without credentials.
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster: {server: `+srv.URL+`, certificate-authority: `+ca+`}
contexts:
- name: lab
  context: {cluster: lab, user: nobody}
- name: admin
  context: {cluster: lab, user: admin}
current-context: lab
users:
- name: nobody
  user: {}
- name: admin
  user: {token: admin-token}
`), 0o600))

	tests := []struct {
		name         string
		args         []string
		wantRequests []string
		wantSource   string
	}{
		{
			name:         "--server and --token without a kubeconfig",
			args:         []string{"--server", srv.URL, "--token", "secret", "--certificate-authority", ca},
			wantRequests: every("Bearer secret", kubeSystemConfigMaps, configMapsPath),
			wantSource:   "ConfigMap kube-system/ha-scheduler-config-abc, profile ha (not used: tools/ha-scheduler-config-tools (outside kube-system, read only with --namespace: a ConfigMap elsewhere may be a tenant's))",
		},
		{
			name:         "-s and --token",
			args:         []string{"-s", srv.URL, "--token", "secret", "--insecure-skip-tls-verify"},
			wantRequests: every("Bearer secret", kubeSystemConfigMaps, configMapsPath),
			wantSource:   "ConfigMap kube-system/ha-scheduler-config-abc, profile ha (not used: tools/ha-scheduler-config-tools (outside kube-system, read only with --namespace: a ConfigMap elsewhere may be a tenant's))",
		},
		{
			name:         "--context",
			args:         []string{"--kubeconfig", kubeconfig, "--context", "admin"},
			wantRequests: every("Bearer admin-token", kubeSystemConfigMaps, configMapsPath),
			wantSource:   "ConfigMap kube-system/ha-scheduler-config-abc, profile ha (not used: tools/ha-scheduler-config-tools (outside kube-system, read only with --namespace: a ConfigMap elsewhere may be a tenant's))",
		},
		{
			name:         "--user",
			args:         []string{"--kubeconfig", kubeconfig, "--user", "admin"},
			wantRequests: every("Bearer admin-token", kubeSystemConfigMaps, configMapsPath),
			wantSource:   "ConfigMap kube-system/ha-scheduler-config-abc, profile ha (not used: tools/ha-scheduler-config-tools (outside kube-system, read only with --namespace: a ConfigMap elsewhere may be a tenant's))",
		},
		{
			name:         "--namespace: the ConfigMap of that namespace",
			args:         []string{"--kubeconfig", kubeconfig, "--context", "admin", "--namespace", "tools"},
			wantRequests: every("Bearer admin-token", "/api/v1/namespaces/tools/configmaps"),
			wantSource:   "ConfigMap tools/ha-scheduler-config-tools, profile ha-scheduler",
		},
		{
			name:         "-n: a namespace without one",
			args:         []string{"--kubeconfig", kubeconfig, "--context", "admin", "-n", "default"},
			wantRequests: every("Bearer admin-token", "/api/v1/namespaces/default/configmaps"),
			wantSource:   "default policy (no ha-scheduler configuration found in namespace default)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runOutput(append(tc.args, "-o", "jsonpath={.policySource}")...)
			require.Empty(t, got.Stderr)
			if diff := cmp.Diff(tc.wantSource, got.Stdout); diff != "" {
				t.Errorf("policy source (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantRequests, requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// fixture is a scheduler configuration of testdata/schedulerconfig, the
// fixtures the tests of several packages share: its path and its content.
func fixture(t *testing.T, name string) (string, string) {
	t.Helper()
	path := filepath.Join("..", "..", "..", "testdata", "schedulerconfig", name)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return path, string(data)
}

func configMap(ns, name, config string, created time.Time) v1.ConfigMap {
	return v1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, CreationTimestamp: metav1.NewTime(created),
			Labels: map[string]string{"app.kubernetes.io/part-of": "ha-scheduler", "app.kubernetes.io/component": "scheduler-config"}},
		Data: map[string]string{policysource.ConfigKey: config},
	}
}

// outcome is what TestRunPolicySource compares of a run: the exit code,
// stderr, and from the JSON report the policy source, the verdict and
// every finding (severity and ID: pkg/checker tests the messages).
type outcome struct {
	Code         int
	Stderr       string
	PolicySource string
	Verdict      v1alpha1.Verdict
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
	var report v1alpha1.Report
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &report), "stdout:\n%s", stdout.String())
	require.Equal(t, "ha-check.ha-scheduler.io/v1alpha1 Report", report.APIVersion+" "+report.Kind)
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
	vaultFile, vaultConfig := fixture(t, "vault.yaml")
	badFile, badConfig := fixture(t, "invalid-node-role.yaml")
	oldFile, oldConfig := fixture(t, "policy-in-plugin-args.yaml")
	now := time.Now()
	none := kubeconfigFor(t, apiServer(t, fakeAPI{nodes: nodes, pods: vaultPod}).URL)
	forbidden := kubeconfigFor(t, apiServer(t, fakeAPI{nodes: nodes, pods: vaultPod, forbidden: []string{configMapsPath, kubeSystemConfigMaps}}).URL)
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
		pass = v1alpha1.VerdictPass
		fail = v1alpha1.VerdictFail
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
			want: outcome{PolicySource: "default policy (no ha-scheduler configuration found in namespace kube-system)", Verdict: pass, Findings: defaultFindings},
		},
		{
			name: "ConfigMaps forbidden: the default policy", args: []string{"--kubeconfig", forbidden},
			want: outcome{PolicySource: "default policy (listing ConfigMaps in namespace kube-system is forbidden: the ha-scheduler configuration could not be read)", Verdict: pass, Findings: defaultFindings},
		},
		{
			name: "--trusted-namespace adjusts the default policy", args: []string{"--kubeconfig", none, "--trusted-namespace", "vault"},
			want: outcome{PolicySource: "default policy (no ha-scheduler configuration found in namespace kube-system)", Verdict: pass, Findings: defaultFindings},
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
				PolicySource: "ConfigMap kube-system/ha-scheduler-config-abc, profile ha (of 2 found in namespace kube-system, the newest; not used: kube-system/ha-scheduler-config-old) (not used: tools/ha-scheduler-config-new (outside kube-system, read only with --namespace: a ConfigMap elsewhere may be a tenant's))",
				Verdict:      fail, Findings: vaultFindings,
			},
		},
		{
			name: "ConfigMap, named profile", args: []string{"--kubeconfig", inCluster, "--profile", "ha"},
			want: outcome{
				Code:         exitFail,
				PolicySource: "ConfigMap kube-system/ha-scheduler-config-abc, profile ha (of 2 found in namespace kube-system, the newest; not used: kube-system/ha-scheduler-config-old) (not used: tools/ha-scheduler-config-new (outside kube-system, read only with --namespace: a ConfigMap elsewhere may be a tenant's))",
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
				"(ConfigMap kube-system/ha-scheduler-config-abc, profile ha (of 2 found in namespace kube-system, the newest; not used: kube-system/ha-scheduler-config-old) (not used: tools/ha-scheduler-config-new (outside kube-system, read only with --namespace: a ConfigMap elsewhere may be a tenant's))): set them in its configuration\n"},
		},
		{
			name: "--config: an invalid policy names the field", args: []string{"--kubeconfig", none, "--config", badFile},
			want: outcome{Code: exitError, Stderr: "ha-check: --config " + badFile + `: invalid configuration: profiles[0].pluginConfig[0].args.userWorkloads.nodeRole: Unsupported value: "Master": supported values: "ControlPlane", "Infra", "Worker", "Any"` + "\n"},
		},
		{
			name: "--config: the policy where it was written before says where it goes", args: []string{"--kubeconfig", none, "--config", oldFile},
			want: outcome{Code: exitError, Stderr: "ha-check: --config " + oldFile + `: invalid configuration: profiles[0].pluginConfig[0].args: Forbidden: unknown field "trustedNamespaces": ` + hint + "\n"},
		},
		{
			name: "--config: missing file", args: []string{"--kubeconfig", none, "--config", filepath.Join(dir, "absent.yaml")},
			want: outcome{Code: exitError, Stderr: "ha-check: --config: open " + filepath.Join(dir, "absent.yaml") + ": no such file or directory\n"},
		},
		{
			name: "--profile that does not exist names the profiles", args: []string{"--kubeconfig", none, "--config", vaultFile, "--profile", "nope"},
			want: outcome{Code: exitError, Stderr: "ha-check: --config " + vaultFile + `: no profile "nope"; profiles: default-scheduler (no ha-scheduler plugin), ha (WorkloadSeparation, FailureDomainSpread, DisruptionGuard)` + "\n"},
		},
		{
			name: "--profile without a configuration", args: []string{"--kubeconfig", none, "--profile", "ha"},
			want: outcome{Code: exitError, Stderr: "ha-check: --profile ha: no ha-scheduler configuration found in namespace kube-system (no ConfigMap labelled " + policysource.ConfigSelector + " with config.yaml); pass --config or --namespace\n"},
		},
		{
			name: "invalid ConfigMap: an error naming it", args: []string{"--kubeconfig", badInCluster},
			want: outcome{Code: exitError, Stderr: "ha-check: ConfigMap kube-system/ha-scheduler-config-bad, key config.yaml: invalid configuration: " +
				`profiles[0].pluginConfig[0].args.userWorkloads.nodeRole: Unsupported value: "Master": supported values: "ControlPlane", "Infra", "Worker", "Any"` + "\n"},
		},
		{
			name: "ConfigMap with the policy where it was written before", args: []string{"--kubeconfig", oldInCluster},
			want: outcome{Code: exitError, Stderr: "ha-check: ConfigMap kube-system/ha-scheduler-config-old, key config.yaml: invalid configuration: " +
				`profiles[0].pluginConfig[0].args: Forbidden: unknown field "trustedNamespaces": ` + hint + "\n"},
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
