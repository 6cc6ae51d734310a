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

import v1 "k8s.io/api/core/v1"

// IsAvailable reports whether the pod counts as an available replica: Ready
// and not terminating.
func IsAvailable(pod *v1.Pod) bool {
	if IsTerminating(pod) {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == v1.PodReady {
			return c.Status == v1.ConditionTrue
		}
	}
	return false
}

// NodeCanRunPods reports whether the node is up as far as the API server
// knows: its Ready condition, when it has one, is True, and it carries no
// taint the node lifecycle controller puts on nodes that stopped reporting.
// A replica on a node that went away keeps its Ready condition until the
// node lifecycle controller marks it (tens of seconds): in that window it
// must not count as available, or a zone that just failed would still pay
// for preemptions elsewhere.
func NodeCanRunPods(node *v1.Node) bool {
	for _, t := range node.Spec.Taints {
		if (t.Key == v1.TaintNodeUnreachable || t.Key == v1.TaintNodeNotReady) && t.Effect != v1.TaintEffectPreferNoSchedule {
			return false
		}
	}
	for _, c := range node.Status.Conditions {
		if c.Type == v1.NodeReady {
			return c.Status == v1.ConditionTrue
		}
	}
	// No Ready condition at all: a node no kubelet reports on (simulated
	// nodes, tests) is taken at its word.
	return true
}
