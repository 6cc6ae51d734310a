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

// Kinds of PodClass.Kind.
const (
	ClassComponent    = "component"
	ClassOtherTrusted = "other-trusted"
	ClassUserWorkload = "user-workload"
)

// States of Explanation.State and GroupMember.State: whether the pod is an
// available replica now, and if not, why.
const (
	PodAvailable    = "available"
	PodTerminating  = "terminating"
	PodPending      = "pending"
	PodNodeGone     = "node-gone"
	PodNodeNotReady = "node-not-ready"
	PodNotReady     = "not-ready"
)

// Rules of Rejection.Rule.
const (
	// RuleWorkloadSeparation: the node's role is not one the pod's class
	// allows.
	RuleWorkloadSeparation = "WorkloadSeparation"
	// RuleFailureDomainSpread: the node's domain, at a required level,
	// holds more replicas of the pod's Required group than the emptiest
	// eligible one.
	RuleFailureDomainSpread = "FailureDomainSpread"
	// RuleNodeUnusable: the node is not Ready, cordoned, or has a
	// NoSchedule/NoExecute taint the pod does not tolerate (upstream's
	// NodeUnschedulable and TaintToleration; FailureDomainSpread does not
	// count such a node's domain as eligible).
	RuleNodeUnusable = "NodeUnusable"
)

// Values of Protection.PreemptibleBy: which preemptors rule 3 of
// DisruptionGuard lets take the pod (all of them need a higher priority).
const (
	// PreemptibleByNobody: a static (mirror) pod, never a victim.
	PreemptibleByNobody = "nobody"
	// PreemptibleByComponents: a component of a trusted namespace; only
	// other components may preempt it.
	PreemptibleByComponents = "components"
	// PreemptibleByTrusted: a pod of a trusted namespace that is no
	// component; only pods of trusted namespaces may preempt it.
	PreemptibleByTrusted = "trusted-namespaces"
	// PreemptibleByAny: a user workload; any pod of higher priority.
	PreemptibleByAny = "any"
)

// Explanation is what the policy says about one pod: its class, its group
// and where the group's replicas are, why it is pending (which of the
// policy's rules reject which nodes) and what protects it from preemption.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type Explanation struct {
	TypeMeta `json:",inline"`
	// PolicySource says where the policy came from, in words.
	PolicySource string `json:"policySource"`
	// Pod is namespace/name.
	Pod           string `json:"pod"`
	SchedulerName string `json:"schedulerName"`
	// State is one of PodAvailable, PodPending, ...
	State string `json:"state"`
	// Node, Zone and Host are where the pod is bound; empty when pending.
	Node string `json:"node,omitempty"`
	Zone string `json:"zone,omitempty"`
	Host string `json:"host,omitempty"`
	// NominatedNode is the node preemption made room on, if any.
	NominatedNode string `json:"nominatedNode,omitempty"`
	// SchedulerMessage is the message of the pod's PodScheduled condition
	// when it is False: what the scheduler said on its last attempt.
	SchedulerMessage string   `json:"schedulerMessage,omitempty"`
	Class            PodClass `json:"class"`
	// Group is the pod's group, as the checker sizes it (a row of the
	// replica table, with the available replicas per node too).
	Group ExplainedGroup `json:"group"`
	// PlacementFindings are the workload-separation findings about the
	// pod on its node (a user workload on a control-plane node), as
	// the check reports them.
	PlacementFindings []Finding `json:"placementFindings,omitempty"`
	// Spread is, for a pending pod of a spread group, the group's replicas
	// per domain at each level as FailureDomainSpread counts them, and at
	// the required levels of a Required group the emptiest eligible domain.
	Spread []SpreadLevel `json:"spread,omitempty"`
	// Nodes is, for a pending pod, every node and the policy's rules that
	// reject it there.
	Nodes      []NodeVerdict `json:"nodes,omitempty"`
	Protection Protection    `json:"protection"`
}

// PodClass is what the policy's classification says about a pod.
type PodClass struct {
	// Kind is ClassComponent, ClassOtherTrusted or ClassUserWorkload.
	Kind string `json:"kind"`
	// Component is the matching component rule; empty for the others.
	Component        string `json:"component,omitempty"`
	TrustedNamespace bool   `json:"trustedNamespace"`
	// NodeRole is the rule's nodeRole; AllowedRoles the node roles the pod
	// may use ("control-plane", "infra", "worker"), which for a user
	// workload include control-plane under allowUserWorkloadsOnControlPlane.
	NodeRole     string   `json:"nodeRole"`
	AllowedRoles []string `json:"allowedRoles"`
	Spread       string   `json:"spread"`
	// NotSpread says why the spread does not apply to this pod: DaemonSet
	// pods are never spread (one per node by construction).
	NotSpread string `json:"notSpread,omitempty"`
	// DisruptionControlled, Quorum and MinAvailable are the rule's
	// disruption setting.
	DisruptionControlled bool  `json:"disruptionControlled"`
	Quorum               bool  `json:"quorum,omitempty"`
	MinAvailable         int32 `json:"minAvailable,omitempty"`
	DaemonSet            bool  `json:"daemonSet,omitempty"`
	Mirror               bool  `json:"mirror,omitempty"`
}

// ExplainedGroup is the pod's group: its replica-table row (desired,
// available, per zone and host), the available replicas per node, and its
// members.
type ExplainedGroup struct {
	ComponentReplica `json:",inline"`
	PerNode          map[string]int `json:"perNode"`
	Members          []GroupMember  `json:"members"`
}

// GroupMember is one pod of a group, where it is, and whether it is
// available now.
type GroupMember struct {
	Pod   string `json:"pod"`
	Node  string `json:"node,omitempty"`
	State string `json:"state"`
}

// SpreadLevel is the group's replicas on the domains of one level, as
// FailureDomainSpread counts them: bound to a node that exists, not
// terminating, not DaemonSet pods, Ready or not.
type SpreadLevel struct {
	Level    string         `json:"level"`
	Replicas map[string]int `json:"replicas"`
	// Required: a level at which a Required group is filtered.
	Required bool `json:"required,omitempty"`
	// Emptiest is, at a required level, the first by name of the eligible
	// domains (among those the wider required levels admit) with the
	// fewest replicas; nil at other levels, and when no domain is eligible
	// (nothing to balance against: the level rejects no node).
	Emptiest *DomainReplicas `json:"emptiest,omitempty"`
}

// DomainReplicas is a domain and the group's replicas on it.
type DomainReplicas struct {
	Domain   string `json:"domain"`
	Replicas int    `json:"replicas"`
}

// NodeVerdict is one node for a pending pod.
type NodeVerdict struct {
	Node string `json:"node"`
	Role string `json:"role"`
	Zone string `json:"zone"`
	Host string `json:"host"`
	// Rejections are the policy's rules that reject the node; none: they
	// let the pod run there.
	Rejections []Rejection `json:"rejections,omitempty"`
}

// Rejection is one rule that rejects a node.
type Rejection struct {
	// Rule is RuleWorkloadSeparation, RuleFailureDomainSpread or
	// RuleNodeUnusable.
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// Protection is what keeps the pod from being a preemption victim.
type Protection struct {
	// Priority: only pods of a higher priority can preempt it at all.
	Priority int32 `json:"priority"`
	// PreemptibleBy is one of PreemptibleByNobody, ...Components,
	// ...Trusted, ...Any (rule 3 of DisruptionGuard, and static pods).
	PreemptibleBy string `json:"preemptibleBy"`
	// Group is the pod's disruption-controlled group (rule 2); nil when it
	// has none.
	Group *GroupBudget `json:"group,omitempty"`
	// PDBs are the PodDisruptionBudgets that select the pod (rule 1).
	PDBs []PDBBudget `json:"podDisruptionBudgets,omitempty"`
}

// GroupBudget is the minimum of a disruption-controlled group and how many
// of its replicas preemption may take now.
type GroupBudget struct {
	Group        string `json:"group"`
	Desired      int    `json:"desired"`
	MinAvailable int    `json:"minAvailable"`
	Available    int    `json:"available"`
	// MayGo is Available - MinAvailable, not below 0.
	MayGo int `json:"mayGo"`
}

// PDBBudget is a PodDisruptionBudget that selects the pod.
type PDBBudget struct {
	// Name is namespace/name.
	Name string `json:"name"`
	// Spec is "minAvailable 2" or "maxUnavailable 25%".
	Spec string `json:"spec"`
	// MayGo is the status's disruptionsAllowed, or 0 when the status was
	// not computed for the current spec (Stale), as the eviction API and
	// DisruptionGuard read it.
	MayGo int32 `json:"mayGo"`
	Stale bool  `json:"stale,omitempty"`
}
