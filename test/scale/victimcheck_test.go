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

package scale

import (
	"fmt"
	"slices"
	"strings"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/disruptionguard"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// clusterState is the cluster before a preemption phase, as checkVictims
// reads it: the nodes, the pods that may be victims, the
// PodDisruptionBudgets.
type clusterState struct {
	nodes map[string]*v1.Node
	pods  []*v1.Pod
	pdbs  []*policyv1.PodDisruptionBudget
}

// available reports whether the pod counted as an available replica before
// the phase: Ready, not terminating, on a node that can run pods (the
// guard's and the checker's count).
func (c *clusterState) available(pod *v1.Pod) bool {
	n := c.nodes[pod.Spec.NodeName]
	return n != nil && policy.NodeCanRunPods(n) && policy.IsAvailable(pod)
}

// violation is a guarantee a preemption phase broke.
type violation struct {
	// rule is DisruptionGuard's name of the rule (disruptionguard.Rule*).
	rule string
	// subject is what the rule protects: the budget, the group, the pod.
	subject string
	// count is how many victims broke it: those beyond what the budget or
	// group allowed, or 1 for a pod no such preemptor may take.
	count int
	// victims are the victims it protected (namespace/name, sorted).
	victims []string
	detail  string
}

func (v violation) String() string {
	return fmt.Sprintf("%s: %s: %s (victims %s)", v.rule, v.subject, v.detail, strings.Join(v.victims, ", "))
}

// checkVictims finds the victims of a preemption phase, the pods of before
// that are gone after it (survivors holds the UIDs of those still there and
// not terminating), and checks them against the guarantees DisruptionGuard
// gives (SPEC §4) a preemptor like the one given (the phase's preemptors
// share its namespace and labels), with the policy's own decisions:
//   - rule 3 and static pods (policy.PreemptibleBy, Protects): each victim
//     the preemptor may never take;
//   - rule 2 (policy.DisruptionGroups): each disruption-controlled group
//     whose available replicas the victims took below its minimum;
//   - rule 1 (policy.PDBSelector, BudgetBinds): each PodDisruptionBudget
//     binding the preemptor whose healthy pods the victims took below its
//     desired count, as the disruption controller computes it from the
//     pods it covered before the phase (desiredHealthy).
//
// Only victims that were available cost a group or a budget anything, as
// the guard counts them. Groups and budgets come in key order.
func checkVictims(p *policy.Policy, before *clusterState, survivors map[types.UID]bool, preemptor *v1.Pod) (victims []*v1.Pod, violations []violation, err error) {
	taken := map[types.UID]bool{}
	for _, pod := range before.pods {
		if !survivors[pod.UID] {
			victims = append(victims, pod)
			taken[pod.UID] = true
		}
	}
	pc := p.Classify(preemptor)
	for _, v := range victims {
		c := p.Classify(v)
		detail := ""
		switch p.PreemptibleBy(v, c, before.nodes[v.Spec.NodeName]).Protects(pc) {
		case policy.ProtectedStatic:
			violations = append(violations, violation{rule: disruptionguard.RuleMirror, subject: podKey(v), count: 1, victims: []string{podKey(v)},
				detail: "a static pod's mirror"})
			continue
		case policy.ProtectedTrustedNamespace:
			detail = fmt.Sprintf("a pod of trusted namespace %s taken by a preemptor of namespace %s", v.Namespace, preemptor.Namespace)
		case policy.ProtectedComponent:
			detail = fmt.Sprintf("taken by a preemptor of namespace %s that is no component", preemptor.Namespace)
		default:
			continue
		}
		if c.Component != "" {
			detail = "component " + c.Component + ", " + detail
		}
		violations = append(violations, violation{rule: disruptionguard.RuleTrusted, subject: podKey(v), count: 1, victims: []string{podKey(v)}, detail: detail})
	}

	violations = append(violations, groupViolations(p, before, taken)...)
	pdbViolations, err := budgetViolations(p, before, taken, preemptor.Namespace)
	if err != nil {
		return nil, nil, err
	}
	return victims, append(violations, pdbViolations...), nil
}

// budget is what one group or PodDisruptionBudget had before the phase
// and what the phase took of it.
type budget struct {
	available int      // available replicas before
	keep      int      // the minimum to keep available
	taken     []string // available replicas taken
}

// excess is how many victims went beyond the budget.
func (b *budget) excess() int { return len(b.taken) - max(b.available-b.keep, 0) }

// groupViolations checks rule 2: the disruption-controlled groups, as
// preemption counts them (policy.DisruptionGroups, mirror pods left out).
func groupViolations(p *policy.Policy, before *clusterState, taken map[types.UID]bool) []violation {
	groups := policy.NewDisruptionGroups(p, policy.Lookups{Node: func(name string) *v1.Node { return before.nodes[name] }})
	counts := map[*policy.DisruptionGroup]*budget{}
	for _, pod := range before.pods {
		g := groups.AddMember(pod)
		if g == nil {
			continue
		}
		if counts[g] == nil {
			counts[g] = &budget{}
		}
		if before.available(pod) {
			counts[g].available++
			if taken[pod.UID] {
				counts[g].taken = append(counts[g].taken, podKey(pod))
			}
		}
	}
	var out []violation
	for g, b := range counts {
		// The minimum of the group's desired size, once all are counted.
		b.keep = g.MinAvailable()
		if n := b.excess(); n > 0 {
			out = append(out, violation{rule: disruptionguard.RuleMinAvailable, subject: g.Key, count: n, victims: sorted(b.taken),
				detail: fmt.Sprintf("%d of %d replicas available after the phase, must keep %d", b.available-len(b.taken), g.Size(), b.keep)})
		}
	}
	slices.SortFunc(out, func(a, b violation) int { return strings.Compare(a.subject, b.subject) })
	return out
}

// budgetViolations checks rule 1: the PodDisruptionBudgets that bind a
// preemptor of namespace preemptorNamespace (Strict mode).
func budgetViolations(p *policy.Policy, before *clusterState, taken map[types.UID]bool, preemptorNamespace string) ([]violation, error) {
	var out []violation
	for _, pdb := range before.pdbs {
		if !p.BudgetBinds(pdb.Namespace, preemptorNamespace) {
			continue
		}
		sel, err := policy.PDBSelector(pdb)
		if err != nil {
			return nil, fmt.Errorf("PodDisruptionBudget %s/%s: spec.selector: %w", pdb.Namespace, pdb.Name, err)
		}
		b, expected := &budget{}, 0
		for _, pod := range before.pods {
			if pod.Namespace != pdb.Namespace || !sel.Matches(labels.Set(pod.Labels)) {
				continue
			}
			expected++
			if before.available(pod) {
				b.available++
				if taken[pod.UID] {
					b.taken = append(b.taken, podKey(pod))
				}
			}
		}
		if b.keep, err = desiredHealthy(pdb, expected); err != nil {
			return nil, err
		}
		if n := b.excess(); n > 0 {
			out = append(out, violation{rule: disruptionguard.RulePDB, subject: "PodDisruptionBudget " + pdb.Namespace + "/" + pdb.Name, count: n, victims: sorted(b.taken),
				detail: fmt.Sprintf("%d of %d pods healthy after the phase, must keep %d", b.available-len(b.taken), expected, b.keep)})
		}
	}
	slices.SortFunc(out, func(a, b violation) int { return strings.Compare(a.subject, b.subject) })
	return out, nil
}

// desiredHealthy is how many of the expected pods a PodDisruptionBudget
// keeps healthy, as the disruption controller computes it for pods of a
// controller with that many replicas: minAvailable as given (a
// percentage of the expected pods, rounded up), or the expected pods less
// maxUnavailable (a percentage rounded up), never below zero; 0 with
// neither.
func desiredHealthy(pdb *policyv1.PodDisruptionBudget, expected int) (int, error) {
	scaled := func(field string, v *intstr.IntOrString) (int, error) {
		n, err := intstr.GetScaledValueFromIntOrPercent(v, expected, true)
		if err != nil {
			return 0, fmt.Errorf("PodDisruptionBudget %s/%s: spec.%s: %w", pdb.Namespace, pdb.Name, field, err)
		}
		return n, nil
	}
	switch {
	case pdb.Spec.MaxUnavailable != nil:
		n, err := scaled("maxUnavailable", pdb.Spec.MaxUnavailable)
		return max(expected-n, 0), err
	case pdb.Spec.MinAvailable != nil:
		return scaled("minAvailable", pdb.Spec.MinAvailable)
	}
	return 0, nil
}

func podKey(pod *v1.Pod) string { return pod.Namespace + "/" + pod.Name }

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}
