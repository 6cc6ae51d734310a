package policy

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// PDBSelector returns the pods a PodDisruptionBudget covers in its
// namespace, with policy/v1 semantics: a nil selector selects no pod, an
// empty one (`selector: {}`) every pod of the namespace, as the eviction API
// and the disruption controller treat it. (policy/v1beta1 read an empty
// selector as "nothing"; carrying that over would let a namespace-wide
// `maxUnavailable: 0` protect nothing.)
func PDBSelector(pdb *policyv1.PodDisruptionBudget) (labels.Selector, error) {
	if pdb.Spec.Selector == nil {
		return labels.Nothing(), nil
	}
	return metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
}
