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
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	hccluster "github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/pdbplan"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// startDisruptionController runs the real kube-controller-manager (built
// from the pinned modules) with its disruption controller alone, so the
// budgets' status is what a cluster computes, not what a test writes.
// It stops when the test ends.
func startDisruptionController(t *testing.T) *harness.Process {
	t.Helper()
	bin, err := harness.Binary("KUBE_CONTROLLER_MANAGER_BIN", "_output/bin/kube-controller-manager", "hack/build-binaries.sh kube-controller-manager")
	if err != nil {
		t.Fatal(err)
	}
	kcm, err := harness.StartProcess("kube-controller-manager", bin, filepath.Join(t.TempDir(), "kube-controller-manager.log"),
		"--kubeconfig", cluster.KubeconfigPath,
		"--controllers", "disruption-controller",
		"--leader-elect=false",
		"--secure-port=0",
		"--v=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kube-controller-manager log:\n%s", kcm.LogTail(40))
		}
		kcm.Stop(10 * time.Second)
	})
	return kcm
}

// pdbStatus is what the disruption controller computes for a budget.
type pdbStatus struct {
	Expected, Healthy, Desired, Allowed int32
}

// waitPDBStatus waits until the disruption controller has observed the
// budget's spec and computed want (and has no eviction pending).
func waitPDBStatus(t *testing.T, kcm *harness.Process, name string, want pdbStatus) {
	t.Helper()
	var got pdbStatus
	var pdb *policyv1.PodDisruptionBudget
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, harness.Timeout, true, func(ctx context.Context) (bool, error) {
		if exited, err := kcm.Exited(); exited {
			return false, fmt.Errorf("kube-controller-manager exited: %v\n%s", err, kcm.LogTail(30))
		}
		var err error
		pdb, err = cluster.Client.PolicyV1().PodDisruptionBudgets("kube-system").Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		s := pdb.Status
		got = pdbStatus{Expected: s.ExpectedPods, Healthy: s.CurrentHealthy, Desired: s.DesiredHealthy, Allowed: s.DisruptionsAllowed}
		return s.ObservedGeneration == pdb.Generation && len(s.DisruptedPods) == 0 && got == want, nil
	})
	if err != nil {
		t.Fatalf("PodDisruptionBudget %s: status %+v, want %+v: %v (status: %+v)", name, got, want, err, pdb.Status)
	}
}

// evict asks the eviction API (policy/v1 Eviction, as kubectl drain does)
// to evict the pod.
func evict(name string) error {
	return cluster.Client.CoreV1().Pods("kube-system").EvictV1(context.Background(), &policyv1.Eviction{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: name},
	})
}

// refusal is what the eviction API answers when a budget refuses.
type refusal struct {
	Code    int32
	Reason  metav1.StatusReason
	Message string
	Causes  []metav1.StatusCause
}

// refused is the 429 the eviction API answers when the budget would go
// below its minimum.
func refused(pdb string, needs, has int) *refusal {
	return &refusal{
		Code:    429,
		Reason:  metav1.StatusReasonTooManyRequests,
		Message: "Cannot evict pod as it would violate the pod's disruption budget.",
		Causes: []metav1.StatusCause{{
			Type:    policyv1.DisruptionBudgetCause,
			Message: fmt.Sprintf("The disruption budget %s needs %d healthy pods and has %d currently", pdb, needs, has),
		}},
	}
}

func refusalOf(t *testing.T, err error) *refusal {
	t.Helper()
	if err == nil {
		return nil
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		t.Fatalf("eviction: %v", err)
	}
	s := status.Status()
	r := &refusal{Code: s.Code, Reason: s.Reason, Message: s.Message}
	if s.Details != nil {
		r.Causes = s.Details.Causes
	}
	return r
}

// The budgets ha-check generates, applied to the real API server with
// kubectl, make the eviction API keep each group's minimum: an etcd of 3
// may lose one member to a drain, not two; an etcd of 5 with 3 members has
// no member to spare (the quorum of its desired size); and a kube-scheduler
// whose replicas are not Ready does not block draining their nodes.
func TestCheckerPDBEvictions(t *testing.T) {
	threeZones(t)
	kcm := startDisruptionController(t)
	ctx := context.Background()

	main := map[string]string{"component": "etcd", "etcd-cluster": "main"}
	events := map[string]string{"component": "etcd", "etcd-cluster": "events"}
	nodes := []string{"cp-a", "cp-b", "cp-c"}
	member := func(name, node string, labels map[string]string, owner *appsv1.StatefulSet, ready bool) {
		p := componentPod(name, labels)
		p.Spec.NodeName = node
		cluster.CreatePod(t, harness.OwnedBy(p, owner))
		cluster.SetReady(t, "kube-system", name, ready)
	}
	etcd := cluster.CreateStatefulSet(t, "kube-system", "etcd", 3, main)
	for i, n := range nodes {
		member(fmt.Sprintf("etcd-%d", i), n, main, etcd, true)
	}
	// An events etcd of 5 of which 3 members exist: its quorum is 3.
	eventsSTS := cluster.CreateStatefulSet(t, "kube-system", "etcd-events", 5, events)
	for i, n := range nodes {
		member(fmt.Sprintf("etcd-events-%d", i), n, events, eventsSTS, true)
	}
	// kube-scheduler as a Deployment of 2 (through its ReplicaSet, as the
	// Deployment controller leaves it), neither replica Ready.
	schedLabels := map[string]string{"component": "kube-scheduler", "app": "ha-sched", "pod-template-hash": "5d"}
	rs, err := cluster.Client.AppsV1().ReplicaSets("kube-system").Create(ctx, &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: "kube-system", Name: "ha-sched-5d",
			Annotations: map[string]string{policy.DesiredReplicasAnnotation: "2"},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "apps/v1", Kind: "Deployment", Name: "ha-sched", UID: "d0000000-0000-0000-0000-000000000001", Controller: ptr.To(true),
			}},
		},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "ha-sched", "pod-template-hash": "5d"}},
			Template: v1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: schedLabels},
				Spec:       v1.PodSpec{Containers: []v1.Container{{Name: "main", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"ha-sched-5d-a", "ha-sched-5d-b"} {
		p := componentPod(name, schedLabels)
		p.Spec.NodeName = nodes[i]
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: rs.Name, UID: rs.UID, Controller: ptr.To(true)}}
		cluster.CreatePod(t, p)
		cluster.SetReady(t, "kube-system", name, false)
	}

	// Generate, as `ha-check pdbs` does.
	c, err := hccluster.Load(ctx, cluster.Client, hccluster.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plan := *pdbplan.Generate(model.New(nil, c))
	wantGroups := []string{
		"kube-system/etcd (StatefulSet etcd)",
		"kube-system/etcd (StatefulSet etcd-events)",
		"kube-system/kube-scheduler (Deployment ha-sched)",
	}
	var groups []string
	for _, g := range plan.PDBs {
		groups = append(groups, g.Group)
	}
	if diff := cmp.Diff(wantGroups, groups); diff != "" || len(plan.Skipped) > 0 || len(plan.Obsolete) > 0 {
		t.Fatalf("groups (-want +got):\n%s\nskipped %+v, obsolete %v", diff, plan.Skipped, plan.Obsolete)
	}
	// The command writes the same, with its policy source; what is applied
	// is the command's output.
	config := harness.ManifestPath("secondary/config.yaml")
	plan.PolicySource = "file " + config + ", profile ha-scheduler"
	var buf bytes.Buffer
	if err := (printers.ApplyYAML{}).PrintObj(&plan, &buf); err != nil {
		t.Fatal(err)
	}
	bin, err := harness.Binary("HA_CHECK_BIN", "bin/ha-check", "make build")
	if err != nil {
		t.Fatal(err)
	}
	cmdOut, err := exec.CommandContext(ctx, bin, "pdbs", "--kubeconfig", cluster.KubeconfigPath, "--config", config).Output()
	if err != nil {
		t.Fatalf("ha-check pdbs: %v", err)
	}
	if diff := cmp.Diff(buf.String(), string(cmdOut)); diff != "" {
		t.Errorf("ha-check pdbs (-library +command):\n%s", diff)
	}
	path := filepath.Join(t.TempDir(), "pdbs.yaml")
	if err := os.WriteFile(path, cmdOut, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cluster.Kubectl(t, "apply", "-f", path)
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, buf.String())
	}
	wantOut := "poddisruptionbudget.policy/ha-etcd-etcd created\n" +
		"poddisruptionbudget.policy/ha-etcd-etcd-events created\n" +
		"poddisruptionbudget.policy/ha-kube-scheduler created\n"
	if diff := cmp.Diff(wantOut, out); diff != "" {
		t.Errorf("kubectl apply (-want +got):\n%s", diff)
	}

	// The disruption controller's view: minAvailable 2 of 3 Ready; 3 (the
	// quorum of 5) of 3 Ready; 1 of 2 with none Ready.
	waitPDBStatus(t, kcm, "ha-etcd-etcd", pdbStatus{Expected: 3, Healthy: 3, Desired: 2, Allowed: 1})
	waitPDBStatus(t, kcm, "ha-etcd-etcd-events", pdbStatus{Expected: 3, Healthy: 3, Desired: 3, Allowed: 0})
	waitPDBStatus(t, kcm, "ha-kube-scheduler", pdbStatus{Expected: 2, Healthy: 0, Desired: 1, Allowed: 0})

	// With them applied the checker is satisfied, and generating again
	// changes nothing.
	c, err = hccluster.Load(ctx, cluster.Client, hccluster.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range audit.Analyze(model.New(nil, c), audit.Options{}).Findings {
		if f.ID == v1alpha1.IDPDBWeakerThanPolicy || f.ID == v1alpha1.IDNoPDB {
			t.Errorf("with the generated budgets applied: %s %s", f.ID, f.Message)
		}
	}
	again := *pdbplan.Generate(model.New(nil, c))
	again.PolicySource = plan.PolicySource
	if !cmp.Equal(plan, again) {
		t.Errorf("generating again with the budgets applied (-first +again):\n%s", cmp.Diff(plan, again))
	}

	// etcd of 3: one member may go, and the controller sees 2 left.
	if err := evict("etcd-0"); err != nil {
		t.Fatalf("evicting etcd-0 (3 of 3 Ready, quorum 2): %v", err)
	}
	if cluster.PodExists(t, "kube-system", "etcd-0") {
		t.Error("etcd-0 still exists after its eviction")
	}
	waitPDBStatus(t, kcm, "ha-etcd-etcd", pdbStatus{Expected: 2, Healthy: 2, Desired: 2, Allowed: 0})
	// The second would break the quorum.
	if diff := cmp.Diff(refused("ha-etcd-etcd", 2, 2), refusalOf(t, evict("etcd-1"))); diff != "" {
		t.Errorf("evicting etcd-1 with 2 of 3 left (-want +got):\n%s", diff)
	}
	// etcd of 5 with 3 members: none to spare (counting its pods, the
	// quorum would be 2 and one could go).
	if diff := cmp.Diff(refused("ha-etcd-etcd-events", 3, 3), refusalOf(t, evict("etcd-events-0"))); diff != "" {
		t.Errorf("evicting etcd-events-0 (3 of 5 members) (-want +got):\n%s", diff)
	}
	// A replica that is not Ready is not available: evicting it takes
	// nothing (unhealthyPodEvictionPolicy AlwaysAllow; the default,
	// IfHealthyBudget, would refuse while the budget is below its minimum).
	if err := evict("ha-sched-5d-a"); err != nil {
		t.Errorf("evicting ha-sched-5d-a (not Ready): %v", err)
	}
	for name, want := range map[string]bool{"etcd-0": false, "etcd-1": true, "etcd-2": true, "etcd-events-0": true, "ha-sched-5d-a": false, "ha-sched-5d-b": true} {
		if got := cluster.PodExists(t, "kube-system", name); got != want {
			t.Errorf("pod %s exists: %v, want %v", name, got, want)
		}
	}
}
