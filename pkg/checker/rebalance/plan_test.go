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

package rebalance

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

func TestPlan(t *testing.T) {
	// Zone c came back: web-2 was recreated in zone a as web-3.
	afterOutage := fixture.HACluster().Without("web-2").With(
		fixture.Pod("shop", "web-3", "w-a", fixture.Lbl("app", "web", "pod-template-hash", "7f"), fixture.OwnedBy("ReplicaSet", "web-7f")),
	)
	levels := policy.DefaultLevels
	tests := []struct {
		name    string
		cluster fixture.Cluster
		policy  *policy.Policy
		want    *v1alpha1.RebalancePlan
	}{
		{
			name:    "a cluster spread as the scheduler would spread it: nothing to move",
			cluster: fixture.HACluster(),
			want:    &v1alpha1.RebalancePlan{Levels: levels, Groups: []v1alpha1.RebalanceGroup{}},
		},
		{
			name:    "zone c is back: one of zone a's two replicas goes there",
			cluster: afterOutage,
			want: &v1alpha1.RebalancePlan{Levels: levels, Moves: 1, Groups: []v1alpha1.RebalanceGroup{{
				Group: "shop/Deployment/web", Spread: "Preferred",
				Moves: []v1alpha1.RebalanceMove{{
					Pod: "shop/web-0", Node: "w-a", Level: policy.LabelZone, Target: "w-c",
					From: v1alpha1.DomainReplicaMove{Domain: "a", Before: 2, After: 1},
					To:   v1alpha1.DomainReplicaMove{Domain: "c", Before: 0, After: 1},
				}},
			}}},
		},
		{
			name: "replicas that would move and cannot are named; a group that has not recovered waits",
			cluster: fixture.HACluster().Without("coredns-1", "coredns-2").With(
				// CoreDNS without a controller, both on cp-a.
				fixture.Pod("kube-system", "coredns-1", "cp-a", fixture.Lbl("k8s-app", "kube-dns")),
				fixture.Pod("kube-system", "coredns-2", "cp-a", fixture.Lbl("k8s-app", "kube-dns")),
				// api: both replicas on w-a, a third pending.
				fixture.Pod("shop", "api-1", "w-a", fixture.Lbl("app", "api", "pod-template-hash", "5d"), fixture.OwnedBy("ReplicaSet", "api-5d")),
				fixture.Pod("shop", "api-2", "w-a", fixture.Lbl("app", "api", "pod-template-hash", "5d"), fixture.OwnedBy("ReplicaSet", "api-5d")),
				fixture.Pod("shop", "api-3", "", fixture.Lbl("app", "api", "pod-template-hash", "5d"), fixture.OwnedBy("ReplicaSet", "api-5d")),
			),
			want: &v1alpha1.RebalancePlan{Levels: levels, Groups: []v1alpha1.RebalanceGroup{
				{
					Group: "kube-system/kube-dns", Spread: "Preferred", Moves: []v1alpha1.RebalanceMove{},
					NotMovable: []v1alpha1.NotMovable{{Pod: "kube-system/coredns-1", Node: "cp-a", Reason: "no controller would recreate it"}},
				},
				{Group: "shop/Deployment/api", Spread: "Preferred", Moves: []v1alpha1.RebalanceMove{}, Waiting: "1 pending"},
			}},
		},
		{
			name: "a move that would take a disruption-controlled group below its minimum is blocked",
			cluster: fixture.HACluster().With(
				fixture.Pod("shop", "db-1", "w-a", fixture.Lbl("app", "db", "pod-template-hash", "5d"), fixture.OwnedBy("ReplicaSet", "db-5d")),
				fixture.Pod("shop", "db-2", "w-a", fixture.Lbl("app", "db", "pod-template-hash", "5d"), fixture.OwnedBy("ReplicaSet", "db-5d")),
			),
			policy: func() *policy.Policy {
				p := policy.Default()
				p.UserWorkloads.Disruption = policy.Disruption{MinAvailable: 2}
				return p
			}(),
			want: &v1alpha1.RebalancePlan{Levels: levels, Moves: 1, Groups: []v1alpha1.RebalanceGroup{{
				Group: "shop/Deployment/db", Spread: "Preferred",
				Moves: []v1alpha1.RebalanceMove{{
					Pod: "shop/db-1", Node: "w-a", Level: policy.LabelZone, Target: "w-b",
					From:    v1alpha1.DomainReplicaMove{Domain: "a", Before: 2, After: 1},
					To:      v1alpha1.DomainReplicaMove{Domain: "b", Before: 0, After: 1},
					Blocked: "evicting it would leave shop/Deployment/db with 1 available, below its minimum of 2",
				}},
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Plan(tt.cluster.Model(tt.policy))); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}
