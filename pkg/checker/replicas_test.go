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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// etcdRow is the row of a healthy etcd of three static members, one per
// control-plane node of haCluster; edit changes what a case changes.
func etcdRow(edit func(*ComponentReplica)) ComponentReplica {
	r := ComponentReplica{
		Group: "kube-system/etcd", Component: "etcd", NodeRole: string(policy.PlaceControlPlane),
		Spread: policy.SpreadRequired, DisruptionControlled: true, Quorum: true,
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
func etcdEvents(c Cluster, sts *appsv1.StatefulSet, nodes ...string) Cluster {
	for i, n := range nodes {
		c = c.with(pod("kube-system", "etcd-events-"+string(rune('0'+i)), n, lbl("app", "etcd", "cluster", "events"), ownedBy("StatefulSet", "etcd-events")))
	}
	if sts != nil {
		c.StatefulSets = append(slices.Clone(c.StatefulSets), sts)
	}
	// 51% keeps a quorum of any size up to 49 (rounded up, as upstream does).
	quorum := pdb("kube-system", "etcd-events", lbl("cluster", "events"))
	quorum.Spec.MinAvailable = ptr.To(intstr.FromString("51%"))
	c.PDBs = append(slices.Clone(c.PDBs), quorum)
	return c
}

// The replica table: desired size, active pods, placed (on a node that
// exists), available now (and where), minimum to keep.
func TestReplicaRows(t *testing.T) {
	ha := haCluster()
	now := metav1.Now()
	const events = "kube-system/etcd (StatefulSet etcd-events)"
	eventsRow := func(edit func(*ComponentReplica)) ComponentReplica {
		return etcdRow(func(r *ComponentReplica) {
			r.Group, r.Owner = events, "StatefulSet etcd-events"
			if edit != nil {
				edit(r)
			}
		})
	}

	tests := []struct {
		name    string
		cluster Cluster
		// prefix selects the rows compared.
		prefix string
		want   []ComponentReplica
	}{
		{name: "healthy", cluster: ha, want: []ComponentReplica{etcdRow(nil)}},
		{
			name:    "a member pending counts in the desired size",
			cluster: ha.with(pod("kube-system", "etcd-p", "", lbl("component", "etcd"))),
			want: []ComponentReplica{etcdRow(func(r *ComponentReplica) {
				r.Desired, r.Replicas, r.MinAvailable = 4, 4, 3
			})},
		},
		{
			name:    "a member on a NotReady node is placed, not available",
			cluster: ha.withNodes(nodeNotReady("cp-c")),
			want: []ComponentReplica{etcdRow(func(r *ComponentReplica) {
				r.Available = 2
				r.PerZone, r.PerHost = map[string]int{"a": 1, "b": 1}, map[string]int{"h1": 1, "h2": 1}
			})},
		},
		{
			name:    "a member not Ready is placed, not available",
			cluster: ha.editPods(notReady, "etcd-cp-b"),
			want: []ComponentReplica{etcdRow(func(r *ComponentReplica) {
				r.Available = 2
				r.PerZone, r.PerHost = map[string]int{"a": 1, "c": 1}, map[string]int{"h1": 1, "h3": 1}
			})},
		},
		{
			name:    "a member bound to a deleted node is neither placed nor available",
			cluster: ha.withNodes(nodeGone("cp-c")),
			want: []ComponentReplica{etcdRow(func(r *ComponentReplica) {
				r.Placed, r.Available = 2, 2
				r.PerZone, r.PerHost = map[string]int{"a": 1, "b": 1}, map[string]int{"h1": 1, "h2": 1}
			})},
		},
		{
			name:    "a terminating member is still a member, no replica",
			cluster: ha.editPods(func(p *v1.Pod) { p.DeletionTimestamp = &now }, "etcd-cp-a"),
			want: []ComponentReplica{etcdRow(func(r *ComponentReplica) {
				r.Replicas, r.Placed, r.Available = 2, 2, 2
				r.PerZone, r.PerHost = map[string]int{"b": 1, "c": 1}, map[string]int{"h2": 1, "h3": 1}
			})},
		},
		{
			name:    "two etcd clusters in one namespace are two rows; the StatefulSet's replicas are its desired size",
			cluster: etcdEvents(ha, statefulSet("kube-system", "etcd-events", 5), "cp-a", "cp-b", "cp-c"),
			want: []ComponentReplica{etcdRow(nil), eventsRow(func(r *ComponentReplica) {
				r.Desired, r.MinAvailable = 5, 3
			})},
		},
		{
			name:    "a StatefulSet scaled below its pods: the pods count",
			cluster: etcdEvents(ha, statefulSet("kube-system", "etcd-events", 1), "cp-a", "cp-b", "cp-c"),
			want:    []ComponentReplica{etcdRow(nil), eventsRow(nil)},
		},
		{
			name:    "a StatefulSet not known (forbidden, or gone): the pods count",
			cluster: etcdEvents(ha, nil, "cp-a", "cp-b", "cp-c"),
			want:    []ComponentReplica{etcdRow(nil), eventsRow(nil)},
		},
		{
			name: "a Deployment's desired replicas, through its ReplicaSet's annotation",
			cluster: func() Cluster {
				c := ha.without("kube-scheduler-cp-b", "kube-scheduler-cp-c", "kube-scheduler-cp-a").with(
					pod("kube-system", "sched-1", "cp-a", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched-7f")),
				)
				c.ReplicaSets = []*appsv1.ReplicaSet{replicaSet("kube-system", "sched-7f", 1, "sched", 3)}
				return c
			}(),
			prefix: "kube-system/kube-scheduler",
			want: []ComponentReplica{{
				Group: "kube-system/kube-scheduler (Deployment sched)", Component: "kube-scheduler", Owner: "Deployment sched",
				NodeRole: string(policy.PlaceControlPlane), Spread: policy.SpreadRequired, DisruptionControlled: true,
				Desired: 3, Replicas: 1, Placed: 1, Available: 1, MinAvailable: 1,
				PerZone: map[string]int{"a": 1}, PerHost: map[string]int{"h1": 1},
			}},
		},
		{
			name: "a component that is not disruption-controlled sums its owners",
			cluster: func() Cluster {
				c := ha.with(pod("kube-system", "coredns-x", "", lbl("k8s-app", "kube-dns"), ownedBy("ReplicaSet", "coredns-x")))
				c.ReplicaSets = []*appsv1.ReplicaSet{
					replicaSet("kube-system", "coredns-5d", 2, "coredns", 3),
					replicaSet("kube-system", "coredns-x", 2, "", 0),
				}
				return c
			}(),
			prefix: "kube-system/kube-dns",
			want: []ComponentReplica{{
				Group: "kube-system/kube-dns", Component: "kube-dns",
				NodeRole: string(policy.PlaceControlPlane), Spread: policy.SpreadPreferred,
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
			r := Analyze(nil, tc.cluster, Options{})
			var got []ComponentReplica
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
