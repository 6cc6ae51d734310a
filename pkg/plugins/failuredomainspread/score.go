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
)

const preScoreStateKey = "PreScore" + Name

// maxScoreLevels bounds the levels the score packs into one uint64 (at least
// 4 bits each). Real configurations have three.
const maxScoreLevels = 16

// preScoreState ranks the replica-count tuples the nodes can have.
type preScoreState struct {
	// counts are the group's replicas per domain at each level, the
	// domains by their topology index number.
	counts []map[uint32]int
	// bits per level in the packed tuple.
	bits uint
	// levels packed into the tuple.
	levels int
	// tuples are the candidate tuples, sorted, best (fewest replicas)
	// first: a node's raw score is the place of its tuple here.
	tuples []uint64
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
	ids := pl.topo.Of(node).IDs
	for l := range s.levels {
		var v uint64
		if !saturated {
			if c := s.counts[l][ids[l]]; c > 0 {
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

// candidates returns, sorted and without duplicates, the tuples a node can
// have: the tuple of each node holding replicas and, for each of its
// domains, the tuple of a node of that domain holding none in the narrower
// ones (its zone's count, then zeros; its zone's and host's, then a zero),
// and the all-zero tuple. That is one tuple per level of each holder, so
// PreScore costs the group's nodes, not the cluster's. When the levels nest
// (a host in one zone) every node's tuple is a candidate; Score ranks a
// tuple that is not (a zone whose nodes carry two regions) between its two
// neighbours, so the order holds there too.
func (pl *FailureDomainSpread) candidates(s *preScoreState, holders []*v1.Node) []uint64 {
	tuples := make([]uint64, 0, 1+len(holders)*s.levels)
	tuples = append(tuples, 0)
	for _, node := range holders {
		full := pl.tuple(s, node)
		for narrower := s.levels - 1; narrower >= 0; narrower-- {
			// The tuple with its `narrower` narrowest levels zeroed.
			tuples = append(tuples, full&^(uint64(1)<<(s.bits*uint(narrower))-1))
		}
	}
	slices.Sort(tuples)
	return slices.Compact(tuples)
}

// PreScore ranks the tuples (replicas in the node's zone, on its host, on
// itself) the nodes can have; Score gives a node the rank of its tuple and
// NormalizeScore spreads the ranks the candidate nodes got over 0 to
// MaxNodeScore, the best tuple getting MaxNodeScore. Ranking rather than
// scaling the counts keeps the order strictly lexicographic, which a
// weighted sum cannot promise. The candidate tuples come from the domains
// of the group's replicas, not from the candidate nodes, so PreScore costs
// as much whether 100 or 15,000 nodes passed Filter.
func (pl *FailureDomainSpread) PreScore(ctx context.Context, cycleState fwk.CycleState, pod *v1.Pod, filteredNodes []fwk.NodeInfo) *fwk.Status {
	c, spread := pl.classify(pod)
	if !spread || len(filteredNodes) < 2 {
		return fwk.NewStatus(fwk.Skip)
	}
	var replicas groupCount
	// A Required group was counted by PreFilter, over the same snapshot;
	// the cycle's own state is never changed by dry runs (they use clones).
	if s, err := getPreFilterState(cycleState); err == nil && s.matcher != nil {
		replicas = s.replicas
	} else {
		all, err := pl.lister.NodeInfos().List()
		if err != nil {
			return fwk.AsStatus(fmt.Errorf("getting all nodes: %w", err))
		}
		replicas = pl.countGroup(ctx, pl.replicaOf(pod, c), all)
	}
	if replicas.total == 0 {
		// Every tuple is zero: nothing to prefer.
		return fwk.NewStatus(fwk.Skip)
	}
	levels := min(len(pl.levels), maxScoreLevels)
	s := &preScoreState{counts: make([]map[uint32]int, len(replicas.counts)), bits: uint(64 / levels), levels: levels}
	for l, domains := range replicas.counts {
		s.counts[l] = make(map[uint32]int, len(domains))
		for d, n := range domains {
			s.counts[l][pl.topo.ID(l, d)] = n
		}
	}
	s.tuples = pl.candidates(s, replicas.holders)
	cycleState.Write(preScoreStateKey, s)
	return nil
}

// Score returns the rank of the node's tuple among the candidates, 0 for
// the best, in steps of two: a tuple that is not a candidate gets the odd
// rank between its neighbours'. A few map lookups and a binary search, no
// allocation.
func (pl *FailureDomainSpread) Score(_ context.Context, cycleState fwk.CycleState, _ *v1.Pod, nodeInfo fwk.NodeInfo) (int64, *fwk.Status) {
	s, err := cyclestate.Read[*preScoreState](cycleState, preScoreStateKey)
	if err != nil {
		return 0, fwk.AsStatus(err)
	}
	// The all-zero tuple is a candidate, so i > 0 when it is not found.
	i, found := slices.BinarySearch(s.tuples, pl.tuple(s, nodeInfo.Node()))
	rank := 2 * int64(i)
	if !found {
		rank--
	}
	return rank, nil
}

// ScoreExtensions returns the plugin: NormalizeScore turns ranks into
// scores.
func (pl *FailureDomainSpread) ScoreExtensions() fwk.ScoreExtensions { return pl }

// NormalizeScore maps the ranks the nodes got onto MaxNodeScore (the best
// rank among them) to 0 (the worst), linearly: the order stays, ties stay
// ties. When every node has the same rank there is nothing to prefer
// and every node gets 0.
func (pl *FailureDomainSpread) NormalizeScore(_ context.Context, _ fwk.CycleState, _ *v1.Pod, scores fwk.NodeScoreList) *fwk.Status {
	if len(scores) == 0 {
		return nil
	}
	best, worst := scores[0].Score, scores[0].Score
	for _, s := range scores[1:] {
		best, worst = min(best, s.Score), max(worst, s.Score)
	}
	for i := range scores {
		if worst == best {
			scores[i].Score = 0
			continue
		}
		scores[i].Score = fwk.MaxScore - (scores[i].Score-best)*fwk.MaxScore/(worst-best)
	}
	return nil
}
