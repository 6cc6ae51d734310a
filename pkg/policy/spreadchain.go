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

// DomainPaths collects, without duplicates, the domain paths of the nodes
// eligible for a pod: one domain per required level, widest first. Several
// nodes of one host share a path, so there are as many as eligible hosts,
// not nodes. The zero value is empty and ready to use.
type DomainPaths struct {
	seen  map[string]struct{}
	paths [][]string
}

// Insert adds path, which must not be empty, unless it is there already.
// It copies the path, so callers may reuse theirs.
func (ps *DomainPaths) Insert(path []string) {
	key := path[0]
	if len(path) > 1 {
		key = strings.Join(path, "\x00")
	}
	if _, ok := ps.seen[key]; ok {
		return
	}
	if ps.seen == nil {
		ps.seen = map[string]struct{}{}
	}
	ps.seen[key] = struct{}{}
	ps.paths = append(ps.paths, slices.Clone(path))
}

// Paths returns the distinct paths in the order they were first inserted.
func (ps *DomainPaths) Paths() [][]string { return ps.paths }

// Emptiest is, at one required level, the domain with the fewest replicas
// among the eligible domains the wider levels admit. Domain is "" when no
// domain is eligible: nothing to balance against, the level rejects no node.
type Emptiest struct {
	Domain   string
	Replicas int
}

// ChainEmptiest finds the emptiest domain at each of levels required
// levels, widest first, among the paths (DomainPaths) the wider levels
// admit: the zones with the fewest replicas, then within them the hosts
// with the fewest. replicas(i) is the group's replicas per domain at level
// i (a domain without an entry holds none), and emptiest(i, e) receives
// level i's result, for every level in order. Of the domains with the
// fewest replicas the first by name is taken, so the result does not
// depend on the order of the paths.
//
// The levels form one lexicographic constraint, so an eligible node on a
// path at every level's emptiest count always passes; minima taken over the
// whole cluster at each level independently can exclude each other (the
// emptiest zone need not hold the emptiest host), and then no node would
// pass. A node passes level i when its domain there holds no more than
// the emptiest's replicas. O(levels × paths).
func ChainEmptiest(levels int, paths [][]string, replicas func(i int) map[string]int, emptiest func(i int, e Emptiest)) {
	admitted := paths
	for i := range levels {
		var e Emptiest
		counts := replicas(i)
		for _, p := range admitted {
			d := p[i]
			if c := counts[d]; e.Domain == "" || c < e.Replicas || (c == e.Replicas && d < e.Domain) {
				e = Emptiest{Domain: d, Replicas: c}
			}
		}
		emptiest(i, e)
		if e.Domain == "" || i+1 == levels {
			continue
		}
		next := make([][]string, 0, len(admitted))
		for _, p := range admitted {
			if counts[p[i]] == e.Replicas {
				next = append(next, p)
			}
		}
		admitted = next
	}
}
