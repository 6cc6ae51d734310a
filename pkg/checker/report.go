// Package checker analyses a cluster's placement for high availability
// (SPEC §6): node distribution as the SCS standard scs-0214-v2 requires, the
// control-plane replicas per zone and physical host, user workloads on
// control-plane and infra nodes, disruption-controlled components without
// protection, and what a single zone or host failure would take down.
//
// The analysis is pure: it reads typed objects (Cluster) and returns a
// Report. Every classification of nodes and pods goes through pkg/policy, so
// the checker and the scheduler plugins agree on what a control-plane
// component is.
package checker

import (
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Cluster is what the checker reads: every node, every pod of every
// namespace and every policy/v1 PodDisruptionBudget.
type Cluster struct {
	Nodes []*v1.Node
	Pods  []*v1.Pod
	PDBs  []*policyv1.PodDisruptionBudget
}

// Severity of a finding: a fail changes the verdict, a warn does not.
type Severity string

const (
	SeverityFail Severity = "fail"
	SeverityWarn Severity = "warn"
)

// Verdict of a report.
type Verdict string

const (
	VerdictPass Verdict = "PASS"
	VerdictFail Verdict = "FAIL"
)

// Finding ids. They are stable: scripts may match on them.
const (
	// IDLabelsMissing (fail): nodes without one of the SCS topology labels
	// (region, zone, host-id). One finding per label.
	IDLabelsMissing = "node-distribution.labels-missing"
	// IDControlPlaneNotDistributed (fail): fewer than two control-plane
	// nodes, or all of them share region, zone and host-id.
	IDControlPlaneNotDistributed = "node-distribution.control-plane-not-distributed"
	// IDWorkersNotDistributed (warn): two or more non-control-plane nodes,
	// all in one region, zone and host (the standard only recommends it).
	IDWorkersNotDistributed = "node-distribution.workers-not-distributed"
	// IDHostIDInMultipleZones (warn): one physical host-id on nodes of
	// several zones; one machine cannot be in two failure zones.
	IDHostIDInMultipleZones = "node-distribution.host-id-in-multiple-zones"
	// IDEvenControlPlaneCount (warn): an even number of control-plane nodes;
	// 3 or 5 tolerate as many failures as 4 or 6.
	IDEvenControlPlaneCount = "node-distribution.even-control-plane-count"

	// IDUserWorkloadOnControlPlane (fail): a pod outside the trusted
	// namespaces (DaemonSet pods included) on a control-plane node, unless the
	// policy allows user workloads there.
	IDUserWorkloadOnControlPlane = "workload-separation.user-workload-on-control-plane"
	// IDUserWorkloadOnInfra (fail): a pod outside the trusted namespaces on
	// an infra node.
	IDUserWorkloadOnInfra = "workload-separation.user-workload-on-infra"
	// IDComponentOffRole: a component runs on a node of a role its rule
	// does not allow (etcd on a worker). Fail for disruption-controlled and
	// Required-spread components, warn for others.
	IDComponentOffRole = "workload-separation.component-off-role"

	// IDSingleReplica (fail): a disruption-controlled component with one
	// replica: nothing can drain its node without an outage.
	IDSingleReplica = "disruption.single-replica"
	// IDNoPDB (warn): replicas of a disruption-controlled component that no
	// PodDisruptionBudget selects. Static (mirror) pods are exempt: nothing
	// evicts them.
	IDNoPDB = "disruption.no-pdb"

	// IDZoneLosesComponent / IDHostLosesComponent: the failure of one zone
	// (host) would take every placed replica of a component. Fail for
	// disruption-controlled and Required-spread components, warn for others.
	IDZoneLosesComponent = "survival.zone-loses-component"
	IDHostLosesComponent = "survival.host-loses-component"
	// IDZoneLosesQuorum / IDHostLosesQuorum (fail): the failure of one zone
	// (host) would leave a quorum component (etcd) with at most half of its
	// members.
	IDZoneLosesQuorum = "survival.zone-loses-quorum"
	IDHostLosesQuorum = "survival.host-loses-quorum"
	// IDZoneNotAssessed / IDHostNotAssessed (warn): every node is in one zone
	// (on one host), so no placement can survive its failure; the level is
	// not assessed.
	IDZoneNotAssessed = "survival.zone-not-assessed"
	IDHostNotAssessed = "survival.host-not-assessed"
)

// Finding is one result of a rule.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Subjects are the objects the finding is about: node names,
	// namespace/name of pods, groups, domains.
	Subjects []string `json:"subjects,omitempty"`
}

// Report is the result of Analyze.
type Report struct {
	Verdict  Verdict `json:"verdict"`
	Fails    int     `json:"fails"`
	Warnings int     `json:"warnings"`

	Summary          Summary            `json:"summary"`
	NodeDistribution NodeDistribution   `json:"nodeDistribution"`
	Replicas         []ComponentReplica `json:"replicas"`
	Survival         []DomainSurvival   `json:"survival"`
	Findings         []Finding          `json:"findings"`
}

// Summary counts what was read.
type Summary struct {
	Nodes             int `json:"nodes"`
	ControlPlaneNodes int `json:"controlPlaneNodes"`
	InfraNodes        int `json:"infraNodes"`
	WorkerNodes       int `json:"workerNodes"`
	Regions           int `json:"regions"`
	Zones             int `json:"zones"`
	Hosts             int `json:"hosts"`
	// Pods counts the active pods (not Succeeded, Failed or terminating).
	Pods                 int `json:"pods"`
	PodDisruptionBudgets int `json:"podDisruptionBudgets"`
}

// NodeDistribution is the node-distribution part of the report, the part
// that agrees with the SCS k8s-node-distribution-check.
type NodeDistribution struct {
	Standard string `json:"standard"`
	// Pass is the verdict on node distribution alone.
	Pass bool `json:"pass"`
	// DistributedBy is the first label, widest first (region, zone,
	// host-id), over which the control-plane nodes differ; empty when they
	// are not distributed.
	DistributedBy string `json:"distributedBy,omitempty"`
	// ControlPlane lists the control-plane nodes (policy.RoleOf).
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

// ComponentReplica is one row of the replica table: where the replicas of one
// component group run.
type ComponentReplica struct {
	Group                string        `json:"group"`
	Component            string        `json:"component"`
	NodeRole             string        `json:"nodeRole"`
	Spread               policy.Spread `json:"spread"`
	DisruptionControlled bool          `json:"disruptionControlled"`
	Quorum               bool          `json:"quorum,omitempty"`
	// Replicas counts the active pods of the group, bound or not.
	Replicas int `json:"replicas"`
	// Placed counts those bound to a node; PerZone and PerHost split them.
	Placed  int            `json:"placed"`
	PerZone map[string]int `json:"perZone"`
	PerHost map[string]int `json:"perHost"`
}

// DomainSurvival says what the failure of one zone or host would do.
type DomainSurvival struct {
	// Level is "zone" or "host".
	Level  string `json:"level"`
	Domain string `json:"domain"`
	// Lost are the groups that would lose every placed replica.
	Lost []string `json:"lost,omitempty"`
	// QuorumLost are the quorum groups left with at most half their members.
	QuorumLost []QuorumLoss `json:"quorumLost,omitempty"`
}

// QuorumLoss is a quorum group left without a majority.
type QuorumLoss struct {
	Group     string `json:"group"`
	Members   int    `json:"members"`
	Survivors int    `json:"survivors"`
}

// Survives reports whether nothing would be lost.
func (d DomainSurvival) Survives() bool { return len(d.Lost) == 0 && len(d.QuorumLost) == 0 }
