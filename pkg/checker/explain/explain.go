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

// Package explain answers questions about one pod and one failure under
// the policy: why a pod is pending or placed where it is (Explain, in the
// words of the policy's verdicts, pkg/policy), and what the failure of one
// domain or node would take down (WhatIf).
package explain

import (
	"errors"
	"fmt"
	"sort"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/klog/v2"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// ErrPodNotFound is wrapped by Explain's error for a pod the cluster does
// not have (or has only as a finished pod, which Load does not read).
var ErrPodNotFound = errors.New("not found among the cluster's unfinished pods")

// Explain says what the policy makes of the pod namespace/name in the
// cluster of the model: its class, its group (sized as the report sizes
// it) and where the group's replicas are, what protects it from preemption
// and, for a pending pod, which nodes the policy's rules reject and why.
// The explanation has no apiVersion, kind or policy source: the command
// fills them in.
//
// Only the policy's rules are evaluated: WorkloadSeparation (the node's
// role), FailureDomainSpread (a Required group's balance at the required
// levels, naming the emptiest eligible domain) and whether the node is
// usable at all (Ready, not cordoned, no NoSchedule/NoExecute taint the pod
// does not tolerate). Upstream's other filters (resources, node selector and
// affinity, ports, volumes) are not: a node no rule rejects may still not
// fit. The pod's required node affinity does decide, as in
// FailureDomainSpread, which domains are eligible to balance against.
func Explain(m *model.Model, namespace, name string) (*v1alpha1.Explanation, error) {
	p := m.Policy
	mp := m.Pod(namespace, name)
	if mp == nil {
		return nil, fmt.Errorf("pod %s/%s: %w", namespace, name, ErrPodNotFound)
	}
	target, class, state := mp.Pod, mp.Class, mp.State
	nodes := m.Nodes
	g := m.GroupOf(target)

	e := &v1alpha1.Explanation{
		Pod:           namespace + "/" + name,
		SchedulerName: target.Spec.SchedulerName,
		State:         token(state),
		Node:          target.Spec.NodeName,
		NominatedNode: target.Status.NominatedNodeName,
		Class:         podClass(target, class, nodes[target.Spec.NodeName]),
		Group:         explainGroup(g, nodes),
		Protection:    protectionOf(p, m, target, class, g),
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
	if state != model.Terminating {
		if f, ok := audit.PlacementFinding(target, class, nodes[target.Spec.NodeName]); ok {
			e.PlacementFindings = []v1alpha1.Finding{f}
		}
	}
	if state == model.Pending {
		e.Spread, e.Nodes = pendingVerdicts(m, mp)
	}
	return e, nil
}

// token is the state as Explanation.State writes it.
func token(s model.State) string {
	return [...]string{
		model.Available:    v1alpha1.PodAvailable,
		model.Terminating:  v1alpha1.PodTerminating,
		model.Pending:      v1alpha1.PodPending,
		model.NodeGone:     v1alpha1.PodNodeGone,
		model.NodeNotReady: v1alpha1.PodNodeNotReady,
		model.PodNotReady:  v1alpha1.PodNotReady,
	}[s]
}

func podClass(pod *v1.Pod, c policy.Class, node *v1.Node) v1alpha1.PodClass {
	pc := v1alpha1.PodClass{
		Kind:                 v1alpha1.ClassUserWorkload,
		Component:            c.Component,
		TrustedNamespace:     c.Trusted,
		NodeRole:             string(c.Placement),
		Spread:               string(c.Spread),
		DisruptionControlled: c.Disruption.Controlled(),
		Quorum:               c.Disruption.Quorum,
		MinAvailable:         c.Disruption.MinAvailable,
		DaemonSet:            policy.IsDaemonSetPod(pod),
		Mirror:               policy.IsMirrorPod(pod, node),
		AllowedRoles:         []string{},
	}
	switch {
	case c.Component != "":
		pc.Kind = v1alpha1.ClassComponent
	case c.Trusted:
		pc.Kind = v1alpha1.ClassOtherTrusted
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

// explainGroup is the group's replica-table row (ReplicaRow, as the report
// counts it), with its available replicas per node and its members.
func explainGroup(g *model.Group, nodes map[string]*v1.Node) v1alpha1.ExplainedGroup {
	eg := v1alpha1.ExplainedGroup{ComponentReplica: g.ReplicaRow(nodes, nil), PerNode: map[string]int{}, Members: []v1alpha1.GroupMember{}}
	for _, pod := range g.Members {
		s := g.State[pod]
		if s == model.Available {
			eg.PerNode[pod.Spec.NodeName]++
		}
		eg.Members = append(eg.Members, v1alpha1.GroupMember{Pod: pod.Namespace + "/" + pod.Name, Node: pod.Spec.NodeName, State: token(s)})
	}
	return eg
}

// protectionOf says what keeps the pod from being a victim, by the rules of
// DisruptionGuard: static pods never are; rule 3 (who may preempt whom);
// rule 2 (its disruption-controlled group's minimum, of the group as the
// checker sizes it); rule 1 (the PodDisruptionBudgets that select it,
// policy/v1 selectors through policy.PDBSelector).
func protectionOf(p *policy.Policy, m *model.Model, pod *v1.Pod, class policy.Class, g *model.Group) v1alpha1.Protection {
	node := m.Nodes[pod.Spec.NodeName]
	pr := v1alpha1.Protection{Priority: corev1helpers.PodPriority(pod), PreemptibleBy: preemptibleBy[p.PreemptibleBy(pod, class, node)]}
	if g.Disruption != nil {
		avail, keep := g.Available(), g.MinAvailable()
		pr.Group = &v1alpha1.GroupBudget{Group: g.Key, Desired: g.Desired(), MinAvailable: keep, Available: avail, MayGo: max(avail-keep, 0)}
	}
	for _, pdb := range m.Cluster.PDBs {
		if pdb.Namespace != pod.Namespace {
			continue
		}
		sel, err := policy.PDBSelector(pdb)
		if err != nil || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		b := v1alpha1.PDBBudget{Name: pdb.Namespace + "/" + pdb.Name, MayGo: int32(policy.PDBAllowance(pdb, healthyUnder(pdb, sel, m.Pods), 0))}
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
func healthyUnder(pdb *policyv1.PodDisruptionBudget, sel labels.Selector, pods []*model.Pod) int {
	n := 0
	for _, pod := range pods {
		if pod.Namespace != pdb.Namespace || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		if _, disrupted := pdb.Status.DisruptedPods[pod.Name]; !disrupted && pod.State == model.Available {
			n++
		}
	}
	return n
}

// preemptibleBy words policy.Preemptors as the explanation gives them.
var preemptibleBy = map[policy.Preemptors]string{
	policy.PreemptibleByAnyone:            v1alpha1.PreemptibleByAny,
	policy.PreemptibleByTrustedNamespaces: v1alpha1.PreemptibleByTrusted,
	policy.PreemptibleByComponents:        v1alpha1.PreemptibleByComponents,
	policy.PreemptibleByNobody:            v1alpha1.PreemptibleByNobody,
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
	rejections []v1alpha1.Rejection
	roleOK     bool
	eligible   bool
}

// pendingVerdicts checks every node for a pending pod, in name order, and
// for a spread group counts its replicas per domain.
func pendingVerdicts(m *model.Model, mp *model.Pod) ([]v1alpha1.SpreadLevel, []v1alpha1.NodeVerdict) {
	pod, class := mp.Pod, mp.Class
	elig := policy.NewEligibility(klog.Background(), pod, class.Roles, comparisonOperators)
	daemonSet := policy.IsDaemonSetPod(pod)
	groupKey := mp.Group.String()

	nodes := append([]*v1.Node(nil), m.Cluster.Nodes...)
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	checks := make([]nodeCheck, 0, len(nodes))
	for _, n := range nodes {
		sep := policy.Separation(class, daemonSet, policy.RoleOf(n.Labels))
		nc := nodeCheck{node: n, roleOK: sep.Allowed(), eligible: elig.Eligible(n)}
		if !nc.roleOK {
			nc.rejections = append(nc.rejections, v1alpha1.Rejection{Rule: v1alpha1.RuleWorkloadSeparation, Reason: roleReason(pod, class, sep)})
		}
		// Not Ready, cordoned, untolerated taints: upstream's
		// NodeUnschedulable and TaintToleration.
		for _, why := range elig.Unusable(n) {
			nc.rejections = append(nc.rejections, v1alpha1.Rejection{Rule: v1alpha1.RuleNodeUnusable, Reason: why})
		}
		checks = append(checks, nc)
	}

	var spread []v1alpha1.SpreadLevel
	var filter *policy.SpreadFilter
	if class.Spread != policy.SpreadNone && !daemonSet {
		spread, filter = spreadFilter(m, mp, checks)
	}
	verdicts := make([]v1alpha1.NodeVerdict, 0, len(checks))
	for _, nc := range checks {
		n := nc.node
		v := v1alpha1.NodeVerdict{
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
func spreadFilter(m *model.Model, mp *model.Pod, checks []nodeCheck) ([]v1alpha1.SpreadLevel, *policy.SpreadFilter) {
	p := m.Policy
	counts := policy.NewReplicaCounts(len(p.Levels))
	for _, o := range m.Pods {
		if o.Namespace != mp.Namespace || !policy.CountsInSpread(o.Pod) {
			continue
		}
		if n := m.Nodes[o.Spec.NodeName]; n != nil && o.Group == mp.Group {
			counts.Add(p.Levels, n, 1)
		}
	}
	filter := &policy.SpreadFilter{Levels: p.Levels, Counts: counts}
	if mp.Class.Spread == policy.SpreadRequired {
		filter = policy.NewSpreadFilter(p, counts)
		for _, nc := range checks {
			if nc.eligible {
				filter.AddEligible(nc.node)
			}
		}
		filter.Chain()
	}
	levels := make([]v1alpha1.SpreadLevel, len(p.Levels))
	for i, l := range p.Levels {
		levels[i] = v1alpha1.SpreadLevel{Level: l, Replicas: counts[i]}
	}
	for j, l := range filter.Required {
		levels[l].Required = true
		if e := filter.Emptiest[j]; e.Domain != "" {
			levels[l].Emptiest = &v1alpha1.DomainReplicas{Domain: e.Domain, Replicas: e.Replicas}
		}
	}
	return levels, filter
}

// spreadRejection words FailureDomainSpread's verdict on a node
// (policy.SpreadFilter.Verdict) as explain gives it.
func spreadRejection(f *policy.SpreadFilter, v policy.SpreadVerdict, group string) (v1alpha1.Rejection, bool) {
	switch {
	case v.Down:
		return v1alpha1.Rejection{Rule: v1alpha1.RuleFailureDomainSpread, Reason: "node is down: no replica of a spread group is placed on a node that cannot run pods"}, true
	case v.Level < 0:
		return v1alpha1.Rejection{}, false
	}
	e := f.Emptiest[v.Level]
	return v1alpha1.Rejection{Rule: v1alpha1.RuleFailureDomainSpread, Reason: fmt.Sprintf("%s %s holds %s of %s, more than the emptiest eligible one (%s holds %d)",
		f.Levels[f.Required[v.Level]], v.Domain, words.Count(v.Replicas, "replica"), group, e.Domain, e.Replicas)}, true
}
