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

package v1alpha1

// Trust is the trust part of the report: who, besides the system's own,
// may act as a component (create pods in a trusted namespace, or bind pods
// anywhere), and which of ha-scheduler's admission policies are in force.
// Absent when the cluster's RBAC and admission policies were not read at
// all.
type Trust struct {
	// Grants are the grants to subjects other than the system's own, by
	// subject and binding; empty when RBAC could not be read (Unread).
	Grants []TrustGrant `json:"grants"`
	// AdmissionPolicies are the shipped admission policies and whether each
	// is in force.
	AdmissionPolicies []AdmissionPolicyStatus `json:"admissionPolicies"`
	// Unread lists what could not be read: "clusterroles.rbac.authorization.k8s.io
	// (forbidden)", "... (not served)".
	Unread []string `json:"unread,omitempty"`
}

// TrustGrant is one binding's grant, to a subject that is not the system's
// own, of rights that let it place a pod where the policy would not.
type TrustGrant struct {
	// Subject is "User alice", "Group devs" or "ServiceAccount ns/name".
	Subject string `json:"subject"`
	// Rights are what the role grants, in this order: "create pods",
	// "create or update workload controllers", "create ServiceAccount
	// tokens" (where Namespace is trusted), "bind pods" (anywhere); a right
	// limited to some objects names them: "bind pods (named a, b)".
	Rights []string `json:"rights"`
	// Namespace is where the binding applies: a RoleBinding's namespace,
	// "" for a ClusterRoleBinding (every namespace).
	Namespace string `json:"namespace,omitempty"`
	// Binding is "RoleBinding ns/name" or "ClusterRoleBinding name"; Role is
	// "ClusterRole name" or "Role ns/name".
	Binding string `json:"binding"`
	Role    string `json:"role"`
}

// AdmissionPolicy is one admission policy ha-scheduler ships, and what it
// closes.
type AdmissionPolicy struct {
	// Kind is KindValidatingAdmissionPolicy or KindMutatingAdmissionPolicy.
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Closes string `json:"closes"`
}

// Kinds of the shipped admission policies.
const (
	KindValidatingAdmissionPolicy = "ValidatingAdmissionPolicy"
	KindMutatingAdmissionPolicy   = "MutatingAdmissionPolicy"
)

// AdmissionPolicyStatus is a shipped admission policy and its state in the
// cluster.
type AdmissionPolicyStatus struct {
	AdmissionPolicy `json:",inline"`
	State           AdmissionPolicyState `json:"state"`
	// Bindings are the bindings that put it in force, sorted.
	Bindings []string `json:"bindings,omitempty"`
}

// AdmissionPolicyState says whether a shipped admission policy is in
// force.
type AdmissionPolicyState string

const (
	// PolicyBound: installed, and bound by at least one binding (a
	// ValidatingAdmissionPolicyBinding with the Deny action).
	PolicyBound AdmissionPolicyState = "bound"
	// PolicyNotBound: installed, but no binding puts it in force.
	PolicyNotBound AdmissionPolicyState = "installed, not bound"
	// PolicyMissing: not installed.
	PolicyMissing AdmissionPolicyState = "not installed"
	// PolicyUnknown: the admission policies could not be read.
	PolicyUnknown AdmissionPolicyState = "unknown"
)
