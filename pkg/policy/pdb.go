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

// PDBAllowance is how many of a budget's pods may still be disrupted:
// healthy is how many of the pods it covers are available now (as the
// disruption controller counts healthy pods), lost how many of those are
// already on their way out (victims of a preemption in flight) but still
// counted healthy by the controller. The status may lag both ways, so the
// stricter of the status's allowance less what is lost, and the healthy
// pods above the status's desired number, is taken; a status not yet
// computed for the current spec allows nothing, as the eviction API
// decides. Never negative.
func PDBAllowance(pdb *policyv1.PodDisruptionBudget, healthy, lost int) int {
	st := pdb.Status
	allowed := min(int(st.DisruptionsAllowed)-lost, healthy-int(st.DesiredHealthy))
	if st.ObservedGeneration < pdb.Generation || allowed < 0 {
		return 0
	}
	return allowed
}

// BudgetBinds reports whether a PodDisruptionBudget of namespace
// pdbNamespace binds a preemptor of namespace preemptorNamespace (Strict
// mode): a trusted namespace's budget binds every preemptor; a tenant's
// budget binds the preemptors of untrusted namespaces (other tenants and
// the tenant itself) but not the control plane's, so that a tenant cannot
// keep kube-proxy or a CNI pod pending by a maxUnavailable: 0 on the pod
// that fills its node.
func (p *Policy) BudgetBinds(pdbNamespace, preemptorNamespace string) bool {
	return p.IsTrustedNamespace(pdbNamespace) || !p.IsTrustedNamespace(preemptorNamespace)
}
