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

package config

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// PolicyArgs is a profile's policy: node roles, trusted namespaces,
// components, failure-domain levels. It is written once per profile, as the
// args of the pluginConfig entry named HAPolicy (PolicyName), and every
// ha-scheduler plugin of the profile, ha-check and `make manifests` read it
// from there. A profile without that entry has the default policy.
type PolicyArgs struct {
	metav1.TypeMeta `json:",inline"`
	// TrustedNamespaces are the namespaces where only cluster administrators
	// create pods; only their pods can be components. Default: [kube-system].
	// An empty list is rejected: it would make kube-proxy, the CNI and
	// CoreDNS user workloads, kept off control-plane nodes.
	//
	// No omitempty here and on Components: an explicit empty list must
	// survive re-encoding (omitempty would drop it, and decoding it again
	// would bring the defaults back).
	TrustedNamespaces []string `json:"trustedNamespaces"`
	// Components replace the default component table when set (an empty
	// list means "no components").
	Components []ComponentArgs `json:"components"`
	// OtherTrustedPods is the rule for pods of trusted namespaces that no
	// component matches. Default: nodeRole Any, spread Preferred.
	OtherTrustedPods *RuleArgs `json:"otherTrustedPods,omitempty"`
	// UserWorkloads is the rule for every pod outside the trusted
	// namespaces. Default: nodeRole Worker, spread Preferred.
	UserWorkloads *RuleArgs `json:"userWorkloads,omitempty"`
	// AllowUserWorkloadsOnControlPlane is the compact-cluster setting: user
	// workloads may also run on control-plane nodes (never on infra nodes
	// unless userWorkloads.nodeRole says so).
	AllowUserWorkloadsOnControlPlane bool `json:"allowUserWorkloadsOnControlPlane"`
	// Levels are the failure-domain label keys, widest first. Default:
	// topology.kubernetes.io/zone, topology.scs.community/host-id,
	// kubernetes.io/hostname.
	Levels []string `json:"levels"`
	// RequiredLevels are the levels, among Levels, at which Required groups
	// are balanced by Filter. Default: topology.scs.community/host-id.
	RequiredLevels []string `json:"requiredLevels"`
	// ReservedPriority is the lowest pod priority reserved for the trusted
	// namespaces: the shipped admission policy
	// (manifests/admission/reserved-priority.yaml, generated from this
	// field) refuses pods of other namespaces whose priority is at or above
	// it, as it refuses their use of system-node-critical and
	// system-cluster-critical by name, so that no tenant pod out-ranks the
	// control plane. Default: DefaultReservedPriority, the value of
	// system-cluster-critical. Valid: 1 to DefaultReservedPriority.
	ReservedPriority *int32 `json:"reservedPriority,omitempty"`
}

// DefaultReservedPriority is the default of PolicyArgs.ReservedPriority:
// the value of the system-cluster-critical PriorityClass
// (scheduling.k8s.io's SystemCriticalPriority). User-defined classes may not
// exceed 1000000000, so by default tenants keep every class but the two
// system ones.
const DefaultReservedPriority int32 = 2000000000

// RuleArgs says where pods run, how their replicas spread and whether they
// are disruption-controlled.
type RuleArgs struct {
	// Placement says which node roles the pods may use: one of
	// ControlPlane, Infra, Worker, Any. It is written `nodeRole` (SPEC's
	// name for it); what it holds is a placement, a set of roles with Any
	// among them, not the role of one node (policy.NodeRole).
	Placement policy.Placement `json:"nodeRole,omitempty"`
	// Spread is one of None, Preferred, Required. Default: Preferred.
	Spread policy.Spread `json:"spread,omitempty"`
	// Disruption, when set, makes the group disruption-controlled.
	Disruption *DisruptionArgs `json:"disruption,omitempty"`
}

// DisruptionArgs is the minimum of available replicas preemption must leave.
type DisruptionArgs struct {
	// MinAvailable replicas (Ready, not terminating). Default 1.
	MinAvailable *int32 `json:"minAvailable,omitempty"`
	// Quorum: keep a majority (⌊n/2⌋+1) of the group available, as etcd
	// needs. Excludes minAvailable.
	Quorum bool `json:"quorum,omitempty"`
}

// ComponentArgs is one component of the policy.
type ComponentArgs struct {
	Name string `json:"name"`
	// Selectors are ORed; a pod of a trusted namespace that one of them
	// matches is this component.
	Selectors []metav1.LabelSelector `json:"selectors"`
	RuleArgs  `json:",inline"`
}

// DisruptionGuardMode says how PodDisruptionBudgets are treated.
type DisruptionGuardMode string

const (
	// ModeStrict never violates a PodDisruptionBudget.
	ModeStrict DisruptionGuardMode = "Strict"
	// ModeBestEffort treats PodDisruptionBudgets as upstream does (avoid
	// violating them, but do if nothing else helps). Components keep their
	// minimum in both modes.
	ModeBestEffort DisruptionGuardMode = "BestEffort"
)

// DisruptionGuardArgs are the args of the DisruptionGuard plugin.
// The policy is not among them: it is the profile's (PolicyArgs).
type DisruptionGuardArgs struct {
	metav1.TypeMeta `json:",inline"`
	// Mode is Strict (default) or BestEffort.
	Mode DisruptionGuardMode `json:"mode,omitempty"`
	// MinCandidateNodesPercentage and MinCandidateNodesAbsolute are
	// DefaultPreemption's, with its defaults (10 and 100).
	MinCandidateNodesPercentage *int32 `json:"minCandidateNodesPercentage,omitempty"`
	MinCandidateNodesAbsolute   *int32 `json:"minCandidateNodesAbsolute,omitempty"`
}

// Plugin names, as written in a KubeSchedulerConfiguration, and the name of
// the pluginConfig entry that holds a profile's policy.
const (
	PolicyName = "HAPolicy"

	WorkloadSeparationName  = "WorkloadSeparation"
	FailureDomainSpreadName = "FailureDomainSpread"
	DisruptionGuardName     = "DisruptionGuard"
)
