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
	"maps"
	"slices"

	v1 "k8s.io/api/core/v1"
)

// CountsInSpread reports whether a pod of a group holds its group's place
// in the spread: not terminating (it is going away and must not hold its
// domain), not a DaemonSet pod (one on every node would make every domain
// look as full as it is large). The scheduler never sees finished pods;
// the checker leaves them out too.
func CountsInSpread(pod *v1.Pod) bool {
	return !IsTerminating(pod) && !IsDaemonSetPod(pod)
}

// ReplicaCounts holds, per level (indexed like the policy's Levels), a
// group's replicas on each domain. Only domains holding replicas have an
// entry: the maps stay as small as the group, so a copy per preemption
// dry run is cheap.
type ReplicaCounts []map[string]int

// NewReplicaCounts returns empty counts for n levels.
func NewReplicaCounts(n int) ReplicaCounts {
	c := make(ReplicaCounts, n)
	for i := range c {
		c[i] = map[string]int{}
	}
	return c
}

// Clone returns a copy.
func (c ReplicaCounts) Clone() ReplicaCounts {
	out := make(ReplicaCounts, len(c))
	for i, m := range c {
		out[i] = maps.Clone(m)
	}
	return out
}

// Add counts delta more replicas on node, at every level.
func (c ReplicaCounts) Add(levels []string, node *v1.Node, delta int) {
	for l, key := range levels {
		dom := DomainOf(node.Name, node.Labels, key)
		if n := c[l][dom] + delta; n != 0 {
			c[l][dom] = n
		} else {
			delete(c[l], dom)
		}
	}
}

// RequiredIndexes returns the indexes in Levels of the required levels,
// widest first whatever order RequiredLevels lists them in: they chain.
func (p *Policy) RequiredIndexes() []int {
	var out []int
	for i, l := range p.Levels {
		if slices.Contains(p.RequiredLevels, l) {
			out = append(out, i)
		}
	}
	return out
}

// SpreadFilter is FailureDomainSpread's Filter for one pod of a group
// whose spread is Required (and, with no required level, for any spread
// pod: it then only keeps the pod off dead nodes). The plugin and the
// checker's explain build it the same way, each from its own view of the
// cluster: the group's replica counts, the nodes the pod could use
// (Eligible: Eligibility) added one by one, then Chain; Verdict is the
// decision for a node.
type SpreadFilter struct {
	// Levels are the policy's levels; Required the indexes of the required
	// ones, widest first (Policy.RequiredIndexes).
	Levels   []string
	Required []int
	// Counts are the group's replicas per domain at each level.
	Counts ReplicaCounts
	// Emptiest is, per required level, the emptiest eligible domain the
	// wider levels admit (Chain); Domain "" when none is eligible.
	Emptiest []Emptiest
	paths    DomainPaths
	path     []string
}

// NewSpreadFilter returns the filter of a group with counts, for the
// policy's levels and required levels, no node eligible yet.
func NewSpreadFilter(p *Policy, counts ReplicaCounts) *SpreadFilter {
	req := p.RequiredIndexes()
	return &SpreadFilter{Levels: p.Levels, Required: req, Counts: counts, Emptiest: make([]Emptiest, len(req)), path: make([]string, len(req))}
}

// AddEligible records a node the pod can use (Eligibility.Eligible): its
// domains at the required levels are eligible.
func (f *SpreadFilter) AddEligible(node *v1.Node) {
	if len(f.Required) == 0 {
		return
	}
	for i, l := range f.Required {
		f.path[i] = DomainOf(node.Name, node.Labels, f.Levels[l])
	}
	f.paths.Insert(f.path)
}

// Chain finds, at each required level, the emptiest eligible domain among
// those the wider levels admit (ChainEmptiest). Run it once the eligible
// nodes are added, and again when the counts change (a preemption dry
// run adding or removing a replica).
func (f *SpreadFilter) Chain() {
	ChainEmptiest(len(f.Required), f.paths.Paths(),
		func(i int) map[string]int { return f.Counts[f.Required[i]] },
		func(i int, e Emptiest) { f.Emptiest[i] = e })
}

// Clone returns a copy whose counts and minima can change (preemption dry
// runs); the eligible domains are shared, read-only.
func (f *SpreadFilter) Clone() *SpreadFilter {
	c := *f
	c.Counts = f.Counts.Clone()
	c.Emptiest = slices.Clone(f.Emptiest)
	c.path = make([]string, len(f.Required))
	return &c
}

// SpreadVerdict is FailureDomainSpread's Filter decision for a node.
type SpreadVerdict struct {
	// Down: the node cannot run pods (NodeCanRunPods). No replica of a
	// spread group goes there, whatever it tolerates; no preemption helps.
	Down bool
	// Level is the position in the filter's Required of the first required
	// level at which the node's domain, Domain, holds more replicas
	// (Replicas) than the emptiest eligible one (Emptiest[Level]); -1 when
	// the node passes.
	Level    int
	Domain   string
	Replicas int
}

// Passes reports whether the node passes the filter.
func (v SpreadVerdict) Passes() bool { return !v.Down && v.Level < 0 }

// Verdict is the decision for a node. No eligible domain at a level:
// nothing to balance against, the node passes.
func (f *SpreadFilter) Verdict(node *v1.Node) SpreadVerdict {
	if !NodeCanRunPods(node) {
		return SpreadVerdict{Down: true, Level: -1}
	}
	return f.verdict(func(l int) string { return DomainOf(node.Name, node.Labels, f.Levels[l]) })
}

// VerdictAt is Verdict for a node already read: whether it can run pods
// (NodeCanRunPods) and its domain at each of the filter's Levels
// (DomainOf). The scheduler keeps both per node (its topology index).
func (f *SpreadFilter) VerdictAt(alive bool, domains []string) SpreadVerdict {
	if !alive {
		return SpreadVerdict{Down: true, Level: -1}
	}
	return f.verdict(func(l int) string { return domains[l] })
}

func (f *SpreadFilter) verdict(domainAt func(level int) string) SpreadVerdict {
	for i, l := range f.Required {
		e := f.Emptiest[i]
		if e.Domain == "" {
			break
		}
		d := domainAt(l)
		if n := f.Counts[l][d]; n > e.Replicas {
			return SpreadVerdict{Level: i, Domain: d, Replicas: n}
		}
	}
	return SpreadVerdict{Level: -1}
}
