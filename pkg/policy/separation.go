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

// SeparationReason is why WorkloadSeparation keeps a pod off a node.
type SeparationReason uint8

const (
	// ReservedForControlPlane: a control-plane node, and the pod is not
	// allowed there.
	ReservedForControlPlane SeparationReason = iota + 1
	// ReservedForInfra: an infra node, and the pod is not allowed there.
	ReservedForInfra
	// NotControlPlane: a worker node, and the pod must run on control-plane
	// nodes.
	NotControlPlane
	// NotInfra: a worker node, and the pod must run on infra nodes.
	NotInfra
	// WorkerReserved: a worker node, and the pod's policy keeps it off
	// workers otherwise (control-plane and infra both allowed).
	WorkerReserved
)

// SeparationVerdict is WorkloadSeparation's decision for a pod on a node:
// whether the pod's class allows the node's role and, if not, why. It does
// not depend on anything else about the node: no toleration, selector or
// affinity changes it, and no preemption either.
type SeparationVerdict struct {
	NodeRole NodeRole
	// Reason is zero when the role is allowed.
	Reason SeparationReason
	// UntrustedDaemonSet: the pod is a DaemonSet pod of an untrusted
	// namespace kept off a reserved node: trusting its namespace (a CNI, a
	// log agent) is what lets it there (TrustHint).
	UntrustedDaemonSet bool
}

// Allowed reports whether the pod may run on the node.
func (v SeparationVerdict) Allowed() bool { return v.Reason == 0 }

// Separation decides whether a pod of class c (daemonSet: a DaemonSet
// pod) may run on a node of role nodeRole.
func Separation(c Class, daemonSet bool, nodeRole NodeRole) SeparationVerdict {
	v := SeparationVerdict{NodeRole: nodeRole}
	if c.Roles.Allows(nodeRole) {
		return v
	}
	switch {
	case nodeRole == RoleControlPlane:
		v.Reason = ReservedForControlPlane
	case nodeRole == RoleInfra:
		v.Reason = ReservedForInfra
	case c.Roles.Allows(RoleControlPlane):
		v.Reason = NotControlPlane
	case c.Roles.Allows(RoleInfra):
		v.Reason = NotInfra
	default:
		v.Reason = WorkerReserved
	}
	v.UntrustedDaemonSet = daemonSet && c.IsUserWorkload() && nodeRole != RoleWorker
	return v
}

// TrustHint says how to let the DaemonSet pods of an untrusted namespace
// onto reserved nodes; the scheduler's reasons and the checker's findings
// give it in these words.
func TrustHint(namespace string) string {
	return "DaemonSet pods of untrusted namespace \"" + namespace + "\" are kept off it (add the namespace to trustedNamespaces in the HAPolicy args to allow them)"
}
