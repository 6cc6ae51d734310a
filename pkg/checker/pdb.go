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
