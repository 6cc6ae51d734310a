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

package model

import (
	"fmt"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Group is the replicas of one workload: of a disruption-controlled one,
// those with one owner in one namespace (policy.DisruptionGroup, as the
// scheduler's guard counts them); of the others, those policy.GroupOf puts
// together.
type Group struct {
	// Key names the group: the disruption-controlled group's key
	// ("kube-system/etcd (StatefulSet etcd-events)"), else policy.GroupOf's.
	Key string
	// Class is the policy's class of the group's pods (one for all: the
	// key says the namespace and the component, whose class decides).
	Class policy.Class
	// Disruption is the disruption-controlled group; nil for the others.
	Disruption *policy.DisruptionGroup
	// owners sizes the other groups: members and desired replicas per owner
	// (the replicas of one component may come from several workloads),
	// sized as policy sizes a disruption-controlled group.
	owners map[string]*policy.DisruptionGroup
	// Members are the unfinished pods, terminating ones included, in name
	// order; Pods the active ones (not terminating). State says whether
	// each member is available now.
	Members, Pods []*v1.Pod
	State         map[*v1.Pod]State
	// OwnerKinds are the kinds of the members' controllers.
	OwnerKinds sets.Set[string]
	// lookups tell mirror pods by their node.
	lookups policy.Lookups
}

// IsMirror reports whether a member is a static pod's mirror.
func (g *Group) IsMirror(pod *v1.Pod) bool { return g.lookups.IsMirrorPod(pod) }

// Audited reports whether the audit reports on the group: a component's,
// or another group the policy makes disruption-controlled
// (otherTrustedPods, userWorkloads), which the guard protects as it
// protects a component.
func (g *Group) Audited() bool {
	return g.Class.Component != "" || g.Class.Disruption.Controlled()
}

// OnEveryNode reports a workload that runs on every node by design (Any
// role, no spread: kube-proxy, flannel). It is not assessed: a failure
// takes only the replicas that served the nodes it takes down, so it has
// no table row and no survival to report.
func (g *Group) OnEveryNode() bool {
	return g.Class.Placement == policy.PlaceAny && g.Class.Spread == policy.SpreadNone
}

// ReplicaRow counts the group's row: its desired size, its active, placed
// and available replicas, and the available ones per zone and host (an
// available replica's node exists, so nodes has it).
//
// levels are the policy's levels besides zone and host, by label: the row
// splits its available replicas by their domains too (PerDomain).
func (g *Group) ReplicaRow(nodes map[string]*v1.Node, levels []string) v1alpha1.ComponentReplica {
	row := v1alpha1.ComponentReplica{
		Group:                g.Key,
		Component:            g.Class.Component,
		Owner:                g.Owner(),
		NodeRole:             string(g.Class.Placement),
		Spread:               string(g.Class.Spread),
		DisruptionControlled: g.Class.Disruption.Controlled(),
		Quorum:               g.Class.Disruption.Quorum,
		Desired:              g.Desired(),
		Replicas:             len(g.Pods),
		MinAvailable:         g.MinAvailable(),
		PerZone:              map[string]int{},
		PerHost:              map[string]int{},
	}
	for _, pod := range g.Pods {
		if g.State[pod].Placed() {
			row.Placed++
		}
		if g.State[pod] == Available {
			row.Available++
			name := pod.Spec.NodeName
			labels := nodes[name].Labels
			row.PerZone[policy.DomainOf(name, labels, policy.LabelZone)]++
			row.PerHost[policy.DomainOf(name, labels, policy.LabelHostID)]++
			for _, l := range levels {
				if row.PerDomain == nil {
					row.PerDomain = map[string]map[string]int{}
				}
				if row.PerDomain[l] == nil {
					row.PerDomain[l] = map[string]int{}
				}
				row.PerDomain[l][policy.DomainOf(name, labels, l)]++
			}
		}
	}
	return row
}

// Desired is the size the group should have: for a disruption-controlled
// group policy's DisruptionGroup.Size; for the others the same per owner,
// summed (pods without an owner count as themselves).
func (g *Group) Desired() int {
	if g.Disruption != nil {
		return g.Disruption.Size()
	}
	n := 0
	for _, o := range g.owners {
		n += o.Size()
	}
	return n
}

// MinAvailable is how many replicas a disruption-controlled group must keep
// available; 0 for the others.
func (g *Group) MinAvailable() int {
	if g.Disruption == nil {
		return 0
	}
	return g.Disruption.MinAvailable()
}

// Owner names the owner of a disruption-controlled group.
func (g *Group) Owner() string {
	if g.Disruption == nil {
		return ""
	}
	return g.Disruption.Owner.String()
}

// Available counts the replicas available now.
func (g *Group) Available() int { return g.Count(Available) }

// Count returns the members in a state.
func (g *Group) Count(s State) int {
	n := 0
	for _, p := range g.Members {
		if g.State[p] == s {
			n++
		}
	}
	return n
}

// Unavailable returns the names of the members not available now.
func (g *Group) Unavailable() []string {
	var out []string
	for _, p := range g.Members {
		if g.State[p] != Available {
			out = append(out, p.Namespace+"/"+p.Name)
		}
	}
	return out
}

// WhyUnavailable says why the group has fewer available replicas than it
// should: "2 pending, 1 on a node that is not Ready (cp-c), 1 not created"
// (not created: the controller wants more replicas than there are pods).
func (g *Group) WhyUnavailable() string {
	var parts []string
	for s := Available + 1; s < numStates; s++ {
		n := g.Count(s)
		if n == 0 {
			continue
		}
		part := fmt.Sprintf("%d %s", n, s)
		if s == NodeNotReady || s == NodeGone {
			nodes := sets.New[string]()
			for _, p := range g.Members {
				if g.State[p] == s {
					nodes.Insert(p.Spec.NodeName)
				}
			}
			part += " (" + words.List(sets.List(nodes)) + ")"
		}
		parts = append(parts, part)
	}
	if missing := g.Desired() - len(g.Members); missing > 0 {
		parts = append(parts, fmt.Sprintf("%d not created", missing))
	}
	return strings.Join(parts, ", ")
}

// Where lists the members and their nodes: "kube-system/etcd-0 on node
// cp-a, kube-system/etcd-1 pending".
func (g *Group) Where() string {
	var parts []string
	for _, p := range g.Members {
		w := "pending"
		if p.Spec.NodeName != "" {
			w = "on node " + p.Spec.NodeName
		}
		parts = append(parts, p.Namespace+"/"+p.Name+" "+w)
	}
	return words.List(parts)
}

// MemberNames returns the members' namespace/name.
func (g *Group) MemberNames() []string {
	out := make([]string, 0, len(g.Members))
	for _, p := range g.Members {
		out = append(out, p.Namespace+"/"+p.Name)
	}
	return out
}

// Evictable returns the members the eviction API can take: all but mirror
// pods.
func (g *Group) Evictable() []*v1.Pod {
	var out []*v1.Pod
	for _, p := range g.Members {
		if !g.IsMirror(p) {
			out = append(out, p)
		}
	}
	return out
}

// Namespace is the group's namespace (a group is in one).
func (g *Group) Namespace() string { return g.Members[0].Namespace }
