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

package audit

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// A disruption-controlled group that can lose no replica is a fail: by
// design (its desired size is at its minimum available) or now (its
// available replicas are).
func TestDisruptionNoReplicaToSpare(t *testing.T) {
	const sched = "kube-system/kube-scheduler"
	ha := fixture.HACluster()
	// kube-scheduler as a Deployment (ReplicaSet sched) with a PDB, in
	// place of the static pods.
	schedDeployment := func(opts map[string][]fixture.PodOpt) fixture.Cluster {
		c := ha.Without("kube-scheduler-cp-a", "kube-scheduler-cp-b", "kube-scheduler-cp-c")
		for _, n := range []string{"a", "b", "c"} {
			name := "sched-" + n
			o := append([]fixture.PodOpt{fixture.OwnedBy("ReplicaSet", "sched")}, opts[name]...)
			c = c.With(fixture.Pod("kube-system", name, "cp-"+n, fixture.Lbl("component", "kube-scheduler"), o...))
		}
		c.PDBs = append(slices.Clone(c.PDBs), fixture.PDB("kube-system", "sched", fixture.Lbl("component", "kube-scheduler")))
		return c
	}
	const schedRS = sched + " (ReplicaSet sched)"

	minTwo := policy.Default()
	minTwo.Components = append([]policy.Component{policy.CompileComponent(policy.ComponentSpec{
		Name: "ingress", MatchLabels: []map[string]string{{"app": "ingress"}},
		Rule: policy.Rule{Placement: policy.PlaceAny, Spread: policy.SpreadPreferred, Disruption: policy.Disruption{MinAvailable: 2}},
	})}, minTwo.Components...)

	tests := []struct {
		name    string
		policy  *policy.Policy
		cluster fixture.Cluster
		want    []v1alpha1.Finding
	}{
		{
			name:    "kube-scheduler with a single replica",
			cluster: ha.Without("kube-scheduler-cp-b", "kube-scheduler-cp-c"),
			want: []v1alpha1.Finding{
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-replicas", sched, "kube-system/kube-scheduler-cp-a"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesComponent, "a", sched),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesComponent, "h1", sched),
			},
		},
		{
			name:    "etcd of two members tolerates no loss",
			cluster: ha.Without("etcd-cp-c"),
			want: []v1alpha1.Finding{
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-replicas", "kube-system/etcd", "kube-system/etcd-cp-a", "kube-system/etcd-cp-b"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesQuorum, "a", "kube-system/etcd"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesQuorum, "b", "kube-system/etcd"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesQuorum, "h1", "kube-system/etcd"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesQuorum, "h2", "kube-system/etcd"),
			},
		},
		{
			name:   "minAvailable 2 with two replicas",
			policy: minTwo,
			cluster: ha.With(
				fixture.Pod("kube-system", "ingress-1", "w-a", fixture.Lbl("app", "ingress")),
				fixture.Pod("kube-system", "ingress-2", "w-b", fixture.Lbl("app", "ingress")),
			),
			want: []v1alpha1.Finding{
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-replicas", "kube-system/ingress", "kube-system/ingress-1", "kube-system/ingress-2"),
				fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDNoPDB, "kube-system/ingress", "kube-system/ingress-1", "kube-system/ingress-2"),
			},
		},
		{
			name:    "three kube-schedulers, one Ready: it cannot lose that one now",
			cluster: schedDeployment(map[string][]fixture.PodOpt{"sched-b": {fixture.NotReady}, "sched-c": {fixture.NotReady}}),
			want: []v1alpha1.Finding{
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-available", schedRS, "kube-system/sched-b", "kube-system/sched-c"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesComponent, "a", schedRS),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesComponent, "h1", schedRS),
			},
		},
		{
			name:    "three kube-schedulers, none Ready: down now",
			cluster: schedDeployment(map[string][]fixture.PodOpt{"sched-a": {fixture.NotReady}, "sched-b": {fixture.NotReady}, "sched-c": {fixture.NotReady}}),
			want: []v1alpha1.Finding{
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-available", schedRS, "kube-system/sched-a", "kube-system/sched-b", "kube-system/sched-c"),
			},
		},
		{
			name:    "three kube-schedulers, all Ready, pass",
			cluster: schedDeployment(nil),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := analyze(tc.policy, tc.cluster, Options{})
			if diff := cmp.Diff(tc.want, r.Findings, fixture.IgnoreMessages); diff != "" {
				t.Errorf("findings (-want +got):\n%s\n%s", diff, text(t, r))
			}
		})
	}
}

// A PodDisruptionBudget protects with policy/v1 semantics: `selector: {}`
// covers every pod of its namespace, a nil selector none.
func TestPDBSelectorCoverage(t *testing.T) {
	const sched = "kube-system/kube-scheduler (ReplicaSet sched)"
	evictable := fixture.HACluster().With(
		fixture.Pod("kube-system", "sched-1", "cp-a", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched")),
		fixture.Pod("kube-system", "sched-2", "cp-b", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched")),
	)
	withPDB := func(ns string, sel *metav1.LabelSelector) fixture.Cluster {
		c := evictable
		p := fixture.PDB(ns, "budget", nil)
		p.Spec.Selector = sel
		c.PDBs = append(slices.Clone(c.PDBs), p)
		return c
	}
	unprotected := []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDNoPDB, sched, "kube-system/sched-1", "kube-system/sched-2")}
	tests := []struct {
		name    string
		cluster fixture.Cluster
		want    []v1alpha1.Finding
	}{
		{name: "no PDB", cluster: evictable, want: unprotected},
		{
			// Covered; but its minAvailable 1 counts every pod of
			// kube-system, so it lets evictions take both replicas.
			name:    "empty selector covers the namespace",
			cluster: withPDB("kube-system", &metav1.LabelSelector{}),
			want:    []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDPDBWeakerThanPolicy, sched, "kube-system/budget")},
		},
		{name: "nil selector covers nothing", cluster: withPDB("kube-system", nil), want: unprotected},
		{name: "empty selector of another namespace", cluster: withPDB("shop", &metav1.LabelSelector{}), want: unprotected},
		{
			name:    "selector of other labels",
			cluster: withPDB("kube-system", &metav1.LabelSelector{MatchLabels: fixture.Lbl("component", "etcd")}),
			want:    unprotected,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := analyze(nil, tc.cluster, Options{})
			if diff := cmp.Diff(tc.want, r.Findings, fixture.IgnoreMessages); diff != "" {
				t.Errorf("findings (-want +got):\n%s\n%s", diff, text(t, r))
			}
		})
	}
}
