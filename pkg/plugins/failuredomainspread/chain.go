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
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
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
// level, widest first) of the nodes eligible for the pod
// (policy.DomainPaths). Built once in PreFilter and shared, read-only, by
// every clone.
type eligiblePaths [][]string

// chain finds the emptiest domain at each required level, widest first,
// among the paths the wider levels admit (policy.ChainEmptiest, the rule the
// checker explains with too), and the level's reason. Run in PreFilter and
// again when a dry run (AddPod/RemovePod) changes the group's counts.
func (s *preFilterState) chain(group string) {
	policy.ChainEmptiest(len(s.required), s.paths,
		func(i int) map[string]int { return s.replicas.counts[s.required[i].level] },
		func(i int, e policy.Emptiest) {
			r := &s.required[i]
			// Dry runs re-chain per victim: format the reason only when
			// the emptiest domain or its count changed.
			if e.Domain == r.minDomain && e.Replicas == r.min && (r.reason != "" || e.Domain == "") {
				return
			}
			r.min, r.minDomain, r.reason = e.Replicas, e.Domain, ""
			if e.Domain != "" {
				r.reason = spreadReason(group, r.key, e.Domain, e.Replicas)
			}
		})
}
