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
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// pdbIndex holds the selectors of the PodDisruptionBudgets by namespace.
type pdbIndex map[string][]labels.Selector

// compilePDBs reads the selectors with policy/v1 semantics
// (policy.PDBSelector, shared with the scheduler): `selector: {}` covers
// every pod of the namespace, a nil selector none.
func compilePDBs(c Cluster) pdbIndex {
	idx := pdbIndex{}
	for _, pdb := range c.PDBs {
		sel, err := policy.PDBSelector(pdb)
		if err != nil {
			continue // the API server validates selectors; nothing to count
		}
		idx[pdb.Namespace] = append(idx[pdb.Namespace], sel)
	}
	return idx
}

func (idx pdbIndex) selects(pod *v1.Pod) bool {
	set := labels.Set(pod.Labels)
	for _, sel := range idx[pod.Namespace] {
		if sel.Matches(set) {
			return true
		}
	}
	return false
}
