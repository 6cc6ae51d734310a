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

package checker

import (
	"sort"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// budget is an existing PodDisruptionBudget with its compiled selector.
type budget struct {
	pdb *policyv1.PodDisruptionBudget
	sel labels.Selector
}

// budgetIndex holds the budgets and the unfinished pods by namespace.
type budgetIndex struct {
	budgets map[string][]budget
	pods    map[string][]*v1.Pod
}

func newBudgetIndex(c Cluster) budgetIndex {
	idx := budgetIndex{budgets: map[string][]budget{}, pods: map[string][]*v1.Pod{}}
	for _, pdb := range c.PDBs {
		sel, err := policy.PDBSelector(pdb)
		if err != nil {
			continue // the API server validates selectors
		}
		idx.budgets[pdb.Namespace] = append(idx.budgets[pdb.Namespace], budget{pdb: pdb, sel: sel})
	}
	for _, pod := range sortedPods(c.Pods) {
		if !isFinished(pod) {
			idx.pods[pod.Namespace] = append(idx.pods[pod.Namespace], pod)
		}
	}
	for ns := range idx.budgets {
		bs := idx.budgets[ns]
		sort.Slice(bs, func(i, j int) bool { return bs[i].pdb.Name < bs[j].pdb.Name })
	}
	return idx
}

// selects says whether a budget covers the pod (policy/v1 semantics,
// policy.PDBSelector, shared with the scheduler: `selector: {}` covers every
// pod of the namespace, a nil selector none).
func (idx budgetIndex) selects(pod *v1.Pod) bool {
	set := labels.Set(pod.Labels)
	for _, b := range idx.budgets[pod.Namespace] {
		if b.sel.Matches(set) {
			return true
		}
	}
	return false
}
