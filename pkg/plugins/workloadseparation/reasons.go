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
	"fmt"

	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Reasons a node is rejected. Constant, without node names, so the scheduler
// can aggregate them; they start with "node(s)" because it prefixes each with
// the number of nodes that gave it ("3 node(s) are reserved for
// control-plane components").
const (
	ErrReasonControlPlaneReserved = "node(s) are reserved for control-plane components"
	ErrReasonInfraReserved        = "node(s) are reserved for infra components"
	ErrReasonNotControlPlane      = "node(s) are not control-plane nodes, which the pod's component requires"
	ErrReasonNotInfra             = "node(s) are not infra nodes, which the pod's component requires"
	ErrReasonWorkerReserved       = "node(s) are workers, which the pod's policy keeps it off"
)

// reasons are the Filter reasons of each policy.SeparationReason.
var reasons = map[policy.SeparationReason]string{
	policy.ReservedForControlPlane: ErrReasonControlPlaneReserved,
	policy.ReservedForInfra:        ErrReasonInfraReserved,
	policy.NotControlPlane:         ErrReasonNotControlPlane,
	policy.NotInfra:                ErrReasonNotInfra,
	policy.WorkerReserved:          ErrReasonWorkerReserved,
}

// reasonOf formats a rejection (policy.Separation). DaemonSet pods of
// untrusted namespaces get a reason that names the namespace and the
// setting that trusts it: that is what an operator installing a CNI or
// log agent needs to read.
func reasonOf(pod *v1.Pod, v policy.SeparationVerdict) string {
	if v.UntrustedDaemonSet {
		return reasons[v.Reason] + "; " + policy.TrustHint(pod.Namespace)
	}
	return reasons[v.Reason]
}

// noneOfRoleMessage is PreFilter's reason when no node of the only allowed
// role exists: "kube-system/kube-scheduler must run on a control-plane node;
// there is none".
func noneOfRoleMessage(pod *v1.Pod, c policy.Class, role policy.NodeRole) string {
	who := pod.Namespace + "/" + pod.Name
	if c.Component != "" {
		who = pod.Namespace + "/" + c.Component
	}
	article := "a"
	if role == policy.RoleInfra {
		article = "an"
	}
	return fmt.Sprintf("%s must run on %s %s node; there is none", who, article, role)
}
