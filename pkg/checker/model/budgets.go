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

package model

import (
	"fmt"
	"sort"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Budget is an existing PodDisruptionBudget with its compiled selector.
type Budget struct {
	PDB      *policyv1.PodDisruptionBudget
	Selector labels.Selector
}

// Budgets holds the budgets and the unfinished pods by namespace, each by
// name.
type Budgets struct {
	budgets map[string][]Budget
	pods    map[string][]*v1.Pod
}

func newBudgets(pdbs []*policyv1.PodDisruptionBudget, pods []*Pod) *Budgets {
	idx := &Budgets{budgets: map[string][]Budget{}, pods: map[string][]*v1.Pod{}}
	for _, pdb := range pdbs {
		sel, err := policy.PDBSelector(pdb)
		if err != nil {
			continue // the API server validates selectors
		}
		idx.budgets[pdb.Namespace] = append(idx.budgets[pdb.Namespace], Budget{PDB: pdb, Selector: sel})
	}
	for _, pod := range pods {
		idx.pods[pod.Namespace] = append(idx.pods[pod.Namespace], pod.Pod)
	}
	for ns := range idx.budgets {
		bs := idx.budgets[ns]
		sort.Slice(bs, func(i, j int) bool { return bs[i].PDB.Name < bs[j].PDB.Name })
	}
	return idx
}

// Selects says whether a budget covers the pod (policy/v1 semantics,
// policy.PDBSelector, shared with the scheduler: `selector: {}` covers every
// pod of the namespace, a nil selector none).
func (idx *Budgets) Selects(pod *v1.Pod) bool {
	set := labels.Set(pod.Labels)
	for _, b := range idx.budgets[pod.Namespace] {
		if b.Selector.Matches(set) {
			return true
		}
	}
	return false
}

// NamespacePods returns the unfinished pods of a namespace, by name.
func (idx *Budgets) NamespacePods(namespace string) []*v1.Pod { return idx.pods[namespace] }

// Named returns the budget of that name.
func (idx *Budgets) Named(ns, name string) (Budget, bool) {
	for _, b := range idx.budgets[ns] {
		if b.PDB.Name == name {
			return b, true
		}
	}
	return Budget{}, false
}

// Covering returns the budgets that select at least one of the group's
// evictable pods (the others are static pods: no budget protects them).
func (idx *Budgets) Covering(g *Group) []Budget {
	var out []Budget
	for _, b := range idx.budgets[g.Namespace()] {
		for _, pod := range g.Evictable() {
			if b.Selector.Matches(labels.Set(pod.Labels)) {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// Floor returns how many of the group's replicas the budget keeps
// available at the least, as the disruption controller and the eviction
// API apply it (upstream intstr semantics, percentages rounded up), of the
// group's desired size n, and the budget's spec as a message names it.
//
// Pods the budget selects outside the group (a `selector: {}` over the
// namespace) count, at worst, as healthy pods that stand in for the
// group's: with minAvailable m and e such pods the group keeps m - e. For
// maxUnavailable and percentages the disruption controller counts the
// expected pods by their controllers' scale, and pods without a controller
// not at all: a group of bare pods counts 0 there, and such a budget keeps
// none of it.
func (idx *Budgets) Floor(b Budget, g *Group) (int, string) {
	members := sets.New[*v1.Pod](g.Members...)
	extraHealthy, extraExpected := 0, 0
	for _, pod := range idx.pods[g.Namespace()] {
		if members.Has(pod) || !b.Selector.Matches(labels.Set(pod.Labels)) {
			continue
		}
		extraHealthy++
		if metav1.GetControllerOfNoCopy(pod) != nil {
			extraExpected++
		}
	}
	expected := extraExpected
	if g.Disruption.Owner.Kind != "" {
		expected += g.Desired()
	}
	spec := b.PDB.Spec
	var keep int
	var desc string
	switch {
	case spec.MaxUnavailable != nil:
		desc = "maxUnavailable: " + spec.MaxUnavailable.String()
		k, err := intstr.GetScaledValueFromIntOrPercent(spec.MaxUnavailable, expected, true)
		if err != nil {
			return g.MinAvailable(), desc // invalid; the API server refuses it
		}
		keep = max(0, expected-k) - extraHealthy
	case spec.MinAvailable != nil:
		desc = "minAvailable: " + spec.MinAvailable.String()
		// An integer is taken as it is, whatever the expected pods.
		m, err := intstr.GetScaledValueFromIntOrPercent(spec.MinAvailable, expected, true)
		if err != nil {
			return g.MinAvailable(), desc
		}
		keep = m - extraHealthy
	default:
		desc = "neither minAvailable nor maxUnavailable"
	}
	if extraHealthy > 0 {
		desc += fmt.Sprintf(", also selecting %s outside the group", words.Count(extraHealthy, "pod"))
	}
	return max(0, keep), desc
}
