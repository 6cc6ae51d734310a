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
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

func withRegion(n harness.NodeSpec) harness.NodeSpec {
	n.Labels[policy.LabelRegion] = "region-1"
	return n
}

func findingsByID(r v1alpha1.Report) map[string][]v1alpha1.Finding {
	out := map[string][]v1alpha1.Finding{}
	for _, f := range r.Findings {
		out[f.ID] = append(out[f.ID], f)
	}
	return out
}

// Placements made by hand (spec.nodeName) that break the rules: the checker
// fails and names each.
func TestCheckerFailsHandMadeBadPlacements(t *testing.T) {
	cluster.Reset(t)
	for _, n := range []harness.NodeSpec{
		// Two control-plane VMs on one hypervisor in one zone, no region.
		controlPlaneNode("cp-1", "zone-a", "hyper-a"),
		controlPlaneNode("cp-2", "zone-a", "hyper-a"),
		workerNode("worker-1", "zone-b", "hyper-b"),
	} {
		cluster.CreateNode(t, n)
	}
	// Ready, as the kubelet would report them: the checker counts only
	// available replicas.
	placed := func(p *v1.Pod, node string) {
		p.Spec.NodeName = node
		cluster.CreatePod(t, p)
		cluster.SetReady(t, p.Namespace, p.Name, true)
	}
	placed(componentPod("kube-scheduler-0", map[string]string{"component": "kube-scheduler"}), "cp-1")
	placed(componentPod("etcd-0", map[string]string{"component": "etcd"}), "cp-1")
	placed(componentPod("etcd-1", map[string]string{"component": "etcd"}), "cp-2")
	placed(componentPod("etcd-2", map[string]string{"component": "etcd"}), "cp-2")
	placed(pod("shop", "web-on-master", map[string]string{"app": "web"}), "cp-1")

	code, report := runCheckerArgs(t)
	if code != 2 || report.Verdict != v1alpha1.VerdictFail {
		t.Fatalf("exit %d, verdict %s; want 2 and FAIL", code, report.Verdict)
	}
	got := findingsByID(report)
	for id, subject := range map[string]string{
		v1alpha1.IDLabelsMissing:              "",
		v1alpha1.IDControlPlaneNotDistributed: "",
		v1alpha1.IDEvenControlPlaneCount:      "",
		v1alpha1.IDUserWorkloadOnControlPlane: "shop/web-on-master",
		v1alpha1.IDTooFewReplicas:             "kube-system/kube-scheduler",
		v1alpha1.IDHostLosesComponent:         "kube-system/etcd",
	} {
		fs, ok := got[id]
		if !ok {
			t.Errorf("finding %s missing; findings: %+v", id, report.Findings)
			continue
		}
		named := subject == ""
		for _, f := range fs {
			named = named || contains(f.Subjects, subject) || strings.Contains(f.Message, subject)
		}
		if !named {
			t.Errorf("no finding %s names %s: %+v", id, subject, fs)
		}
	}
}

// The same components placed by ha-scheduler on a well-labelled cluster
// pass.
func TestCheckerPassesHASchedulerPlacements(t *testing.T) {
	nodes := []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(controlPlaneNode("cp-b", "zone-b", "hyper-b")),
		withRegion(controlPlaneNode("cp-c", "zone-c", "hyper-c")),
		withRegion(workerNode("worker-a", "zone-a", "hyper-d")),
		withRegion(workerNode("worker-b", "zone-b", "hyper-e")),
		withRegion(workerNode("worker-c", "zone-c", "hyper-f")),
	}
	startSecondary(t, nodes...)
	var pods []*v1.Pod
	pods = append(pods, replicas(2, "kube-scheduler", map[string]string{"component": "kube-scheduler"})...)
	pods = append(pods, replicas(2, "kube-controller-manager", map[string]string{"component": "kube-controller-manager"})...)
	pods = append(pods, replicas(3, "etcd", map[string]string{"component": "etcd"})...)
	for i := 0; i < 3; i++ {
		pods = append(pods, pod("shop", fmt.Sprintf("web-%d", i), map[string]string{"app": "web"}))
	}
	placeAll(t, pods...)
	for _, p := range pods {
		cluster.SetReady(t, p.Namespace, p.Name, true)
	}
	for _, c := range []string{"kube-scheduler", "kube-controller-manager", "etcd"} {
		cluster.CreatePDB(t, "kube-system", c, map[string]string{"component": c}, 1, 2, 1)
	}

	code, report := runCheckerArgs(t)
	if code != 0 || report.Verdict != v1alpha1.VerdictPass {
		t.Fatalf("exit %d, verdict %s; want 0 and PASS; findings: %+v", code, report.Verdict, report.Findings)
	}
	if !report.NodeDistribution.Pass {
		t.Errorf("node distribution did not pass: %+v", report.NodeDistribution)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// threeZones is a control plane of three nodes, one per zone and host.
func threeZones(t *testing.T) {
	t.Helper()
	cluster.Reset(t)
	for _, n := range []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(controlPlaneNode("cp-b", "zone-b", "hyper-b")),
		withRegion(controlPlaneNode("cp-c", "zone-c", "hyper-c")),
	} {
		cluster.CreateNode(t, n)
	}
}

// A StatefulSet-owned etcd of five with three members Ready, one per zone,
// and two pending: every zone's failure would leave two of five, which the
// checker reports as a quorum loss naming the group, with the group's
// desired size and available replicas in its row.
func TestCheckerStatefulSetQuorumUsesDesiredSize(t *testing.T) {
	threeZones(t)
	labels := map[string]string{"app": "etcd", "cluster": "main"}
	sts := cluster.CreateStatefulSet(t, "kube-system", "etcd", 5, labels)
	for i, node := range []string{"cp-a", "cp-b", "cp-c", "", ""} {
		p := componentPod(fmt.Sprintf("etcd-%d", i), labels)
		p = harness.OwnedBy(p, sts)
		// No scheduler runs in this test: the two without a node stay
		// pending.
		p.Spec.NodeName = node
		cluster.CreatePod(t, p)
		if node != "" {
			cluster.SetReady(t, p.Namespace, p.Name, true)
		}
	}
	cluster.CreatePDB(t, "kube-system", "etcd", labels, 1, 3, 0)

	code, report := runCheckerArgs(t)
	if code != 2 || report.Verdict != v1alpha1.VerdictFail {
		t.Fatalf("exit %d, verdict %s; want 2 and FAIL; findings: %+v", code, report.Verdict, report.Findings)
	}
	const group = "kube-system/etcd (StatefulSet etcd)"
	var want []v1alpha1.Finding
	for _, z := range []string{"zone-a", "zone-b", "zone-c"} {
		want = append(want, v1alpha1.Finding{
			ID: v1alpha1.IDZoneLosesQuorum, Severity: v1alpha1.SeverityFail,
			Message:  fmt.Sprintf("if zone %q failed, %s would keep 2 of 5 members (3 available now) and lose its quorum (needs 3)", z, group),
			Subjects: []string{z, group},
		})
	}
	if diff := cmp.Diff(want, findingsByID(report)[v1alpha1.IDZoneLosesQuorum]); diff != "" {
		t.Errorf("zone quorum findings (-want +got):\n%s", diff)
	}
	wantNow := []v1alpha1.Finding{{
		ID: v1alpha1.IDTooFewAvailable, Severity: v1alpha1.SeverityFail,
		Message:  group + " has 3 of 5 replicas available now, exactly the 3 (quorum) it must keep: it cannot lose another one; not available: 2 pending",
		Subjects: []string{group, "kube-system/etcd-3", "kube-system/etcd-4"},
	}}
	if diff := cmp.Diff(wantNow, findingsByID(report)[v1alpha1.IDTooFewAvailable]); diff != "" {
		t.Errorf("too-few-available findings (-want +got):\n%s", diff)
	}
	wantRow := v1alpha1.ComponentReplica{
		Group: group, Component: "etcd", Owner: "StatefulSet etcd", NodeRole: "ControlPlane",
		Spread: string(policy.SpreadRequired), DisruptionControlled: true, Quorum: true,
		Desired: 5, Replicas: 5, Placed: 3, Available: 3, MinAvailable: 3,
		PerZone: map[string]int{"zone-a": 1, "zone-b": 1, "zone-c": 1},
		PerHost: map[string]int{"hyper-a": 1, "hyper-b": 1, "hyper-c": 1},
	}
	var rows []v1alpha1.ComponentReplica
	for _, r := range report.Replicas {
		if r.Group == group {
			rows = append(rows, r)
		}
	}
	if diff := cmp.Diff([]v1alpha1.ComponentReplica{wantRow}, rows); diff != "" {
		t.Errorf("replica row (-want +got):\n%s", diff)
	}
}

// A PodDisruptionBudget with `selector: {}` protects every pod of its
// namespace (policy/v1); one without a selector protects none.
func TestCheckerNamespaceWidePDB(t *testing.T) {
	threeZones(t)
	for i, node := range []string{"cp-a", "cp-b", "cp-c"} {
		p := componentPod(fmt.Sprintf("kube-scheduler-%d", i), map[string]string{"component": "kube-scheduler"})
		p.Spec.NodeName = node
		cluster.CreatePod(t, p)
		cluster.SetReady(t, p.Namespace, p.Name, true)
	}
	setPDB := func(sel *metav1.LabelSelector) {
		t.Helper()
		ctx := context.Background()
		err := cluster.Client.PolicyV1().PodDisruptionBudgets("kube-system").Delete(ctx, "all", metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		_, err = cluster.Client.PolicyV1().PodDisruptionBudgets("kube-system").Create(ctx, &policyv1.PodDisruptionBudget{
			ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "all"},
			Spec:       policyv1.PodDisruptionBudgetSpec{MaxUnavailable: ptr.To(intstr.FromInt32(1)), Selector: sel},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
	}

	setPDB(&metav1.LabelSelector{})
	code, report := runCheckerArgs(t)
	if code != 0 || len(findingsByID(report)[v1alpha1.IDNoPDB]) != 0 {
		t.Errorf("with selector {}: exit %d, findings %+v; want 0 and no %s", code, report.Findings, v1alpha1.IDNoPDB)
	}

	setPDB(nil)
	code, report = runCheckerArgs(t)
	got := findingsByID(report)[v1alpha1.IDNoPDB]
	if code != 0 || len(got) != 1 || !contains(got[0].Subjects, "kube-system/kube-scheduler") {
		t.Errorf("with no selector: exit %d, findings %+v; want 0 and one %s for kube-system/kube-scheduler", code, report.Findings, v1alpha1.IDNoPDB)
	}
}
