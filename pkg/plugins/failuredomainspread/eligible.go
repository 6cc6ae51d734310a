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
	"k8s.io/klog/v2"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// eligibility tells which nodes make their domains eligible for a pod: the
// nodes it can actually use, by policy.Eligibility (the rules the checker
// explains with too). Cordoned (set by PreFilter) are the nodes the
// plugin's informer saw cordoned, which the cycle's snapshot may not show
// yet (see cordonWatch).
type eligibility struct {
	policy.Eligibility
}

func (pl *FailureDomainSpread) eligibilityOf(logger klog.Logger, pod *v1.Pod, c policy.Class) *eligibility {
	return &eligibility{Eligibility: policy.NewEligibility(logger, pod, c.Roles, pl.comparisonOps)}
}

// usable: the node's role and labels let the pod run there at all.
func (e *eligibility) usable(n *v1.Node) bool { return e.Usable(n) }

// tainted: the node is dead, or has a NoSchedule/NoExecute taint the pod
// does not tolerate.
func (e *eligibility) tainted(n *v1.Node) bool { return e.Tainted(n) }

// eligible: the pod can use the node now (resources aside); a dead node
// never is (policy.Eligibility.Eligible).
func (e *eligibility) eligible(n *v1.Node) bool { return e.Eligible(n) }
