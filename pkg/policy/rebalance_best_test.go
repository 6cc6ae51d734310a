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
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPlanByClassesIsTheScansPlan: the plan made with bestOfClasses is the
// plan a scan of every node makes, move for move (the same replica, the
// same target, first by name among equals), over random groups: nested
// levels with hostnames or with hosts as the narrowest level (several
// nodes in the last class), replicas keeping levels, nodes closed to the
// group, and levels that do not nest (a host in two zones: the scan
// decides there too).
func TestPlanByClassesIsTheScansPlan(t *testing.T) {
	r := rand.New(rand.NewPCG(5598, 25))
	fast := 0
	for i := range 2000 {
		g := randomNestedGroup(r)
		t.Run(fmt.Sprintf("group-%d", i), func(t *testing.T) {
			want := g.plan(true, -1)
			if diff := cmp.Diff(want, g.plan(false, -1)); diff != "" {
				t.Fatalf("plan by classes (-scan +classes):\n%s\ngroup: %+v", diff, g)
			}
			if got := g.HasMoves(); got != (len(want) > 0) {
				t.Errorf("HasMoves = %v, the plan has %d moves", got, len(want))
			}
		})
		if newNodeIndex(g.Nodes, len(g.Levels)).nestsWith(g.Members) && len(g.Required) == 0 {
			fast++
		}
	}
	// The comparison means something only if most groups take the fast
	// path.
	if fast < 1000 {
		t.Errorf("%d of 2000 random groups nest and are Preferred, want at least 1000", fast)
	}
}

// randomNestedGroup is a Preferred group (one in eight Required) of up to
// 40 replicas over up to 4 zones of up to 5 hosts of up to 4 nodes, as
// levels zone, host, node or zone, host; some nodes closed, some replicas
// keeping levels; one group in eight has a host in two zones.
func randomNestedGroup(r *rand.Rand) *RebalanceGroup {
	levels := 3
	if r.IntN(3) == 0 {
		levels = 2
	}
	g := &RebalanceGroup{Levels: DefaultLevels[:levels]}
	if r.IntN(8) == 0 {
		g.Required = []int{1}
	}
	crossed := r.IntN(8) == 0
	var all []RebalanceNode
	for z := range 1 + r.IntN(4) {
		for h := range 1 + r.IntN(5) {
			for n := range 1 + r.IntN(4) {
				host := fmt.Sprintf("h%d%d", z, h)
				if crossed && h == 0 {
					host = "h-crossed"
				}
				d := []string{fmt.Sprintf("z%d", z), host, fmt.Sprintf("n%d%d%d", z, h, n)}
				node := RebalanceNode{Name: d[2], Domains: d[:levels]}
				all = append(all, node)
				if r.IntN(6) > 0 {
					g.Nodes = append(g.Nodes, node)
				}
			}
		}
	}
	for i := range 2 + r.IntN(39) {
		n := all[r.IntN(len(all))]
		m := RebalanceMember{Pod: fmt.Sprintf("p-%02d", i), Node: n.Name, Domains: n.Domains}
		if r.IntN(6) == 0 {
			m.Keep = r.IntN(levels + 1)
		}
		g.Members = append(g.Members, m)
	}
	return g
}
