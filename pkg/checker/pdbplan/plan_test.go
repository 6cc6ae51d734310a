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

package pdbplan

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// selectingSTS is a StatefulSet of replicas whose selector is sel.
func selectingSTS(name string, replicas int32, sel map[string]string) *appsv1.StatefulSet {
	s := fixture.StatefulSet("kube-system", name, replicas)
	s.Spec.Selector = &metav1.LabelSelector{MatchLabels: sel}
	return s
}

// stsMembers are the pods 0..n-1 of a StatefulSet, one per control-plane
// node in turn, with the labels given.
func stsMembers(sts string, n int, podLabels map[string]string, opts ...fixture.PodOpt) []*v1.Pod {
	nodes := []string{"cp-a", "cp-b", "cp-c"}
	var out []*v1.Pod
	for i := range n {
		o := append([]fixture.PodOpt{fixture.OwnedBy("StatefulSet", sts)}, opts...)
		out = append(out, fixture.Pod("kube-system", sts+"-"+string(rune('0'+i)), nodes[i%3], podLabels, o...))
	}
	return out
}

// noStaticEtcd is haCluster without its static etcd members.
func noStaticEtcd() fixture.Cluster {
	return fixture.HACluster().Without("etcd-cp-a", "etcd-cp-b", "etcd-cp-c")
}

// genPDB is a budget as Generate writes it.
func genPDB(name string, sel map[string]string, minAvailable int32) policyv1.PodDisruptionBudget {
	return policyv1.PodDisruptionBudget{
		TypeMeta: metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: metav1.ObjectMeta{
			Namespace: "kube-system", Name: name,
			Labels: map[string]string{"app.kubernetes.io/managed-by": "ha-check"},
		},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable:               ptr.To(intstr.FromInt32(minAvailable)),
			Selector:                   &metav1.LabelSelector{MatchLabels: sel},
			UnhealthyPodEvictionPolicy: ptr.To(policyv1.AlwaysAllow),
		},
	}
}

// budgetSpec is an existing budget with the spec edit gives it.
func budgetSpec(name string, sel map[string]string, edit func(*policyv1.PodDisruptionBudgetSpec)) *policyv1.PodDisruptionBudget {
	p := fixture.PDB("kube-system", name, sel)
	p.Spec.MinAvailable = nil
	edit(&p.Spec)
	return p
}

func minAvail(v intstr.IntOrString) func(*policyv1.PodDisruptionBudgetSpec) {
	return func(s *policyv1.PodDisruptionBudgetSpec) { s.MinAvailable = &v }
}

func maxUnavail(v intstr.IntOrString) func(*policyv1.PodDisruptionBudgetSpec) {
	return func(s *policyv1.PodDisruptionBudgetSpec) { s.MaxUnavailable = &v }
}

// staticSkips are the skips of haCluster's static control plane.
var staticSkips = []v1alpha1.SkippedGroup{
	{Group: "kube-system/etcd", Reason: staticReason},
	{Group: "kube-system/kube-controller-manager", Reason: staticReason},
	{Group: "kube-system/kube-scheduler", Reason: staticReason},
}

const staticReason = "static pods only: the kubelet owns them; kubectl drain skips mirror pods and deleting one stops nothing, so no budget can protect them or needs to"

func TestGeneratePDBs(t *testing.T) {
	main := fixture.Lbl("component", "etcd", "etcd-cluster", "main")
	events := fixture.Lbl("component", "etcd", "etcd-cluster", "events")
	etcd3 := noStaticEtcd().WithStatefulSet(selectingSTS("etcd", 3, main), stsMembers("etcd", 3, main)...)
	staticEtcdSkipped := []v1alpha1.SkippedGroup{staticSkips[1], staticSkips[2]}

	// kube-scheduler as a Deployment, its ReplicaSet's selector and pods
	// carrying pod-template-hash as the Deployment controller sets them.
	schedRS := fixture.ReplicaSet("kube-system", "ha-sched-5d", 2, "ha-sched", 2)
	schedLabels := fixture.Lbl("component", "kube-scheduler", "app", "ha-sched", "pod-template-hash", "5d")
	schedRS.Spec.Selector = &metav1.LabelSelector{MatchLabels: fixture.Lbl("app", "ha-sched", "pod-template-hash", "5d")}
	sched := func(c fixture.Cluster, podLabels map[string]string) fixture.Cluster {
		c = c.With(
			fixture.Pod("kube-system", "ha-sched-5d-x", "cp-a", podLabels, fixture.OwnedBy("ReplicaSet", "ha-sched-5d")),
			fixture.Pod("kube-system", "ha-sched-5d-y", "cp-b", podLabels, fixture.OwnedBy("ReplicaSet", "ha-sched-5d")),
		)
		c.ReplicaSets = append(slices.Clone(c.ReplicaSets), schedRS)
		return c
	}

	mine := genPDB("ha-etcd", main, 2)
	minePtr := func(edit func(*policyv1.PodDisruptionBudget)) *policyv1.PodDisruptionBudget {
		p := mine.DeepCopy()
		p.Spec.MinAvailable = ptr.To(intstr.FromInt32(1)) // stale: generated when etcd had 1 member
		edit(p)
		return p
	}

	tests := []struct {
		name    string
		policy  *policy.Policy
		cluster fixture.Cluster
		want    v1alpha1.PDBPlan
	}{
		{
			name:    "kubeadm: static pods only, nothing to generate",
			cluster: fixture.HACluster(),
			want:    v1alpha1.PDBPlan{Skipped: staticSkips},
		},
		{
			// etcd's component matches component=etcd or app=etcd, which no
			// label selector says: the StatefulSet's selector does.
			name:    "etcd StatefulSet of 3: its selector, minAvailable the quorum 2",
			cluster: etcd3,
			want: v1alpha1.PDBPlan{
				PDBs:    []v1alpha1.GeneratedPDB{{Group: "kube-system/etcd (StatefulSet etcd)", PodDisruptionBudget: genPDB("ha-etcd", main, 2)}},
				Skipped: staticEtcdSkipped,
			},
		},
		{
			name:    "etcd StatefulSet of 5 with 3 members: the quorum of 5",
			cluster: noStaticEtcd().WithStatefulSet(selectingSTS("etcd", 5, main), stsMembers("etcd", 3, main)...),
			want: v1alpha1.PDBPlan{
				PDBs:    []v1alpha1.GeneratedPDB{{Group: "kube-system/etcd (StatefulSet etcd)", PodDisruptionBudget: genPDB("ha-etcd", main, 3)}},
				Skipped: staticEtcdSkipped,
			},
		},
		{
			name: "a terminating member is still one: the selector keeps it",
			cluster: noStaticEtcd().WithStatefulSet(selectingSTS("etcd", 3, main),
				append(stsMembers("etcd", 2, main), stsMembers("etcd", 3, main, func(p *v1.Pod) { p.DeletionTimestamp = &metav1.Time{} })[2])...),
			want: v1alpha1.PDBPlan{
				PDBs:    []v1alpha1.GeneratedPDB{{Group: "kube-system/etcd (StatefulSet etcd)", PodDisruptionBudget: genPDB("ha-etcd", main, 2)}},
				Skipped: staticEtcdSkipped,
			},
		},
		{
			name: "two etcd clusters in one namespace: one budget each, named by owner",
			cluster: etcd3.WithStatefulSet(selectingSTS("etcd-events", 5, events), stsMembers("etcd-events", 5, events)...).
				WithStatefulSet(selectingSTS("etcd-x", 3, events), stsMembers("etcd-x", 0, events)...),
			want: v1alpha1.PDBPlan{
				PDBs:    []v1alpha1.GeneratedPDB{{Group: "kube-system/etcd (StatefulSet etcd)", PodDisruptionBudget: genPDB("ha-etcd-etcd", main, 2)}, {Group: "kube-system/etcd (StatefulSet etcd-events)", PodDisruptionBudget: genPDB("ha-etcd-etcd-events", events, 3)}},
				Skipped: staticEtcdSkipped,
			},
		},
		{
			name:    "static etcd beside an events StatefulSet: the static group is skipped, the name has the owner",
			cluster: fixture.HACluster().WithStatefulSet(selectingSTS("etcd-events", 3, events), stsMembers("etcd-events", 3, events)...),
			want: v1alpha1.PDBPlan{
				PDBs:    []v1alpha1.GeneratedPDB{{Group: "kube-system/etcd (StatefulSet etcd-events)", PodDisruptionBudget: genPDB("ha-etcd-etcd-events", events, 2)}},
				Skipped: staticSkips,
			},
		},
		{
			name:    "kube-scheduler Deployment in place of the static ones: the component's selector",
			cluster: sched(fixture.HACluster().Without("kube-scheduler-cp-a", "kube-scheduler-cp-b", "kube-scheduler-cp-c"), schedLabels),
			want: v1alpha1.PDBPlan{
				PDBs:    []v1alpha1.GeneratedPDB{{Group: "kube-system/kube-scheduler (Deployment ha-sched)", PodDisruptionBudget: genPDB("ha-kube-scheduler", fixture.Lbl("component", "kube-scheduler"), 1)}},
				Skipped: staticSkips[:2],
			},
		},
		{
			// component=kube-scheduler takes in the static ones too; the
			// ReplicaSet's selector less pod-template-hash does not.
			name:    "kube-scheduler Deployment beside the static ones: the Deployment's selector",
			cluster: sched(fixture.HACluster(), schedLabels),
			want: v1alpha1.PDBPlan{
				PDBs:    []v1alpha1.GeneratedPDB{{Group: "kube-system/kube-scheduler (Deployment ha-sched)", PodDisruptionBudget: genPDB("ha-kube-scheduler-ha-sched", fixture.Lbl("app", "ha-sched"), 1)}},
				Skipped: staticSkips,
			},
		},
		{
			name: "no exact selector: skipped, saying what each candidate selects",
			cluster: func() fixture.Cluster {
				c := sched(fixture.HACluster(), fixture.Lbl("component", "kube-scheduler", "pod-template-hash", "5d"))
				rs := schedRS.DeepCopy()
				rs.Spec.Selector = &metav1.LabelSelector{MatchLabels: fixture.Lbl("component", "kube-scheduler", "pod-template-hash", "5d")}
				c.ReplicaSets = []*appsv1.ReplicaSet{rs}
				return c
			}(),
			want: v1alpha1.PDBPlan{Skipped: []v1alpha1.SkippedGroup{
				staticSkips[0], staticSkips[1], staticSkips[2],
				{
					Group: "kube-system/kube-scheduler (Deployment ha-sched)",
					Reason: `no label selector selects exactly its pods: the component's selector "component=kube-scheduler" also selects ` +
						"kube-system/kube-scheduler-cp-a, kube-system/kube-scheduler-cp-b, kube-system/kube-scheduler-cp-c; give its pods a label of their own",
				},
			}},
		},
		{
			name:    "an administrator's budget that keeps the quorum: none generated",
			cluster: etcd3.WithPDBs(budgetSpec("etcd-quorum", main, maxUnavail(intstr.FromInt32(1)))),
			want: v1alpha1.PDBPlan{Skipped: []v1alpha1.SkippedGroup{
				{
					Group: "kube-system/etcd (StatefulSet etcd)",
					Reason: "its pods are selected by PodDisruptionBudget kube-system/etcd-quorum (maxUnavailable: 1), which keeps the policy's minimum; " +
						"a second budget over the same pods would make every eviction of them fail, so ha-check generates none",
				},
				staticSkips[1], staticSkips[2],
			}},
		},
		{
			name:    "an administrator's budget weaker than the policy: none generated, the reason says what to change",
			cluster: etcd3.WithPDBs(budgetSpec("etcd", fixture.Lbl("etcd-cluster", "main"), maxUnavail(intstr.FromString("50%")))),
			want: v1alpha1.PDBPlan{Skipped: []v1alpha1.SkippedGroup{
				{
					Group: "kube-system/etcd (StatefulSet etcd)",
					Reason: "its pods are selected by PodDisruptionBudget kube-system/etcd (maxUnavailable: 50%), which lets evictions leave 1 of the 2 it must keep (disruption.pdb-weaker-than-policy): " +
						"give that budget minAvailable: 2, or delete it and apply ha-etcd; a second budget over the same pods would make every eviction of them fail, so ha-check generates none",
				},
				staticSkips[1], staticSkips[2],
			}},
		},
		{
			name: "ha-check's own budgets: the current one regenerated, one no group needs obsolete",
			cluster: etcd3.WithPDBs(
				minePtr(func(*policyv1.PodDisruptionBudget) {}),
				minePtr(func(p *policyv1.PodDisruptionBudget) { p.Name = "ha-etcd-old" }),
			),
			want: v1alpha1.PDBPlan{
				PDBs:     []v1alpha1.GeneratedPDB{{Group: "kube-system/etcd (StatefulSet etcd)", PodDisruptionBudget: genPDB("ha-etcd", main, 2)}},
				Skipped:  staticEtcdSkipped,
				Obsolete: []string{"kube-system/ha-etcd-old"},
			},
		},
		{
			name:    "an administrator's budget of the generated name over other pods is not replaced",
			cluster: etcd3.WithPDBs(fixture.PDB("kube-system", "ha-etcd", fixture.Lbl("app", "other"))),
			want: v1alpha1.PDBPlan{Skipped: []v1alpha1.SkippedGroup{
				{
					Group:  "kube-system/etcd (StatefulSet etcd)",
					Reason: "its budget would be kube-system/ha-etcd, but a PodDisruptionBudget of that name that ha-check did not generate exists, and applying would replace it",
				},
				staticSkips[1], staticSkips[2],
			}},
		},
		{
			name: "a component of minAvailable 2 matched by one selector",
			policy: func() *policy.Policy {
				p := policy.Default()
				p.Components = append([]policy.Component{policy.CompileComponent(policy.ComponentSpec{
					Name: "ingress", MatchLabels: []map[string]string{{"app": "ingress"}},
					Rule: policy.Rule{Placement: policy.PlaceAny, Spread: policy.SpreadPreferred, Disruption: policy.Disruption{MinAvailable: 2}},
				})}, p.Components...)
				return p
			}(),
			cluster: fixture.HACluster().With(
				fixture.Pod("kube-system", "ingress-1", "w-a", fixture.Lbl("app", "ingress", "pod-template-hash", "7c"), fixture.OwnedBy("ReplicaSet", "ingress-7c")),
				fixture.Pod("kube-system", "ingress-2", "w-b", fixture.Lbl("app", "ingress", "pod-template-hash", "7c"), fixture.OwnedBy("ReplicaSet", "ingress-7c")),
				fixture.Pod("kube-system", "ingress-3", "w-c", fixture.Lbl("app", "ingress", "pod-template-hash", "7c"), fixture.OwnedBy("ReplicaSet", "ingress-7c")),
			),
			want: v1alpha1.PDBPlan{
				PDBs:    []v1alpha1.GeneratedPDB{{Group: "kube-system/ingress (Deployment ingress)", PodDisruptionBudget: genPDB("ha-ingress", fixture.Lbl("app", "ingress"), 2)}},
				Skipped: staticSkips,
			},
		},
		// The policy may make other groups disruption-controlled: the
		// guard protects them from preemption, so the plan gives them
		// their budget against drains too (review 2026-12-06).
		{
			name: "otherTrustedPods keep one available: a Deployment of kube-system that is no component",
			policy: func() *policy.Policy {
				p := policy.Default()
				p.OtherTrusted.Disruption = policy.Disruption{MinAvailable: 1}
				return p
			}(),
			cluster: fixture.HACluster().With(
				fixture.Pod("kube-system", "metrics-server-1", "w-a", fixture.Lbl("k8s-app", "metrics-server", "pod-template-hash", "7c"), fixture.OwnedBy("ReplicaSet", "metrics-server-7c")),
				fixture.Pod("kube-system", "metrics-server-2", "w-b", fixture.Lbl("k8s-app", "metrics-server", "pod-template-hash", "7c"), fixture.OwnedBy("ReplicaSet", "metrics-server-7c")),
			),
			want: v1alpha1.PDBPlan{
				PDBs:    []v1alpha1.GeneratedPDB{{Group: "kube-system/Deployment/metrics-server", PodDisruptionBudget: genPDB("ha-metrics-server", fixture.Lbl("k8s-app", "metrics-server"), 1)}},
				Skipped: staticSkips,
			},
		},
		{
			name: "userWorkloads keep one available: each workload its budget, one already has its own",
			policy: func() *policy.Policy {
				p := policy.Default()
				p.UserWorkloads.Disruption = policy.Disruption{MinAvailable: 1}
				return p
			}(),
			// haCluster's shop/web has a PDB already; shop/api has none.
			cluster: fixture.HACluster().With(
				fixture.Pod("shop", "api-1", "w-a", fixture.Lbl("app", "api", "pod-template-hash", "5d"), fixture.OwnedBy("ReplicaSet", "api-5d")),
				fixture.Pod("shop", "api-2", "w-b", fixture.Lbl("app", "api", "pod-template-hash", "5d"), fixture.OwnedBy("ReplicaSet", "api-5d")),
			),
			want: v1alpha1.PDBPlan{
				PDBs: []v1alpha1.GeneratedPDB{{Group: "shop/Deployment/api", PodDisruptionBudget: func() policyv1.PodDisruptionBudget {
					b := genPDB("ha-api", fixture.Lbl("app", "api"), 1)
					b.Namespace = "shop"
					return b
				}()}},
				Skipped: append(slices.Clone(staticSkips), v1alpha1.SkippedGroup{
					Group:  "shop/Deployment/web",
					Reason: "its pods are selected by PodDisruptionBudget shop/web (minAvailable: 1), which keeps the policy's minimum; a second budget over the same pods would make every eviction of them fail, so ha-check generates none",
				}),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := generatePDBs(tc.policy, tc.cluster)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
			for _, p := range budgetsOf(got) {
				if errs := validation.IsDNS1123Subdomain(p.Name); len(errs) > 0 {
					t.Errorf("name %q: %v", p.Name, errs)
				}
			}
		})
	}
}

// A budget weaker than the policy is reported with both numbers:
// minAvailable and maxUnavailable, integers and percentages of the group's
// desired size (rounded up as upstream does), pods it selects outside the
// group counted as healthy.
func TestPDBWeakerThanPolicy(t *testing.T) {
	const etcd = "kube-system/etcd (StatefulSet etcd)"
	main := fixture.Lbl("component", "etcd", "etcd-cluster", "main")
	sel := fixture.Lbl("etcd-cluster", "main")
	etcdOf := func(replicas int32, members int) fixture.Cluster {
		return noStaticEtcd().WithStatefulSet(selectingSTS("etcd", replicas, main), stsMembers("etcd", members, main)...)
	}
	weaker := func(group, pdb, msg string) []v1alpha1.Finding {
		return []v1alpha1.Finding{{ID: v1alpha1.IDPDBWeakerThanPolicy, Severity: v1alpha1.SeverityWarn, Message: msg, Subjects: []string{group, pdb}}}
	}
	bare := noStaticEtcd().With(
		fixture.Pod("kube-system", "etcd-a", "cp-a", main), fixture.Pod("kube-system", "etcd-b", "cp-b", main), fixture.Pod("kube-system", "etcd-c", "cp-c", main))

	tests := []struct {
		name    string
		cluster fixture.Cluster
		want    []v1alpha1.Finding
	}{
		{name: "minAvailable 2 of 3 keeps the quorum", cluster: etcdOf(3, 3).WithPDBs(budgetSpec("b", sel, minAvail(intstr.FromInt32(2))))},
		{
			name:    "minAvailable 1 of 3",
			cluster: etcdOf(3, 3).WithPDBs(budgetSpec("b", sel, minAvail(intstr.FromInt32(1)))),
			want: weaker(etcd, "kube-system/b",
				"kube-system/etcd (StatefulSet etcd) must keep 2 (quorum) of its 3 replicas available, but PodDisruptionBudget kube-system/b (minAvailable: 1) lets evictions leave 1: a drain can take it below its minimum; give the budget minAvailable: 2 (ha-check pdbs)"),
		},
		{name: "maxUnavailable 1 of 3", cluster: etcdOf(3, 3).WithPDBs(budgetSpec("b", sel, maxUnavail(intstr.FromInt32(1))))},
		{
			name:    "maxUnavailable 2 of 5 with 3 members: the desired size counts",
			cluster: etcdOf(5, 3).WithPDBs(budgetSpec("b", sel, maxUnavail(intstr.FromInt32(2)))),
		},
		{
			name:    "minAvailable 2 of 5 with 3 members: the quorum is of 5",
			cluster: etcdOf(5, 3).WithPDBs(budgetSpec("b", sel, minAvail(intstr.FromInt32(2)))),
			want: weaker(etcd, "kube-system/b",
				"kube-system/etcd (StatefulSet etcd) must keep 3 (quorum) of its 5 replicas available, but PodDisruptionBudget kube-system/b (minAvailable: 2) lets evictions leave 2: a drain can take it below its minimum; give the budget minAvailable: 3 (ha-check pdbs)"),
		},
		{name: "minAvailable 50% of 3 rounds up to 2", cluster: etcdOf(3, 3).WithPDBs(budgetSpec("b", sel, minAvail(intstr.FromString("50%"))))},
		{
			name:    "minAvailable 50% of 4 is 2, the quorum 3",
			cluster: etcdOf(4, 4).WithPDBs(budgetSpec("b", sel, minAvail(intstr.FromString("50%")))),
			want: weaker(etcd, "kube-system/b",
				"kube-system/etcd (StatefulSet etcd) must keep 3 (quorum) of its 4 replicas available, but PodDisruptionBudget kube-system/b (minAvailable: 50%) lets evictions leave 2: a drain can take it below its minimum; give the budget minAvailable: 3 (ha-check pdbs)"),
		},
		{name: "minAvailable 51% of 4 rounds up to 3", cluster: etcdOf(4, 4).WithPDBs(budgetSpec("b", sel, minAvail(intstr.FromString("51%"))))},
		{
			name:    "maxUnavailable 50% of 3 rounds up to 2 unavailable",
			cluster: etcdOf(3, 3).WithPDBs(budgetSpec("b", sel, maxUnavail(intstr.FromString("50%")))),
			want: weaker(etcd, "kube-system/b",
				"kube-system/etcd (StatefulSet etcd) must keep 2 (quorum) of its 3 replicas available, but PodDisruptionBudget kube-system/b (maxUnavailable: 50%) lets evictions leave 1: a drain can take it below its minimum; give the budget minAvailable: 2 (ha-check pdbs)"),
		},
		{
			name:    "neither field: it keeps nothing",
			cluster: etcdOf(3, 3).WithPDBs(budgetSpec("b", sel, func(*policyv1.PodDisruptionBudgetSpec) {})),
			want: weaker(etcd, "kube-system/b",
				"kube-system/etcd (StatefulSet etcd) must keep 2 (quorum) of its 3 replicas available, but PodDisruptionBudget kube-system/b (neither minAvailable nor maxUnavailable) lets evictions leave 0: a drain can take it below its minimum; give the budget minAvailable: 2 (ha-check pdbs)"),
		},
		{
			// The other pods of kube-system may be the healthy ones it counts.
			name: "selector {} over the namespace: the other pods stand in for the group's",
			cluster: etcdOf(3, 3).WithPDBs(func() *policyv1.PodDisruptionBudget {
				p := budgetSpec("all", nil, minAvail(intstr.FromInt32(4)))
				p.Spec.Selector = &metav1.LabelSelector{}
				return p
			}()),
			want: weaker(etcd, "kube-system/all",
				"kube-system/etcd (StatefulSet etcd) must keep 2 (quorum) of its 3 replicas available, but PodDisruptionBudget kube-system/all (minAvailable: 4, also selecting 17 pods outside the group) lets evictions leave 0: a drain can take it below its minimum; give the budget minAvailable: 2 (ha-check pdbs)"),
		},
		{
			name: "maxUnavailable 1 over the namespace still leaves at most one out",
			cluster: etcdOf(3, 3).WithPDBs(func() *policyv1.PodDisruptionBudget {
				p := budgetSpec("all", nil, maxUnavail(intstr.FromInt32(1)))
				p.Spec.Selector = &metav1.LabelSelector{}
				return p
			}()),
		},
		{
			// Upstream counts the expected pods of maxUnavailable by their
			// controllers; bare pods have none.
			name:    "maxUnavailable 1 over bare pods keeps none",
			cluster: bare.WithPDBs(budgetSpec("b", sel, maxUnavail(intstr.FromInt32(1)))),
			want: weaker("kube-system/etcd", "kube-system/b",
				"kube-system/etcd must keep 2 (quorum) of its 3 replicas available, but PodDisruptionBudget kube-system/b (maxUnavailable: 1) lets evictions leave 0: a drain can take it below its minimum; give the budget minAvailable: 2 (ha-check pdbs)"),
		},
		{name: "minAvailable 2 over bare pods", cluster: bare.WithPDBs(budgetSpec("b", sel, minAvail(intstr.FromInt32(2))))},
		{
			name:    "a budget over static pods only: nothing to evict, nothing to say",
			cluster: fixture.HACluster().WithPDBs(budgetSpec("b", fixture.Lbl("component", "etcd"), minAvail(intstr.FromInt32(1)))),
		},
		{
			name:    "a budget of another namespace",
			cluster: etcdOf(3, 3).WithPDBs(func() *policyv1.PodDisruptionBudget { p := fixture.PDB("shop", "b", sel); return p }()),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := analyze(nil, tc.cluster, audit.Options{})
			var got []v1alpha1.Finding
			for _, f := range r.Findings {
				if f.ID == v1alpha1.IDPDBWeakerThanPolicy {
					got = append(got, f)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// The budgets GeneratePDBs writes are never weaker than the policy, and
// once applied, the group gets no disruption.no-pdb either.
func TestGeneratedPDBsKeepThePolicy(t *testing.T) {
	main := fixture.Lbl("component", "etcd", "etcd-cluster", "main")
	events := fixture.Lbl("component", "etcd", "etcd-cluster", "events")
	for _, replicas := range []int32{3, 4, 5, 7} {
		c := fixture.HACluster().
			WithStatefulSet(selectingSTS("etcd-main", replicas, main), stsMembers("etcd-main", int(replicas), main)...).
			WithStatefulSet(selectingSTS("etcd-events", replicas+2, events), stsMembers("etcd-events", int(replicas), events)...)
		plan := generatePDBs(nil, c)
		if len(plan.PDBs) != 2 {
			t.Fatalf("%d replicas: %d budgets, want 2: %+v", replicas, len(plan.PDBs), plan)
		}
		for _, p := range budgetsOf(plan) {
			c.PDBs = append(c.PDBs, &p)
		}
		for _, f := range analyze(nil, c, audit.Options{}).Findings {
			if f.ID == v1alpha1.IDPDBWeakerThanPolicy || f.ID == v1alpha1.IDNoPDB {
				t.Errorf("%d replicas: %s %s", replicas, f.ID, f.Message)
			}
		}
		if again := generatePDBs(nil, c); !cmp.Equal(plan, again) {
			t.Errorf("%d replicas: generating again with the budgets applied changes the plan:\n%s", replicas, cmp.Diff(plan, again))
		}
	}
}

func TestPDBNames(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ha-etcd", "ha-etcd"},
		{"ha-etcd-etcd-events", "ha-etcd-etcd-events"},
		{"ha-vault.example.com", "ha-vault.example.com"},
		{"ha-Vault_x", "ha-vault-x-0ad301d0"},
		{"ha-a-." + strings.Repeat("b", 10), "ha-a--bbbbbbbbbb-cf13112f"},
		{"ha-" + strings.Repeat("x", 260), "ha-" + strings.Repeat("x", 241) + "-ac5d210d"},
	}
	for _, tc := range tests {
		got := dnsSubdomain(tc.in)
		if got != tc.want {
			t.Errorf("dnsSubdomain(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if errs := validation.IsDNS1123Subdomain(got); len(errs) > 0 {
			t.Errorf("dnsSubdomain(%q) = %q: %v", tc.in, got, errs)
		}
	}
}

// Budget names are unique in a namespace even where the rule that makes
// them meets itself: component "etcd" with StatefulSet "events" and a
// component named "etcd-events" both make "ha-etcd-events" (review
// 2026-12-06); applying two documents of one name keeps only the second.
// Each of the two gets a hash of its group's key; the other names stay.
func TestGeneratedPDBNamesAreUnique(t *testing.T) {
	p := policy.Default()
	p.Components = append([]policy.Component{policy.CompileComponent(policy.ComponentSpec{
		Name: "etcd-events", MatchLabels: []map[string]string{{"app": "etcd-events"}},
		Rule: policy.Rule{Placement: policy.PlaceControlPlane, Spread: policy.SpreadRequired, Disruption: policy.Disruption{Quorum: true}},
	})}, p.Components...)
	main := fixture.Lbl("component", "etcd", "etcd-cluster", "main")
	events := fixture.Lbl("component", "etcd", "etcd-cluster", "events")
	ee := fixture.Lbl("app", "etcd-events")
	c := noStaticEtcd().
		WithStatefulSet(selectingSTS("main", 3, main), stsMembers("main", 3, main)...).
		WithStatefulSet(selectingSTS("events", 3, events), stsMembers("events", 3, events)...).
		WithStatefulSet(selectingSTS("ee", 3, ee), stsMembers("ee", 3, ee)...)
	got := map[string]string{}
	for _, g := range generatePDBs(p, c).PDBs {
		key := g.PodDisruptionBudget.Namespace + "/" + g.PodDisruptionBudget.Name
		if other, ok := got[key]; ok {
			t.Errorf("PodDisruptionBudget %s is generated twice: for %s and for %s", key, other, g.Group)
		}
		got[key] = g.Group
	}
	want := map[string]string{
		"kube-system/ha-etcd-main": "kube-system/etcd (StatefulSet main)",
		"kube-system/" + withHash("ha-etcd-events", "kube-system/etcd (StatefulSet events)"):    "kube-system/etcd (StatefulSet events)",
		"kube-system/" + withHash("ha-etcd-events", "kube-system/etcd-events (StatefulSet ee)"): "kube-system/etcd-events (StatefulSet ee)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("budget names (-want +got):\n%s", diff)
	}
}

// Owners of different kinds that share a name get their kind in the name.
func TestPDBNamesOfOwnersSharingAName(t *testing.T) {
	c := fixture.HACluster().Without("etcd-cp-a", "etcd-cp-b", "etcd-cp-c").With(
		fixture.Pod("kube-system", "etcd-s", "cp-a", fixture.Lbl("component", "etcd", "kind", "sts"), fixture.OwnedBy("StatefulSet", "etcd")),
		fixture.Pod("kube-system", "etcd-r", "cp-b", fixture.Lbl("component", "etcd", "kind", "rs"), fixture.OwnedBy("ReplicaSet", "etcd")),
	)
	var names []string
	for _, p := range budgetsOf(generatePDBs(nil, c)) {
		names = append(names, p.Name)
	}
	if want := []string{"ha-etcd-replicaset-etcd", "ha-etcd-statefulset-etcd"}; !slices.Equal(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
}

// The YAML applies as it is: kind and apiVersion, no status, no
// creationTimestamp, and a comment per skipped group and obsolete budget.
func TestWritePDBsYAML(t *testing.T) {
	plan := v1alpha1.PDBPlan{
		PDBs:     []v1alpha1.GeneratedPDB{{Group: "kube-system/etcd (StatefulSet etcd)", PodDisruptionBudget: genPDB("ha-etcd", fixture.Lbl("etcd-cluster", "main"), 2)}},
		Skipped:  []v1alpha1.SkippedGroup{{Group: "kube-system/kube-scheduler", Reason: "static pods only"}},
		Obsolete: []string{"kube-system/ha-etcd-old"},
	}
	var buf bytes.Buffer
	if err := writePDBsYAML(&buf, plan); err != nil {
		t.Fatal(err)
	}
	want := `# PodDisruptionBudgets that give the disruption-controlled groups the
# policy's minimum against evictions (kubectl drain). Generated by ha-check.
# Skipped kube-system/kube-scheduler: static pods only.
# Obsolete: kube-system/ha-etcd-old was generated by ha-check and is no longer: kubectl delete pdb -n kube-system ha-etcd-old
---
# kube-system/etcd (StatefulSet etcd): keep 2 available
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  labels:
    app.kubernetes.io/managed-by: ha-check
  name: ha-etcd
  namespace: kube-system
spec:
  minAvailable: 2
  selector:
    matchLabels:
      etcd-cluster: main
  unhealthyPodEvictionPolicy: AlwaysAllow
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("YAML (-want +got):\n%s", diff)
	}
	// Each document reads back as the budget.
	docs := strings.Split(buf.String(), "\n---\n")
	var back policyv1.PodDisruptionBudget
	if err := yaml.UnmarshalStrict([]byte(docs[1]), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(plan.PDBs[0].PodDisruptionBudget, back); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

// budgetsOf returns the budgets of the plan, in its order.
func budgetsOf(p v1alpha1.PDBPlan) []policyv1.PodDisruptionBudget {
	out := make([]policyv1.PodDisruptionBudget, 0, len(p.PDBs))
	for _, g := range p.PDBs {
		out = append(out, g.PodDisruptionBudget)
	}
	return out
}

// TestEmptyPDBPlanListsNoBudgets: a cluster that needs no budget gets an
// empty list, which JSON writes as [] (a template's `len .pdbs` works), not
// null.
func TestEmptyPDBPlanListsNoBudgets(t *testing.T) {
	data, err := json.Marshal(generatePDBs(policy.Default(), fixture.Cluster{}))
	if err != nil {
		t.Fatal(err)
	}
	// apiVersion, kind and the policy source are the command's to fill in.
	if diff := cmp.Diff(`{"apiVersion":"","kind":"","policySource":"","pdbs":[]}`, string(data)); diff != "" {
		t.Errorf("empty plan (-want +got):\n%s", diff)
	}
}

// A group the policy makes disruption-controlled without being a component
// (userWorkloads here) is in the replica table like a component, so the
// disruption and survival findings can name it (review 2026-12-06).
func TestAnalyzeReportsEveryDisruptionControlledGroup(t *testing.T) {
	p := policy.Default()
	p.UserWorkloads.Disruption = policy.Disruption{MinAvailable: 1}
	c := fixture.HACluster().With(
		fixture.Pod("shop", "api-1", "w-a", fixture.Lbl("app", "api", "pod-template-hash", "5d"), fixture.OwnedBy("ReplicaSet", "api-5d")),
		fixture.Pod("shop", "api-2", "w-a", fixture.Lbl("app", "api", "pod-template-hash", "5d"), fixture.OwnedBy("ReplicaSet", "api-5d")),
	)
	r := analyze(p, c, audit.Options{})
	var got *v1alpha1.ComponentReplica
	for i := range r.Replicas {
		if r.Replicas[i].Group == "shop/Deployment/api" {
			got = &r.Replicas[i]
		}
	}
	require.NotNil(t, got, "shop/Deployment/api in the replica table: %v", r.Replicas)
	want := v1alpha1.ComponentReplica{
		Group: "shop/Deployment/api", Owner: "Deployment api", NodeRole: "Worker", Spread: string(policy.SpreadPreferred), DisruptionControlled: true,
		Desired: 2, Replicas: 2, Placed: 2, Available: 2, MinAvailable: 1,
		PerZone: map[string]int{"a": 2}, PerHost: map[string]int{"h4": 2},
	}
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("replica row (-want +got):\n%s", diff)
	}
	// Both replicas on one zone and host: losing it takes the group.
	var lost []string
	for _, f := range r.Findings {
		if slices.Contains(f.Subjects, "shop/Deployment/api") {
			lost = append(lost, f.ID)
		}
	}
	if diff := cmp.Diff([]string{v1alpha1.IDNoPDB, v1alpha1.IDZoneLosesComponent, v1alpha1.IDHostLosesComponent}, lost); diff != "" {
		t.Errorf("findings naming the group (-want +got):\n%s", diff)
	}
}
