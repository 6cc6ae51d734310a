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

// eligibilityOf tells which nodes make their domains eligible for the pod:
// the nodes it can actually use, by policy.Eligibility (the rules the
// checker explains with too). PreFilter sets Cordoned to the nodes the
// plugin's informer saw cordoned, which the cycle's snapshot may not show
// yet (see cordonWatch).
func (pl *FailureDomainSpread) eligibilityOf(logger klog.Logger, pod *v1.Pod, c policy.Class) policy.Eligibility {
	return policy.NewEligibility(logger, pod, c.Roles, pl.comparisonOps)
}
