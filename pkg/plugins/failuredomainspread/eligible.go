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

package failuredomainspread

import (
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	v1helper "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// cordonTaint is the taint NodeUnschedulable tests a pod's tolerations
// against for a cordoned node (spec.unschedulable).
var cordonTaint = v1.Taint{Key: v1.TaintNodeUnschedulable, Effect: v1.TaintEffectNoSchedule}

// eligibility tells which nodes make their domains eligible for a pod: the
// nodes it can actually use. A domain whose nodes the pod cannot use (a dead
// zone, a host under disk pressure, a cordoned host) must not be the
// emptiest one every other domain is measured against, or no replica would
// ever be placed. The rules are upstream's filters that do not depend on
// resources: role, node selector and required affinity, cordon (as
// NodeUnschedulable) and NoSchedule/NoExecute taints (as TaintToleration).
// Full nodes stay eligible: preemption can make room.
type eligibility struct {
	logger         klog.Logger
	roles          policy.RoleSet
	affinity       nodeaffinity.RequiredNodeAffinity
	tolerations    []v1.Toleration
	tolerateCordon bool
	comparisonOps  bool
	// cordoned are nodes the plugin's informer saw cordoned, which the
	// cycle's snapshot may not show yet (see cordonWatch).
	cordoned sets.Set[string]
}

func (pl *FailureDomainSpread) eligibilityOf(logger klog.Logger, pod *v1.Pod, c policy.Class) *eligibility {
	e := &eligibility{
		logger:        logger,
		roles:         c.Roles,
		affinity:      nodeaffinity.GetRequiredNodeAffinity(pod),
		tolerations:   pod.Spec.Tolerations,
		comparisonOps: pl.comparisonOps,
	}
	e.tolerateCordon = v1helper.TolerationsTolerateTaint(logger, e.tolerations, &cordonTaint, e.comparisonOps)
	return e
}

// usable: the node's role and labels let the pod run there at all.
func (e *eligibility) usable(n *v1.Node) bool {
	if n == nil || !e.roles.Allows(policy.RoleOf(n.Labels)) {
		return false
	}
	// A selector that does not parse matches nothing: the NodeAffinity
	// plugin rejects every node anyway.
	ok, _ := e.affinity.Match(n)
	return ok
}

// cordonedFor: the node is cordoned and the pod does not tolerate it.
func (e *eligibility) cordonedFor(n *v1.Node) bool {
	return (n.Spec.Unschedulable || e.cordoned.Has(n.Name)) && !e.tolerateCordon
}

// tainted: the node is dead, or has a NoSchedule/NoExecute taint the pod
// does not tolerate.
func (e *eligibility) tainted(n *v1.Node) bool {
	if !policy.NodeCanRunPods(n) {
		return true
	}
	if len(n.Spec.Taints) == 0 {
		return false
	}
	_, untolerated := v1helper.FindMatchingUntoleratedTaint(e.logger, n.Spec.Taints, e.tolerations, doNotSchedule, e.comparisonOps)
	return untolerated
}

// eligible: the pod can use the node now (resources aside). A dead node
// (policy.NodeCanRunPods: its Ready condition is not True, or it carries
// the not-ready/unreachable taint) is never eligible, even for a pod that
// tolerates every taint (common for system pods): a dead domain with no
// replica would otherwise be the emptiest, and every replica would be sent
// to it. The Ready condition counts on its own because the taint comes from
// kube-controller-manager, which may be down too (and may be the very
// replica that waits).
func (e *eligibility) eligible(n *v1.Node) bool {
	return e.usable(n) && !e.cordonedFor(n) && !e.tainted(n)
}

func doNotSchedule(t *v1.Taint) bool {
	return t.Effect == v1.TaintEffectNoSchedule || t.Effect == v1.TaintEffectNoExecute
}
