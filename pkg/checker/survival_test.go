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
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
)

// Survival counts the replicas available now (Ready, not terminating, on a
// node that exists and is Ready) against the group's desired size (its pods
// anywhere, pending included, or its controller's replicas, the larger).
func TestSurvivalCountsAvailableAgainstDesired(t *testing.T) {
	const etcd = "kube-system/etcd"
	ha := haCluster()
	pendingEtcd := ha.with(
		pod("kube-system", "etcd-p1", "", lbl("component", "etcd")),
		pod("kube-system", "etcd-p2", "", lbl("component", "etcd")),
	)
	// The failure of a zone (host) holding one of the available etcd
	// members, when only two of three are available: one survivor of three.
	quorumLostWithout := func(gone ...string) []Finding {
		out := []Finding{}
		lostZone := map[string]string{"a": "h1", "b": "h2", "c": "h3"}
		for _, z := range []string{"a", "b", "c"} {
			skip := false
			for _, g := range gone {
				skip = skip || g == z
			}
			if !skip {
				out = append(out, f(SeverityFail, IDZoneLosesQuorum, z, etcd), f(SeverityFail, IDHostLosesQuorum, lostZone[z], etcd))
			}
		}
		return out
	}

	const events = "kube-system/etcd (StatefulSet etcd-events)"
	eventsQuorumLost := []Finding{
		f(SeverityFail, IDZoneLosesQuorum, "a", events), f(SeverityFail, IDZoneLosesQuorum, "b", events), f(SeverityFail, IDZoneLosesQuorum, "c", events),
		f(SeverityFail, IDHostLosesQuorum, "h1", events), f(SeverityFail, IDHostLosesQuorum, "h2", events), f(SeverityFail, IDHostLosesQuorum, "h3", events),
	}
	// kube-scheduler as the one pod of a Deployment rolling out.
	schedRollout := func(rs ...*appsv1.ReplicaSet) Cluster {
		c := ha.without("kube-scheduler-cp-a", "kube-scheduler-cp-b", "kube-scheduler-cp-c").with(
			pod("kube-system", "sched-1", "cp-a", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched-7f")),
		)
		c.ReplicaSets = rs
		return c
	}
	forbidden := etcdEvents(ha, nil, "cp-a", "cp-b", "cp-c")
	forbidden.Forbidden = []string{ForbiddenStatefulSets}

	tests := []struct {
		name    string
		cluster Cluster
		want    []Finding
	}{
		{
			name:    "etcd StatefulSet of five with three members, one per zone: every zone is a quorum loss",
			cluster: etcdEvents(ha, statefulSet("kube-system", "etcd-events", 5), "cp-a", "cp-b", "cp-c"),
			want:    append(eventsQuorumLost, f(SeverityFail, "disruption.too-few-available", events)),
		},
		{
			name:    "etcd StatefulSet of three with three members, one per zone, survives",
			cluster: etcdEvents(ha, statefulSet("kube-system", "etcd-events", 3), "cp-a", "cp-b", "cp-c"),
		},
		{
			// Counted as one group of six, zone a would keep 2 of 6.
			name:    "two etcd clusters in one namespace are assessed apart",
			cluster: etcdEvents(ha, statefulSet("kube-system", "etcd-events", 3), "cp-a", "cp-a", "cp-a"),
			want: []Finding{
				f(SeverityFail, IDZoneLosesComponent, "a", events),
				f(SeverityFail, IDHostLosesComponent, "h1", events),
			},
		},
		{
			name:    "a Deployment of two with one pod: the one cannot go",
			cluster: schedRollout(replicaSet("kube-system", "sched-7f", 1, "sched", 2)),
			want: []Finding{
				f(SeverityFail, "disruption.too-few-available", "kube-system/kube-scheduler (Deployment sched)"),
				f(SeverityFail, IDZoneLosesComponent, "a", "kube-system/kube-scheduler (Deployment sched)"),
				f(SeverityFail, IDHostLosesComponent, "h1", "kube-system/kube-scheduler (Deployment sched)"),
				f(SeverityWarn, IDNoPDB, "kube-system/kube-scheduler (Deployment sched)", "kube-system/sched-1"),
			},
		},
		{
			name:    "a Deployment of one: too few by design",
			cluster: schedRollout(replicaSet("kube-system", "sched-7f", 1, "sched", 1)),
			want: []Finding{
				f(SeverityFail, "disruption.too-few-replicas", "kube-system/kube-scheduler (Deployment sched)", "kube-system/sched-1"),
				f(SeverityFail, IDZoneLosesComponent, "a", "kube-system/kube-scheduler (Deployment sched)"),
				f(SeverityFail, IDHostLosesComponent, "h1", "kube-system/kube-scheduler (Deployment sched)"),
				f(SeverityWarn, IDNoPDB, "kube-system/kube-scheduler (Deployment sched)", "kube-system/sched-1"),
			},
		},
		{
			name:    "StatefulSets not readable: sized by their pods, with a warning",
			cluster: forbidden,
			want:    []Finding{f(SeverityWarn, "survival.desired-size-unknown", events)},
		},
		{
			name: "ReplicaSets not readable, no disruption-controlled group owned by one: no warning",
			cluster: func() Cluster {
				c := ha
				c.Forbidden = []string{ForbiddenReplicaSets}
				return c
			}(),
		},
		{
			name:    "etcd of five with two members pending: every zone holding one is a quorum loss",
			cluster: pendingEtcd,
			want: append(quorumLostWithout(),
				f(SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-p1", "kube-system/etcd-p2"),
				f(SeverityWarn, IDNoPDB, etcd, "kube-system/etcd-p1", "kube-system/etcd-p2"),
			),
		},
		{
			name:    "an etcd member not Ready is no survivor",
			cluster: ha.editPods(notReady, "etcd-cp-a"),
			want: append(quorumLostWithout("a"),
				f(SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-cp-a"),
			),
		},
		{
			name:    "members on a NotReady node are no survivors",
			cluster: ha.withNodes(nodeNotReady("cp-c")),
			want: append(quorumLostWithout("c"),
				f(SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-cp-c"),
				f(SeverityWarn, "survival.nodes-not-ready", "cp-c"),
			),
		},
		{
			name:    "a zone whose every node is NotReady has failed already",
			cluster: ha.withNodes(nodeNotReady("cp-c", "w-c")),
			want: append(quorumLostWithout("c"),
				f(SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-cp-c"),
				f(SeverityWarn, "survival.nodes-not-ready", "cp-c", "w-c"),
			),
		},
		{
			name:    "a member bound to a node that no longer exists is not placed",
			cluster: ha.withNodes(nodeGone("cp-c")),
			want: append(quorumLostWithout("c"),
				f(SeverityFail, "disruption.too-few-available", etcd, "kube-system/etcd-cp-c"),
				f(SeverityWarn, IDEvenControlPlaneCount, "cp-a", "cp-b"),
			),
		},
		{
			name:    "a component with no Ready replica is down now",
			cluster: ha.editPods(notReady, "coredns-1", "coredns-2"),
			want: []Finding{
				f(SeverityWarn, "survival.component-down", "kube-system/kube-dns", "kube-system/coredns-1", "kube-system/coredns-2"),
			},
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

// The survival rows of a five-member etcd with three members placed, one per
// zone: each zone's failure leaves two of five.
func TestSurvivalRowsUseDesiredSize(t *testing.T) {
	c := haCluster().with(
		pod("kube-system", "etcd-p1", "", lbl("component", "etcd")),
		pod("kube-system", "etcd-p2", "", lbl("component", "etcd")),
	)
	loss := []QuorumLoss{{Group: "kube-system/etcd", Members: 5, Survivors: 2, Quorum: 3}}
	want := []DomainSurvival{
		{Level: "zone", Domain: "a", QuorumLost: loss},
		{Level: "zone", Domain: "b", QuorumLost: loss},
		{Level: "zone", Domain: "c", QuorumLost: loss},
		{Level: "host", Domain: "h1", QuorumLost: loss},
		{Level: "host", Domain: "h2", QuorumLost: loss},
		{Level: "host", Domain: "h3", QuorumLost: loss},
	}
	r := Analyze(nil, c, Options{})
	if diff := cmp.Diff(want, r.Survival); diff != "" {
		t.Errorf("survival (-want +got):\n%s", diff)
	}
}
