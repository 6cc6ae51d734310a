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
	"fmt"
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// group is the replicas of one component: of a disruption-controlled one,
// those with one owner in one namespace (policy.DisruptionGroup, as the
// scheduler's guard counts them); of the others, those of one namespace.
type group struct {
	key   string
	class policy.Class
	// dg is the disruption-controlled group; nil for the others.
	dg *policy.DisruptionGroup
	// owners sizes the other groups: members and desired replicas per owner
	// (the replicas of one component may come from several workloads),
	// sized as policy sizes a disruption-controlled group.
	owners map[string]*policy.DisruptionGroup
	// members are the unfinished pods, terminating ones included; pods the
	// active ones (not terminating). state says whether each member is
	// available now.
	members, pods []*v1.Pod
	state         map[*v1.Pod]podState
	// ownerKinds are the kinds of the members' controllers.
	ownerKinds sets.Set[string]
	row        *ComponentReplica
	// lookups tell mirror pods by their node.
	lookups policy.Lookups
}

// isMirror reports whether a member is a static pod's mirror.
func (g *group) isMirror(pod *v1.Pod) bool { return g.lookups.IsMirrorPod(pod) }

// groupSet collects the component groups of a cluster.
type groupSet struct {
	dgs     *policy.DisruptionGroups
	lookups policy.Lookups
	byKey   map[string]*group
}

func newGroupSet(p *policy.Policy, l policy.Lookups) *groupSet {
	dgs := policy.NewDisruptionGroups(p, l)
	// A static pod dies with its zone like any other replica.
	dgs.IncludeMirror = true
	return &groupSet{dgs: dgs, lookups: l, byKey: map[string]*group{}}
}

// add puts an unfinished pod into its group: the disruption-controlled
// group of its owner when it has one (policy.DisruptionGroups), otherwise
// policy.GroupOf. classify adds only components; podGroups adds every pod.
func (gs *groupSet) add(pod *v1.Pod, class policy.Class, state podState) {
	dg := gs.dgs.AddMemberClass(pod, class)
	var key string
	if dg != nil {
		key = dg.Key
	} else {
		key = policy.GroupOf(pod, class, gs.lookups.Services).String()
	}
	g := gs.byKey[key]
	if g == nil {
		g = &group{key: key, class: class, dg: dg, owners: map[string]*policy.DisruptionGroup{}, state: map[*v1.Pod]podState{}, ownerKinds: sets.New[string](), lookups: gs.lookups}
		gs.byKey[key] = g
	}
	if dg == nil {
		o := policy.OwnerOf(pod, gs.lookups.Controllers)
		sz := g.owners[o.String()]
		if sz == nil {
			sz = &policy.DisruptionGroup{Owner: o}
			g.owners[o.String()] = sz
		}
		sz.Members++
	}
	if ref := metav1.GetControllerOfNoCopy(pod); ref != nil {
		g.ownerKinds.Insert(ref.Kind)
	}
	g.members = append(g.members, pod)
	if state != stateTerminating {
		g.pods = append(g.pods, pod)
	}
	g.state[pod] = state
}

// sorted returns the groups by key.
func (gs *groupSet) sorted() []*group {
	out := make([]*group, 0, len(gs.byKey))
	for _, k := range sets.List(sets.KeySet(gs.byKey)) {
		out = append(out, gs.byKey[k])
	}
	return out
}

// replicaTable is the phase after classify: a row of the replica table per
// assessed group, each group pointed at its row (g.row), which the survival
// phase reads rather than count again. It returns the assessed groups, in
// row order.
func replicaTable(r *Report, groups []*group, nodes map[string]*v1.Node, levels []string) []*group {
	var assessed []*group
	for _, g := range groups {
		if g.onEveryNode() {
			continue
		}
		r.Replicas = append(r.Replicas, g.replicaRow(nodes, levels))
		assessed = append(assessed, g)
	}
	// Point each group at its row once r.Replicas has stopped growing.
	for i, g := range assessed {
		g.row = &r.Replicas[i]
	}
	return assessed
}

// onEveryNode reports a component that runs on every node by design (Any
// role, no spread: kube-proxy, flannel). It is not assessed: a failure
// takes only the replicas that served the nodes it takes down, so it has
// no table row and no survival to report.
func (g *group) onEveryNode() bool {
	return g.class.Placement == policy.PlaceAny && g.class.Spread == policy.SpreadNone
}

// replicaRow counts the group's row: its desired size, its active, placed
// and available replicas, and the available ones per zone and host (an
// available replica's node exists, so nodes has it).
//
// levels are the policy's levels besides zone and host, by label: the row
// splits its available replicas by their domains too (PerDomain).
func (g *group) replicaRow(nodes map[string]*v1.Node, levels []string) ComponentReplica {
	row := ComponentReplica{
		Group:                g.key,
		Component:            g.class.Component,
		Owner:                g.owner(),
		NodeRole:             string(g.class.Placement),
		Spread:               g.class.Spread,
		DisruptionControlled: g.class.Disruption.Controlled(),
		Quorum:               g.class.Disruption.Quorum,
		Desired:              g.desired(),
		Replicas:             len(g.pods),
		MinAvailable:         g.minAvailable(),
		PerZone:              map[string]int{},
		PerHost:              map[string]int{},
	}
	for _, pod := range g.pods {
		if g.state[pod].placed() {
			row.Placed++
		}
		if g.state[pod] == stateAvailable {
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

// desired is the size the group should have: for a disruption-controlled
// group policy's DisruptionGroup.Size; for the others the same per owner,
// summed (pods without an owner count as themselves).
func (g *group) desired() int {
	if g.dg != nil {
		return g.dg.Size()
	}
	n := 0
	for _, o := range g.owners {
		n += o.Size()
	}
	return n
}

// minAvailable is how many replicas a disruption-controlled group must keep
// available; 0 for the others.
func (g *group) minAvailable() int {
	if g.dg == nil {
		return 0
	}
	return g.dg.MinAvailable()
}

// owner names the owner of a disruption-controlled group.
func (g *group) owner() string {
	if g.dg == nil {
		return ""
	}
	return g.dg.Owner.String()
}

// available counts the replicas available now.
func (g *group) available() int { return g.count(stateAvailable) }

// count returns the members in a state.
func (g *group) count(s podState) int {
	n := 0
	for _, p := range g.members {
		if g.state[p] == s {
			n++
		}
	}
	return n
}

// unavailable returns the names of the members not available now.
func (g *group) unavailable() []string {
	var out []string
	for _, p := range g.members {
		if g.state[p] != stateAvailable {
			out = append(out, p.Namespace+"/"+p.Name)
		}
	}
	return out
}

// whyUnavailable says why the group has fewer available replicas than it
// should: "2 pending, 1 on a node that is not Ready (cp-c), 1 not created"
// (not created: the controller wants more replicas than there are pods).
func (g *group) whyUnavailable() string {
	var parts []string
	for s := stateAvailable + 1; s < numPodStates; s++ {
		n := g.count(s)
		if n == 0 {
			continue
		}
		part := fmt.Sprintf("%d %s", n, s)
		if s == stateNodeNotReady || s == stateNodeGone {
			nodes := sets.New[string]()
			for _, p := range g.members {
				if g.state[p] == s {
					nodes.Insert(p.Spec.NodeName)
				}
			}
			part += " (" + nameList(sets.List(nodes)) + ")"
		}
		parts = append(parts, part)
	}
	if missing := g.desired() - len(g.members); missing > 0 {
		parts = append(parts, fmt.Sprintf("%d not created", missing))
	}
	return strings.Join(parts, ", ")
}

// where lists the members and their nodes: "kube-system/etcd-0 on node
// cp-a, kube-system/etcd-1 pending".
func (g *group) where() string {
	var parts []string
	for _, p := range g.members {
		w := "pending"
		if p.Spec.NodeName != "" {
			w = "on node " + p.Spec.NodeName
		}
		parts = append(parts, p.Namespace+"/"+p.Name+" "+w)
	}
	return nameList(parts)
}

func (g *group) memberNames() []string {
	out := make([]string, 0, len(g.members))
	for _, p := range g.members {
		out = append(out, p.Namespace+"/"+p.Name)
	}
	return out
}
