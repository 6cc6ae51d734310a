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

package v1alpha1

import (
	policyv1 "k8s.io/api/policy/v1"
)

// The label ha-check pdbs puts on every PodDisruptionBudget it generates:
// app.kubernetes.io/managed-by=ha-check. A budget with it is one ha-check
// may replace (same name) or call obsolete (PDBPlan.Obsolete); every other
// budget is the administrator's.
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedBy      = "ha-check"
)

// PDBPlan is what ha-check pdbs proposes: the budgets to apply, the groups
// that get none and why, and the budgets ha-check generated earlier that
// nothing generates any more.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type PDBPlan struct {
	TypeMeta `json:",inline"`
	// PolicySource says where the policy came from, in words.
	PolicySource string `json:"policySource"`
	// PDBs are the budgets to apply, in namespace and name order.
	PDBs []GeneratedPDB `json:"pdbs"`
	// Skipped are the disruption-controlled groups with pods that get no
	// budget, in group order.
	Skipped []SkippedGroup `json:"skipped,omitempty"`
	// Obsolete are budgets labelled ManagedByLabel=ManagedBy that are not
	// among PDBs ("namespace/name"): delete them. Left in place, one may
	// select the same pods as a new budget, and the eviction API refuses to
	// evict a pod that two budgets select.
	Obsolete []string `json:"obsolete,omitempty"`
}

// GeneratedPDB is a budget ha-check pdbs makes, with the group it protects.
type GeneratedPDB struct {
	// Group names the disruption-controlled group as the report does:
	// "kube-system/etcd (StatefulSet etcd-events)".
	Group string `json:"group"`
	// PodDisruptionBudget is ready to apply: TypeMeta set, no status.
	PodDisruptionBudget policyv1.PodDisruptionBudget `json:"podDisruptionBudget"`
}

// SkippedGroup is a disruption-controlled group ha-check pdbs makes no
// budget for.
type SkippedGroup struct {
	Group  string `json:"group"`
	Reason string `json:"reason"`
}
