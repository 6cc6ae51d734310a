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
	"fmt"
	"slices"
	"sort"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Trust is the namespace (SPEC §2): a pod of a trusted namespace is a
// component, wherever it asks to run, and a pod bound by someone else than
// a scheduler never meets one. So whoever may create pods in a trusted
// namespace, or bind pods anywhere, can put a pod wherever they like. The
// trust analysis reports those RBAC subjects, other than the system's own
// (systemOwn), with the binding and role that grant them the right, and
// says which of ha-scheduler's admission policies are installed and bound.

// Finding ids of the trust analysis.
const (
	// IDTrustedPodCreator (warn): a subject that is not the system's own
	// may create pods in a trusted namespace, directly, through a workload
	// controller, or as one of its ServiceAccounts (a token). Its pods are
	// components of the policy. One finding per subject.
	IDTrustedPodCreator = "trust.creates-trusted-pods"
	// IDPodBinder (warn): a subject that is not the system's own may bind
	// pods (pods/binding, bindings) in some namespace: it can place a pod on
	// any node, as a scheduler does. One finding per subject.
	IDPodBinder = "trust.binds-pods"
	// IDTrustNotAssessed (warn): the checker may not list the RBAC objects
	// or the admission policies (forbidden), so who may act as a component,
	// or which admission policies are installed, is not known.
	IDTrustNotAssessed = "trust.not-assessed"
)

// TrustObjects are what the trust analysis reads: the RBAC objects and the
// admission policies (Cluster.Trust; nil when not read at all).
type TrustObjects struct {
	ClusterRoles        []*rbacv1.ClusterRole
	ClusterRoleBindings []*rbacv1.ClusterRoleBinding
	Roles               []*rbacv1.Role
	RoleBindings        []*rbacv1.RoleBinding

	ValidatingPolicies []*admissionv1.ValidatingAdmissionPolicy
	ValidatingBindings []*admissionv1.ValidatingAdmissionPolicyBinding
	MutatingPolicies   []*admissionv1.MutatingAdmissionPolicy
	MutatingBindings   []*admissionv1.MutatingAdmissionPolicyBinding

	// Forbidden are the resources ("clusterroles.rbac.authorization.k8s.io")
	// the checker may not list; NotServed those the API server does not
	// serve. Their lists are empty.
	Forbidden []string
	NotServed []string
}

// Resources of TrustObjects.Forbidden and NotServed.
const (
	ResourceClusterRoles        = "clusterroles.rbac.authorization.k8s.io"
	ResourceClusterRoleBindings = "clusterrolebindings.rbac.authorization.k8s.io"
	ResourceRoles               = "roles.rbac.authorization.k8s.io"
	ResourceRoleBindings        = "rolebindings.rbac.authorization.k8s.io"
	ResourceValidatingPolicies  = "validatingadmissionpolicies.admissionregistration.k8s.io"
	ResourceValidatingBindings  = "validatingadmissionpolicybindings.admissionregistration.k8s.io"
	ResourceMutatingPolicies    = "mutatingadmissionpolicies.admissionregistration.k8s.io"
	ResourceMutatingBindings    = "mutatingadmissionpolicybindings.admissionregistration.k8s.io"
)

var (
	rbacResources      = []string{ResourceClusterRoles, ResourceClusterRoleBindings, ResourceRoles, ResourceRoleBindings}
	admissionResources = []string{ResourceValidatingPolicies, ResourceValidatingBindings, ResourceMutatingPolicies, ResourceMutatingBindings}
)

// rbacRead reports whether every RBAC list was read.
func (o *TrustObjects) rbacRead() bool { return !o.unread(rbacResources) }

// admissionRead reports whether every admission policy list was read.
func (o *TrustObjects) admissionRead() bool { return !o.unread(admissionResources) }

func (o *TrustObjects) unread(resources []string) bool {
	for _, r := range resources {
		if slices.Contains(o.Forbidden, r) || slices.Contains(o.NotServed, r) {
			return true
		}
	}
	return false
}

// AdmissionPolicy is one admission policy ha-scheduler ships, and what it
// closes.
type AdmissionPolicy struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Closes string `json:"closes"`
}

// Kinds of the shipped admission policies.
const (
	KindValidatingAdmissionPolicy = "ValidatingAdmissionPolicy"
	KindMutatingAdmissionPolicy   = "MutatingAdmissionPolicy"
)

// ShippedAdmissionPolicies are the admission policies of manifests/admission
// (test/manifests checks the names against the shipped files).
func ShippedAdmissionPolicies() []AdmissionPolicy {
	return []AdmissionPolicy{
		{KindValidatingAdmissionPolicy, "ha-scheduler-reserved-nodes",
			"pods of untrusted namespaces naming a control-plane or infra node (spec.nodeName, pods/binding)"},
		{KindMutatingAdmissionPolicy, "ha-scheduler-daemonset-node-affinity",
			"DaemonSet pods of untrusted namespaces on control-plane and infra nodes"},
		{KindValidatingAdmissionPolicy, "ha-scheduler-reserved-priority",
			"pods of untrusted namespaces at the control plane's priorities"},
	}
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

// AdmissionPolicyStatus is a shipped admission policy and its state in the
// cluster.
type AdmissionPolicyStatus struct {
	AdmissionPolicy
	State AdmissionPolicyState `json:"state"`
	// Bindings are the bindings that put it in force, sorted.
	Bindings []string `json:"bindings,omitempty"`
}

// TrustGrant is one binding's grant, to a subject that is not the system's
// own, of rights that let it place a pod where the policy would not.
type TrustGrant struct {
	// Subject is "User alice", "Group devs" or "ServiceAccount ns/name".
	Subject string `json:"subject"`
	// Rights are what the role grants, in the order of Right's constants:
	// "create pods", "create or update workload controllers", "create
	// ServiceAccount tokens" (where Namespace is trusted), "bind pods"
	// (anywhere); a right limited to some objects names them:
	// "bind pods (named a, b)".
	Rights []string `json:"rights"`
	// Namespace is where the binding applies: a RoleBinding's namespace,
	// "" for a ClusterRoleBinding (every namespace).
	Namespace string `json:"namespace,omitempty"`
	// Binding is "RoleBinding ns/name" or "ClusterRoleBinding name"; Role is
	// "ClusterRole name" or "Role ns/name".
	Binding string `json:"binding"`
	Role    string `json:"role"`
}

// Trust is the trust part of the report (absent when the cluster's RBAC
// and admission policies were not read at all).
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

// checkTrust fills the report's Trust and adds a finding for each subject
// that may create pods in a trusted namespace, each that may bind pods, and
// one when a list was forbidden.
func checkTrust(r *Report, p *policy.Policy, c Cluster) {
	o := c.Trust
	if o == nil {
		return
	}
	t := &Trust{Grants: []TrustGrant{}, AdmissionPolicies: admissionPolicyStatus(o)}
	for _, res := range o.Forbidden {
		t.Unread = append(t.Unread, res+" (forbidden)")
	}
	for _, res := range o.NotServed {
		t.Unread = append(t.Unread, res+" (not served)")
	}
	r.Trust = t
	if len(o.Forbidden) > 0 {
		r.Findings = append(r.Findings, Finding{
			ID:       IDTrustNotAssessed,
			Severity: SeverityWarn,
			Message: fmt.Sprintf("listing %s is forbidden: who may create pods in a trusted namespace or bind pods, or which admission policies are installed, is not known; grant the checker list on them (manifests/checker/rbac.yaml)",
				strings.Join(o.Forbidden, " and ")),
			Subjects: slices.Clone(o.Forbidden),
		})
	}
	if !o.rbacRead() {
		return
	}
	trusted := func(ns string) bool { return p.TrustedNamespaces.Has(ns) }
	grants := rbacGrants(o, trusted)
	for _, g := range grants {
		t.Grants = append(t.Grants, g.render())
	}
	r.Findings = append(r.Findings, trustFindings(grants, p, t.AdmissionPolicies)...)
}

// render renders a grant for the report.
func (g grant) render() TrustGrant {
	tg := TrustGrant{Subject: g.subject, Namespace: g.namespace, Binding: g.binding, Role: g.role}
	for _, right := range []Right{RightCreatePods, RightWorkloads, RightServiceAccountTokens, RightBindPods} {
		names, ok := g.rights[right]
		if !ok {
			continue
		}
		s := string(right)
		if len(names) > 0 {
			s += " (named " + strings.Join(names, ", ") + ")"
		}
		tg.Rights = append(tg.Rights, s)
	}
	return tg
}

// trustFindings makes one IDTrustedPodCreator finding per subject that
// holds a namespaced right in a trusted namespace, and one IDPodBinder per
// subject that may bind pods, each naming every grant.
func trustFindings(grants []grant, p *policy.Policy, policies []AdmissionPolicyStatus) []Finding {
	type bySubject struct {
		creates, binds []string
		createBindings []string
		bindBindings   []string
	}
	subjects := map[string]*bySubject{}
	var order []string
	trusted := trustedList(p)
	for _, g := range grants {
		s := subjects[g.subject]
		if s == nil {
			s = &bySubject{}
			subjects[g.subject] = s
			order = append(order, g.subject)
		}
		where := "every namespace"
		if g.namespace != "" {
			where = g.namespace
		}
		var namespaced []string
		for _, right := range namespacedRights {
			if _, ok := g.rights[right]; ok {
				namespaced = append(namespaced, string(right))
			}
		}
		if len(namespaced) > 0 {
			s.creates = append(s.creates, fmt.Sprintf("%s in %s (%s grants %s)", strings.Join(namespaced, ", "), where, g.binding, g.role))
			s.createBindings = append(s.createBindings, g.binding)
		}
		if names, ok := g.rights[RightBindPods]; ok {
			what := "bind pods"
			if len(names) > 0 {
				what = "bind the pods named " + strings.Join(names, ", ")
			}
			s.binds = append(s.binds, fmt.Sprintf("%s in %s (%s grants %s)", what, where, g.binding, g.role))
			s.bindBindings = append(s.bindBindings, g.binding)
		}
	}
	reservedNodes := PolicyUnknown
	for _, ps := range policies {
		if ps.Name == "ha-scheduler-reserved-nodes" {
			reservedNodes = ps.State
		}
	}
	var out []Finding
	for _, subject := range order {
		s := subjects[subject]
		if len(s.creates) > 0 {
			out = append(out, Finding{
				ID:       IDTrustedPodCreator,
				Severity: SeverityWarn,
				Message: fmt.Sprintf("%s may %s: its pods there are components of the policy (trusted namespaces %s), allowed on control-plane and infra nodes and beyond the tenants' admission policies; make sure it is a cluster administrator or a component, or trust fewer namespaces",
					subject, strings.Join(s.creates, "; "), trusted),
				Subjects: append([]string{subject}, s.createBindings...),
			})
		}
		if len(s.binds) > 0 {
			guard := "no admission policy refuses it (ValidatingAdmissionPolicy ha-scheduler-reserved-nodes is " + string(reservedNodes) + ")"
			if reservedNodes == PolicyBound {
				guard = "ValidatingAdmissionPolicy ha-scheduler-reserved-nodes refuses bindings of untrusted namespaces' pods to reserved nodes, not of trusted namespaces' pods"
			}
			out = append(out, Finding{
				ID:       IDPodBinder,
				Severity: SeverityWarn,
				Message: fmt.Sprintf("%s may %s: it places pods on nodes of its choosing, as a scheduler does, whatever the policy says; %s; make sure it is a scheduler or a cluster administrator",
					subject, strings.Join(s.binds, "; "), guard),
				Subjects: append([]string{subject}, s.bindBindings...),
			})
		}
	}
	return out
}

// trustedList renders the policy's trusted namespaces, sorted:
// "[kube-system]".
func trustedList(p *policy.Policy) string {
	ns := p.TrustedNamespaces.UnsortedList()
	sort.Strings(ns)
	return "[" + strings.Join(ns, ", ") + "]"
}

// admissionPolicyStatus says, for each shipped admission policy, whether it
// is installed and which bindings put it in force.
func admissionPolicyStatus(o *TrustObjects) []AdmissionPolicyStatus {
	var out []AdmissionPolicyStatus
	for _, ap := range ShippedAdmissionPolicies() {
		st := AdmissionPolicyStatus{AdmissionPolicy: ap, State: PolicyUnknown}
		if o.admissionRead() {
			installed := false
			var bindings []string
			switch ap.Kind {
			case KindValidatingAdmissionPolicy:
				for _, p := range o.ValidatingPolicies {
					installed = installed || p.Name == ap.Name
				}
				for _, b := range o.ValidatingBindings {
					if b.Spec.PolicyName == ap.Name && slices.Contains(b.Spec.ValidationActions, admissionv1.Deny) {
						bindings = append(bindings, b.Name)
					}
				}
			case KindMutatingAdmissionPolicy:
				for _, p := range o.MutatingPolicies {
					installed = installed || p.Name == ap.Name
				}
				for _, b := range o.MutatingBindings {
					if b.Spec.PolicyName == ap.Name {
						bindings = append(bindings, b.Name)
					}
				}
			}
			sort.Strings(bindings)
			switch {
			case !installed:
				st.State = PolicyMissing
			case len(bindings) == 0:
				st.State = PolicyNotBound
			default:
				st.State, st.Bindings = PolicyBound, bindings
			}
		}
		out = append(out, st)
	}
	return out
}
