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

package disruptionguard

import (
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// memberCandidates returns the pods that may be members of a
// disruption-controlled group, bound or not: every pod of the trusted
// namespaces (only they hold components), and every pod when the policy
// makes user workloads disruption-controlled too. The scheduler's pod
// informer leaves out finished pods.
func (pl *DisruptionGuard) memberCandidates() ([]*v1.Pod, error) {
	if pl.policy.UserWorkloads.Disruption.Controlled() {
		return pl.podLister.List(labels.Everything())
	}
	var out []*v1.Pod
	for ns := range pl.policy.TrustedNamespaces {
		pods, err := pl.podLister.Pods(ns).List(labels.Everything())
		if err != nil {
			return nil, err
		}
		out = append(out, pods...)
	}
	return out, nil
}
