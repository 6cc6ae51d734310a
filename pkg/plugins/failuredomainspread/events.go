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
	"context"

	v1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/util"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// EventsToRegister lists what can make a pod this plugin rejected
// schedulable. Only Filter rejects, so these matter for Required groups:
//   - a replica of the group appears, goes, starts terminating or changes
//     group (labels): the counts change, so the emptiest domain may fill up
//     or the node's domain empty out. Generic Update is needed for the
//     deletionTimestamp, which no specific pod update event reports;
//   - the pod's own labels change its group;
//   - a node appears, goes, changes its domains or role (labels), or
//     becomes eligible or not (taints, uncordon): the eligible domains
//     change. A cordon emits no event at all; cordonWatch covers it.
func (pl *FailureDomainSpread) EventsToRegister(_ context.Context) ([]fwk.ClusterEventWithHint, error) {
	return []fwk.ClusterEventWithHint{
		{Event: fwk.ClusterEvent{Resource: fwk.AssignedPod, ActionType: fwk.Add | fwk.Update | fwk.Delete}, QueueingHintFn: pl.isSchedulableAfterAssignedPodChange},
		{Event: fwk.ClusterEvent{Resource: fwk.TargetPod, ActionType: fwk.UpdatePodLabel}, QueueingHintFn: pl.isSchedulableAfterTargetPodChange},
		// UpdateNodeCondition: a node whose Ready condition turns is dead
		// or alive again for the spread, taint or no taint.
		// UpdateNodeTaint also reports spec.unschedulable turning false.
		// Turning true reports nothing: cordonWatch activates the waiting
		// pods, and the node lifecycle controller's unschedulable taint
		// that follows is an UpdateNodeTaint too.
		{Event: fwk.ClusterEvent{Resource: fwk.Node, ActionType: fwk.Add | fwk.Delete | fwk.UpdateNodeLabel | fwk.UpdateNodeTaint | fwk.UpdateNodeCondition}, QueueingHintFn: pl.isSchedulableAfterNodeChange},
	}, nil
}

// isSchedulableAfterAssignedPodChange requeues the pod when a replica of its
// group is counted now and was not before, or the other way round.
func (pl *FailureDomainSpread) isSchedulableAfterAssignedPodChange(logger klog.Logger, pod *v1.Pod, oldObj, newObj any) (fwk.QueueingHint, error) {
	oldPod, newPod, err := util.As[*v1.Pod](oldObj, newObj)
	if err != nil {
		return fwk.Queue, err
	}
	c, spread := pl.classify(pod)
	if !spread {
		return fwk.QueueSkip, nil
	}
	m := pl.replicaOf(pod, c)
	was := oldPod != nil && m.counts(oldPod)
	is := newPod != nil && m.counts(newPod)
	if was == is {
		logger.V(5).Info("Pod change does not change the group's replicas", "pod", klog.KObj(pod), "changedPod", klog.KObj(podOf(oldPod, newPod)))
		return fwk.QueueSkip, nil
	}
	logger.V(4).Info("A replica of the pod's group appeared or went", "pod", klog.KObj(pod), "changedPod", klog.KObj(podOf(oldPod, newPod)), "counted", is)
	return fwk.Queue, nil
}

func podOf(oldPod, newPod *v1.Pod) *v1.Pod {
	if newPod != nil {
		return newPod
	}
	return oldPod
}

// isSchedulableAfterTargetPodChange requeues the pod when its labels moved
// it to another group or changed how it spreads.
func (pl *FailureDomainSpread) isSchedulableAfterTargetPodChange(logger klog.Logger, _ *v1.Pod, oldObj, newObj any) (fwk.QueueingHint, error) {
	oldPod, newPod, err := util.As[*v1.Pod](oldObj, newObj)
	if err != nil || oldPod == nil || newPod == nil {
		return fwk.Queue, err
	}
	oldClass, oldSpread := pl.classify(oldPod)
	newClass, newSpread := pl.classify(newPod)
	if oldSpread == newSpread && oldClass.Spread == newClass.Spread && policy.GroupOf(oldPod, oldClass, pl.services) == policy.GroupOf(newPod, newClass, pl.services) {
		logger.V(5).Info("Pod's label change does not change its group", "pod", klog.KObj(newPod))
		return fwk.QueueSkip, nil
	}
	logger.V(4).Info("Pod's labels changed its group or spread", "pod", klog.KObj(newPod))
	return fwk.Queue, nil
}

// isSchedulableAfterNodeChange requeues the pod when a node it may use
// appears or goes, when such a node changes domain, or when a node becomes
// eligible or stops being so (a cordoned, dead or tainted emptiest domain no
// longer counts; see eligibility).
func (pl *FailureDomainSpread) isSchedulableAfterNodeChange(logger klog.Logger, pod *v1.Pod, oldObj, newObj any) (fwk.QueueingHint, error) {
	oldNode, newNode, err := util.As[*v1.Node](oldObj, newObj)
	if err != nil {
		return fwk.Queue, err
	}
	pl.trackNode(oldNode, newNode)
	c, spread := pl.classify(pod)
	if !spread {
		return fwk.QueueSkip, nil
	}
	e := pl.eligibilityOf(logger, pod, c)
	switch {
	case oldNode == nil || newNode == nil:
		// Added or deleted.
		if e.Usable(nodeOf(oldNode, newNode)) {
			logger.V(4).Info("A node the pod may use appeared or went", "pod", klog.KObj(pod), "node", klog.KObj(nodeOf(oldNode, newNode)))
			return fwk.Queue, nil
		}
	case e.Eligible(oldNode) != e.Eligible(newNode):
		logger.V(4).Info("Node became eligible or ineligible for the pod's spread", "pod", klog.KObj(pod), "node", klog.KObj(newNode))
		return fwk.Queue, nil
	case e.Usable(newNode) && !e.Tainted(oldNode) && e.Tainted(newNode):
		// A cordon itself reaches no hint (the scheduler reports no event
		// for it); the unschedulable taint the node lifecycle controller
		// adds next does, on a node already cordoned, so eligible to
		// ineligible shows only in the taints.
		logger.V(4).Info("Node the pod may use got a taint it does not tolerate", "pod", klog.KObj(pod), "node", klog.KObj(newNode))
		return fwk.Queue, nil
	case (e.Usable(oldNode) || e.Usable(newNode)) && pl.domainsChanged(oldNode, newNode):
		logger.V(4).Info("Node the pod may use changed failure domain", "pod", klog.KObj(pod), "node", klog.KObj(newNode))
		return fwk.Queue, nil
	}
	logger.V(5).Info("Node change does not affect the pod's spread", "pod", klog.KObj(pod), "node", klog.KObj(nodeOf(oldNode, newNode)))
	return fwk.QueueSkip, nil
}

// trackNode feeds the node change to the role index and the cordon watch
// before the pod is requeued: the plugin's own informer handlers run on
// other goroutines and may not have seen it yet when the retried pod's
// PreFilter runs (a new control-plane host would be missed as eligible).
func (pl *FailureDomainSpread) trackNode(oldNode, newNode *v1.Node) {
	if newNode != nil {
		pl.roles.Upsert(newNode)
	} else if oldNode != nil {
		pl.roles.Remove(oldNode)
	}
	pl.cordons.observe(oldNode, newNode)
}

func nodeOf(oldNode, newNode *v1.Node) *v1.Node {
	if newNode != nil {
		return newNode
	}
	return oldNode
}

func (pl *FailureDomainSpread) domainsChanged(oldNode, newNode *v1.Node) bool {
	for _, l := range pl.levels {
		if policy.DomainOf(oldNode.Name, oldNode.Labels, l) != policy.DomainOf(newNode.Name, newNode.Labels, l) {
			return true
		}
	}
	return false
}
