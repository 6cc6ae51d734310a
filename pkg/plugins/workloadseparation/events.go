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

package workloadseparation

import (
	"context"

	v1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/util"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// EventsToRegister: only a node appearing or changing its labels can make a
// pod this plugin rejected schedulable.
func (pl *WorkloadSeparation) EventsToRegister(_ context.Context) ([]fwk.ClusterEventWithHint, error) {
	return []fwk.ClusterEventWithHint{
		{Event: fwk.ClusterEvent{Resource: fwk.Node, ActionType: fwk.Add | fwk.UpdateNodeLabel}, QueueingHintFn: pl.isSchedulableAfterNodeChange},
	}, nil
}

// isSchedulableAfterNodeChange requeues the pod when a node now has a role
// the pod may use and did not before (or is new).
func (pl *WorkloadSeparation) isSchedulableAfterNodeChange(logger klog.Logger, pod *v1.Pod, oldObj, newObj any) (fwk.QueueingHint, error) {
	oldNode, newNode, err := util.As[*v1.Node](oldObj, newObj)
	if err != nil {
		return fwk.Queue, err
	}
	newRole := policy.RoleOf(newNode.Labels)
	// See roleIndex: the pod must find the node when it is tried again.
	pl.roles.Set(newNode.Name, newRole)
	roles := pl.policy.Classify(pod).Roles
	if !roles.Allows(newRole) {
		logger.V(5).Info("Node's role is not allowed for the pod", "pod", klog.KObj(pod), "node", klog.KObj(newNode), "role", newRole)
		return fwk.QueueSkip, nil
	}
	if oldNode != nil && roles.Allows(policy.RoleOf(oldNode.Labels)) {
		logger.V(5).Info("Node's role did not change for the pod", "pod", klog.KObj(pod), "node", klog.KObj(newNode))
		return fwk.QueueSkip, nil
	}
	logger.V(4).Info("Node now has a role the pod may use", "pod", klog.KObj(pod), "node", klog.KObj(newNode), "role", newRole)
	return fwk.Queue, nil
}
