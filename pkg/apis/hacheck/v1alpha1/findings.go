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
	// per group and budget, naming both numbers. ha-check pdbs makes the
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
	// (--expect-control-plane-scheduler): the stock kube-scheduler where
	// ha-scheduler should replace it (a kubeadm upgrade without ha-scheduler's
	// patch put it back), or the reverse; or, with ha-scheduler expected, no
	// kube-scheduler pod is found at all. One finding per pod.
	IDUnexpectedControlPlaneScheduler = "control-plane.unexpected-scheduler"
)

// Finding ids of the trust analysis.
const (
	// IDTrustedPodCreator (warn): a subject that is not the system's own
	// may create pods in a trusted namespace, directly, through a workload
	// controller, or as one of its ServiceAccounts (a token). Its pods are
	// components of the policy. One finding per subject.
	IDTrustedPodCreator = "trust.creates-trusted-pods"
	// IDPodBinder (warn): a subject that is not the system's own may bind
	// pods (pods/binding, bindings) in some namespace: it can place a pod on
	// any node, as a scheduler does. One finding per subject.
	IDPodBinder = "trust.binds-pods"
	// IDTrustNotAssessed (warn): the checker may not list the RBAC objects
	// or the admission policies (forbidden), so who may act as a component,
	// or which admission policies are installed, is not known.
	IDTrustNotAssessed = "trust.not-assessed"
)
