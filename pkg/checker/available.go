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
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// podState is why a replica is, or is not, available now. The order is
// the order of precedence: a terminating pod on a NotReady node is
// terminating.
type podState int

const (
	stateAvailable podState = iota
	stateTerminating
	statePending
	stateNodeGone
	stateNodeNotReady
	statePodNotReady
	numPodStates
)

// String says it in a message: "2 pending", "1 on a node that is not Ready".
func (s podState) String() string {
	return [...]string{
		stateAvailable:    "available",
		stateTerminating:  "terminating",
		statePending:      "pending",
		stateNodeGone:     "on a node that no longer exists",
		stateNodeNotReady: "on a node that is not Ready",
		statePodNotReady:  "not Ready",
	}[s]
}

// placed reports whether the pod is bound to a node that exists (and is
// not terminating): the replicas the table calls placed.
func (s podState) placed() bool {
	return s == stateAvailable || s == stateNodeNotReady || s == statePodNotReady
}

// stateOf says whether the pod is an available replica now: Ready and not
// terminating (policy.IsAvailable, as preemption counts it), on a node
// that exists and is up (policy.NodeCanRunPods, as preemption counts it).
// A replica on a node whose kubelet stopped
// reporting serves nobody, whatever its last reported condition says; one
// bound to a deleted node is gone.
func stateOf(pod *v1.Pod, nodes map[string]*v1.Node) podState {
	if policy.IsTerminating(pod) {
		return stateTerminating
	}
	if pod.Spec.NodeName == "" {
		return statePending
	}
	n := nodes[pod.Spec.NodeName]
	switch {
	case n == nil:
		return stateNodeGone
	case !policy.NodeCanRunPods(n):
		return stateNodeNotReady
	case !policy.IsAvailable(pod):
		return statePodNotReady
	}
	return stateAvailable
}

// isFinished reports whether the pod has run to completion: it is no
// replica of anything any more.
func isFinished(pod *v1.Pod) bool {
	return pod.Status.Phase == v1.PodSucceeded || pod.Status.Phase == v1.PodFailed
}
