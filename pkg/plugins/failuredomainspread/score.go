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
	"context"
	"fmt"
	"slices"

	v1 "k8s.io/api/core/v1"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/cyclestate"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

const preScoreStateKey = "PreScore" + Name

// maxScoreLevels bounds the levels the score packs into one uint64 (at least
// 4 bits each). Real configurations have three.
const maxScoreLevels = 16

// preScoreState maps a node's replica-count tuple to its final score.
type preScoreState struct {
	counts domainCounts
	// bits per level in the packed tuple.
	bits uint
	// scores holds the score of every tuple the candidate nodes have.
	scores map[uint64]int64
}

// Clone returns the state itself: Score only reads it.
func (s *preScoreState) Clone() fwk.StateData { return s }

// tuple packs the node's replica counts per level, widest level in the
// highest bits, so that comparing packed values compares the tuples
// lexicographically. A count too large for its bits saturates and zeroes the
// narrower levels: two nodes saturated at the same level tie, so a better
// tuple can never get a larger key (ties are allowed, inversions are not).
func (pl *FailureDomainSpread) tuple(s *preScoreState, node *v1.Node) uint64 {
	limit := uint64(1)<<s.bits - 1
	var key uint64
	saturated := false
	for l, level := range pl.levels[:min(len(pl.levels), maxScoreLevels)] {
		var v uint64
		if !saturated {
			if c := s.counts[l][policy.DomainOf(node.Name, node.Labels, level)]; c > 0 {
				v = uint64(c)
			}
			if v >= limit {
				v, saturated = limit, true
			}
		}
		key = key<<s.bits | v
	}
	return key
}

// PreScore gives every candidate node a score by the rank of its tuple
// (replicas in its zone, on its host, on itself): the distinct tuples are
// sorted, the best gets MaxNodeScore, the worst 0, the others evenly
// between. Ranking rather than scaling the counts keeps the order strictly
// lexicographic, which a weighted sum cannot promise. Scores are final here,
// so there is no NormalizeScore.
func (pl *FailureDomainSpread) PreScore(ctx context.Context, cycleState fwk.CycleState, pod *v1.Pod, filteredNodes []fwk.NodeInfo) *fwk.Status {
	c, spread := pl.classify(pod)
	if !spread || len(filteredNodes) < 2 {
		return fwk.NewStatus(fwk.Skip)
	}
	var counts domainCounts
	var total int
	// A Required group was counted by PreFilter, over the same snapshot;
	// the cycle's own state is never changed by dry runs (they use clones).
	if s, err := getPreFilterState(cycleState); err == nil {
		counts, total = s.counts, s.total
	} else {
		all, err := pl.lister.NodeInfos().List()
		if err != nil {
			return fwk.AsStatus(fmt.Errorf("getting all nodes: %w", err))
		}
		counts, total = pl.countGroup(ctx, newGroupMatcher(pl.policy, pod, c), policy.GroupOf(pod, c), all)
	}
	if total == 0 {
		// Every tuple is zero: nothing to prefer.
		return fwk.NewStatus(fwk.Skip)
	}
	levels := min(len(pl.levels), maxScoreLevels)
	s := &preScoreState{counts: counts, bits: uint(64 / levels), scores: map[uint64]int64{}}
	for _, ni := range filteredNodes {
		s.scores[pl.tuple(s, ni.Node())] = 0
	}
	if len(s.scores) < 2 {
		return fwk.NewStatus(fwk.Skip)
	}
	keys := make([]uint64, 0, len(s.scores))
	for k := range s.scores {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// With at most MaxNodeScore+1 distinct tuples every rank gets its own
	// score; with more, neighbours may tie, never invert.
	last := int64(len(keys) - 1)
	for rank, k := range keys {
		s.scores[k] = fwk.MaxScore - int64(rank)*fwk.MaxScore/last
	}
	cycleState.Write(preScoreStateKey, s)
	return nil
}

// Score looks the node's tuple up: a few map lookups, no allocation.
func (pl *FailureDomainSpread) Score(_ context.Context, cycleState fwk.CycleState, _ *v1.Pod, nodeInfo fwk.NodeInfo) (int64, *fwk.Status) {
	s, err := cyclestate.Read[*preScoreState](cycleState, preScoreStateKey)
	if err != nil {
		return 0, fwk.AsStatus(err)
	}
	return s.scores[pl.tuple(s, nodeInfo.Node())], nil
}

// ScoreExtensions returns nil: PreScore already gives final 0-100 scores.
func (pl *FailureDomainSpread) ScoreExtensions() fwk.ScoreExtensions { return nil }
