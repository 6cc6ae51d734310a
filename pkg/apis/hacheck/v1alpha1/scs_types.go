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

// NodeDistribution is the node-distribution part of the report: the rules
// of the SCS standard scs-0214 as the applied revision states them (on the
// draft, they agree with its retired k8s-node-distribution-check).
type NodeDistribution struct {
	// Standard is the standard followed, scs-0214-v2.
	Standard string `json:"standard"`
	// Revision is the revision of the standard applied (--scs-revision,
	// the current one by default).
	Revision SCSRevision `json:"revision"`
	// Pass is the verdict on node distribution alone: no rule failed. Rules
	// to confirm by hand do not fail it; Outcome tells them apart.
	Pass bool `json:"pass"`
	// Outcome is "fail" when a rule failed, else "confirm-by-hand" when a
	// rule is left to confirm by hand, else "pass".
	Outcome SCSRuleState `json:"outcome"`
	// Rules are the revision's rules, each with its state.
	Rules []SCSRule `json:"rules"`
	// DistributedBy is the first label, widest first (region, zone,
	// host-id), over which the control-plane nodes (all nodes where none is
	// visible) differ, as the retired SCS check compared them; empty when
	// they do not.
	DistributedBy string `json:"distributedBy,omitempty"`
	// ControlPlane lists the control-plane nodes.
	ControlPlane []NodeInfo `json:"controlPlane"`
}

// NodeInfo is a node's role and its SCS labels as set (empty when missing).
type NodeInfo struct {
	Name   string `json:"name"`
	Role   string `json:"role"`
	Region string `json:"region,omitempty"`
	Zone   string `json:"zone,omitempty"`
	HostID string `json:"hostID,omitempty"`
}

// SCSRevision names a revision of the SCS node distribution standard
// scs-0214. The names are what an operator types (--scs-revision); they
// are stable.
type SCSRevision string

// The revisions of scs-0214-v2 the checker knows (docs/checker.md says what
// each requires).
const (
	// SCSRevisionV2Draft is the draft of scs-0214-v2 (seeds/003_*.txt):
	// region, zone and topology.scs.community/host-id required on every
	// node, judged as its conformance check k8s-node-distribution-check.py
	// (since retired) judged them.
	SCSRevisionV2Draft SCSRevision = "v2-draft"
	// SCSRevisionV2Stable is scs-0214-v2 as stabilised on 2024-11-21: region
	// and zone required (host-id dropped); the control plane MUST be on
	// multiple physical machines and MUST have a node in each failure zone
	// the cluster uses.
	SCSRevisionV2Stable SCSRevision = "v2-2024-11"
	// SCSRevisionV2Revised is scs-0214-v2 as revised on 2026-04-28: region
	// and zone required; the control plane MUST be on multiple physical
	// machines (confirmed by hand, scs-0214-w1) and SHOULD be over multiple
	// failure zones.
	SCSRevisionV2Revised SCSRevision = "v2-2026-04"
)

// SCSRuleState is what the checker made of one rule of the SCS revision.
type SCSRuleState string

const (
	// SCSRulePass: the rule holds, as far as the labels show.
	SCSRulePass SCSRuleState = "pass"
	// SCSRuleFail: a MUST that does not hold; a fail finding says why, and
	// the verdict is FAIL.
	SCSRuleFail SCSRuleState = "fail"
	// SCSRuleWarn: a SHOULD or RECOMMENDED that does not hold; a warning
	// says why.
	SCSRuleWarn SCSRuleState = "warn"
	// SCSRuleConfirmByHand: no automated check can prove or disprove the
	// rule on this cluster (the physical machines under control-plane nodes
	// without a host-id, a control plane the cluster does not show). Neither
	// pass nor fail: it does not fail the verdict, and the operator confirms
	// it by hand, as the standard's manual test says.
	SCSRuleConfirmByHand SCSRuleState = "confirm-by-hand"
	// SCSRuleNotApplicable: there is nothing the rule applies to (fewer than
	// two worker nodes for the worker recommendation).
	SCSRuleNotApplicable SCSRuleState = "not-applicable"
)

// SCSRule is one rule of the applied revision and its state on the cluster.
type SCSRule struct {
	// ID is stable: scripts may match on it (SCSRuleLabels, ...).
	ID string `json:"id"`
	// Level is the requirement's keyword in the revision's text: MUST,
	// SHOULD or RECOMMENDED.
	Level string `json:"level"`
	// Rule says the requirement in a few words.
	Rule  string       `json:"rule"`
	State SCSRuleState `json:"state"`
	// Detail says what the state rests on.
	Detail string `json:"detail,omitempty"`
}

// SCS rule ids. A revision lists the rules it has, in this order.
const (
	// SCSRuleLabels (MUST, every revision): the topology labels the revision
	// requires on every node (region and zone; host-id too on the draft).
	SCSRuleLabels = "labels"
	// SCSRuleControlPlaneDistributed (MUST, draft): the control plane over
	// multiple physical machines and failure zones, judged as the retired
	// conformance check judged it: at least two control-plane nodes (all
	// nodes where none is visible) that differ in region, zone or host-id.
	SCSRuleControlPlaneDistributed = "control-plane-distributed"
	// SCSRuleControlPlaneMachines (MUST, 2024-11 and 2026-04): the control
	// plane over multiple physical machines. Judged from host-id where every
	// control-plane node has one (or two carry different ones); confirmed by
	// hand otherwise.
	SCSRuleControlPlaneMachines = "control-plane-physical-machines"
	// SCSRuleControlPlaneInEachZone (MUST, 2024-11): at least one
	// control-plane node in each failure zone the cluster's nodes are in.
	SCSRuleControlPlaneInEachZone = "control-plane-in-each-zone"
	// SCSRuleControlPlaneZones (SHOULD, 2026-04): the control plane over
	// multiple failure zones.
	SCSRuleControlPlaneZones = "control-plane-zones"
	// SCSRuleWorkersDistributed (RECOMMENDED, every revision): worker
	// (non-control-plane) nodes over multiple zones; on the draft, as the
	// retired check compared them: differing in region, zone or host-id.
	SCSRuleWorkersDistributed = "workers-distributed"
)
