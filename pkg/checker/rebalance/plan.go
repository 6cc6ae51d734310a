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

// Package rebalance is ha-check rebalance: the plan (Plan) that moves the
// replicas of spread groups back to the spread the scheduler would choose
// now, as the policy decides it (policy.RebalanceGroups and
// RebalanceGroup.Plan, which the audit's finding and the scheduler's gauge
// call too), and its execution (Apply): one eviction at a time, never
// below a group's minimum, each replacement Ready before the next.
package rebalance

import (
	"fmt"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// comparisonOperators: tolerations with Lt/Gt operators (feature gate
// TaintTolerationComparisonOperators, alpha and off by default in 1.37)
// tolerate nothing, as in a scheduler with the default gates (explain
// reads them so too).
const comparisonOperators = false

// Groups returns the model's spread groups as the rebalance sees them
// (policy.RebalanceGroups), by key.
func Groups(m *model.Model) []*policy.RebalanceGroup {
	var vols policy.Volumes
	if m.Cluster.Volumes != nil {
		vols = newVolumes(m.Cluster.Volumes)
	}
	return m.Policy.RebalanceGroups(klog.Background(), policy.RebalanceInput{
		Pods: m.Cluster.Pods, Nodes: m.Cluster.Nodes, Lookups: m.Lookups, Volumes: vols, ComparisonOps: comparisonOperators,
	})
}

// Plan is the rebalance plan of the model's cluster, without its
// apiVersion, kind and policy source (the command's to fill in): every
// group with moves, or that could be spread better if its replicas could
// move or once it has recovered.
func Plan(m *model.Model) *v1alpha1.RebalancePlan {
	out := &v1alpha1.RebalancePlan{Levels: m.Policy.Levels, Groups: []v1alpha1.RebalanceGroup{}}
	for _, g := range Groups(m) {
		if pg, ok := PlanGroup(m, g); ok {
			out.Groups = append(out.Groups, pg)
			out.Moves += len(pg.Moves)
		}
	}
	return out
}

// PlanGroup is one group's part of the plan; false when the group is
// spread as well as it can be.
func PlanGroup(m *model.Model, g *policy.RebalanceGroup) (v1alpha1.RebalanceGroup, bool) {
	out := v1alpha1.RebalanceGroup{Group: g.Key, Spread: string(g.Spread), Moves: []v1alpha1.RebalanceMove{}}
	for _, mv := range g.Plan() {
		out.Moves = append(out.Moves, Move(m, g, mv))
	}
	// What the group's replicas would do if they all could move, and the
	// group had recovered: the replicas that would move and cannot are
	// named, and an unsettled group waits.
	ideal := g.Ideal().Plan()
	if len(ideal) == 0 {
		return out, len(out.Moves) > 0
	}
	if g.Unsettled != "" {
		out.Waiting = g.Unsettled
	}
	members := map[string]*policy.RebalanceMember{}
	for i := range g.Members {
		members[g.Members[i].Pod] = &g.Members[i]
	}
	for _, mv := range ideal {
		if member := members[mv.Pod]; member.Keep > 0 {
			out.NotMovable = append(out.NotMovable, v1alpha1.NotMovable{Pod: member.Pod, Node: member.Node, Reason: member.Why})
		}
	}
	return out, len(out.Moves) > 0 || len(out.NotMovable) > 0 || out.Waiting != ""
}

// Move words a move of the group's plan, and says whether it is blocked.
func Move(m *model.Model, g *policy.RebalanceGroup, mv policy.RebalanceMove) v1alpha1.RebalanceMove {
	out := v1alpha1.RebalanceMove{
		Pod: mv.Pod, Node: mv.Node, Level: g.Levels[mv.Level], Target: mv.Target,
		From: v1alpha1.DomainReplicaMove{Domain: mv.From, Before: mv.FromReplicas, After: mv.FromReplicas - 1},
		To:   v1alpha1.DomainReplicaMove{Domain: mv.To, Before: mv.ToReplicas, After: mv.ToReplicas + 1},
	}
	if ns, name, ok := strings.Cut(mv.Pod, "/"); ok {
		if pod := m.Pod(ns, name); pod != nil {
			out.Blocked = Blocked(m, pod.Pod)
		}
	}
	return out
}

// Blocked says why evicting the pod now would take its disruption-
// controlled group below the policy's minimum (policy.DisruptionGroup:
// the quorum of an etcd's desired size, minAvailable of the others),
// counted as the check counts it: available now; "" when it would not.
func Blocked(m *model.Model, pod *v1.Pod) string {
	g := m.GroupOf(pod)
	if g == nil || g.Disruption == nil {
		return ""
	}
	left := g.Available()
	if g.State[pod] == model.Available {
		left--
	}
	minimum := g.MinAvailable()
	if left >= minimum {
		return ""
	}
	what := fmt.Sprintf("its minimum of %d", minimum)
	if g.Disruption.Disruption.Quorum {
		what = fmt.Sprintf("the quorum (%d) of its %d members", minimum, g.Desired())
	}
	return fmt.Sprintf("evicting it would leave %s with %d available, below %s", g.Key, left, what)
}

// volumes answers policy.Volumes from the lists.
type volumes struct {
	claims map[string]*v1.PersistentVolumeClaim
	pvs    map[string]*v1.PersistentVolume
}

func newVolumes(v *cluster.Volumes) volumes {
	out := volumes{claims: make(map[string]*v1.PersistentVolumeClaim, len(v.Claims)), pvs: make(map[string]*v1.PersistentVolume, len(v.PersistentVolumes))}
	for _, c := range v.Claims {
		out.claims[c.Namespace+"/"+c.Name] = c
	}
	for _, pv := range v.PersistentVolumes {
		out.pvs[pv.Name] = pv
	}
	return out
}

func (v volumes) PersistentVolumeClaim(ns, name string) *v1.PersistentVolumeClaim {
	return v.claims[ns+"/"+name]
}

func (v volumes) PersistentVolume(name string) *v1.PersistentVolume { return v.pvs[name] }
