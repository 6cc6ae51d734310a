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

package failuredomainspread

import (
	"slices"
	"strings"
)

// requiredLevel is the state of one required level: the fewest replicas on
// an admitted domain, and the domain.
type requiredLevel struct {
	// level indexes the plugin's levels (and the state's counts).
	level int
	key   string
	// min is the fewest replicas on a domain of this level among the
	// eligible nodes the wider required levels admit, and minDomain the
	// first such domain by name: the reason names it, and taking the first
	// keeps the reason the same for every node. minDomain is "" when no
	// domain is eligible: nothing to balance against.
	min       int
	minDomain string
	// reason is the rejection at this level, one string per level and cycle
	// so the scheduler aggregates it over the nodes.
	reason string
}

// eligiblePaths are the distinct domain tuples (one domain per required
// level, widest first) of the nodes eligible for the pod. Several nodes of
// one host share a path, so there are as many as eligible hosts, not
// nodes. Built once in PreFilter and shared, read-only, by every clone.
type eligiblePaths [][]string

// pathSet collects eligible paths without duplicates; insert copies the
// path, so callers may reuse theirs.
type pathSet struct {
	seen  map[string]struct{}
	paths eligiblePaths
}

func (ps *pathSet) insert(path []string) {
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

// chain finds the minimum at each required level, widest first, among the
// paths the wider levels admit: the zones with the fewest replicas, then
// within them the hosts with the fewest. The levels form one lexicographic
// constraint, so an eligible node on a path at every minimum always passes;
// minima taken over the whole cluster at each level independently can
// exclude each other (the emptiest zone need not hold the emptiest host),
// and then no node would pass. O(levels × paths); run in PreFilter and
// again when a dry run (AddPod/RemovePod) changes the group's counts.
func (s *preFilterState) chain(group string) {
	admitted := s.paths
	for i := range s.required {
		r := &s.required[i]
		r.min, r.minDomain, r.reason = 0, "", ""
		counts := s.counts[r.level]
		for _, p := range admitted {
			d := p[i]
			if c := counts[d]; r.minDomain == "" || c < r.min || (c == r.min && d < r.minDomain) {
				r.min, r.minDomain = c, d
			}
		}
		if r.minDomain == "" {
			continue
		}
		r.reason = spreadReason(group, r.key, r.minDomain, r.min)
		if i+1 < len(s.required) {
			next := make(eligiblePaths, 0, len(admitted))
			for _, p := range admitted {
				if counts[p[i]] == r.min {
					next = append(next, p)
				}
			}
			admitted = next
		}
	}
}
