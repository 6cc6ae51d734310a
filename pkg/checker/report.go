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

// Package checker analyses a cluster's placement for high availability
// (SPEC §6): node distribution as a revision of the SCS standard
// scs-0214-v2 requires (Options.SCSRevision, the current one by default), the
// control-plane replicas per zone and physical host, user workloads on
// control-plane and infra nodes, disruption-controlled components that
// cannot lose a replica or are without protection, and what a single zone
// or host failure would take down.
//
// The analysis is pure: it reads typed objects (Cluster) and returns a
// Report. Every classification of nodes and pods goes through pkg/policy, so
// the checker and the scheduler plugins agree on what a control-plane
// component is, what a group is and how large it should be
// (policy.DisruptionGroups, policy.OwnerOf).
//
// The checker must not lie during an outage, when it is needed most: it
// counts replicas available now (Ready, not terminating, on a node that
// exists and is Ready) against each group's desired size (its pods, pending
// included, or its controller's replicas, the larger), never the pods that
// happen to be placed.
package checker

import (
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Cluster is what the checker reads: every node, every unfinished pod of
// every namespace, every policy/v1 PodDisruptionBudget, and the StatefulSets
// and ReplicaSets that say how many replicas their groups should have.
type Cluster struct {
	Nodes []*v1.Node
	Pods  []*v1.Pod
	PDBs  []*policyv1.PodDisruptionBudget
	// StatefulSets and ReplicaSets give the desired size of the groups they
	// own (policy.OwnerOf): a group of which some replicas were never
	// created, or were deleted, is as large as its controller says.
	StatefulSets []*appsv1.StatefulSet
	ReplicaSets  []*appsv1.ReplicaSet
	// Services group the pods without a controller that they select
	// (policy.GroupOf), as the scheduler groups them.
	Services []*v1.Service
	// Forbidden lists the controller resources the checker was not allowed
	// to list (ForbiddenStatefulSets, ForbiddenReplicaSets). The groups they
	// own are sized by their pods alone, and a finding says so
	// (IDDesiredSizeUnknown).
	Forbidden []string
	// Trust are the RBAC objects and admission policies the trust analysis
	// reads (trust.go); nil when not read.
	Trust *TrustObjects
}

// Resources of Cluster.Forbidden.
const (
	ForbiddenStatefulSets = "statefulsets.apps"
	ForbiddenReplicaSets  = "replicasets.apps"
	// ForbiddenServices: pods without a controller group by their labels
	// rather than by the Service that selects them.
	ForbiddenServices = "services"
)

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
	// IDLabelsMissing (fail): nodes without one of the topology labels the
	// SCS revision requires (region and zone; host-id too on the draft).
	// One finding per label.
	IDLabelsMissing = "node-distribution.labels-missing"
	// IDControlPlaneNotDistributed (fail): fewer than two control-plane
	// nodes; on the draft, or all of them share region, zone and host-id;
	// on the later revisions, or all of them carry one host-id in one zone
	// (one physical machine).
	IDControlPlaneNotDistributed = "node-distribution.control-plane-not-distributed"
	// IDZoneWithoutControlPlane (fail, revision v2-2024-11): zones with
	// nodes but no control-plane node; that revision wants one in each
	// failure zone the cluster uses.
	IDZoneWithoutControlPlane = "node-distribution.zone-without-control-plane"
	// IDControlPlaneInOneZone (warn, revision v2-2026-04): every
	// control-plane node in one zone (or none with a zone label); that
	// revision says the control plane should be over multiple zones.
	IDControlPlaneInOneZone = "node-distribution.control-plane-in-one-zone"
	// IDWorkersNotDistributed (warn): two or more non-control-plane nodes,
	// all in one zone; on the draft, all in one region, zone and host (the
	// standard only recommends it).
	IDWorkersNotDistributed = "node-distribution.workers-not-distributed"
	// IDHostIDMissing (warn, whatever the SCS revision): nodes without a
	// topology.scs.community/host-id label. Not an SCS finding but
	// ha-scheduler's: it takes each such node for a physical machine of its
	// own, so host spreading (and host survival) may hold apart two VMs on
	// one hypervisor.
	IDHostIDMissing = "topology.host-id-missing"
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

	// IDTooFewReplicas (fail): a disruption-controlled group whose desired
	// size is at or below its minimum available (a single replica with
	// minAvailable 1; etcd of one or two members, whose quorum is all of
	// them): it can never lose a replica, so nothing can drain its node
	// without an outage. It replaces "disruption.single-replica", which fired
	// at exactly one replica only.
	IDTooFewReplicas = "disruption.too-few-replicas"
	// IDTooFewAvailable (fail): a disruption-controlled group that could
	// lose a replica by design, but has no more replicas available now than
	// its minimum (or fewer: it is down, or etcd has lost its quorum). It
	// cannot lose another one: an outage, or a rollout gone wrong, is in
	// progress.
	IDTooFewAvailable = "disruption.too-few-available"
	// IDNoPDB (warn): replicas of a disruption-controlled component that no
	// PodDisruptionBudget selects. Static (mirror) pods are exempt: nothing
	// evicts them.
	IDNoPDB = "disruption.no-pdb"
	// IDPDBWeakerThanPolicy (warn): a PodDisruptionBudget selects replicas
	// of a disruption-controlled group but lets evictions leave fewer
	// available than the policy's minimum (minAvailable or maxUnavailable,
	// percentages of the group's desired size rounded up as upstream does;
	// pods it selects outside the group count as healthy ones). One finding
	// per group and budget, naming both numbers. GeneratePDBs makes the
	// budget that keeps the minimum.
	IDPDBWeakerThanPolicy = "disruption.pdb-weaker-than-policy"

	// IDZoneLosesComponent / IDHostLosesComponent: the failure of one zone
	// (host) would take every available replica of a component. Fail for
	// disruption-controlled and Required-spread components, warn for others.
	IDZoneLosesComponent = "survival.zone-loses-component"
	IDHostLosesComponent = "survival.host-loses-component"
	// IDZoneLosesQuorum / IDHostLosesQuorum (fail): the failure of one zone
	// (host) would leave a quorum component (etcd) with at most half of its
	// members available; the members are the group's desired size.
	IDZoneLosesQuorum = "survival.zone-loses-quorum"
	IDHostLosesQuorum = "survival.host-loses-quorum"
	// IDZoneNotAssessed / IDHostNotAssessed (warn): every node is in one zone
	// (on one host), so no placement can survive its failure; the level is
	// not assessed.
	IDZoneNotAssessed = "survival.zone-not-assessed"
	IDHostNotAssessed = "survival.host-not-assessed"
	// IDComponentDown: a component that is not disruption-controlled has
	// no replica available now (IDTooFewAvailable says it for the
	// disruption-controlled ones). Fail for Required-spread components, warn
	// for others.
	IDComponentDown = "survival.component-down"
	// IDNodesNotReady (warn): nodes that are not Ready; the replicas on them
	// are not counted as available, and a zone whose every node is not Ready
	// is named: it has failed already.
	IDNodesNotReady = "survival.nodes-not-ready"
	// IDZoneUnlabelled (warn): components have available replicas on nodes
	// without a zone label, which the zone analysis takes for one zone of
	// their own; whether a labelled zone's failure takes them too is unknown.
	IDZoneUnlabelled = "survival.zone-unlabelled"
	// IDDesiredSizeUnknown (warn): the checker may not list StatefulSets or
	// ReplicaSets (RBAC), and some disruption-controlled groups are owned by
	// them: their desired size is taken from their pods and may be
	// understated, and with it their minimum and quorum.
	IDDesiredSizeUnknown = "survival.desired-size-unknown"

	// IDUnexpectedControlPlaneScheduler (warn): a kube-scheduler pod of
	// kube-system runs another scheduler than the one expected
	// (Options.ControlPlaneScheduler): the stock kube-scheduler where
	// ha-scheduler should replace it (a kubeadm upgrade without ha-scheduler's
	// patch put it back), or the reverse; or, with ha-scheduler expected, no
	// kube-scheduler pod is found at all. One finding per pod.
	IDUnexpectedControlPlaneScheduler = "control-plane.unexpected-scheduler"
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

	Summary Summary `json:"summary"`
	// Levels are the failure-domain levels audited (the policy's, but the
	// node level), by label, when they are not the default policy's zone
	// and host.
	Levels           []string           `json:"levels,omitempty"`
	NodeDistribution NodeDistribution   `json:"nodeDistribution"`
	Replicas         []ComponentReplica `json:"replicas"`
	Survival         []DomainSurvival   `json:"survival"`
	// ControlPlaneScheduler says which scheduler each kube-scheduler pod
	// runs (ha-scheduler or the stock one) and which one is expected.
	ControlPlaneScheduler ControlPlaneScheduler `json:"controlPlaneScheduler"`
	// Trust says who may act as a component and which admission policies
	// are in force (trust.go); absent when they were not read.
	Trust    *Trust    `json:"trust,omitempty"`
	Findings []Finding `json:"findings"`
}

// setVerdict counts the findings and sets the verdict: FAIL on any fail,
// whatever the warnings. It runs once every phase has added its findings.
func (r *Report) setVerdict() {
	for _, f := range r.Findings {
		if f.Severity == SeverityFail {
			r.Fails++
		} else {
			r.Warnings++
		}
	}
	r.Verdict = VerdictPass
	if r.Fails > 0 {
		r.Verdict = VerdictFail
	}
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
	// NotReadyNodes counts the nodes whose Ready condition is not True.
	NotReadyNodes int `json:"notReadyNodes"`
	// Pods counts the active pods (not Succeeded, Failed or terminating).
	Pods                 int `json:"pods"`
	PodDisruptionBudgets int `json:"podDisruptionBudgets"`
}

// NodeDistribution is the node-distribution part of the report: the rules
// of the SCS standard scs-0214 as the applied revision states them (on the
// draft, they agree with its retired k8s-node-distribution-check).
type NodeDistribution struct {
	Standard string `json:"standard"`
	// Revision is the revision of the standard applied (Options.SCSRevision,
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

// ComponentReplica is one row of the replica table: how many replicas one
// component group should have, has and has available, and where the
// available ones run.
//
// A disruption-controlled group is the replicas of one component in one
// namespace with one owner (two etcd clusters in one namespace are two
// rows); other components are grouped by component and namespace.
type ComponentReplica struct {
	// Group names the group: "kube-system/etcd", with the owner of a
	// disruption-controlled group, "kube-system/etcd (StatefulSet etcd-events)".
	Group     string `json:"group"`
	Component string `json:"component"`
	// Owner is the workload of a disruption-controlled group
	// ("StatefulSet etcd-events", "Deployment coredns"); empty for static
	// pods and bare pods.
	Owner                string        `json:"owner,omitempty"`
	NodeRole             string        `json:"nodeRole"`
	Spread               policy.Spread `json:"spread"`
	DisruptionControlled bool          `json:"disruptionControlled"`
	Quorum               bool          `json:"quorum,omitempty"`
	// Desired is the size the group should have: the larger of its pods
	// (bound or pending, terminating included, finished not) and its
	// controller's desired replicas (StatefulSet spec.replicas, a
	// Deployment's through its ReplicaSet). Quorum and minimums are taken of
	// it, as the scheduler's DisruptionGuard takes them.
	Desired int `json:"desired"`
	// Replicas counts the active pods of the group (not terminating), bound
	// or not.
	Replicas int `json:"replicas"`
	// Placed counts the active pods bound to a node that exists.
	Placed int `json:"placed"`
	// Available counts the replicas available now: Ready, not terminating,
	// on a node that exists and is Ready. Survival counts only these.
	Available int `json:"available"`
	// MinAvailable is how many replicas a disruption-controlled group must
	// keep available (for a quorum group, a majority of Desired); absent for
	// the others.
	MinAvailable int `json:"minAvailable,omitempty"`
	// PerZone and PerHost split the available replicas by zone and
	// physical host (they split Placed before availability was counted; on
	// a healthy cluster the two are the same).
	PerZone map[string]int `json:"perZone"`
	PerHost map[string]int `json:"perHost"`
	// PerDomain splits them by the domains of the policy's other levels
	// (a region, a rack): level label -> domain -> replicas.
	PerDomain map[string]map[string]int `json:"perDomain,omitempty"`
}

// DomainSurvival says what the failure of one domain would do.
type DomainSurvival struct {
	// Level is "zone", "host", or the name of another of the policy's
	// levels ("region", "rack").
	Level  string `json:"level"`
	Domain string `json:"domain"`
	// Lost are the groups that would lose every available replica.
	Lost []string `json:"lost,omitempty"`
	// QuorumLost are the quorum groups left with at most half their members.
	QuorumLost []QuorumLoss `json:"quorumLost,omitempty"`
}

// QuorumLoss is a quorum group left without a majority.
type QuorumLoss struct {
	Group string `json:"group"`
	// Members is the group's desired size.
	Members int `json:"members"`
	// Survivors are the replicas available now outside the failed domain.
	Survivors int `json:"survivors"`
	// Quorum is the majority of Members the group needs.
	Quorum int `json:"quorum"`
}

// Survives reports whether nothing would be lost.
func (d DomainSurvival) Survives() bool { return len(d.Lost) == 0 && len(d.QuorumLost) == 0 }
