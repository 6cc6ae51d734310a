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
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	authnv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// TestShipCheckerRBAC: the ServiceAccount and roles of manifests/checker,
// applied as rendered, are all the real ha-check needs for a verdict, run
// with the CronJob's arguments and only a TokenRequest token of that
// ServiceAccount: no forbidden list (StatefulSets, ReplicaSets, the
// scheduler's ConfigMap). The token reads and writes nothing else, and the
// CronJob is a valid object (server-side dry run).
func TestShipCheckerRBAC(t *testing.T) {
	ctx := context.Background()
	cluster.Reset(t)
	deleteSchedulerConfigMaps(t)
	t.Cleanup(func() { deleteSchedulerConfigMaps(t) })

	rendered := shipRenderedObjects(t, "manifests/checker")
	var rbac []map[string]any
	var cronJob map[string]any
	for _, o := range rendered {
		switch shipKind(o) {
		case "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
			rbac = append(rbac, o)
		case "CronJob":
			cronJob = o
		default:
			t.Errorf("manifests/checker renders a %s %s: not RBAC nor the CronJob", shipKind(o), shipName(o))
		}
	}
	if cronJob == nil {
		t.Fatal("manifests/checker renders no CronJob")
	}
	// Read-only: every rule lists, nothing else.
	for _, o := range rbac {
		rules, _ := o["rules"].([]any)
		for _, r := range rules {
			verbs, _ := r.(map[string]any)["verbs"].([]any)
			for _, v := range verbs {
				if v != "list" {
					t.Errorf("%s %s grants %q: ha-check only lists", shipKind(o), shipName(o), v)
				}
			}
		}
	}

	file := shipWriteObjects(t, rbac)
	if out, err := cluster.Kubectl(t, "apply", "--server-side", "-f", file); err != nil {
		t.Fatalf("applying the checker's RBAC: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := cluster.Kubectl(t, "delete", "--ignore-not-found", "-f", file); err != nil {
			t.Errorf("removing the checker's RBAC: %v\n%s", err, out)
		}
	})
	cronFile := shipWriteObjects(t, []map[string]any{cronJob})
	if out, err := cluster.Kubectl(t, "apply", "--server-side", "--dry-run=server", "-f", cronFile); err != nil {
		t.Fatalf("the CronJob does not apply (server-side dry run): %v\n%s", err, out)
	}

	tr, err := cluster.Client.CoreV1().ServiceAccounts("kube-system").CreateToken(ctx, "ha-check", &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for kube-system/ha-check: %v", err)
	}
	kubeconfig := cluster.WriteTokenKubeconfig(t, "ha-check", tr.Status.Token)

	// A small cluster: three zones of control plane, two workers, a
	// StatefulSet's replicas, a PDB, and the scheduler's ConfigMap.
	for _, n := range []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(controlPlaneNode("cp-b", "zone-b", "hyper-b")),
		withRegion(controlPlaneNode("cp-c", "zone-c", "hyper-c")),
		withRegion(workerNode("worker-a", "zone-a", "hyper-d")),
		withRegion(workerNode("worker-b", "zone-b", "hyper-e")),
	} {
		cluster.CreateNode(t, n)
	}
	cluster.EnsureNamespace(t, "shop")
	labels := map[string]string{"app": "db"}
	sts := cluster.CreateStatefulSet(t, "shop", "db", 2, labels)
	for i, node := range []string{"worker-a", "worker-b"} {
		p := harness.OwnedBy(shipPod("shop", fmt.Sprintf("db-%d", i), "default-scheduler", "100m", labels), sts)
		p.Spec.NodeName = node
		cluster.CreatePod(t, p)
		cluster.SetReady(t, p.Namespace, p.Name, true)
	}
	cluster.CreatePDB(t, "shop", "db", labels, 1, 2, 1)
	configPath := cluster.SchedulerConfig(t, "secondary/config.yaml")
	config, err := os.ReadFile(configPath)
	if err != nil {
		t.Fatal(err)
	}
	cm := &v1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "ha-scheduler-config-rbac", Labels: map[string]string{
			"app.kubernetes.io/part-of": "ha-scheduler", "app.kubernetes.io/component": "scheduler-config",
		}},
		Data: map[string]string{"config.yaml": string(config)},
	}
	if _, err := cluster.Client.CoreV1().ConfigMaps(cm.Namespace).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// The real binary, as the CronJob runs it, as the ServiceAccount.
	args := shipCronJobArgs(t, cronJob)
	code, report, stderr := runCheckerAs(t, kubeconfig, args...)
	t.Logf("ha-check %s: exit %d, verdict %s, policy %s", strings.Join(args, " "), code, report.Verdict, report.PolicySource)
	if code != 0 && code != 2 {
		t.Fatalf("ha-check as the ServiceAccount: exit %d, want a verdict (0 or 2)\nstderr:\n%s", code, stderr)
	}
	if want := "ConfigMap kube-system/ha-scheduler-config-rbac, profile ha-scheduler"; report.PolicySource != want {
		t.Errorf("policySource %q, want %q", report.PolicySource, want)
	}
	if strings.Contains(strings.ToLower(report.PolicySource), "forbidden") {
		t.Errorf("policySource %q: the ConfigMap list was forbidden", report.PolicySource)
	}
	for _, f := range report.Findings {
		if f.ID == v1alpha1.IDDesiredSizeUnknown || strings.Contains(strings.ToLower(f.Message), "forbidden") {
			t.Errorf("finding %s (%s): a list was forbidden to the ServiceAccount", f.ID, f.Message)
		}
	}
	if report.Summary.Nodes != 5 || report.Summary.Pods < 2 || report.Summary.PodDisruptionBudgets != 1 {
		t.Errorf("summary %+v: want 5 nodes, the StatefulSet's pods and its PDB", report.Summary)
	}
	if strings.Contains(strings.ToLower(string(stderr)), "forbidden") {
		t.Errorf("ha-check's stderr says forbidden:\n%s", stderr)
	}

	// Read-only: the token writes nothing, reads no secrets, and reads
	// ConfigMaps in kube-system only.
	restCfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	sa, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		t.Fatal(err)
	}
	forbidden := func(what string, err error) {
		t.Helper()
		if !apierrors.IsForbidden(err) {
			t.Errorf("the ServiceAccount may %s (err %v): want forbidden", what, err)
		}
	}
	_, err = sa.CoreV1().ConfigMaps("kube-system").Create(ctx, &v1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "ha-check-write"}}, metav1.CreateOptions{})
	forbidden("create a ConfigMap", err)
	forbidden("delete a pod", sa.CoreV1().Pods("shop").Delete(ctx, "db-0", metav1.DeleteOptions{}))
	forbidden("delete a node", sa.CoreV1().Nodes().Delete(ctx, "worker-a", metav1.DeleteOptions{}))
	_, err = sa.CoreV1().Nodes().Patch(ctx, "worker-a", "application/merge-patch+json", []byte(`{"metadata":{"labels":{"x":"y"}}}`), metav1.PatchOptions{})
	forbidden("patch a node", err)
	_, err = sa.CoreV1().Secrets("kube-system").List(ctx, metav1.ListOptions{})
	forbidden("list secrets", err)
	_, err = sa.CoreV1().ConfigMaps("shop").List(ctx, metav1.ListOptions{})
	forbidden("list ConfigMaps outside kube-system", err)
	_, err = sa.CoreV1().Pods("shop").Get(ctx, "db-0", metav1.GetOptions{})
	forbidden("get a pod (it only lists)", err)
	_, err = sa.CoreV1().Pods("").Watch(ctx, metav1.ListOptions{})
	forbidden("watch pods", err)
}

// shipCronJobArgs returns the CronJob's container args, checking that it
// runs ha-check.
func shipCronJobArgs(t *testing.T, cronJob map[string]any) []string {
	t.Helper()
	b, err := json.Marshal(cronJob)
	if err != nil {
		t.Fatal(err)
	}
	var cj struct {
		Spec struct {
			JobTemplate struct {
				Spec struct {
					Template struct {
						Spec v1.PodSpec `json:"spec"`
					} `json:"template"`
				} `json:"spec"`
			} `json:"jobTemplate"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(b, &cj); err != nil {
		t.Fatal(err)
	}
	cs := cj.Spec.JobTemplate.Spec.Template.Spec.Containers
	if len(cs) != 1 || !slices.Equal(cs[0].Command, []string{"/usr/local/bin/ha-check"}) {
		t.Fatalf("the CronJob's containers %+v: want one, running /usr/local/bin/ha-check", cs)
	}
	return cs[0].Args
}

// runCheckerAs runs the real ha-check with kubeconfig and args, -o json,
// and returns its exit code, report and stderr.
func runCheckerAs(t *testing.T, kubeconfig string, args ...string) (int, v1alpha1.Report, []byte) {
	t.Helper()
	bin, err := harness.Binary("HA_CHECK_BIN", "bin/ha-check", "make build")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(append([]string{"--kubeconfig", kubeconfig}, args...), "-o", "json")...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running ha-check: %v", err)
	}
	var report v1alpha1.Report
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("ha-check output is not a JSON report (exit %d): %v\n%s\nstderr:\n%s", code, err, out, stderr.String())
	}
	return code, report, []byte(stderr.String())
}
