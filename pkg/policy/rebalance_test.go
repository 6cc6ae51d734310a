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

package policy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// rnode is a node of zone and host, its own hostname.
func rnode(name, zone, host string) RebalanceNode {
	return RebalanceNode{Name: name, Domains: []string{zone, host, name}}
}

// on places replicas pod... on the node.
func on(n RebalanceNode, pods ...string) []RebalanceMember {
	var out []RebalanceMember
	for _, p := range pods {
		out = append(out, RebalanceMember{Pod: p, Node: n.Name, Domains: n.Domains})
	}
	return out
}

// pinned is the members, keeping keep levels for why.
func pinned(keep int, why string, ms []RebalanceMember) []RebalanceMember {
	for i := range ms {
		ms[i].Keep, ms[i].Why = keep, why
	}
	return ms
}

func TestRebalancePlan(t *testing.T) {
	// Three zones, a node each, each its own host.
	a, b, c := rnode("a1", "a", "ha1"), rnode("b1", "b", "hb1"), rnode("c1", "c", "hc1")
	// Zone a: two VMs on one host, and a second host.
	a2, a3 := rnode("a2", "a", "ha1"), rnode("a3", "a", "ha3")
	// Zone b's other hosts, zone c's second host.
	b4, b5, c6 := rnode("b4", "b", "hb4"), rnode("b5", "b", "hb5"), rnode("c6", "c", "hc6")

	tests := []struct {
		name  string
		group RebalanceGroup
		want  []RebalanceMove
	}{
		{
			name: "a zone back after an outage: its share comes back from the zones that took it, one at a time",
			group: RebalanceGroup{
				Members: slices.Concat(on(a, "web-1", "web-2", "web-3"), on(b, "web-4", "web-5", "web-6")),
				Nodes:   []RebalanceNode{a, b, c},
			},
			want: []RebalanceMove{
				{Pod: "web-1", Node: "a1", Level: 0, From: "a", To: "c", FromReplicas: 3, ToReplicas: 0, Target: "c1"},
				{Pod: "web-4", Node: "b1", Level: 0, From: "b", To: "c", FromReplicas: 3, ToReplicas: 1, Target: "c1"},
			},
		},
		{
			name: "already balanced: no move",
			group: RebalanceGroup{
				Members: slices.Concat(on(a, "web-1", "web-2"), on(b, "web-3", "web-4"), on(c, "web-5")),
				Nodes:   []RebalanceNode{a, b, c},
			},
		},
		{
			name: "one replica more than another zone is no reason to move: it would only swap",
			group: RebalanceGroup{
				Members: slices.Concat(on(a, "web-1", "web-2"), on(b, "web-3")),
				Nodes:   []RebalanceNode{a, b, c},
			},
			want: []RebalanceMove{{Pod: "web-1", Node: "a1", Level: 0, From: "a", To: "c", FromReplicas: 2, ToReplicas: 0, Target: "c1"}},
		},
		{
			name: "host level: two VMs of one hypervisor hold both replicas of the zone, another host holds none",
			group: RebalanceGroup{
				Members: slices.Concat(on(a, "dns-1"), on(a2, "dns-2")),
				Nodes:   []RebalanceNode{a, a2, a3},
			},
			want: []RebalanceMove{{Pod: "dns-1", Node: "a1", Level: 1, From: "ha1", To: "ha3", FromReplicas: 2, ToReplicas: 0, Target: "a3"}},
		},
		{
			name: "node level: two replicas on one node of a host that has another",
			group: RebalanceGroup{
				Members: on(a, "dns-1", "dns-2"),
				Nodes:   []RebalanceNode{a, a2},
			},
			want: []RebalanceMove{{Pod: "dns-1", Node: "a1", Level: 2, From: "a1", To: "a2", FromReplicas: 2, ToReplicas: 0, Target: "a2"}},
		},
		{
			// Zone a (one host, 1 replica) is the emptiest zone, but the
			// host level is required and hb5 holds none: the filter sends
			// the replica to hb5, as the scheduler would.
			name: "Required: the filter's emptiest host, not the score's emptiest zone",
			group: RebalanceGroup{
				Required: []int{1},
				Members:  slices.Concat(on(a, "s-1"), on(b, "s-2"), on(b4, "s-3"), on(c, "s-4", "s-5", "s-6")),
				Nodes:    []RebalanceNode{a, b, b4, b5, c},
			},
			want: []RebalanceMove{
				{Pod: "s-4", Node: "c1", Level: 1, From: "hc1", To: "hb5", FromReplicas: 3, ToReplicas: 0, Target: "b5"},
			},
		},
		{
			name: "Preferred, the same replicas: the emptiest zone",
			group: RebalanceGroup{
				Members: slices.Concat(on(a, "s-1"), on(b, "s-2"), on(b4, "s-3"), on(c, "s-4", "s-5", "s-6")),
				Nodes:   []RebalanceNode{a, b, b4, b5, c},
			},
			want: []RebalanceMove{
				{Pod: "s-4", Node: "c1", Level: 0, From: "c", To: "a", FromReplicas: 3, ToReplicas: 1, Target: "a1"},
			},
		},
		{
			name: "static pods and pods without a controller stay; the movable one goes",
			group: RebalanceGroup{
				Members: slices.Concat(pinned(3, "static pod", on(a, "etcd-a1")), pinned(3, "no controller", on(a2, "etcd-a2")), on(a3, "etcd-a3")),
				Nodes:   []RebalanceNode{a, a2, a3, b, c},
			},
			want: []RebalanceMove{{Pod: "etcd-a3", Node: "a3", Level: 0, From: "a", To: "b", FromReplicas: 3, ToReplicas: 0, Target: "b1"}},
		},
		{
			name: "nothing can move: no plan",
			group: RebalanceGroup{
				Members: pinned(3, "hostPath", on(a, "db-1", "db-2")),
				Nodes:   []RebalanceNode{a, b, c},
			},
		},
		{
			name: "a volume of zone c keeps its replica in zone c: it moves to the zone's other host only",
			group: RebalanceGroup{
				Members: slices.Concat(pinned(1, "zonal volume", on(c, "db-1", "db-2")), on(b, "db-3")),
				Nodes:   []RebalanceNode{a, b, c, c6},
			},
			want: []RebalanceMove{{Pod: "db-1", Node: "c1", Level: 1, From: "hc1", To: "hc6", FromReplicas: 2, ToReplicas: 0, Target: "c6"}},
		},
		{
			name: "zone c is back but its nodes are cordoned, full of taints or down: not open, no move",
			group: RebalanceGroup{
				Members: slices.Concat(on(a, "web-1", "web-2"), on(b, "web-3", "web-4")),
				Nodes:   []RebalanceNode{a, b},
			},
		},
		{
			name: "unsettled: a replica is pending; the scheduler places it first",
			group: RebalanceGroup{
				Members:   slices.Concat(on(a, "web-1", "web-2", "web-3"), on(b, "web-4")),
				Nodes:     []RebalanceNode{a, b, c},
				Unsettled: "1 pending",
			},
		},
		{
			name: "a replica moves at most once; the worst place goes first",
			group: RebalanceGroup{
				Members: slices.Concat(on(a, "web-1", "web-2", "web-3", "web-4"), on(b, "web-5")),
				Nodes:   []RebalanceNode{a, b, c},
			},
			want: []RebalanceMove{
				{Pod: "web-1", Node: "a1", Level: 0, From: "a", To: "c", FromReplicas: 4, ToReplicas: 0, Target: "c1"},
				{Pod: "web-2", Node: "a1", Level: 0, From: "a", To: "b", FromReplicas: 3, ToReplicas: 1, Target: "b1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.group
			g.Levels = DefaultLevels
			if diff := cmp.Diff(tt.want, g.Plan()); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRebalanceIdeal: Ideal lifts every pin and the unsettled state, so
// that the checker can tell a group that could be spread better but whose
// replicas cannot move.
func TestRebalanceIdeal(t *testing.T) {
	a, b := rnode("a1", "a", "ha1"), rnode("b1", "b", "hb1")
	g := RebalanceGroup{Levels: DefaultLevels, Members: pinned(3, "static pod", on(a, "etcd-1", "etcd-2")), Nodes: []RebalanceNode{a, b}, Unsettled: "1 pending"}
	if moves := g.Plan(); moves != nil {
		t.Fatalf("the group plans %v, want nothing", moves)
	}
	want := []RebalanceMove{{Pod: "etcd-1", Node: "a1", From: "a", To: "b", FromReplicas: 2, Target: "b1"}}
	if diff := cmp.Diff(want, g.Ideal().Plan()); diff != "" {
		t.Errorf("ideal plan (-want +got):\n%s", diff)
	}
	if g.Members[0].Keep != 3 || g.Unsettled == "" {
		t.Errorf("Ideal changed the group it was made from: %+v", g)
	}
}

// TestRebalancePlanTerminates checks on random groups what Plan's comment
// promises: each move strictly lowers the potential (widest level first),
// which is why a plan ends, and each move is one the scheduler would make
// (its target's tuple, with the replica gone, is the best of the open
// nodes and better than the replica's own place).
func TestRebalancePlanTerminates(t *testing.T) {
	r := rand.New(rand.NewPCG(26, 1))
	for i := range 300 {
		g := randomGroup(r)
		t.Run(fmt.Sprintf("group-%d", i), func(t *testing.T) {
			moves := g.Plan()
			cur := *g
			cur.Members = slices.Clone(g.Members)
			before := cur.Potential()
			for _, mv := range moves {
				j := slices.IndexFunc(cur.Members, func(m RebalanceMember) bool { return m.Pod == mv.Pod })
				if j < 0 {
					t.Fatalf("move of %s: no such replica", mv.Pod)
				}
				if mv.ToReplicas+1 >= mv.FromReplicas {
					t.Errorf("move %+v does not improve its level", mv)
				}
				target := slices.IndexFunc(cur.Nodes, func(n RebalanceNode) bool { return n.Name == mv.Target })
				own, best, bestNode := bruteForce(&cur, j)
				if got := tupleWithout(&cur, j, cur.Nodes[target].Domains); !slices.Equal(got, best) || slices.Compare(best, own) >= 0 {
					t.Errorf("move %+v: target's tuple %v, the best node %s has %v, the replica's own place %v", mv, got, bestNode, best, own)
				}
				cur.Members[j].Node, cur.Members[j].Domains = mv.Target, cur.Nodes[target].Domains
				after := cur.Potential()
				if slices.Compare(after, before) >= 0 {
					t.Fatalf("move %+v: potential %v, not below %v", mv, after, before)
				}
				before = after
			}
			if len(moves) > len(g.Members) {
				t.Errorf("%d moves for %d replicas", len(moves), len(g.Members))
			}
		})
	}
}

// randomGroup is a group of up to 12 replicas over up to 3 zones of up to
// 3 hosts of up to 2 nodes, some nodes closed, some replicas pinned,
// Preferred or Required at the host level.
func randomGroup(r *rand.Rand) *RebalanceGroup {
	g := &RebalanceGroup{Levels: DefaultLevels}
	if r.IntN(2) == 0 {
		g.Required = []int{1}
	}
	var all []RebalanceNode
	for z := range 1 + r.IntN(3) {
		for h := range 1 + r.IntN(3) {
			for n := range 1 + r.IntN(2) {
				node := rnode(fmt.Sprintf("n%d%d%d", z, h, n), fmt.Sprintf("z%d", z), fmt.Sprintf("h%d%d", z, h))
				all = append(all, node)
				if r.IntN(5) > 0 {
					g.Nodes = append(g.Nodes, node)
				}
			}
		}
	}
	for i := range 2 + r.IntN(11) {
		n := all[r.IntN(len(all))]
		m := RebalanceMember{Pod: fmt.Sprintf("p-%02d", i), Node: n.Name, Domains: n.Domains}
		if r.IntN(6) == 0 {
			m.Keep = r.IntN(4)
		}
		g.Members = append(g.Members, m)
	}
	return g
}

// tupleWithout is the tuple of a node with those domains, the group's
// member j gone.
func tupleWithout(g *RebalanceGroup, j int, domains []string) []int {
	counts := NewReplicaCounts(len(g.Levels))
	for i, m := range g.Members {
		if i != j {
			addDomains(counts, m.Domains, 1)
		}
	}
	t := make([]int, len(domains))
	for l, d := range domains {
		t[l] = counts[l][d]
	}
	return t
}

// bruteForce is what the scheduler would do with member j's replacement,
// computed the plain way (every node, no early stop): the tuple of j's own
// place with j gone, and the best tuple among the open nodes that
// FailureDomainSpread's Filter passes in the domains j keeps, and that
// node.
func bruteForce(g *RebalanceGroup, j int) ([]int, []int, string) {
	m := g.Members[j]
	counts := NewReplicaCounts(len(g.Levels))
	for i, o := range g.Members {
		if i != j {
			addDomains(counts, o.Domains, 1)
		}
	}
	f := &SpreadFilter{Levels: g.Levels, Required: g.Required, Counts: counts, Emptiest: make([]Emptiest, len(g.Required)), path: make([]string, len(g.Required))}
	for _, n := range g.Nodes {
		f.AddEligibleAt(n.Domains)
	}
	f.Chain()
	var best []int
	var name string
	for _, n := range g.Nodes {
		if !keeps(&m, &n) || !f.VerdictAt(true, n.Domains).Passes() {
			continue
		}
		if t := tupleWithout(g, j, n.Domains); best == nil || slices.Compare(t, best) < 0 {
			best, name = t, n.Name
		}
	}
	return tupleWithout(g, j, m.Domains), best, name
}
