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
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The wording of the findings about sizes and availability: each names the
// group, the numbers it was judged on and why replicas are missing.
func TestFindingMessages(t *testing.T) {
	ha := fixture.HACluster()
	const events = "kube-system/etcd (StatefulSet etcd-events)"
	dropZone := func(names ...string) func(*v1.Node) *v1.Node {
		return func(n *v1.Node) *v1.Node {
			for _, name := range names {
				if n.Name == name {
					m := n.DeepCopy()
					delete(m.Labels, policy.LabelZone)
					return m
				}
			}
			return n
		}
	}
	forbidden := etcdEvents(ha, nil, "cp-a", "cp-b", "cp-c")
	forbidden.Forbidden = []string{cluster.ForbiddenStatefulSets, cluster.ForbiddenReplicaSets}

	tests := []struct {
		name    string
		cluster fixture.Cluster
		id      string
		want    []v1alpha1.Finding
	}{
		{
			name:    "too few replicas: a single kube-scheduler",
			cluster: ha.Without("kube-scheduler-cp-b", "kube-scheduler-cp-c"),
			id:      v1alpha1.IDTooFewReplicas,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDTooFewReplicas, Severity: v1alpha1.SeverityFail,
				Message:  "kube-system/kube-scheduler is disruption-controlled but wants 1 replica and must keep 1 available: it can lose none, so draining or losing a node stops it (kube-system/kube-scheduler-cp-a on node cp-a); run at least 2",
				Subjects: []string{"kube-system/kube-scheduler", "kube-system/kube-scheduler-cp-a"},
			}},
		},
		{
			name:    "too few replicas: etcd of two, one pending",
			cluster: ha.Without("etcd-cp-c", "etcd-cp-b").With(fixture.Pod("kube-system", "etcd-x", "", fixture.Lbl("component", "etcd"))),
			id:      v1alpha1.IDTooFewReplicas,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDTooFewReplicas, Severity: v1alpha1.SeverityFail,
				Message:  "kube-system/etcd is disruption-controlled but wants 2 replicas and must keep 2 (quorum) available: it can lose none, so draining or losing a node stops it (kube-system/etcd-cp-a on node cp-a, kube-system/etcd-x pending); run at least 3; 1 available now, not available: 1 pending",
				Subjects: []string{"kube-system/etcd", "kube-system/etcd-cp-a", "kube-system/etcd-x"},
			}},
		},
		{
			name:    "too few replicas, and that one down",
			cluster: ha.Without("kube-scheduler-cp-b", "kube-scheduler-cp-c").WithNodes(fixture.NodeNotReady("cp-a")),
			id:      v1alpha1.IDTooFewReplicas,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDTooFewReplicas, Severity: v1alpha1.SeverityFail,
				Message:  "kube-system/kube-scheduler is disruption-controlled but wants 1 replica and must keep 1 available: it can lose none, so draining or losing a node stops it (kube-system/kube-scheduler-cp-a on node cp-a); run at least 2; 0 available now, not available: 1 on a node that is not Ready (cp-a)",
				Subjects: []string{"kube-system/kube-scheduler", "kube-system/kube-scheduler-cp-a"},
			}},
		},
		{
			name:    "too few available: a StatefulSet of five with three pods",
			cluster: etcdEvents(ha, fixture.StatefulSet("kube-system", "etcd-events", 5), "cp-a", "cp-b", "cp-c"),
			id:      v1alpha1.IDTooFewAvailable,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDTooFewAvailable, Severity: v1alpha1.SeverityFail,
				Message:  events + " has 3 of 5 replicas available now, exactly the 3 (quorum) it must keep: it cannot lose another one; not available: 2 not created",
				Subjects: []string{events},
			}},
		},
		{
			name:    "too few available: quorum lost now",
			cluster: ha.EditPods(fixture.NotReady, "etcd-cp-a").WithNodes(fixture.NodeNotReady("cp-b")),
			id:      v1alpha1.IDTooFewAvailable,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDTooFewAvailable, Severity: v1alpha1.SeverityFail,
				Message:  "kube-system/etcd has 1 of 3 replicas available now, fewer than the 2 (quorum) it needs: it has lost its quorum; not available: 1 on a node that is not Ready (cp-b), 1 not Ready",
				Subjects: []string{"kube-system/etcd", "kube-system/etcd-cp-a", "kube-system/etcd-cp-b"},
			}},
		},
		{
			name:    "quorum loss counts the desired size",
			cluster: etcdEvents(ha, fixture.StatefulSet("kube-system", "etcd-events", 5), "cp-a", "cp-b", "cp-c"),
			id:      v1alpha1.IDZoneLosesQuorum,
			want: []v1alpha1.Finding{
				{ID: v1alpha1.IDZoneLosesQuorum, Severity: v1alpha1.SeverityFail, Message: `if zone "a" failed, ` + events + " would keep 2 of 5 members (3 available now) and lose its quorum (needs 3)", Subjects: []string{"a", events}},
				{ID: v1alpha1.IDZoneLosesQuorum, Severity: v1alpha1.SeverityFail, Message: `if zone "b" failed, ` + events + " would keep 2 of 5 members (3 available now) and lose its quorum (needs 3)", Subjects: []string{"b", events}},
				{ID: v1alpha1.IDZoneLosesQuorum, Severity: v1alpha1.SeverityFail, Message: `if zone "c" failed, ` + events + " would keep 2 of 5 members (3 available now) and lose its quorum (needs 3)", Subjects: []string{"c", events}},
			},
		},
		{
			name:    "zone loses every available replica",
			cluster: ha.Without("kube-scheduler-cp-b").EditPods(fixture.NotReady, "kube-scheduler-cp-c"),
			id:      v1alpha1.IDZoneLosesComponent,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDZoneLosesComponent, Severity: v1alpha1.SeverityFail,
				Message:  `if zone "a" failed, kube-system/kube-scheduler would lose its only available replica, and it is disruption-controlled`,
				Subjects: []string{"a", "kube-system/kube-scheduler"},
			}},
		},
		{
			name:    "nodes not Ready, a zone with none Ready",
			cluster: ha.WithNodes(fixture.NodeNotReady("cp-c", "w-c", "w-a")),
			id:      v1alpha1.IDNodesNotReady,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDNodesNotReady, Severity: v1alpha1.SeverityWarn,
				Message:  "3 of 6 nodes are not Ready (cp-c, w-a, w-c): replicas on them are not counted as available; every node of zone c is not Ready: it has failed already",
				Subjects: []string{"cp-c", "w-a", "w-c"},
			}},
		},
		{
			name:    "component down",
			cluster: ha.EditPods(fixture.NotReady, "coredns-1").Without("coredns-2").With(fixture.Pod("kube-system", "coredns-2", "", fixture.Lbl("k8s-app", "kube-dns"))),
			id:      v1alpha1.IDComponentDown,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDComponentDown, Severity: v1alpha1.SeverityWarn,
				Message:  "kube-system/kube-dns has none of its 2 replicas available now: it is down; not available: 1 pending, 1 not Ready",
				Subjects: []string{"kube-system/kube-dns", "kube-system/coredns-1", "kube-system/coredns-2"},
			}},
		},
		{
			name:    "controllers not readable",
			cluster: forbidden,
			id:      v1alpha1.IDDesiredSizeUnknown,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDDesiredSizeUnknown, Severity: v1alpha1.SeverityWarn,
				Message:  "listing statefulsets.apps and replicasets.apps is forbidden: the desired size of " + events + " is taken from their pods and is understated if replicas are missing; grant the checker list on statefulsets and replicasets (apps)",
				Subjects: []string{events},
			}},
		},
		{
			name:    "replicas on nodes without a zone label",
			cluster: ha.Without("coredns-1", "coredns-2").WithNodes(dropZone("cp-c")),
			id:      v1alpha1.IDZoneUnlabelled,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDZoneUnlabelled, Severity: v1alpha1.SeverityWarn,
				Message:  "the zone analysis takes the nodes without the label topology.kubernetes.io/zone (cp-c) for one zone, <unlabelled>, where kube-system/etcd, kube-system/kube-apiserver, kube-system/kube-controller-manager, kube-system/kube-scheduler have available replicas: if those nodes are in a labelled zone, its failure takes those replicas too, which the analysis does not show",
				Subjects: []string{"kube-system/etcd", "kube-system/kube-apiserver", "kube-system/kube-controller-manager", "kube-system/kube-scheduler"},
			}},
		},
		{
			name:    "no zone label anywhere",
			cluster: ha.WithNodes(dropZone("cp-a", "cp-b", "cp-c", "w-a", "w-b", "w-c")),
			id:      v1alpha1.IDZoneNotAssessed,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDZoneNotAssessed, Severity: v1alpha1.SeverityWarn,
				Message:  "no node has the label topology.kubernetes.io/zone: which nodes fail together is unknown, so zone failures are not assessed",
				Subjects: []string{policy.UnlabelledZone},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := analyze(nil, tc.cluster, Options{})
			if diff := cmp.Diff(tc.want, findingsOf(r, tc.id)); diff != "" {
				t.Errorf("%s findings (-want +got):\n%s", tc.id, diff)
			}
		})
	}
}
