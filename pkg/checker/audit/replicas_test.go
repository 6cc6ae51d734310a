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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// etcdRow is the row of a healthy etcd of three static members, one per
// control-plane node of haCluster; edit changes what a case changes.
func etcdRow(edit func(*v1alpha1.ComponentReplica)) v1alpha1.ComponentReplica {
	r := v1alpha1.ComponentReplica{
		Group: "kube-system/etcd", Component: "etcd", NodeRole: string(policy.PlaceControlPlane),
		Spread: string(policy.SpreadRequired), DisruptionControlled: true, Quorum: true,
		Desired: 3, Replicas: 3, Placed: 3, Available: 3, MinAvailable: 2,
		PerZone: map[string]int{"a": 1, "b": 1, "c": 1},
		PerHost: map[string]int{"h1": 1, "h2": 1, "h3": 1},
	}
	if edit != nil {
		edit(&r)
	}
	return r
}

// etcdEvents adds an events etcd StatefulSet beside the static etcd, its
// pods on the given nodes (in order), with a PodDisruptionBudget that keeps
// its quorum.
func etcdEvents(c fixture.Cluster, sts *appsv1.StatefulSet, nodes ...string) fixture.Cluster {
	for i, n := range nodes {
		c = c.With(fixture.Pod("kube-system", "etcd-events-"+string(rune('0'+i)), n, fixture.Lbl("app", "etcd", "cluster", "events"), fixture.OwnedBy("StatefulSet", "etcd-events")))
	}
	if sts != nil {
		c.StatefulSets = append(slices.Clone(c.StatefulSets), sts)
	}
	// 51% keeps a quorum of any size up to 49 (rounded up, as upstream does).
	quorum := fixture.PDB("kube-system", "etcd-events", fixture.Lbl("cluster", "events"))
	quorum.Spec.MinAvailable = ptr.To(intstr.FromString("51%"))
	c.PDBs = append(slices.Clone(c.PDBs), quorum)
	return c
}

// The replica table: desired size, active pods, placed (on a node that
// exists), available now (and where), minimum to keep.
func TestReplicaRows(t *testing.T) {
	ha := fixture.HACluster()
	now := metav1.Now()
	const events = "kube-system/etcd (StatefulSet etcd-events)"
	eventsRow := func(edit func(*v1alpha1.ComponentReplica)) v1alpha1.ComponentReplica {
		return etcdRow(func(r *v1alpha1.ComponentReplica) {
			r.Group, r.Owner = events, "StatefulSet etcd-events"
			if edit != nil {
				edit(r)
			}
		})
	}

	tests := []struct {
		name    string
		cluster fixture.Cluster
		// prefix selects the rows compared.
		prefix string
		want   []v1alpha1.ComponentReplica
	}{
		{name: "healthy", cluster: ha, want: []v1alpha1.ComponentReplica{etcdRow(nil)}},
		{
			name:    "a member pending counts in the desired size",
			cluster: ha.With(fixture.Pod("kube-system", "etcd-p", "", fixture.Lbl("component", "etcd"))),
			want: []v1alpha1.ComponentReplica{etcdRow(func(r *v1alpha1.ComponentReplica) {
				r.Desired, r.Replicas, r.MinAvailable = 4, 4, 3
			})},
		},
		{
			name:    "a member on a NotReady node is placed, not available",
			cluster: ha.WithNodes(fixture.NodeNotReady("cp-c")),
			want: []v1alpha1.ComponentReplica{etcdRow(func(r *v1alpha1.ComponentReplica) {
				r.Available = 2
				r.PerZone, r.PerHost = map[string]int{"a": 1, "b": 1}, map[string]int{"h1": 1, "h2": 1}
			})},
		},
		{
			name:    "a member not Ready is placed, not available",
			cluster: ha.EditPods(fixture.NotReady, "etcd-cp-b"),
			want: []v1alpha1.ComponentReplica{etcdRow(func(r *v1alpha1.ComponentReplica) {
				r.Available = 2
				r.PerZone, r.PerHost = map[string]int{"a": 1, "c": 1}, map[string]int{"h1": 1, "h3": 1}
			})},
		},
		{
			name:    "a member bound to a deleted node is neither placed nor available",
			cluster: ha.WithNodes(fixture.NodeGone("cp-c")),
			want: []v1alpha1.ComponentReplica{etcdRow(func(r *v1alpha1.ComponentReplica) {
				r.Placed, r.Available = 2, 2
				r.PerZone, r.PerHost = map[string]int{"a": 1, "b": 1}, map[string]int{"h1": 1, "h2": 1}
			})},
		},
		{
			name:    "a terminating member is still a member, no replica",
			cluster: ha.EditPods(func(p *v1.Pod) { p.DeletionTimestamp = &now }, "etcd-cp-a"),
			want: []v1alpha1.ComponentReplica{etcdRow(func(r *v1alpha1.ComponentReplica) {
				r.Replicas, r.Placed, r.Available = 2, 2, 2
				r.PerZone, r.PerHost = map[string]int{"b": 1, "c": 1}, map[string]int{"h2": 1, "h3": 1}
			})},
		},
		{
			name:    "two etcd clusters in one namespace are two rows; the StatefulSet's replicas are its desired size",
			cluster: etcdEvents(ha, fixture.StatefulSet("kube-system", "etcd-events", 5), "cp-a", "cp-b", "cp-c"),
			want: []v1alpha1.ComponentReplica{etcdRow(nil), eventsRow(func(r *v1alpha1.ComponentReplica) {
				r.Desired, r.MinAvailable = 5, 3
			})},
		},
		{
			name:    "a StatefulSet scaled below its pods: the pods count",
			cluster: etcdEvents(ha, fixture.StatefulSet("kube-system", "etcd-events", 1), "cp-a", "cp-b", "cp-c"),
			want:    []v1alpha1.ComponentReplica{etcdRow(nil), eventsRow(nil)},
		},
		{
			name:    "a StatefulSet not known (forbidden, or gone): the pods count",
			cluster: etcdEvents(ha, nil, "cp-a", "cp-b", "cp-c"),
			want:    []v1alpha1.ComponentReplica{etcdRow(nil), eventsRow(nil)},
		},
		{
			name: "a Deployment's desired replicas, through its ReplicaSet's annotation",
			cluster: func() fixture.Cluster {
				c := ha.Without("kube-scheduler-cp-b", "kube-scheduler-cp-c", "kube-scheduler-cp-a").With(
					fixture.Pod("kube-system", "sched-1", "cp-a", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched-7f")),
				)
				c.ReplicaSets = []*appsv1.ReplicaSet{fixture.ReplicaSet("kube-system", "sched-7f", 1, "sched", 3)}
				return c
			}(),
			prefix: "kube-system/kube-scheduler",
			want: []v1alpha1.ComponentReplica{{
				Group: "kube-system/kube-scheduler (Deployment sched)", Component: "kube-scheduler", Owner: "Deployment sched",
				NodeRole: string(policy.PlaceControlPlane), Spread: string(policy.SpreadRequired), DisruptionControlled: true,
				Desired: 3, Replicas: 1, Placed: 1, Available: 1, MinAvailable: 1,
				PerZone: map[string]int{"a": 1}, PerHost: map[string]int{"h1": 1},
			}},
		},
		{
			name: "a component that is not disruption-controlled sums its owners",
			cluster: func() fixture.Cluster {
				c := ha.With(fixture.Pod("kube-system", "coredns-x", "", fixture.Lbl("k8s-app", "kube-dns"), fixture.OwnedBy("ReplicaSet", "coredns-x")))
				c.ReplicaSets = []*appsv1.ReplicaSet{
					fixture.ReplicaSet("kube-system", "coredns-5d", 2, "coredns", 3),
					fixture.ReplicaSet("kube-system", "coredns-x", 2, "", 0),
				}
				return c
			}(),
			prefix: "kube-system/kube-dns",
			want: []v1alpha1.ComponentReplica{{
				Group: "kube-system/kube-dns", Component: "kube-dns",
				NodeRole: string(policy.PlaceControlPlane), Spread: string(policy.SpreadPreferred),
				// Deployment coredns wants 3, ReplicaSet coredns-x 2.
				Desired: 5, Replicas: 3, Placed: 2, Available: 2,
				PerZone: map[string]int{"a": 1, "b": 1}, PerHost: map[string]int{"h1": 1, "h2": 1},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prefix := tc.prefix
			if prefix == "" {
				prefix = "kube-system/etcd"
			}
			r := analyze(nil, tc.cluster, Options{})
			var got []v1alpha1.ComponentReplica
			for _, row := range r.Replicas {
				if strings.HasPrefix(row.Group, prefix) {
					got = append(got, row)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s\n%s", diff, text(t, r))
			}
		})
	}
}
