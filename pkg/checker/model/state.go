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

package model

import (
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// State is why a replica is, or is not, available now. The order is the
// order of precedence: a terminating pod on a NotReady node is terminating.
type State int

const (
	Available State = iota
	Terminating
	Pending
	NodeGone
	NodeNotReady
	PodNotReady
	numStates
)

// String says it in a message: "2 pending", "1 on a node that is not Ready".
func (s State) String() string {
	return [...]string{
		Available:    "available",
		Terminating:  "terminating",
		Pending:      "pending",
		NodeGone:     "on a node that no longer exists",
		NodeNotReady: "on a node that is not Ready",
		PodNotReady:  "not Ready",
	}[s]
}

// Placed reports whether the pod is bound to a node that exists (and is
// not terminating): the replicas the table calls placed.
func (s State) Placed() bool {
	return s == Available || s == NodeNotReady || s == PodNotReady
}

// StateOf says whether the pod is an available replica now: Ready and not
// terminating (policy.IsAvailable, as preemption counts it), on a node
// that exists and is up (policy.NodeCanRunPods, as preemption counts it).
// A replica on a node whose kubelet stopped
// reporting serves nobody, whatever its last reported condition says; one
// bound to a deleted node is gone.
func StateOf(pod *v1.Pod, nodes map[string]*v1.Node) State {
	if policy.IsTerminating(pod) {
		return Terminating
	}
	if pod.Spec.NodeName == "" {
		return Pending
	}
	n := nodes[pod.Spec.NodeName]
	switch {
	case n == nil:
		return NodeGone
	case !policy.NodeCanRunPods(n):
		return NodeNotReady
	case !policy.IsAvailable(pod):
		return PodNotReady
	}
	return Available
}

// IsFinished reports whether the pod has run to completion: it is no
// replica of anything any more.
func IsFinished(pod *v1.Pod) bool {
	return pod.Status.Phase == v1.PodSucceeded || pod.Status.Phase == v1.PodFailed
}
