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

package disruptionguard

import (
	"context"
	"fmt"
	"slices"
	"sync"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/preemption"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// stateKey holds the guardState of one preemption attempt in the cycle
// state.
const stateKey fwk.StateKey = "ha-scheduler/" + Name

// groupBudget is a disruption-controlled group, counted cluster-wide: its
// desired size from every member pod (bound or pending) and its owner, and
// its available members from the snapshot.
type groupBudget struct {
	*policy.DisruptionGroup
	// available members are Ready, not terminating, not lost to a
	// preemption in flight, and on a node of the snapshot.
	available int
}

// budget is how many available members preemption may still take.
func (g *groupBudget) budget() int { return g.available - g.MinAvailable() }

func (g *groupBudget) reason() string {
	return reasonMinAvailable(g.Key, g.MinAvailable(), g.Size())
}

// pdbBudget is a PodDisruptionBudget with its allowance corrected for
// victims in flight.
type pdbBudget struct {
	pdb *policyv1.PodDisruptionBudget
	// healthy pods as the disruption controller counts them (Ready, not
	// terminating), minus those already lost to preemption.
	healthy int
	// lostCounted are lost pods the controller still counts as healthy
	// (chosen or marked, not yet terminating): they will consume the
	// allowance once deleted.
	lostCounted int
	allowed     int
	// upstream is the budget as upstream's victim selection gets it
	// (upstreamPDB).
	upstream *policyv1.PodDisruptionBudget
}

// disrupted reports whether the eviction API already processed the pod.
func (b *pdbBudget) disrupted(pod *v1.Pod) bool {
	_, ok := b.pdb.Status.DisruptedPods[pod.Name]
	return ok
}

// guardState is one preemption attempt: the budgets of the victims it
// considers, each computed once, on first use, from the budget index and
// the snapshot, and what the per-node dry runs chose and refused. Clone
// returns the same pointer, so the parallel dry runs (each given a cloned
// cycle state) share it: what is computed on first use is in lazyMaps
// (computed without a shared lock), the dry runs' results guarded by mu.
//
// Nothing is computed for pods that are no victim: an attempt costs the
// candidate nodes' victims and the groups and budgets they belong to, not
// the cluster (BenchmarkPreemptionAttempt).
type guardState struct {
	pl        *DisruptionGuard
	preemptor *v1.Pod
	// preemptorClass is the preemptor's class, for rule 3.
	preemptorClass policy.Class

	once sync.Once
	err  error
	// lookups read the snapshot's nodes (mirror pods are recognised by
	// their Node's UID), controllers and Services.
	lookups policy.Lookups
	// inFlight are the victims of earlier preemptions still in flight,
	// read once when the attempt starts.
	inFlight sets.Set[types.UID]

	// victims holds what the attempt knows of each pod it considered, by
	// UID, computed once: every dry run (and every retry round) sees the
	// same answer.
	victims lazyMap[types.UID, *victimInfo]
	// groups are the controlled groups' budgets counted so far, by
	// policy.Group and member; pdbs the PodDisruptionBudgets', by
	// namespace/name; nodesUp whether a node serves its pods.
	groups  lazyMap[policy.Group, map[types.UID]*groupBudget]
	pdbs    lazyMap[types.NamespacedName, *pdbBudget]
	nodesUp lazyMap[string, bool]

	mu      sync.Mutex
	chosen  map[string][]*v1.Pod
	refused map[refusalKey]struct{}
}

type refusalKey struct {
	pod  types.UID
	rule string
}

func (pl *DisruptionGuard) newGuardState(preemptor *v1.Pod) *guardState {
	return &guardState{
		pl:             pl,
		preemptor:      preemptor,
		preemptorClass: pl.policy.Classify(preemptor),
		chosen:         map[string][]*v1.Pod{},
		refused:        map[refusalKey]struct{}{},
	}
}

// Clone shares the state, see guardState.
func (s *guardState) Clone() fwk.StateData { return s }

// stateFor returns the attempt's state, or a fresh one when
// SelectVictimsOnNode runs outside PostFilter.
func (pl *DisruptionGuard) stateFor(cs fwk.CycleState, preemptor *v1.Pod) *guardState {
	if cs != nil {
		if d, err := cs.Read(stateKey); err == nil {
			if gs, ok := d.(*guardState); ok && gs.preemptor.UID == preemptor.UID {
				return gs
			}
		}
	}
	return pl.newGuardState(preemptor)
}

// lost reports whether a pod the informer has is already on its way out:
// terminating, marked by a disruption (the DisruptionTarget condition
// that any scheduler's preemption, the eviction API or the taint manager
// sets before deleting), or chosen by one of our preemptions whose
// deletion may not have started yet (async preemption). A pod the
// informer no longer has is deleted: the callers never count it.
func (s *guardState) lost(pod *v1.Pod) bool {
	if pod.DeletionTimestamp != nil {
		return true
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == v1.DisruptionTarget && c.Status == v1.ConditionTrue {
			return true
		}
	}
	return s.inFlight.Has(pod.UID)
}

// victimInfo is a pod on a node of the snapshot as the attempt counts it.
// Only the pods in a controlled group or covered by a budget are counted:
// taking any other pod costs nothing, whether it is available or not.
type victimInfo struct {
	// available: Ready, not terminating, not lost, and on a node that is
	// up; false for a pod in no budget. Only taking an available pod
	// costs a group or a PDB anything.
	available bool
	// group is its disruption-controlled group; nil when it has none (or is
	// a mirror pod: never a victim, so never in a budget).
	group *groupBudget
	// pdbs are the PodDisruptionBudgets that cover it and bind this
	// attempt's preemptor (binds); softPDBs those that cover it without
	// binding it: breaking them is allowed, but counts against a
	// candidate node as upstream counts every violation.
	pdbs, softPDBs []*pdbBudget
}

// victim returns what the attempt knows of a pod on a node of the
// snapshot, computing it on first use: whether it is available, its
// controlled group's budget and the budgets that cover it.
//
// The budget index decides, from the informer's copy of the pod (its
// labels may be newer than the snapshot's): a pod the index does not have
// is in no controlled group and no budget, or was deleted since the
// snapshot was taken (lost, and no member of anything). Either way taking
// it costs nothing, and nothing else is looked up: most victims are such
// pods.
func (s *guardState) victim(pod *v1.Pod) *victimInfo {
	return s.victims.get(pod.UID, func() *victimInfo {
		v := &victimInfo{}
		e, indexed := s.pl.budgets.entry(pod.UID)
		if !indexed {
			return v
		}
		v.available = s.isAvailable(pod)
		v.group = s.groupOfMember(pod, e.group)
		for _, b := range s.budgetsOf(pod, e.pdbs) {
			if s.binds(b) {
				v.pdbs = append(v.pdbs, b)
			} else {
				v.softPDBs = append(v.softPDBs, b)
			}
		}
		return v
	})
}

// lookupNode returns the snapshot's node of that name, nil when it has none.
func (s *guardState) lookupNode(name string) *v1.Node { return s.lookups.Node(name) }

func (s *guardState) init(ctx context.Context) error {
	s.once.Do(func() { s.err = s.start(ctx) })
	return s.err
}

// start readies the attempt: the owners' and the budget index's
// informers have synced (only the first attempt after start can wait),
// the victims in flight are read once.
func (s *guardState) start(ctx context.Context) error {
	if !s.pl.controllers.waitForSync(ctx) {
		return fmt.Errorf("waiting for the ReplicaSets and StatefulSets of %v: %w", s.pl.controllers.scope, ctx.Err())
	}
	if !s.pl.budgets.waitForSync(ctx) {
		return fmt.Errorf("waiting for the pods and PodDisruptionBudgets: %w", ctx.Err())
	}
	s.lookups = s.pl.lookups()
	s.inFlight = s.pl.inFlight.snapshot()
	return nil
}

// isAvailable reports whether a pod the informer has is an available
// replica now: Ready, not lost, and on a node of the snapshot that is up (a
// node that stopped reporting serves nothing, whatever its pods say).
func (s *guardState) isAvailable(pod *v1.Pod) bool {
	if !policy.IsAvailable(pod) || s.lost(pod) || pod.Spec.NodeName == "" {
		return false
	}
	return s.nodesUp.get(pod.Spec.NodeName, func() bool {
		n := s.lookups.Node(pod.Spec.NodeName)
		return n != nil && policy.NodeCanRunPods(n)
	})
}

// groupOfMember returns the budget of the pod's disruption-controlled
// group g (as the budget index has it: zero for none), counting the group
// on first use: its members are the pods the budget index has of it (the
// informer's pods), split by owner as policy.DisruptionGroups splits them;
// mirror pods are no members: they are never victims, so they must not pad
// a budget only the other members can pay. Its available members are
// counted against the snapshot. Nil when the pod is in no such group.
func (s *guardState) groupOfMember(pod *v1.Pod, g policy.Group) *groupBudget {
	if g.By == 0 || s.lookups.IsMirrorPod(pod) {
		return nil
	}
	return s.groups.get(g, func() map[types.UID]*groupBudget { return s.countGroup(g) })[pod.UID]
}

// countGroup counts the budgets of a policy group's members, once per
// attempt: the group split by owner, as policy.DisruptionGroups splits it
// (the index resolved each member's owner when it saw the pod; the owner's
// desired replicas are read now), mirror pods left out, each budget's
// available members counted against the snapshot. It returns the budget
// of each member.
func (s *guardState) countGroup(g policy.Group) map[types.UID]*groupBudget {
	members := s.pl.budgets.members(g)
	c := s.pl.policy.Classify(members0(members))
	budgets := map[policy.Owner]*groupBudget{}
	of := make(map[types.UID]*groupBudget, len(members))
	for _, m := range members {
		if s.lookups.IsMirrorPod(m.pod) {
			continue
		}
		b := budgets[m.owner]
		if b == nil {
			owner := m.owner
			if owner.Kind != "" {
				owner = policy.OwnerOf(m.pod, s.lookups.Controllers)
			}
			b = &groupBudget{DisruptionGroup: policy.NewDisruptionGroup(g, owner, c.Disruption)}
			budgets[m.owner] = b
		}
		b.Members++
		of[m.pod.UID] = b
		if s.isAvailable(m.pod) {
			b.available++
		}
	}
	return of
}

// members0 is the first member's pod (members of one group share its
// class's disruption rule), nil for none.
func members0(members []member) *v1.Pod {
	if len(members) == 0 {
		return &v1.Pod{}
	}
	return members[0].pod
}

// budgetsOf returns the budgets of the PodDisruptionBudgets that
// cover the pod (as the budget index has them: by the informer's labels),
// each counted on first use from the pods it covers: its healthy pods
// (available now) and those lost but still counted healthy by the
// controller, and the allowance they leave (policy.PDBAllowance). Pods the
// eviction API already processed (DisruptedPods) are out of a budget's
// count and its allowance already paid for them, as upstream and the
// controller treat them.
func (s *guardState) budgetsOf(pod *v1.Pod, covering []*indexedPDB) []*pdbBudget {
	var out []*pdbBudget
	for _, c := range covering {
		// A key of the two names, not one string made of them: that
		// would be allocated on every call, found or not.
		b := s.pdbs.get(types.NamespacedName{Namespace: c.pdb.Namespace, Name: c.pdb.Name}, func() *pdbBudget { return s.countPDB(c) })
		if !b.disrupted(pod) {
			out = append(out, b)
		}
	}
	return out
}

// countPDB counts a PodDisruptionBudget's budget (budgetsOf).
func (s *guardState) countPDB(c *indexedPDB) *pdbBudget {
	b := &pdbBudget{pdb: c.pdb}
	for _, m := range s.pl.budgets.covered(c) {
		if b.disrupted(m) {
			continue
		}
		switch {
		case s.isAvailable(m):
			b.healthy++
		case s.lost(m) && policy.IsAvailable(m):
			b.lostCounted++
		}
	}
	b.allowed = policy.PDBAllowance(b.pdb, b.healthy, b.lostCounted)
	b.upstream = upstreamPDB(b.pdb, b.allowed)
	return b
}

// upstreamPDB is the PDB as upstream's victim selection gets it: with the
// corrected allowance, so that in both modes it reprieves the victims that
// would break the budget first, and with an empty selector written as one
// that matches every pod, since upstream reads an empty selector as
// matching nothing (policy/v1beta1 semantics).
func upstreamPDB(pdb *policyv1.PodDisruptionBudget, allowed int) *policyv1.PodDisruptionBudget {
	adjusted := *pdb
	adjusted.Status.DisruptionsAllowed = int32(allowed)
	if sel := pdb.Spec.Selector; sel != nil && len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0 {
		adjusted.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: matchAllKey, Operator: metav1.LabelSelectorOpDoesNotExist},
		}}
	}
	return &adjusted
}

// matchAllKey is a label no pod carries (the prefix is ours), so that
// "DoesNotExist" on it matches every pod.
const matchAllKey = "ha-scheduler.scs.community/pdb-selects-every-pod"

// groupOf returns the pod's controlled group, nil when it has none.
func (s *guardState) groupOf(pod *v1.Pod) *groupBudget { return s.victim(pod).group }

// strictPDBs returns the PDBs that bind the victim for this attempt's
// preemptor (binds); none in BestEffort mode, where upstream's minimisation
// of violations is the whole PDB handling.
func (s *guardState) strictPDBs(v *victimInfo) []*pdbBudget {
	if s.pl.mode != config.ModeStrict {
		return nil
	}
	return v.pdbs
}

// binds reports whether a PodDisruptionBudget binds this attempt's
// preemptor in Strict mode (policy.BudgetBinds: a tenant's budget binds
// tenants only). Against a preemptor it does not bind, a budget is handled
// as upstream handles every budget: its victims are taken last.
func (s *guardState) binds(b *pdbBudget) bool {
	return s.pl.policy.BudgetBinds(b.pdb.Namespace, s.preemptor.Namespace)
}

// protections are the reasons the pod can never be a victim of this
// preemptor, whatever else is evicted with it.
func (s *guardState) protections(pod *v1.Pod) []refusal {
	var node *v1.Node // only a pod that claims to be a mirror needs its node
	if _, claims := pod.Annotations[policy.MirrorPodAnnotation]; claims {
		node = s.lookupNode(pod.Spec.NodeName)
	}
	out := s.pl.staticProtections(pod, node, s.preemptorClass)
	v := s.victim(pod)
	if !v.available {
		// Taking a pod that is not available, or already lost, costs
		// neither its group nor its PDB anything.
		return out
	}
	if g := v.group; g != nil && g.budget() <= 0 {
		out = append(out, refusal{pod: pod.UID, rule: RuleMinAvailable, reason: g.reason()})
	}
	for _, b := range s.strictPDBs(v) {
		if b.allowed <= 0 {
			out = append(out, refusal{pod: pod.UID, rule: RulePDB, reason: reasonPDB(b.pdb.Namespace, b.pdb.Name)})
		}
	}
	return out
}

// prefilter drops the victims that can never be taken. Only victims of
// lower priority than the preemptor are looked at: the others are no
// candidates (upstream's selection skips them), so nothing is computed for
// them, however many there are on the node (the trusted pods, for a user
// preemptor).
func (s *guardState) prefilter(all []*preemption.DomainVictim, reasons reasonSet) []*preemption.DomainVictim {
	prio := corev1helpers.PodPriority(s.preemptor)
	kept := make([]*preemption.DomainVictim, 0, len(all))
	for _, dv := range all {
		if dv.Priority() >= prio {
			kept = append(kept, dv)
			continue
		}
		var refs []refusal
		for _, pi := range dv.Pods() {
			refs = append(refs, s.protections(pi.GetPod())...)
		}
		if len(refs) == 0 {
			kept = append(kept, dv)
			continue
		}
		s.refuse(refs)
		reasons.add(refs...)
	}
	return kept
}

// mayViolate reports whether some subset of the candidates could break a
// group's or PDB's budget, i.e. whether a retry might be needed.
func (s *guardState) mayViolate(candidates []*preemption.DomainVictim) bool {
	prio := corev1helpers.PodPriority(s.preemptor)
	groups := map[*groupBudget]int{}
	pdbs := map[*pdbBudget]int{}
	for _, dv := range candidates {
		if dv.Priority() >= prio {
			continue
		}
		for _, pi := range dv.Pods() {
			v := s.victim(pi.GetPod())
			if !v.available {
				continue
			}
			if g := v.group; g != nil {
				if groups[g]++; groups[g] > g.budget() {
					return true
				}
			}
			for _, b := range s.strictPDBs(v) {
				if pdbs[b]++; pdbs[b] > b.allowed {
					return true
				}
			}
		}
	}
	return false
}

// violations checks a victim set (most important first, as upstream
// returns it) against the budgets, and returns the pods to spare: for each
// group or PDB whose budget the set exceeds, its most important victims
// beyond the budget.
func (s *guardState) violations(victims []*v1.Pod) []refusal {
	var groupOrder []*groupBudget
	var pdbOrder []*pdbBudget
	groups := map[*groupBudget][]*v1.Pod{}
	pdbs := map[*pdbBudget][]*v1.Pod{}
	for _, pod := range victims {
		v := s.victim(pod)
		if !v.available {
			continue
		}
		if g := v.group; g != nil {
			if groups[g] == nil {
				groupOrder = append(groupOrder, g)
			}
			groups[g] = append(groups[g], pod)
		}
		for _, b := range s.strictPDBs(v) {
			if pdbs[b] == nil {
				pdbOrder = append(pdbOrder, b)
			}
			pdbs[b] = append(pdbs[b], pod)
		}
	}
	var out []refusal
	for _, g := range groupOrder {
		ps := groups[g]
		for _, p := range ps[:excess(len(ps), g.budget())] {
			out = append(out, refusal{pod: p.UID, rule: RuleMinAvailable, reason: g.reason()})
		}
	}
	for _, b := range pdbOrder {
		ps := pdbs[b]
		for _, p := range ps[:excess(len(ps), b.allowed)] {
			out = append(out, refusal{pod: p.UID, rule: RulePDB, reason: reasonPDB(b.pdb.Namespace, b.pdb.Name)})
		}
	}
	return out
}

// softViolations counts the victims beyond the allowance of the budgets that
// cover them without binding the preemptor (binds), as upstream counts a
// set's PDB violations: candidate nodes that break fewer come first.
func (s *guardState) softViolations(victims []*v1.Pod) int {
	taken := map[*pdbBudget]int{}
	n := 0
	for _, pod := range victims {
		v := s.victim(pod)
		if !v.available {
			continue
		}
		violating := false
		for _, b := range v.softPDBs {
			taken[b]++
			violating = violating || taken[b] > b.allowed
		}
		if violating {
			n++
		}
	}
	return n
}

func excess(taken, budget int) int {
	return max(taken-max(budget, 0), 0)
}

func (s *guardState) refuse(refs []refusal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range refs {
		s.refused[refusalKey{pod: r.pod, rule: r.rule}] = struct{}{}
	}
}

func (s *guardState) countRefusals() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k := range s.refused {
		out[k.rule]++
	}
	return out
}

func (s *guardState) choose(node string, victims []*v1.Pod) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chosen[node] = victims
}

func (s *guardState) chosenOn(node string) []*v1.Pod {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chosen[node]
}

// SelectVictimsOnNode is upstream's victim selection with the guard around
// it:
//
//  1. Victims that can never be taken are dropped first: static pods,
//     trusted pods for an untrusted preemptor (rule 3), available members
//     of a group or (Strict) a PDB whose budget is already spent.
//  2. Upstream selects a minimal set from the rest (PDB-violating victims
//     reprieved first, against allowances corrected for victims in flight).
//  3. The set is checked as a whole, since two members of one group on the
//     node can each be allowed alone but not together (rules 1 and 2). When
//     it breaks a budget, the most important victims beyond the budget are
//     spared and upstream selects again from a pristine copy of the node:
//     a different set (another pod in their place) may still free enough
//     room. Each round spares at least one victim, so this ends; a node
//     with nothing left to try is rejected with the reasons. Rejecting at
//     once would be simpler, but it would refuse nodes where upstream's
//     greedy order merely happened to pick the protected pods.
//
// A node rejected for these reasons carries them in its status, which
// upstream turns into the PostFilter message when no candidate is left.
//
// The PDBs the Evaluator passes are ignored: upstream gets those covering
// the node's candidates (same informer), with allowances corrected for
// victims in flight.
func (pl *DisruptionGuard) SelectVictimsOnNode(ctx context.Context, cs fwk.CycleState, preemptor *v1.Pod, nodeInfo fwk.NodeInfo,
	allPossibleVictims []*preemption.DomainVictim, _ []*policyv1.PodDisruptionBudget) ([]*v1.Pod, int, *fwk.Status) {
	logger := klog.FromContext(ctx)
	s := pl.stateFor(cs, preemptor)
	if err := s.init(ctx); err != nil {
		return nil, 0, fwk.AsStatus(err)
	}
	nodeName := nodeInfo.Node().Name
	reasons := reasonSet{}
	candidates := s.prefilter(allPossibleVictims, reasons)
	pdbs := s.upstreamPDBs(candidates)

	// Upstream mutates the node and the state it is given; keep pristine
	// copies only when a retry is possible at all.
	var pristineNode fwk.NodeInfo
	var pristineState fwk.CycleState
	if s.mayViolate(candidates) {
		pristineNode, pristineState = nodeInfo.Snapshot(), cs.Clone()
	}
	for {
		victims, numViolating, status := pl.upstream.SelectVictimsOnNode(ctx, cs, preemptor, nodeInfo, candidates, pdbs)
		if !status.IsSuccess() {
			if len(reasons) == 0 || status.Code() == fwk.Error {
				return nil, 0, status
			}
			logger.V(5).Info("Preemption candidate refused", "pod", klog.KObj(preemptor), "node", nodeName, "reasons", reasons.sorted())
			return nil, 0, fwk.NewStatus(status.Code(), reasons.sorted()...)
		}
		spare := s.violations(victims)
		if len(spare) == 0 {
			if pl.mode == config.ModeStrict {
				// The binding budgets hold (checked above against the
				// corrected allowances; upstream's count also charges
				// victims that are not healthy): what the set breaks is
				// the budgets that do not bind this preemptor.
				numViolating = s.softViolations(victims)
			}
			s.choose(nodeName, victims)
			return victims, numViolating, nil
		}
		s.refuse(spare)
		reasons.add(spare...)
		candidates = without(candidates, spare)
		if pristineNode == nil || len(candidates) == 0 {
			logger.V(5).Info("Preemption candidate refused", "pod", klog.KObj(preemptor), "node", nodeName, "reasons", reasons.sorted())
			return nil, 0, fwk.NewStatus(fwk.Unschedulable, reasons.sorted()...)
		}
		nodeInfo, cs = pristineNode.Snapshot(), pristineState.Clone()
	}
}

// upstreamPDBs are the budgets of the candidates as upstream's victim
// selection gets them (upstreamPDB): only those covering a candidate on
// the node (a victim of lower priority than the preemptor) matter to it.
func (s *guardState) upstreamPDBs(candidates []*preemption.DomainVictim) []*policyv1.PodDisruptionBudget {
	prio := corev1helpers.PodPriority(s.preemptor)
	var out []*policyv1.PodDisruptionBudget
	seen := map[*pdbBudget]bool{}
	for _, dv := range candidates {
		if dv.Priority() >= prio {
			continue // no candidate: upstream skips it
		}
		for _, pi := range dv.Pods() {
			v := s.victim(pi.GetPod())
			for _, b := range append(slices.Clone(v.pdbs), v.softPDBs...) {
				if !seen[b] {
					seen[b] = true
					out = append(out, b.upstream)
				}
			}
		}
	}
	return out
}

// without returns the victims that contain none of the spared pods.
func without(victims []*preemption.DomainVictim, spare []refusal) []*preemption.DomainVictim {
	uids := make(map[types.UID]struct{}, len(spare))
	for _, r := range spare {
		uids[r.pod] = struct{}{}
	}
	out := make([]*preemption.DomainVictim, 0, len(victims))
next:
	for _, dv := range victims {
		for _, pi := range dv.Pods() {
			if _, ok := uids[pi.GetPod().UID]; ok {
				continue next
			}
		}
		out = append(out, dv)
	}
	return out
}
