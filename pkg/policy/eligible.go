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
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	v1helper "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"
)

// cordonTaint is the taint upstream's NodeUnschedulable tests a pod's
// tolerations against for a cordoned node (spec.unschedulable).
var cordonTaint = v1.Taint{Key: v1.TaintNodeUnschedulable, Effect: v1.TaintEffectNoSchedule}

// Eligibility tells which nodes make their failure domains eligible for a
// pod's spread: the nodes the pod can actually use. A domain whose nodes the
// pod cannot use (a dead zone, a host under disk pressure, a cordoned host)
// must not be the emptiest one every other domain is measured against, or no
// replica would ever be placed. The rules are upstream's filters that do not
// depend on resources: role, node selector and required affinity, cordon (as
// NodeUnschedulable) and NoSchedule/NoExecute taints (as TaintToleration).
// Full nodes stay eligible: preemption can make room.
//
// FailureDomainSpread and the checker's Explain both decide eligibility
// here. Build one with NewEligibility per pod; it is read-only after that.
type Eligibility struct {
	logger         klog.Logger
	roles          RoleSet
	affinity       nodeaffinity.RequiredNodeAffinity
	tolerations    []v1.Toleration
	tolerateCordon bool
	comparisonOps  bool
	// Cordoned are nodes known to be cordoned whose object may not show it
	// yet (the scheduler's informer can be ahead of its cycle's snapshot);
	// nil for none.
	Cordoned sets.Set[string]
}

// NewEligibility returns the eligibility rules for pod, whose class allows
// roles. comparisonOps: tolerations may use the Lt/Gt operators (feature
// gate TaintTolerationComparisonOperators), as for TaintToleration.
func NewEligibility(logger klog.Logger, pod *v1.Pod, roles RoleSet, comparisonOps bool) Eligibility {
	e := Eligibility{
		logger:        logger,
		roles:         roles,
		affinity:      nodeaffinity.GetRequiredNodeAffinity(pod),
		tolerations:   pod.Spec.Tolerations,
		comparisonOps: comparisonOps,
	}
	e.tolerateCordon = v1helper.TolerationsTolerateTaint(logger, e.tolerations, &cordonTaint, comparisonOps)
	return e
}

// RoleAllows: the node's role is one the pod's class allows.
func (e *Eligibility) RoleAllows(n *v1.Node) bool {
	return e.roles.Allows(RoleOf(n.Labels))
}

// Usable: the node's role and labels let the pod run there at all (role,
// node selector and required node affinity).
func (e *Eligibility) Usable(n *v1.Node) bool {
	if n == nil || !e.RoleAllows(n) {
		return false
	}
	// A selector that does not parse matches nothing: the NodeAffinity
	// plugin rejects every node anyway.
	ok, _ := e.affinity.Match(n)
	return ok
}

// CordonedFor: the node is cordoned (spec.unschedulable, or in Cordoned)
// and the pod does not tolerate it.
func (e *Eligibility) CordonedFor(n *v1.Node) bool {
	return (n.Spec.Unschedulable || e.Cordoned.Has(n.Name)) && !e.tolerateCordon
}

// Tainted: the node is dead (NodeCanRunPods), or has a NoSchedule or
// NoExecute taint the pod does not tolerate.
func (e *Eligibility) Tainted(n *v1.Node) bool {
	if !NodeCanRunPods(n) {
		return true
	}
	if len(n.Spec.Taints) == 0 {
		return false
	}
	_, untolerated := v1helper.FindMatchingUntoleratedTaint(e.logger, n.Spec.Taints, e.tolerations, doNotSchedule, e.comparisonOps)
	return untolerated
}

// Eligible: the pod can use the node now (resources aside). A dead node
// (NodeCanRunPods: its Ready condition is not True, or it carries the
// not-ready/unreachable taint) is never eligible, even for a pod that
// tolerates every taint (common for system pods): a dead domain with no
// replica would otherwise be the emptiest, and every replica would be sent
// to it. The Ready condition counts on its own because the taint comes from
// kube-controller-manager, which may be down too (and may be the very
// replica that waits).
func (e *Eligibility) Eligible(n *v1.Node) bool {
	return e.Usable(n) && !e.CordonedFor(n) && !e.Tainted(n)
}

// Unusable says why the pod cannot use the node apart from its role and
// labels (Usable): not Ready, cordoned without a toleration of it, and each
// NoSchedule/NoExecute taint it does not tolerate. None: neither CordonedFor
// nor Tainted holds. The lifecycle taints of a node already said to be dead
// or cordoned are not repeated.
func (e *Eligibility) Unusable(n *v1.Node) []string {
	var out []string
	dead := !NodeCanRunPods(n)
	if dead {
		out = append(out, "node is not Ready")
	}
	cordoned := e.CordonedFor(n)
	if cordoned {
		out = append(out, "node is cordoned (spec.unschedulable)")
	}
	for i := range n.Spec.Taints {
		t := &n.Spec.Taints[i]
		switch {
		case dead && (t.Key == v1.TaintNodeNotReady || t.Key == v1.TaintNodeUnreachable):
			continue
		case cordoned && t.Key == v1.TaintNodeUnschedulable:
			continue
		case !doNotSchedule(t):
			continue
		case v1helper.TolerationsTolerateTaint(e.logger, e.tolerations, t, e.comparisonOps):
			continue
		}
		out = append(out, "taint "+t.ToString()+" is not tolerated")
	}
	return out
}

func doNotSchedule(t *v1.Taint) bool {
	return t.Effect == v1.TaintEffectNoSchedule || t.Effect == v1.TaintEffectNoExecute
}
