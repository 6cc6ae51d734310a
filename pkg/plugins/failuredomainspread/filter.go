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
	"sync/atomic"

	v1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/cyclestate"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

const preFilterStateKey = "PreFilter" + Name

// preFilterState is the group's replicas per domain and its spread filter
// (policy.SpreadFilter: the emptiest eligible domain per required level).
// Computed once per cycle.
type preFilterState struct {
	// group is the group's key, for reasons.
	group   string
	matcher *replicaOf
	// replicas counts the group per domain; the filter holds the same
	// counts, which AddPod and RemovePod change (holders and total stay
	// those of the snapshot, for PreScore, which only the cycle's own
	// state reaches).
	replicas groupCount
	filter   *policy.SpreadFilter
	reasons  levelReasons
	// waiting is set once Filter has rejected a node for the pod, so that
	// the pod is recorded for cordons once per cycle (shared by clones).
	waiting *atomic.Bool
}

// Clone copies what AddPod and RemovePod change: the counts and the minima.
func (s *preFilterState) Clone() fwk.StateData {
	if s == nil {
		return nil
	}
	if s.matcher == nil {
		// liveOnly: nothing to copy.
		return s
	}
	c := *s
	c.filter = s.filter.Clone()
	c.replicas.counts = c.filter.Counts
	c.reasons = s.reasons.clone()
	return &c
}

// liveOnly is the state of a spread pod whose group is not balanced by
// Filter (Preferred, or no required level): Filter only keeps it off nodes
// that cannot run pods. Shared: it holds nothing a dry run changes.
var liveOnly = &preFilterState{filter: &policy.SpreadFilter{}}

// PreFilter counts the replicas of the pod's group per domain at every
// level and, for Required groups, finds the emptiest eligible domain at each
// required level, each within the wider ones' (policy.SpreadFilter). Every
// spread pod is filtered (dead nodes are rejected for all of them); only
// Required groups are counted here, PreScore counts for the others.
func (pl *FailureDomainSpread) PreFilter(ctx context.Context, cycleState fwk.CycleState, pod *v1.Pod, nodes []fwk.NodeInfo) (*fwk.PreFilterResult, *fwk.Status) {
	c, spread := pl.classify(pod)
	if !spread {
		return nil, fwk.NewStatus(fwk.Skip)
	}
	if c.Spread != policy.SpreadRequired || len(pl.required) == 0 {
		cycleState.Write(preFilterStateKey, liveOnly)
		return nil, nil
	}
	logger := klog.FromContext(ctx)
	m := pl.replicaOf(pod, c)
	s := &preFilterState{group: m.group.String(), matcher: &m, replicas: pl.countGroup(ctx, m, nodes), waiting: &atomic.Bool{}}
	s.filter = policy.NewSpreadFilter(pl.policy, s.replicas.counts)
	e := pl.eligibilityOf(logger, pod, c)
	e.Cordoned = pl.cordons.cordonedNodes()
	// Only nodes of a role the pod may use can make a domain eligible: for a
	// control-plane pod that is the few masters, not every node.
	for _, ni := range pl.roleCandidates(c, nodes) {
		if node := ni.Node(); node != nil && e.Eligible(node) {
			s.filter.AddEligible(node)
		}
	}
	s.filter.Chain()
	s.reasons.update(s.group, s.filter)
	logger.V(5).Info("Replicas counted", "pod", klog.KObj(pod), "group", s.group, "replicas", s.replicas.total, "emptiest", s.filter.Emptiest)
	cycleState.Write(preFilterStateKey, s)
	return nil, nil
}

// PreFilterExtensions keeps the counts right during preemption's dry runs
// and the evaluation of nominated pods.
func (pl *FailureDomainSpread) PreFilterExtensions() fwk.PreFilterExtensions { return pl }

// AddPod counts a pod added to the node in a dry run.
func (pl *FailureDomainSpread) AddPod(_ context.Context, cycleState fwk.CycleState, _ *v1.Pod, podInfoToAdd fwk.PodInfo, nodeInfo fwk.NodeInfo) *fwk.Status {
	return pl.updateWithPod(cycleState, podInfoToAdd.GetPod(), nodeInfo.Node(), 1)
}

// RemovePod uncounts a pod removed from the node in a dry run (a victim).
func (pl *FailureDomainSpread) RemovePod(_ context.Context, cycleState fwk.CycleState, _ *v1.Pod, podInfoToRemove fwk.PodInfo, nodeInfo fwk.NodeInfo) *fwk.Status {
	return pl.updateWithPod(cycleState, podInfoToRemove.GetPod(), nodeInfo.Node(), -1)
}

// updateWithPod follows one replica more or less. A count change at a wide
// level can move the admitted domains of every narrower one, so the minima
// are chained again; only replicas of the group get here, so the cost is
// paid once per victim or nominated pod of the group, not per pod.
func (pl *FailureDomainSpread) updateWithPod(cycleState fwk.CycleState, p *v1.Pod, node *v1.Node, delta int) *fwk.Status {
	s, err := getPreFilterState(cycleState)
	if err != nil {
		return fwk.AsStatus(err)
	}
	if s.matcher == nil || node == nil || !s.matcher.counts(p) {
		return nil
	}
	s.filter.Counts.Add(pl.levels, node, delta)
	s.filter.Chain()
	s.reasons.update(s.group, s.filter)
	return nil
}

// Filter is FailureDomainSpread's decision (policy.SpreadFilter.Verdict):
// it rejects a node that cannot run pods, for every spread group, and a
// node whose domain, at a required level, holds more replicas of the group
// than the emptiest eligible domain the wider required levels admit.
//
// A dead node (policy.NodeCanRunPods: Ready not True, or the not-ready or
// unreachable taint) is never eligible, so its empty domains would be the
// best scored, and a pod that tolerates every taint, or any pod before
// kube-controller-manager has tainted the node (it may be down too), would
// be sent there: UnschedulableAndUnresolvable, as no preemption revives a
// node; the node's Ready condition turning True requeues the pod.
// A domain that is too full is Unschedulable: preemption can free the
// emptier domain.
func (pl *FailureDomainSpread) Filter(ctx context.Context, cycleState fwk.CycleState, pod *v1.Pod, nodeInfo fwk.NodeInfo) *fwk.Status {
	s, err := getPreFilterState(cycleState)
	if err != nil {
		return fwk.AsStatus(err)
	}
	node := nodeInfo.Node()
	rec := pl.topo.Of(node)
	v := s.filter.VerdictAt(rec.Alive, rec.Domains)
	switch {
	case v.Down:
		return fwk.NewStatus(fwk.UnschedulableAndUnresolvable, ErrReasonNodeDown)
	case v.Level < 0:
		return nil
	}
	if logger := klog.FromContext(ctx).V(5); logger.Enabled() {
		e := s.filter.Emptiest[v.Level]
		logger.Info("Node's domain holds more replicas than the emptiest eligible one",
			"pod", klog.KObj(pod), "node", klog.KObj(node), "group", s.group, "level", s.filter.Levels[s.filter.Required[v.Level]],
			"domain", v.Domain, "replicas", v.Replicas, "emptiest", e.Domain, "min", e.Replicas)
	}
	if s.waiting.CompareAndSwap(false, true) {
		pl.cordons.wait(pl, pod)
	}
	return fwk.NewStatus(fwk.Unschedulable, s.reasons.reasons[v.Level])
}

func getPreFilterState(cycleState fwk.CycleState) (*preFilterState, error) {
	return cyclestate.Read[*preFilterState](cycleState, preFilterStateKey)
}
