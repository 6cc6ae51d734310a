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
	appsv1 "k8s.io/api/apps/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
)

// Survival counts the replicas available now (Ready, not terminating, on a
// node that exists and is Ready) against the group's desired size (its pods
// anywhere, pending included, or its controller's replicas, the larger).
func TestSurvivalCountsAvailableAgainstDesired(t *testing.T) {
	const etcd = "kube-system/etcd"
	ha := fixture.HACluster()
	pendingEtcd := ha.With(
		fixture.Pod("kube-system", "etcd-p1", "", fixture.Lbl("component", "etcd")),
		fixture.Pod("kube-system", "etcd-p2", "", fixture.Lbl("component", "etcd")),
	)
	// The failure of a zone (host) holding one of the available etcd
	// members, when only two of three are available: one survivor of three.
	quorumLostWithout := func(gone ...string) []v1alpha1.Finding {
		out := []v1alpha1.Finding{}
		lostZone := map[string]string{"a": "h1", "b": "h2", "c": "h3"}
		for _, z := range []string{"a", "b", "c"} {
			skip := false
			for _, g := range gone {
				skip = skip || g == z
			}
			if !skip {
				out = append(out, fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesQuorum, z, etcd), fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesQuorum, lostZone[z], etcd))
			}
		}
		return out
	}

	const events = "kube-system/etcd (StatefulSet etcd-events)"
	eventsQuorumLost := []v1alpha1.Finding{
		fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesQuorum, "a", events), fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesQuorum, "b", events), fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesQuorum, "c", events),
		fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesQuorum, "h1", events), fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesQuorum, "h2", events), fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesQuorum, "h3", events),
	}
	// kube-scheduler as the one pod of a Deployment rolling out.
	schedRollout := func(rs ...*appsv1.ReplicaSet) fixture.Cluster {
		c := ha.Without("kube-scheduler-cp-a", "kube-scheduler-cp-b", "kube-scheduler-cp-c").With(
			fixture.Pod("kube-system", "sched-1", "cp-a", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched-7f")),
		)
		c.ReplicaSets = rs
		return c
	}
	forbidden := etcdEvents(ha, nil, "cp-a", "cp-b", "cp-c")
	forbidden.Forbidden = []string{cluster.ForbiddenStatefulSets}

	tests := []struct {
		name    string
		cluster fixture.Cluster
		want    []v1alpha1.Finding
	}{
		{
			name:    "etcd StatefulSet of five with three members, one per zone: every zone is a quorum loss",
			cluster: etcdEvents(ha, fixture.StatefulSet("kube-system", "etcd-events", 5), "cp-a", "cp-b", "cp-c"),
			want:    append(eventsQuorumLost, fixture.F(v1alpha1.SeverityFail, "disruption.too-few-available", events)),
		},
		{
			name:    "etcd StatefulSet of three with three members, one per zone, survives",
			cluster: etcdEvents(ha, fixture.StatefulSet("kube-system", "etcd-events", 3), "cp-a", "cp-b", "cp-c"),
		},
		{
			// Counted as one group of six, zone a would keep 2 of 6.
			name:    "two etcd clusters in one namespace are assessed apart",
			cluster: etcdEvents(ha, fixture.StatefulSet("kube-system", "etcd-events", 3), "cp-a", "cp-a", "cp-a"),
			want: []v1alpha1.Finding{
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesComponent, "a", events),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesComponent, "h1", events),
			},
		},
		{
			name:    "a Deployment of two with one pod: the one cannot go",
			cluster: schedRollout(fixture.ReplicaSet("kube-system", "sched-7f", 1, "sched", 2)),
			want: []v1alpha1.Finding{
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-available", "kube-system/kube-scheduler (Deployment sched)"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesComponent, "a", "kube-system/kube-scheduler (Deployment sched)"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesComponent, "h1", "kube-system/kube-scheduler (Deployment sched)"),
				fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDNoPDB, "kube-system/kube-scheduler (Deployment sched)", "kube-system/sched-1"),
			},
		},
		{
			name:    "a Deployment of one: too few by design",
			cluster: schedRollout(fixture.ReplicaSet("kube-system", "sched-7f", 1, "sched", 1)),
			want: []v1alpha1.Finding{
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-replicas", "kube-system/kube-scheduler (Deployment sched)", "kube-system/sched-1"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneLosesComponent, "a", "kube-system/kube-scheduler (Deployment sched)"),
				fixture.F(v1alpha1.SeverityFail, v1alpha1.IDHostLosesComponent, "h1", "kube-system/kube-scheduler (Deployment sched)"),
				fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDNoPDB, "kube-system/kube-scheduler (Deployment sched)", "kube-system/sched-1"),
			},
		},
		{
			name:    "StatefulSets not readable: sized by their pods, with a warning",
			cluster: forbidden,
			want:    []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, "survival.desired-size-unknown", events)},
		},
		{
			name: "ReplicaSets not readable, no disruption-controlled group owned by one: no warning",
			cluster: func() fixture.Cluster {
				c := ha
				c.Forbidden = []string{cluster.ForbiddenReplicaSets}
				return c
			}(),
		},
		{
			name:    "etcd of five with two members pending: every zone holding one is a quorum loss",
			cluster: pendingEtcd,
			want: append(quorumLostWithout(),
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-p1", "kube-system/etcd-p2"),
				fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDNoPDB, etcd, "kube-system/etcd-p1", "kube-system/etcd-p2"),
			),
		},
		{
			name:    "an etcd member not Ready is no survivor",
			cluster: ha.EditPods(fixture.NotReady, "etcd-cp-a"),
			want: append(quorumLostWithout("a"),
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-cp-a"),
			),
		},
		{
			name:    "members on a NotReady node are no survivors",
			cluster: ha.WithNodes(fixture.NodeNotReady("cp-c")),
			want: append(quorumLostWithout("c"),
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-cp-c"),
				fixture.F(v1alpha1.SeverityWarn, "survival.nodes-not-ready", "cp-c"),
			),
		},
		{
			name:    "a zone whose every node is NotReady has failed already",
			cluster: ha.WithNodes(fixture.NodeNotReady("cp-c", "w-c")),
			want: append(quorumLostWithout("c"),
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-cp-c"),
				fixture.F(v1alpha1.SeverityWarn, "survival.nodes-not-ready", "cp-c", "w-c"),
			),
		},
		{
			name:    "a member bound to a node that no longer exists is not placed",
			cluster: ha.WithNodes(fixture.NodeGone("cp-c")),
			want: append(quorumLostWithout("c"),
				fixture.F(v1alpha1.SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-cp-c"),
				fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDEvenControlPlaneCount, "cp-a", "cp-b"),
			),
		},
		{
			name:    "a component with no Ready replica is down now",
			cluster: ha.EditPods(fixture.NotReady, "coredns-1", "coredns-2"),
			want: []v1alpha1.Finding{
				fixture.F(v1alpha1.SeverityWarn, "survival.component-down", "kube-system/kube-dns", "kube-system/coredns-1", "kube-system/coredns-2"),
			},
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

// The survival rows of a five-member etcd with three members placed, one per
// zone: each zone's failure leaves two of five.
func TestSurvivalRowsUseDesiredSize(t *testing.T) {
	c := fixture.HACluster().With(
		fixture.Pod("kube-system", "etcd-p1", "", fixture.Lbl("component", "etcd")),
		fixture.Pod("kube-system", "etcd-p2", "", fixture.Lbl("component", "etcd")),
	)
	loss := []v1alpha1.QuorumLoss{{Group: "kube-system/etcd", Members: 5, Survivors: 2, Quorum: 3}}
	want := []v1alpha1.DomainSurvival{
		{Level: "zone", Domain: "a", QuorumLost: loss},
		{Level: "zone", Domain: "b", QuorumLost: loss},
		{Level: "zone", Domain: "c", QuorumLost: loss},
		{Level: "host", Domain: "h1", QuorumLost: loss},
		{Level: "host", Domain: "h2", QuorumLost: loss},
		{Level: "host", Domain: "h3", QuorumLost: loss},
	}
	r := analyze(nil, c, Options{})
	if diff := cmp.Diff(want, r.Survival); diff != "" {
		t.Errorf("survival (-want +got):\n%s", diff)
	}
}
