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
	"slices"
	"strconv"
	"strings"
)

// The rebalance decision: which replicas of a spread group to move, one
// after the other, so that the group ends up spread as FailureDomainSpread
// would spread it now. A scheduler places pods and never moves them: after
// a zone or host came back from an outage, the replicas recreated in the
// surviving domains stay there. The checker's plan (ha-check rebalance and
// its --apply), the audit's finding spread.rebalance-possible and the
// scheduler's gauge
// ha_scheduler_failuredomainspread_rebalance_possible_groups all call
// RebalanceGroup.Plan; nothing else decides it.

// RebalanceNode is a node a replacement replica of the group may be placed
// on now (RebalanceGroups: the nodes a pod of the group is eligible for,
// policy.Eligibility, resources aside).
type RebalanceNode struct {
	Name string
	// Domains are the node's domain at each of the policy's levels
	// (DomainOf), widest first.
	Domains []string
}

// RebalanceMember is a replica of the group that holds its place in the
// spread (CountsInSpread, bound to a node that exists): what
// FailureDomainSpread counts.
type RebalanceMember struct {
	// Pod is namespace/name.
	Pod string
	// Node is the node it is bound to, Domains that node's domain at each
	// level.
	Node    string
	Domains []string
	// Keep is how many of the widest levels a replacement would stay in:
	// 0 when it may go anywhere, a volume pinned to a zone keeps 1 (the
	// zone level), len(Levels) when the pod cannot move at all (a static
	// pod, no controller to recreate it, a volume on its node).
	Keep int
	// Why says what keeps it ("" when Keep is 0).
	Why string
}

// Movable reports whether the member may move at all.
func (m *RebalanceMember) Movable(levels int) bool { return m.Keep < levels }

// RebalanceGroup is one spread group as the rebalance sees it: its
// replicas, where they are and whether they may move, and the nodes a
// replacement may go to now.
type RebalanceGroup struct {
	// Key is the group's key (Group.String()).
	Key    string
	Group  Group
	Spread Spread
	// Levels are the policy's levels, widest first; Required the indexes
	// of its required levels (Policy.RequiredIndexes) when the group's
	// spread is Required, else nil.
	Levels   []string
	Required []int
	// Members are the replicas that hold their place, by pod name.
	Members []RebalanceMember
	// Nodes are the nodes a replacement may go to now, by name.
	Nodes []RebalanceNode
	// index is Nodes by domain, made once for the groups that share
	// them (nil: Plan makes one).
	index *nodeIndex
	// Unsettled says why the group is not planned now ("1 pending, 1 not
	// Ready"): a replica is pending, not Ready, terminating, on a node that
	// is down or gone, or not created yet. Moving replicas of a group that
	// has not recovered would take more from it; "" when settled.
	Unsettled string
}

// RebalanceMove is one move of a plan: evict Pod, whose replacement the
// scheduler places in a better domain.
type RebalanceMove struct {
	// Pod is the replica to evict (namespace/name), Node where it runs.
	Pod  string
	Node string
	// Level is the index in the group's Levels of the widest level the
	// move improves: the replica leaves From, where the group holds
	// FromReplicas, for To, where it holds ToReplicas (counts before the
	// move), and ToReplicas+1 < FromReplicas: after the move From holds one
	// fewer, To one more, and To still fewer than From did. The wider
	// levels' counts stay as they were, or swap.
	Level                    int
	From, To                 string
	FromReplicas, ToReplicas int
	// Target is the node FailureDomainSpread would choose now for the
	// replacement: the first by name of the best. Equally good nodes may
	// win instead; resources (which the plan does not see) may rule it out.
	Target string
}

// Plan returns the moves that spread the group as the scheduler would
// place its replicas now, in order; none when the group is unsettled or
// already spread as well as its movable replicas allow.
//
// A move takes a movable replica from a place whose tuple (the group's
// replicas in its domain at each level, widest first, as
// FailureDomainSpread's Score counts them) less its own replica is
// lexicographically worse than the tuple of the node the scheduler would
// choose for its replacement: the best tuple among the group's Nodes that
// FailureDomainSpread's Filter lets through with that replica gone
// (SpreadFilter: a Required group's required levels, chained), within the
// domains the replica keeps (Keep). Of the replicas that can improve, the
// one on the worst tuple goes first (the first by name among equals). A
// replica moves at most once in a plan: its replacement is a new pod,
// where the scheduler put it; --apply plans again before each move.
//
// It terminates: each move strictly decreases Potential, the sums of
// squared counts per level compared widest level first, which no sequence
// of integers can decrease forever. At the move's level the group goes
// from (a, b) to (a-1, b+1) with b+1 < a, which lowers the sum of squares
// by 2(a-b-1) > 0; at each wider level the two domains are the same
// (counts unchanged) or hold a and a-1 (the counts swap, the sum stays).
func (g *RebalanceGroup) Plan() []RebalanceMove { return g.plan(false, -1) }

// HasMoves reports whether Plan has moves, making only the first.
func (g *RebalanceGroup) HasMoves() bool { return len(g.plan(false, 1)) > 0 }

// plan makes up to limit moves (-1: all); scanOnly as in rebalanceState.
func (g *RebalanceGroup) plan(scanOnly bool, limit int) []RebalanceMove {
	if g.Unsettled != "" || len(g.Members) < 2 {
		return nil
	}
	s := newRebalanceState(g)
	s.scanOnly = scanOnly
	var moves []RebalanceMove
	for len(moves) != limit {
		mv, ok := s.next()
		if !ok {
			break
		}
		moves = append(moves, mv)
	}
	return moves
}

// Ideal returns the group as if every replica could move and it had
// settled: whether its placement could be better at all. The checker names
// the replicas that cannot move when Ideal plans moves and Plan does not
// plan them all.
func (g *RebalanceGroup) Ideal() *RebalanceGroup {
	c := *g
	c.Unsettled = ""
	c.Members = slices.Clone(g.Members)
	for i := range c.Members {
		c.Members[i].Keep, c.Members[i].Why = 0, ""
	}
	return &c
}

// Potential is the sum over domains of the group's squared replica
// counts, per level, widest first: each move of a plan lowers it in the
// lexicographic order (slices.Compare), and --apply checks that each move
// it made did.
func (g *RebalanceGroup) Potential() []int {
	counts := NewReplicaCounts(len(g.Levels))
	for _, m := range g.Members {
		addDomains(counts, m.Domains, 1)
	}
	return potential(counts)
}

func potential(counts ReplicaCounts) []int {
	out := make([]int, len(counts))
	for l, domains := range counts {
		for _, n := range domains {
			out[l] += n * n
		}
	}
	return out
}

// addDomains counts delta replicas on a node with those domains.
func addDomains(c ReplicaCounts, domains []string, delta int) {
	for l, d := range domains {
		if n := c[l][d] + delta; n != 0 {
			c[l][d] = n
		} else {
			delete(c[l], d)
		}
	}
}

// rebalanceState is a plan being made: the counts as the moves so far
// leave them.
type rebalanceState struct {
	g       *RebalanceGroup
	levels  int
	counts  ReplicaCounts
	members []RebalanceMember
	moved   []bool
	// scanOnly makes best scan the nodes even where the topology nests
	// (the tests compare the two).
	scanOnly bool
	// filter is FailureDomainSpread's Filter of a Required group over the
	// group's Nodes, on counts; nil for a Preferred group.
	filter *SpreadFilter
	// index is the group's nodes by domain; nested: each domain of its
	// nodes and members lies in one domain of the wider level (a host in
	// one zone), so that a step can look at a few nodes instead of
	// scanning them (rebalance_best.go).
	index  *nodeIndex
	nested bool
}

func newRebalanceState(g *RebalanceGroup) *rebalanceState {
	s := &rebalanceState{g: g, levels: len(g.Levels), counts: NewReplicaCounts(len(g.Levels)),
		members: slices.Clone(g.Members), moved: make([]bool, len(g.Members))}
	for _, m := range s.members {
		addDomains(s.counts, m.Domains, 1)
	}
	s.index = g.index
	if s.index == nil {
		s.index = newNodeIndex(g.Nodes, len(g.Levels))
	}
	s.nested = s.index.nestsWith(s.members)
	if len(g.Required) > 0 {
		s.filter = &SpreadFilter{Levels: g.Levels, Required: g.Required, Counts: s.counts,
			Emptiest: make([]Emptiest, len(g.Required)), path: make([]string, len(g.Required))}
		for _, n := range g.Nodes {
			s.filter.AddEligibleAt(n.Domains)
		}
	}
	return s
}

// tuple is the group's replicas in the domains of a node, at each level.
func (s *rebalanceState) tuple(domains []string) []int {
	t := make([]int, s.levels)
	for l, d := range domains {
		t[l] = s.counts[l][d]
	}
	return t
}

// rankedNode is a node with its tuple under the counts before a move.
type rankedNode struct {
	node  *RebalanceNode
	tuple []int
}

// compareRanked orders nodes by tuple, then name.
func compareRanked(a, b rankedNode) int {
	if c := slices.Compare(a.tuple, b.tuple); c != 0 {
		return c
	}
	return strings.Compare(a.node.Name, b.node.Name)
}

// rank returns the nodes by tuple, then name: the scan for the best one
// under a replica's removal stops early (best).
func (s *rebalanceState) rank() []rankedNode {
	ranked := make([]rankedNode, len(s.g.Nodes))
	tuples := make([]int, len(s.g.Nodes)*s.levels) // one allocation for all
	for i := range s.g.Nodes {
		t := tuples[i*s.levels : (i+1)*s.levels : (i+1)*s.levels]
		for l, d := range s.g.Nodes[i].Domains {
			t[l] = s.counts[l][d]
		}
		ranked[i] = rankedNode{node: &s.g.Nodes[i], tuple: t}
	}
	slices.SortFunc(ranked, compareRanked)
	return ranked
}

// next finds the next move and makes it in the state.
func (s *rebalanceState) next() (RebalanceMove, bool) {
	// Where the levels nest, the first nodes of the replicas' domains are
	// enough (rebalance_best.go); else a scan needs every node ranked.
	var firsts *domainFirsts
	var ranked []rankedNode
	if s.nested && s.filter == nil && !s.scanOnly {
		firsts = newDomainFirsts(s, s.index)
	} else {
		ranked = s.rank()
	}

	// The replicas that may move, worst place first.
	var candidates []int
	places := make([][]int, len(s.members))
	for i, m := range s.members {
		if s.moved[i] || !m.Movable(s.levels) || len(m.Domains) != s.levels {
			continue
		}
		places[i] = s.tuple(m.Domains)
		candidates = append(candidates, i)
	}
	slices.SortStableFunc(candidates, func(a, b int) int { return slices.Compare(places[b], places[a]) })

	// Replicas on one node that keep the same levels are interchangeable:
	// one answer for all of them.
	tried := map[string]bool{}
	for _, i := range candidates {
		m := &s.members[i]
		key := strings.Join(m.Domains, "\x00") + "\x00" + strconv.Itoa(m.Keep)
		if tried[key] {
			continue
		}
		tried[key] = true
		// The replica's own place with it gone, and the best place the
		// scheduler would choose for its replacement.
		own := slices.Clone(places[i])
		for l := range own {
			own[l]--
		}
		if firsts != nil {
			firsts.prepare(m)
		}
		addDomains(s.counts, m.Domains, -1)
		if s.filter != nil {
			s.filter.Chain()
		}
		var target *RebalanceNode
		var best []int
		if firsts != nil {
			target, best = s.bestOfClasses(m, firsts)
		} else {
			target, best = s.best(m, ranked)
		}
		var mv RebalanceMove
		improves := target != nil && slices.Compare(best, own) < 0
		if improves {
			l := 0
			for own[l] == best[l] {
				l++
			}
			from, to := m.Domains[l], target.Domains[l]
			// Counts before the move: From still holds the replica; To
			// differs from From at this level, so the removal did not
			// change it.
			mv = RebalanceMove{Pod: m.Pod, Node: m.Node, Level: l, From: from, To: to,
				FromReplicas: s.counts[l][from] + 1, ToReplicas: s.counts[l][to], Target: target.Name}
			addDomains(s.counts, target.Domains, 1)
			m.Node, m.Domains = target.Name, target.Domains
			s.moved[i] = true
			return mv, true
		}
		addDomains(s.counts, m.Domains, 1)
	}
	return RebalanceMove{}, false
}

// best returns the node the scheduler would choose for the replacement of
// m, which the counts no longer hold, and its tuple: the smallest tuple
// among the nodes FailureDomainSpread's Filter passes, in the domains m
// keeps, the first by name among equals; nil when there is none.
//
// ranked is sorted by the tuples before m's removal, which took at most
// one replica off each level of a node's tuple: a node's tuple now is at
// least its tuple before less one at each level, and that bound grows
// along ranked, so the scan stops at the first node whose bound is worse
// than the best found.
func (s *rebalanceState) best(m *RebalanceMember, ranked []rankedNode) (*RebalanceNode, []int) {
	var target *RebalanceNode
	var best []int
	for _, r := range ranked {
		if best != nil && boundWorse(r.tuple, best) {
			break
		}
		if !keeps(m, r.node) {
			continue
		}
		if s.filter != nil && !s.filter.VerdictAt(true, r.node.Domains).Passes() {
			continue
		}
		t := s.tuple(r.node.Domains)
		if c := slices.Compare(t, best); best == nil || c < 0 || (c == 0 && r.node.Name < target.Name) {
			target, best = r.node, t
		}
	}
	return target, best
}

// boundWorse reports whether before less one at every level is
// lexicographically worse than best.
func boundWorse(before, best []int) bool {
	for l := range before {
		if b := before[l] - 1; b != best[l] {
			return b > best[l]
		}
	}
	return false
}

// keeps reports whether the node is in the domains the member keeps.
func keeps(m *RebalanceMember, n *RebalanceNode) bool {
	for l := 0; l < m.Keep; l++ {
		if n.Domains[l] != m.Domains[l] {
			return false
		}
	}
	return true
}
