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

import "slices"

// Finding the node the scheduler would choose for a replica's replacement
// without scanning the nodes, where the levels nest.
//
// The nodes are ranked by their tuple before the replica's removal (next);
// taking the replica off the counts lowers, by one, the levels at which a
// node shares the replica's domain, and nothing else. Where the levels nest
// (a host in one zone, a node on one host), take the first node in the
// ranking of the replica's domain at a level l (of the whole cluster for
// l = -1). It beats, after the removal, every later node of that domain
// that is outside the replica's domain at level l+1: both lose one at the
// levels up to l, it was no worse before, and if it shares the level l+1
// domain as well it loses one more there (if it does not, it is that
// class's first itself). So the best node is one of those firsts, one per
// level and one for the cluster, whatever the cluster's size, and
// TestPlanByClassesIsTheScansPlan holds it to the scan. The scan (best)
// looks at every node of the replica's widest domains, for every replica,
// in every step of a plan: one count of the rebalance gauge took 130 s
// over 5,000 nodes and 50,000 replicas (BenchmarkRebalanceGaugeCount).

// rankFirsts holds, for each domain of each level, the position in nodes
// of its first node in the ranking (compareRanked), found without sorting
// them: byLevel[l+1][d] for domain d of level l, byLevel[0][""] for the
// cluster.
type rankFirsts struct {
	byLevel []map[string]int
}

func newRankFirsts(nodes []rankedNode, levels int) *rankFirsts {
	f := &rankFirsts{byLevel: make([]map[string]int, levels+1)}
	for i := range f.byLevel {
		f.byLevel[i] = map[string]int{}
	}
	keep := func(m map[string]int, d string, pos int) {
		if cur, ok := m[d]; !ok || compareRanked(nodes[pos], nodes[cur]) < 0 {
			m[d] = pos
		}
	}
	for pos := range nodes {
		keep(f.byLevel[0], "", pos)
		for l, d := range nodes[pos].node.Domains {
			keep(f.byLevel[l+1], d, pos)
		}
	}
	return f
}

// bestOfClasses is best where the levels nest and no Filter applies (a
// Preferred group): the best of the first nodes of m's domains at the
// levels it keeps (all of them: of the cluster too, when it keeps none).
func (s *rebalanceState) bestOfClasses(m *RebalanceMember, ranked []rankedNode, f *rankFirsts) (*RebalanceNode, []int) {
	var target *RebalanceNode
	var best []int
	for j := m.Keep; j <= s.levels; j++ {
		key := ""
		if j > 0 {
			key = m.Domains[j-1]
		}
		pos, ok := f.byLevel[j][key]
		if !ok {
			continue
		}
		n := ranked[pos].node
		t := s.tuple(n.Domains)
		if c := slices.Compare(t, best); best == nil || c < 0 || (c == 0 && n.Name < target.Name) {
			target, best = n, t
		}
	}
	return target, best
}

// nestedDomains reports whether every domain of a level, among the
// group's nodes and members, lies in one domain of the level before it.
func nestedDomains(g *RebalanceGroup) bool {
	levels := len(g.Levels)
	parents := make([]map[string]string, levels)
	for l := range parents {
		parents[l] = map[string]string{}
	}
	nests := func(domains []string) bool {
		if len(domains) != levels {
			return false
		}
		for l := 1; l < levels; l++ {
			if p, ok := parents[l][domains[l]]; ok && p != domains[l-1] {
				return false
			}
			parents[l][domains[l]] = domains[l-1]
		}
		return true
	}
	for _, n := range g.Nodes {
		if !nests(n.Domains) {
			return false
		}
	}
	for _, m := range g.Members {
		if !nests(m.Domains) {
			return false
		}
	}
	return true
}
