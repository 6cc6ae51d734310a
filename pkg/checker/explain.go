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

package checker

import (
	"errors"
	"fmt"
	"sort"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/klog/v2"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// ErrPodNotFound is wrapped by Explain's error for a pod the cluster does
// not have (or has only as a finished pod, which Load does not read).
var ErrPodNotFound = errors.New("not found among the cluster's unfinished pods")

// Kinds of PodClass.Kind.
const (
	ClassComponent    = "component"
	ClassOtherTrusted = "other-trusted"
	ClassUserWorkload = "user-workload"
)

// States of Explanation.State and GroupMember.State: whether the pod is an
// available replica now, and if not, why (the checker's podState).
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
type Explanation struct {
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
	// Analyze reports them.
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
	NodeRole     policy.Placement `json:"nodeRole"`
	AllowedRoles []string         `json:"allowedRoles"`
	Spread       policy.Spread    `json:"spread"`
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
	ComponentReplica
	PerNode map[string]int `json:"perNode"`
	Members []GroupMember  `json:"members"`
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

// Explain says what the policy (policy.Default() when nil) makes of the pod
// namespace/name in the cluster: its class, its group (sized as Analyze
// sizes it) and where the group's replicas are, what protects it from
// preemption and, for a pending pod, which nodes the policy's rules reject
// and why.
//
// Only the policy's rules are evaluated: WorkloadSeparation (the node's
// role), FailureDomainSpread (a Required group's balance at the required
// levels, naming the emptiest eligible domain) and whether the node is
// usable at all (Ready, not cordoned, no NoSchedule/NoExecute taint the pod
// does not tolerate). Upstream's other filters (resources, node selector and
// affinity, ports, volumes) are not: a node no rule rejects may still not
// fit. The pod's required node affinity does decide, as in
// FailureDomainSpread, which domains are eligible to balance against.
func Explain(p *policy.Policy, c Cluster, namespace, name string) (*Explanation, error) {
	if p == nil {
		p = policy.Default()
	}
	var target *v1.Pod
	for _, pod := range c.Pods {
		if pod.Namespace == namespace && pod.Name == name && !isFinished(pod) {
			target = pod
			break
		}
	}
	if target == nil {
		return nil, fmt.Errorf("pod %s/%s: %w", namespace, name, ErrPodNotFound)
	}
	nodes := nodesByName(c.Nodes)
	class := p.Classify(target)
	state := stateOf(target, nodes)
	g := groupOf(podGroups(p, c, nodes), target)

	e := &Explanation{
		Pod:           namespace + "/" + name,
		SchedulerName: target.Spec.SchedulerName,
		State:         state.token(),
		Node:          target.Spec.NodeName,
		NominatedNode: target.Status.NominatedNodeName,
		Class:         podClass(target, class, nodes[target.Spec.NodeName]),
		Group:         explainGroup(g, nodes),
		Protection:    protectionOf(p, c, nodes, target, class, g),
	}
	if n := nodes[target.Spec.NodeName]; n != nil {
		e.Zone = policy.DomainOf(n.Name, n.Labels, policy.LabelZone)
		e.Host = policy.DomainOf(n.Name, n.Labels, policy.LabelHostID)
	}
	for _, cond := range target.Status.Conditions {
		if cond.Type == v1.PodScheduled && cond.Status == v1.ConditionFalse {
			e.SchedulerMessage = cond.Message
		}
	}
	if state != stateTerminating {
		if f, ok := placementFinding(target, class, nodes[target.Spec.NodeName]); ok {
			e.PlacementFindings = []Finding{f}
		}
	}
	if state == statePending {
		e.Spread, e.Nodes = pendingVerdicts(p, c, target, class)
	}
	return e, nil
}

// token is the state as Explanation.State writes it.
func (s podState) token() string {
	return [...]string{
		stateAvailable:    PodAvailable,
		stateTerminating:  PodTerminating,
		statePending:      PodPending,
		stateNodeGone:     PodNodeGone,
		stateNodeNotReady: PodNodeNotReady,
		statePodNotReady:  PodNotReady,
	}[s]
}

func podClass(pod *v1.Pod, c policy.Class, node *v1.Node) PodClass {
	pc := PodClass{
		Kind:                 ClassUserWorkload,
		Component:            c.Component,
		TrustedNamespace:     c.Trusted,
		NodeRole:             c.Placement,
		Spread:               c.Spread,
		DisruptionControlled: c.Disruption.Controlled(),
		Quorum:               c.Disruption.Quorum,
		MinAvailable:         c.Disruption.MinAvailable,
		DaemonSet:            policy.IsDaemonSetPod(pod),
		Mirror:               policy.IsMirrorPod(pod, node),
		AllowedRoles:         []string{},
	}
	switch {
	case c.Component != "":
		pc.Kind = ClassComponent
	case c.Trusted:
		pc.Kind = ClassOtherTrusted
	}
	for _, r := range []policy.NodeRole{policy.RoleControlPlane, policy.RoleInfra, policy.RoleWorker} {
		if c.Roles.Allows(r) {
			pc.AllowedRoles = append(pc.AllowedRoles, r.String())
		}
	}
	if c.Spread != policy.SpreadNone && pc.DaemonSet {
		pc.NotSpread = "DaemonSet pod"
	}
	return pc
}

// explainGroup is the group's replica-table row (replicaRow, as Analyze
// counts it), with its available replicas per node and its members.
func explainGroup(g *group, nodes map[string]*v1.Node) ExplainedGroup {
	eg := ExplainedGroup{ComponentReplica: g.replicaRow(nodes, nil), PerNode: map[string]int{}, Members: []GroupMember{}}
	for _, pod := range g.members {
		s := g.state[pod]
		if s == stateAvailable {
			eg.PerNode[pod.Spec.NodeName]++
		}
		eg.Members = append(eg.Members, GroupMember{Pod: pod.Namespace + "/" + pod.Name, Node: pod.Spec.NodeName, State: s.token()})
	}
	return eg
}

// protectionOf says what keeps the pod from being a victim, by the rules of
// DisruptionGuard: static pods never are; rule 3 (who may preempt whom);
// rule 2 (its disruption-controlled group's minimum, of the group as the
// checker sizes it); rule 1 (the PodDisruptionBudgets that select it,
// policy/v1 selectors through policy.PDBSelector).
func protectionOf(p *policy.Policy, c Cluster, nodes map[string]*v1.Node, pod *v1.Pod, class policy.Class, g *group) Protection {
	node := nodes[pod.Spec.NodeName]
	pr := Protection{Priority: corev1helpers.PodPriority(pod), PreemptibleBy: preemptibleBy[p.PreemptibleBy(pod, class, node)]}
	if g.dg != nil {
		avail, keep := g.available(), g.minAvailable()
		pr.Group = &GroupBudget{Group: g.key, Desired: g.desired(), MinAvailable: keep, Available: avail, MayGo: max(avail-keep, 0)}
	}
	for _, pdb := range c.PDBs {
		if pdb.Namespace != pod.Namespace {
			continue
		}
		sel, err := policy.PDBSelector(pdb)
		if err != nil || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		b := PDBBudget{Name: pdb.Namespace + "/" + pdb.Name, MayGo: int32(policy.PDBAllowance(pdb, healthyUnder(pdb, sel, c.Pods, nodes), 0))}
		switch {
		case pdb.Spec.MinAvailable != nil:
			b.Spec = "minAvailable " + pdb.Spec.MinAvailable.String()
		case pdb.Spec.MaxUnavailable != nil:
			b.Spec = "maxUnavailable " + pdb.Spec.MaxUnavailable.String()
		}
		b.Stale = pdb.Status.ObservedGeneration < pdb.Generation
		pr.PDBs = append(pr.PDBs, b)
	}
	sort.Slice(pr.PDBs, func(i, j int) bool { return pr.PDBs[i].Name < pr.PDBs[j].Name })
	return pr
}

// healthyUnder counts the pods a budget covers that are available now,
// as the disruption controller counts healthy pods: unfinished, not
// disrupted already (status.disruptedPods), Ready, on a node that is up.
func healthyUnder(pdb *policyv1.PodDisruptionBudget, sel labels.Selector, pods []*v1.Pod, nodes map[string]*v1.Node) int {
	n := 0
	for _, pod := range pods {
		if pod.Namespace != pdb.Namespace || isFinished(pod) || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		if _, disrupted := pdb.Status.DisruptedPods[pod.Name]; !disrupted && stateOf(pod, nodes) == stateAvailable {
			n++
		}
	}
	return n
}

// preemptibleBy words policy.Preemptors as the explanation gives them.
var preemptibleBy = map[policy.Preemptors]string{
	policy.PreemptibleByAnyone:            PreemptibleByAny,
	policy.PreemptibleByTrustedNamespaces: PreemptibleByTrusted,
	policy.PreemptibleByComponents:        PreemptibleByComponents,
	policy.PreemptibleByNobody:            PreemptibleByNobody,
}

// comparisonOperators: tolerations with Lt/Gt operators (feature gate
// TaintTolerationComparisonOperators, alpha and off by default in 1.37)
// tolerate nothing, as in a scheduler with the default gates.
const comparisonOperators = false

// nodeCheck is what the policy's rules make of one node for a pending pod,
// apart from the spread: its role, whether it is usable, and whether it
// makes its domains eligible for the spread (policy.Eligibility, as
// FailureDomainSpread decides it: role, required node affinity, usable).
type nodeCheck struct {
	node       *v1.Node
	rejections []Rejection
	roleOK     bool
	eligible   bool
}

// pendingVerdicts checks every node for a pending pod, in name order, and
// for a spread group counts its replicas per domain.
func pendingVerdicts(p *policy.Policy, c Cluster, pod *v1.Pod, class policy.Class) ([]SpreadLevel, []NodeVerdict) {
	elig := policy.NewEligibility(klog.Background(), pod, class.Roles, comparisonOperators)
	daemonSet := policy.IsDaemonSetPod(pod)
	svcs := newLookups(c, nil).Services
	groupKey := policy.GroupOf(pod, class, svcs).String()

	nodes := append([]*v1.Node(nil), c.Nodes...)
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	checks := make([]nodeCheck, 0, len(nodes))
	for _, n := range nodes {
		sep := policy.Separation(class, daemonSet, policy.RoleOf(n.Labels))
		nc := nodeCheck{node: n, roleOK: sep.Allowed(), eligible: elig.Eligible(n)}
		if !nc.roleOK {
			nc.rejections = append(nc.rejections, Rejection{Rule: RuleWorkloadSeparation, Reason: roleReason(pod, class, sep)})
		}
		// Not Ready, cordoned, untolerated taints: upstream's
		// NodeUnschedulable and TaintToleration.
		for _, why := range elig.Unusable(n) {
			nc.rejections = append(nc.rejections, Rejection{Rule: RuleNodeUnusable, Reason: why})
		}
		checks = append(checks, nc)
	}

	var spread []SpreadLevel
	var filter *policy.SpreadFilter
	if class.Spread != policy.SpreadNone && !daemonSet {
		spread, filter = spreadFilter(p, c, svcs, pod, class, checks)
	}
	verdicts := make([]NodeVerdict, 0, len(checks))
	for _, nc := range checks {
		n := nc.node
		v := NodeVerdict{
			Node: n.Name,
			Role: policy.RoleOf(n.Labels).String(),
			Zone: policy.DomainOf(n.Name, n.Labels, policy.LabelZone),
			Host: policy.DomainOf(n.Name, n.Labels, policy.LabelHostID),
		}
		v.Rejections = nc.rejections
		// As the scheduler runs its filters, FailureDomainSpread's only
		// where WorkloadSeparation lets the pod.
		if filter != nil && nc.roleOK {
			if r, ok := spreadRejection(filter, filter.Verdict(n), groupKey); ok {
				v.Rejections = append(v.Rejections, r)
			}
		}
		verdicts = append(verdicts, v)
	}
	return spread, verdicts
}

// roleReason says why WorkloadSeparation rejects the node
// (policy.Separation, the plugin's decision), in the checker's words.
func roleReason(pod *v1.Pod, c policy.Class, v policy.SeparationVerdict) string {
	var why string
	switch v.Reason {
	case policy.ReservedForControlPlane, policy.ReservedForInfra:
		why = fmt.Sprintf("%s node, reserved for %s components", v.NodeRole, v.NodeRole)
	case policy.NotControlPlane:
		why = fmt.Sprintf("worker node; nodeRole %s keeps the pod on control-plane nodes", c.Placement)
	case policy.NotInfra:
		why = fmt.Sprintf("worker node; nodeRole %s keeps the pod on infra nodes", c.Placement)
	default:
		why = fmt.Sprintf("worker node; nodeRole %s keeps the pod off workers", c.Placement)
	}
	if v.UntrustedDaemonSet {
		why += "; " + policy.TrustHint(pod.Namespace)
	}
	return why
}

// spreadFilter is FailureDomainSpread's filter for the pod, built as the
// plugin builds it (policy.SpreadFilter) from the cluster's lists: the
// group's replicas per domain (bound to a node that exists, holding their
// place as policy.CountsInSpread says, unfinished, of the pod's
// policy.GroupOf group), the eligible nodes' domains and, for a Required
// group, the emptiest domain at each required level. It also returns the
// counts per level as explain shows them.
func spreadFilter(p *policy.Policy, c Cluster, svcs policy.Services, pod *v1.Pod, class policy.Class, checks []nodeCheck) ([]SpreadLevel, *policy.SpreadFilter) {
	nodes := nodesByName(c.Nodes)
	key := policy.GroupOf(pod, class, svcs)
	counts := policy.NewReplicaCounts(len(p.Levels))
	for _, o := range c.Pods {
		if o.Namespace != pod.Namespace || isFinished(o) || !policy.CountsInSpread(o) {
			continue
		}
		if n := nodes[o.Spec.NodeName]; n != nil && policy.GroupOf(o, p.Classify(o), svcs) == key {
			counts.Add(p.Levels, n, 1)
		}
	}
	filter := &policy.SpreadFilter{Levels: p.Levels, Counts: counts}
	if class.Spread == policy.SpreadRequired {
		filter = policy.NewSpreadFilter(p, counts)
		for _, nc := range checks {
			if nc.eligible {
				filter.AddEligible(nc.node)
			}
		}
		filter.Chain()
	}
	levels := make([]SpreadLevel, len(p.Levels))
	for i, l := range p.Levels {
		levels[i] = SpreadLevel{Level: l, Replicas: counts[i]}
	}
	for j, l := range filter.Required {
		levels[l].Required = true
		if e := filter.Emptiest[j]; e.Domain != "" {
			levels[l].Emptiest = &DomainReplicas{Domain: e.Domain, Replicas: e.Replicas}
		}
	}
	return levels, filter
}

// spreadRejection words FailureDomainSpread's verdict on a node
// (policy.SpreadFilter.Verdict) as explain gives it.
func spreadRejection(f *policy.SpreadFilter, v policy.SpreadVerdict, group string) (Rejection, bool) {
	switch {
	case v.Down:
		return Rejection{Rule: RuleFailureDomainSpread, Reason: "node is down: no replica of a spread group is placed on a node that cannot run pods"}, true
	case v.Level < 0:
		return Rejection{}, false
	}
	e := f.Emptiest[v.Level]
	return Rejection{Rule: RuleFailureDomainSpread, Reason: fmt.Sprintf("%s %s holds %s of %s, more than the emptiest eligible one (%s holds %d)",
		f.Levels[f.Required[v.Level]], v.Domain, count(v.Replicas, "replica"), group, e.Domain, e.Replicas)}, true
}
