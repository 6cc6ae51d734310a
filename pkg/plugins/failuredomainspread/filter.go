package failuredomainspread

import (
	"context"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/cyclestate"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

const preFilterStateKey = "PreFilter" + Name

// requiredLevel is the state of one required level: the eligible domains
// and the emptiest of them.
type requiredLevel struct {
	// level indexes the plugin's levels (and the state's counts).
	level int
	key   string
	// eligible are the domains with at least one node the pod may use.
	// Built once in PreFilter and shared, read-only, by every clone.
	eligible sets.Set[string]
	// min is the fewest replicas on an eligible domain, and minDomain the
	// first such domain by name: the reason names it, and taking the first
	// keeps the reason the same for every node of a domain. minDomain is ""
	// when no domain is eligible: nothing to balance against.
	min       int
	minDomain string
}

// rescan finds the emptiest eligible domain again. O(eligible domains); only
// needed when the emptiest domain gains a replica.
func (r *requiredLevel) rescan(counts map[string]int) {
	r.min, r.minDomain = 0, ""
	for d := range r.eligible {
		c := counts[d]
		if r.minDomain == "" || c < r.min || (c == r.min && d < r.minDomain) {
			r.min, r.minDomain = c, d
		}
	}
}

// update follows a change of one replica on domain d (counts already
// updated). Removing a replica can only lower the minimum, so that is O(1).
func (r *requiredLevel) update(counts map[string]int, d string, delta int) {
	if !r.eligible.Has(d) {
		return
	}
	c := counts[d]
	switch {
	case delta < 0:
		if c < r.min || (c == r.min && d < r.minDomain) {
			r.min, r.minDomain = c, d
		}
	case d == r.minDomain:
		r.rescan(counts)
	}
}

// preFilterState is the group's replicas per domain and, per required
// level, the emptiest eligible domain. Computed once per cycle.
type preFilterState struct {
	// group is the group's key, for reasons.
	group   string
	matcher *groupMatcher
	counts  domainCounts
	// total replicas of the group, all nodes; 0 lets PreScore skip.
	total    int
	required []requiredLevel
}

// Clone copies what AddPod and RemovePod change: the counts and the minima.
func (s *preFilterState) Clone() fwk.StateData {
	if s == nil {
		return nil
	}
	c := *s
	c.counts = s.counts.clone()
	c.required = append([]requiredLevel(nil), s.required...)
	return &c
}

// PreFilter counts the replicas of the pod's group per domain at every
// level and, for Required groups, finds the emptiest eligible domain at each
// required level. Only Required groups are filtered: other pods skip
// Filter, and PreScore counts for them.
func (pl *FailureDomainSpread) PreFilter(ctx context.Context, cycleState fwk.CycleState, pod *v1.Pod, nodes []fwk.NodeInfo) (*fwk.PreFilterResult, *fwk.Status) {
	c, spread := pl.classify(pod)
	if !spread || c.Spread != policy.SpreadRequired || len(pl.required) == 0 {
		return nil, fwk.NewStatus(fwk.Skip)
	}
	m := newGroupMatcher(pl.policy, pod, c)
	affinity := nodeaffinity.GetRequiredNodeAffinity(pod)
	eligible := func(node *v1.Node) bool {
		if !c.Roles.Allows(policy.RoleOf(node.Labels)) || node.Spec.Unschedulable || hasDeadNodeTaint(node) {
			return false
		}
		// A selector that does not parse matches nothing: the NodeAffinity
		// plugin rejects every node anyway.
		ok, _ := affinity.Match(node)
		return ok
	}
	group := policy.GroupOf(pod, c)
	counts, total := pl.countGroup(ctx, m, group, nodes)
	s := &preFilterState{group: group, matcher: m, counts: counts, total: total}
	// Only nodes of a role the pod may use can make a domain eligible: for a
	// control-plane pod that is the few masters, not every node.
	candidates := pl.roleCandidates(c, nodes)
	for _, l := range pl.required {
		r := requiredLevel{level: l, key: pl.levels[l], eligible: sets.New[string]()}
		for _, ni := range candidates {
			if node := ni.Node(); node != nil && eligible(node) {
				r.eligible.Insert(policy.DomainOf(node.Name, node.Labels, r.key))
			}
		}
		r.rescan(counts[l])
		s.required = append(s.required, r)
	}
	klog.FromContext(ctx).V(5).Info("Replicas counted", "pod", klog.KObj(pod), "group", s.group, "replicas", total)
	cycleState.Write(preFilterStateKey, s)
	return nil, nil
}

// hasDeadNodeTaint reports whether the node carries a taint the node
// lifecycle controller puts on nodes that cannot run new pods. Such a
// domain is not eligible: a dead zone must not lock every replica out.
func hasDeadNodeTaint(node *v1.Node) bool {
	for i := range node.Spec.Taints {
		t := &node.Spec.Taints[i]
		if t.Effect != v1.TaintEffectNoSchedule && t.Effect != v1.TaintEffectNoExecute {
			continue
		}
		switch t.Key {
		case v1.TaintNodeNotReady, v1.TaintNodeUnreachable, v1.TaintNodeUnschedulable:
			return true
		}
	}
	return false
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

func (pl *FailureDomainSpread) updateWithPod(cycleState fwk.CycleState, p *v1.Pod, node *v1.Node, delta int) *fwk.Status {
	s, err := getPreFilterState(cycleState)
	if err != nil {
		return fwk.AsStatus(err)
	}
	if node == nil || !s.matcher.counts(p) {
		return nil
	}
	s.counts.add(pl.levels, node, delta)
	for i := range s.required {
		r := &s.required[i]
		r.update(s.counts[r.level], policy.DomainOf(node.Name, node.Labels, r.key), delta)
	}
	return nil
}

// Filter rejects a node whose domain, at a required level, holds more
// replicas of the group than the emptiest eligible domain. Unschedulable,
// not UnschedulableAndUnresolvable: preemption can free the emptier domain.
func (pl *FailureDomainSpread) Filter(ctx context.Context, cycleState fwk.CycleState, pod *v1.Pod, nodeInfo fwk.NodeInfo) *fwk.Status {
	s, err := getPreFilterState(cycleState)
	if err != nil {
		return fwk.AsStatus(err)
	}
	node := nodeInfo.Node()
	for i := range s.required {
		r := &s.required[i]
		if r.minDomain == "" {
			continue
		}
		d := policy.DomainOf(node.Name, node.Labels, r.key)
		if c := s.counts[r.level][d]; c > r.min {
			if logger := klog.FromContext(ctx).V(5); logger.Enabled() {
				logger.Info("Node's domain holds more replicas than the emptiest eligible one",
					"pod", klog.KObj(pod), "node", klog.KObj(node), "group", s.group, "level", r.key, "domain", d, "replicas", c, "emptiest", r.minDomain, "min", r.min)
			}
			return fwk.NewStatus(fwk.Unschedulable, spreadReason(s.group, r.key, d, c, r.minDomain, r.min))
		}
	}
	return nil
}

func getPreFilterState(cycleState fwk.CycleState) (*preFilterState, error) {
	return cyclestate.Read[*preFilterState](cycleState, preFilterStateKey)
}
