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

package audit

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Trust is the namespace (SPEC §2): a pod of a trusted namespace is a
// component, wherever it asks to run, and a pod bound by someone else than
// a scheduler never meets one. So whoever may create pods in a trusted
// namespace, or bind pods anywhere, can put a pod wherever they like. The
// trust analysis reports those RBAC subjects, other than the system's own
// (systemOwn), with the binding and role that grant them the right, and
// says which of ha-scheduler's admission policies are installed and bound.

// ShippedAdmissionPolicies are the admission policies of manifests/admission
// (test/manifests checks the names against the shipped files).
func ShippedAdmissionPolicies() []v1alpha1.AdmissionPolicy {
	return []v1alpha1.AdmissionPolicy{
		{Kind: v1alpha1.KindValidatingAdmissionPolicy, Name: "ha-scheduler-reserved-nodes",
			Closes: "pods of untrusted namespaces naming a control-plane or infra node (spec.nodeName, pods/binding)"},
		{Kind: v1alpha1.KindMutatingAdmissionPolicy, Name: "ha-scheduler-daemonset-node-affinity",
			Closes: "DaemonSet pods of untrusted namespaces on control-plane and infra nodes"},
		{Kind: v1alpha1.KindValidatingAdmissionPolicy, Name: "ha-scheduler-reserved-priority",
			Closes: "pods of untrusted namespaces at the control plane's priorities"},
	}
}

// checkTrust fills the report's Trust and adds a finding for each subject
// that may create pods in a trusted namespace, each that may bind pods, and
// one when a list was forbidden.
func checkTrust(r *v1alpha1.Report, p *policy.Policy, c cluster.Cluster) {
	o := c.Trust
	if o == nil {
		return
	}
	t := &v1alpha1.Trust{Grants: []v1alpha1.TrustGrant{}, AdmissionPolicies: admissionPolicyStatus(o)}
	for _, res := range o.Forbidden {
		t.Unread = append(t.Unread, res+" (forbidden)")
	}
	for _, res := range o.NotServed {
		t.Unread = append(t.Unread, res+" (not served)")
	}
	r.Trust = t
	if len(o.Forbidden) > 0 {
		r.Findings = append(r.Findings, v1alpha1.Finding{
			ID:       v1alpha1.IDTrustNotAssessed,
			Severity: v1alpha1.SeverityWarn,
			Message: fmt.Sprintf("listing %s is forbidden: who may create pods in a trusted namespace or bind pods, or which admission policies are installed, is not known; grant the checker list on them (manifests/checker/rbac.yaml)",
				strings.Join(o.Forbidden, " and ")),
			Subjects: slices.Clone(o.Forbidden),
		})
	}
	if !o.RBACRead() {
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
func (g grant) render() v1alpha1.TrustGrant {
	tg := v1alpha1.TrustGrant{Subject: g.subject, Namespace: g.namespace, Binding: g.binding, Role: g.role}
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
func trustFindings(grants []grant, p *policy.Policy, policies []v1alpha1.AdmissionPolicyStatus) []v1alpha1.Finding {
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
	reservedNodes := v1alpha1.PolicyUnknown
	for _, ps := range policies {
		if ps.Name == "ha-scheduler-reserved-nodes" {
			reservedNodes = ps.State
		}
	}
	var out []v1alpha1.Finding
	for _, subject := range order {
		s := subjects[subject]
		if len(s.creates) > 0 {
			out = append(out, v1alpha1.Finding{
				ID:       v1alpha1.IDTrustedPodCreator,
				Severity: v1alpha1.SeverityWarn,
				Message: fmt.Sprintf("%s may %s: its pods there are components of the policy (trusted namespaces %s), allowed on control-plane and infra nodes and beyond the tenants' admission policies; make sure it is a cluster administrator or a component, or trust fewer namespaces",
					subject, strings.Join(s.creates, "; "), trusted),
				Subjects: append([]string{subject}, s.createBindings...),
			})
		}
		if len(s.binds) > 0 {
			guard := "no admission policy refuses it (ValidatingAdmissionPolicy ha-scheduler-reserved-nodes is " + string(reservedNodes) + ")"
			if reservedNodes == v1alpha1.PolicyBound {
				guard = "ValidatingAdmissionPolicy ha-scheduler-reserved-nodes refuses bindings of untrusted namespaces' pods to reserved nodes, not of trusted namespaces' pods"
			}
			out = append(out, v1alpha1.Finding{
				ID:       v1alpha1.IDPodBinder,
				Severity: v1alpha1.SeverityWarn,
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
func admissionPolicyStatus(o *cluster.TrustObjects) []v1alpha1.AdmissionPolicyStatus {
	var out []v1alpha1.AdmissionPolicyStatus
	for _, ap := range ShippedAdmissionPolicies() {
		st := v1alpha1.AdmissionPolicyStatus{AdmissionPolicy: ap, State: v1alpha1.PolicyUnknown}
		if o.AdmissionRead() {
			installed := false
			var bindings []string
			switch ap.Kind {
			case v1alpha1.KindValidatingAdmissionPolicy:
				for _, p := range o.ValidatingPolicies {
					installed = installed || p.Name == ap.Name
				}
				for _, b := range o.ValidatingBindings {
					if b.Spec.PolicyName == ap.Name && slices.Contains(b.Spec.ValidationActions, admissionv1.Deny) {
						bindings = append(bindings, b.Name)
					}
				}
			case v1alpha1.KindMutatingAdmissionPolicy:
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
				st.State = v1alpha1.PolicyMissing
			case len(bindings) == 0:
				st.State = v1alpha1.PolicyNotBound
			default:
				st.State, st.Bindings = v1alpha1.PolicyBound, bindings
			}
		}
		out = append(out, st)
	}
	return out
}
