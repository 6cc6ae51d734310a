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
	"strings"
)

// Finding the node the scheduler would choose for a replica's replacement
// without looking at every node, where the levels nest.
//
// Rank the nodes by their tuple before the replica's removal, then name
// (compareRanked). Taking the replica off the counts lowers, by one, the
// levels at which a node shares the replica's domain, and nothing else.
// Where the levels nest (a host in one zone, a node on one host), take the
// first node in the ranking of the replica's domain at a level l (of the
// whole cluster for l = -1). It beats, after the removal, every later node
// of that domain that is outside the replica's domain at level l+1: both
// lose one at the levels up to l, it was no worse before, and if it shares
// the level l+1 domain as well it loses one more there (if it does not, it
// is that class's first itself). So the best node is one of those firsts,
// one per level and one for the cluster, and TestPlanByClassesIsTheScansPlan
// holds the plans to a scan's.
//
// A domain's first node is found from the group's replicas, not from its
// nodes: a child domain (a host of a zone) without replicas ranks before
// every child with some, and its nodes tie but for their names; so the
// first is the first by name of the domain's nodes outside the children
// with replicas, or, when every child has replicas, the best of the firsts
// of the children with the fewest. Its cost follows the replicas, and the
// index of the nodes by domain is made once per set of eligible nodes,
// which the groups of one placement share. The scan (best) looked at
// every node of the replica's widest domains, for every replica, in every
// step of a plan: one count of the rebalance gauge took 130 s over 5,000
// nodes and 51,000 replicas (BenchmarkRebalanceGaugeCount).

// nodeIndex is a set of eligible nodes by domain. It is made once and only
// read after: groups that share it may be planned at once.
type nodeIndex struct {
	levels int
	// nested: each domain of a level lies in one domain of the level
	// before (parents[l][d], for l >= 1).
	nested  bool
	parents []map[string]string
	// byDomain[l+1][d] are the positions in the node list of the nodes of
	// domain d of level l, by name; byDomain[0][""] all of them.
	byDomain []map[string][]int
	// children[l+1][d] are the domains of level l+1 in domain d of level
	// l; children[0][""] those of level 0.
	children []map[string][]string
}

func newNodeIndex(nodes []RebalanceNode, levels int) *nodeIndex {
	ix := &nodeIndex{levels: levels, nested: true, parents: make([]map[string]string, levels),
		byDomain: make([]map[string][]int, levels+1), children: make([]map[string][]string, levels)}
	for l := range ix.parents {
		ix.parents[l] = map[string]string{}
		ix.children[l] = map[string][]string{}
	}
	for l := range ix.byDomain {
		ix.byDomain[l] = map[string][]int{}
	}
	order := make([]int, len(nodes))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(nodes[a].Name, nodes[b].Name) })
	for _, pos := range order {
		d := nodes[pos].Domains
		if len(d) != levels {
			ix.nested = false
			return ix
		}
		ix.byDomain[0][""] = append(ix.byDomain[0][""], pos)
		for l := range levels {
			ix.byDomain[l+1][d[l]] = append(ix.byDomain[l+1][d[l]], pos)
			parent := ""
			if l > 0 {
				parent = d[l-1]
			}
			if p, seen := ix.parents[l][d[l]]; seen {
				if p != parent {
					ix.nested = false
				}
				continue
			}
			ix.parents[l][d[l]] = parent
			ix.children[l][parent] = append(ix.children[l][parent], d[l])
		}
	}
	return ix
}

// nestsWith reports whether the members' domains nest with the nodes'.
func (ix *nodeIndex) nestsWith(members []RebalanceMember) bool {
	if !ix.nested {
		return false
	}
	extra := make([]map[string]string, ix.levels) // parents of domains no node has
	for l := range extra {
		extra[l] = map[string]string{}
	}
	for _, m := range members {
		if len(m.Domains) != ix.levels {
			return false
		}
		for l := 1; l < ix.levels; l++ {
			p, seen := ix.parents[l][m.Domains[l]]
			if !seen {
				p, seen = extra[l][m.Domains[l]]
			}
			if seen && p != m.Domains[l-1] {
				return false
			}
			if !seen {
				extra[l][m.Domains[l]] = m.Domains[l-1]
			}
		}
	}
	return true
}

// domainFirsts are the first nodes in the ranking of the domains a step of
// a plan asks for, found under the counts before any replica is taken off.
type domainFirsts struct {
	s     *rebalanceState
	ix    *nodeIndex
	nodes []RebalanceNode
	// withReplicas[l+1][d] is how many domains of level l+1 in domain d of
	// level l (or of the cluster, l = -1) hold replicas.
	withReplicas []map[string]int
	first        []map[string]int // by level+1 and domain; -1: none
}

func newDomainFirsts(s *rebalanceState, ix *nodeIndex) *domainFirsts {
	f := &domainFirsts{s: s, ix: ix, nodes: s.g.Nodes, withReplicas: make([]map[string]int, ix.levels), first: make([]map[string]int, ix.levels+1)}
	for l := range f.withReplicas {
		f.withReplicas[l] = map[string]int{}
		for d := range s.counts[l] {
			if p, ok := ix.parents[l][d]; ok { // a domain with eligible nodes
				f.withReplicas[l][p]++
			}
		}
	}
	for l := range f.first {
		f.first[l] = map[string]int{}
	}
	return f
}

// of returns the position of the first node of domain d of level l (-1:
// the cluster) in the ranking, -1 when the domain has no eligible node.
func (f *domainFirsts) of(l int, d string) int {
	if pos, ok := f.first[l+1][d]; ok {
		return pos
	}
	pos := f.compute(l, d)
	f.first[l+1][d] = pos
	return pos
}

func (f *domainFirsts) compute(l int, d string) int {
	nodes := f.ix.byDomain[l+1][d]
	if len(nodes) == 0 {
		return -1
	}
	if l == f.ix.levels-1 { // its nodes share every level: by name
		return nodes[0]
	}
	counts := f.s.counts[l+1]
	if f.withReplicas[l+1][d] < len(f.ix.children[l+1][d]) {
		// A child without replicas: the first by name of its nodes.
		for _, pos := range nodes {
			if counts[f.nodes[pos].Domains[l+1]] == 0 {
				return pos
			}
		}
	}
	fewest := -1
	for _, c := range f.ix.children[l+1][d] {
		if n := counts[c]; fewest < 0 || n < fewest {
			fewest = n
		}
	}
	best := -1
	for _, c := range f.ix.children[l+1][d] {
		if counts[c] != fewest {
			continue
		}
		if pos := f.of(l+1, c); pos >= 0 && (best < 0 || f.compare(pos, best) < 0) {
			best = pos
		}
	}
	return best
}

// compare orders two nodes as compareRanked does, under the counts now.
func (f *domainFirsts) compare(a, b int) int {
	if c := slices.Compare(f.s.tuple(f.nodes[a].Domains), f.s.tuple(f.nodes[b].Domains)); c != 0 {
		return c
	}
	return strings.Compare(f.nodes[a].Name, f.nodes[b].Name)
}

// prepare finds the firsts the member's classes need, before its removal
// changes the counts.
func (f *domainFirsts) prepare(m *RebalanceMember) {
	for j := m.Keep; j <= f.ix.levels; j++ {
		if j == 0 {
			f.of(-1, "")
		} else {
			f.of(j-1, m.Domains[j-1])
		}
	}
}

// bestOfClasses is best where the levels nest and no Filter applies (a
// Preferred group): the best of the first nodes of m's domains at the
// levels it keeps (all of them: of the cluster too, when it keeps none),
// prepared before m's removal.
func (s *rebalanceState) bestOfClasses(m *RebalanceMember, f *domainFirsts) (*RebalanceNode, []int) {
	var target *RebalanceNode
	var best []int
	for j := m.Keep; j <= s.levels; j++ {
		l, key := j-1, ""
		if j > 0 {
			key = m.Domains[j-1]
		}
		pos := f.first[l+1][key]
		if pos < 0 {
			continue
		}
		n := &s.g.Nodes[pos]
		t := s.tuple(n.Domains)
		if c := slices.Compare(t, best); best == nil || c < 0 || (c == 0 && n.Name < target.Name) {
			target, best = n, t
		}
	}
	return target, best
}
