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

package checker

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// A disruption-controlled group that can lose no replica is a fail: by
// design (its desired size is at its minimum available) or now (its
// available replicas are).
func TestDisruptionNoReplicaToSpare(t *testing.T) {
	const sched = "kube-system/kube-scheduler"
	ha := haCluster()
	// kube-scheduler as a Deployment (ReplicaSet sched) with a PDB, in
	// place of the static pods.
	schedDeployment := func(opts map[string][]podOpt) Cluster {
		c := ha.without("kube-scheduler-cp-a", "kube-scheduler-cp-b", "kube-scheduler-cp-c")
		for _, n := range []string{"a", "b", "c"} {
			name := "sched-" + n
			o := append([]podOpt{ownedBy("ReplicaSet", "sched")}, opts[name]...)
			c = c.with(pod("kube-system", name, "cp-"+n, lbl("component", "kube-scheduler"), o...))
		}
		c.PDBs = append(slices.Clone(c.PDBs), pdb("kube-system", "sched", lbl("component", "kube-scheduler")))
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
		cluster Cluster
		want    []Finding
	}{
		{
			name:    "kube-scheduler with a single replica",
			cluster: ha.without("kube-scheduler-cp-b", "kube-scheduler-cp-c"),
			want: []Finding{
				f(SeverityFail, "disruption.too-few-replicas", sched, "kube-system/kube-scheduler-cp-a"),
				f(SeverityFail, IDZoneLosesComponent, "a", sched),
				f(SeverityFail, IDHostLosesComponent, "h1", sched),
			},
		},
		{
			name:    "etcd of two members tolerates no loss",
			cluster: ha.without("etcd-cp-c"),
			want: []Finding{
				f(SeverityFail, "disruption.too-few-replicas", "kube-system/etcd", "kube-system/etcd-cp-a", "kube-system/etcd-cp-b"),
				f(SeverityFail, IDZoneLosesQuorum, "a", "kube-system/etcd"),
				f(SeverityFail, IDZoneLosesQuorum, "b", "kube-system/etcd"),
				f(SeverityFail, IDHostLosesQuorum, "h1", "kube-system/etcd"),
				f(SeverityFail, IDHostLosesQuorum, "h2", "kube-system/etcd"),
			},
		},
		{
			name:   "minAvailable 2 with two replicas",
			policy: minTwo,
			cluster: ha.with(
				pod("kube-system", "ingress-1", "w-a", lbl("app", "ingress")),
				pod("kube-system", "ingress-2", "w-b", lbl("app", "ingress")),
			),
			want: []Finding{
				f(SeverityFail, "disruption.too-few-replicas", "kube-system/ingress", "kube-system/ingress-1", "kube-system/ingress-2"),
				f(SeverityWarn, IDNoPDB, "kube-system/ingress", "kube-system/ingress-1", "kube-system/ingress-2"),
			},
		},
		{
			name:    "three kube-schedulers, one Ready: it cannot lose that one now",
			cluster: schedDeployment(map[string][]podOpt{"sched-b": {notReady}, "sched-c": {notReady}}),
			want: []Finding{
				f(SeverityFail, "disruption.too-few-available", schedRS, "kube-system/sched-b", "kube-system/sched-c"),
				f(SeverityFail, IDZoneLosesComponent, "a", schedRS),
				f(SeverityFail, IDHostLosesComponent, "h1", schedRS),
			},
		},
		{
			name:    "three kube-schedulers, none Ready: down now",
			cluster: schedDeployment(map[string][]podOpt{"sched-a": {notReady}, "sched-b": {notReady}, "sched-c": {notReady}}),
			want: []Finding{
				f(SeverityFail, "disruption.too-few-available", schedRS, "kube-system/sched-a", "kube-system/sched-b", "kube-system/sched-c"),
			},
		},
		{
			name:    "three kube-schedulers, all Ready, pass",
			cluster: schedDeployment(nil),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Analyze(tc.policy, tc.cluster, Options{})
			if diff := cmp.Diff(tc.want, r.Findings, ignoreMessages); diff != "" {
				t.Errorf("findings (-want +got):\n%s\n%s", diff, text(t, r))
			}
		})
	}
}

// A PodDisruptionBudget protects with policy/v1 semantics: `selector: {}`
// covers every pod of its namespace, a nil selector none.
func TestPDBSelectorCoverage(t *testing.T) {
	const sched = "kube-system/kube-scheduler (ReplicaSet sched)"
	evictable := haCluster().with(
		pod("kube-system", "sched-1", "cp-a", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched")),
		pod("kube-system", "sched-2", "cp-b", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched")),
	)
	withPDB := func(ns string, sel *metav1.LabelSelector) Cluster {
		c := evictable
		p := pdb(ns, "budget", nil)
		p.Spec.Selector = sel
		c.PDBs = append(slices.Clone(c.PDBs), p)
		return c
	}
	unprotected := []Finding{f(SeverityWarn, IDNoPDB, sched, "kube-system/sched-1", "kube-system/sched-2")}
	tests := []struct {
		name    string
		cluster Cluster
		want    []Finding
	}{
		{name: "no PDB", cluster: evictable, want: unprotected},
		{
			// Covered; but its minAvailable 1 counts every pod of
			// kube-system, so it lets evictions take both replicas.
			name:    "empty selector covers the namespace",
			cluster: withPDB("kube-system", &metav1.LabelSelector{}),
			want:    []Finding{f(SeverityWarn, IDPDBWeakerThanPolicy, sched, "kube-system/budget")},
		},
		{name: "nil selector covers nothing", cluster: withPDB("kube-system", nil), want: unprotected},
		{name: "empty selector of another namespace", cluster: withPDB("shop", &metav1.LabelSelector{}), want: unprotected},
		{
			name:    "selector of other labels",
			cluster: withPDB("kube-system", &metav1.LabelSelector{MatchLabels: lbl("component", "etcd")}),
			want:    unprotected,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Analyze(nil, tc.cluster, Options{})
			if diff := cmp.Diff(tc.want, r.Findings, ignoreMessages); diff != "" {
				t.Errorf("findings (-want +got):\n%s\n%s", diff, text(t, r))
			}
		})
	}
}
