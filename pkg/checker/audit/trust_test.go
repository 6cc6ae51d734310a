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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

func rule(verbs, groups, resources []string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources, ResourceNames: names}
}

func list(s ...string) []string { return s }

func clusterRole(name string, labels map[string]string, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Rules: rules}
}

// aggregated is a ClusterRole whose rules are those of the ClusterRoles
// labelled with any of the label sets, as edit and admin are.
func aggregated(name string, selectors ...map[string]string) *rbacv1.ClusterRole {
	r := clusterRole(name, nil)
	r.AggregationRule = &rbacv1.AggregationRule{}
	for _, s := range selectors {
		r.AggregationRule.ClusterRoleSelectors = append(r.AggregationRule.ClusterRoleSelectors, metav1.LabelSelector{MatchLabels: s})
	}
	return r
}

func role(ns, name string, rules ...rbacv1.PolicyRule) *rbacv1.Role {
	return &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Rules: rules}
}

func user(name string) rbacv1.Subject { return rbacv1.Subject{Kind: rbacv1.UserKind, Name: name} }
func groupSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.GroupKind, Name: name}
}
func sa(ns, name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
}

func crb(name, clusterRole string, subjects ...rbacv1.Subject) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: clusterRole}, Subjects: subjects}
}

// rb is a RoleBinding of a ClusterRole ("ClusterRole name") or a Role
// ("Role name").
func rb(ns, name, ref string, subjects ...rbacv1.Subject) *rbacv1.RoleBinding {
	kind, roleName, _ := strings.Cut(ref, " ")
	return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: roleName}, Subjects: subjects}
}

// Roles as the API server bootstraps them, trimmed to what matters here.
func standardRoles() []*rbacv1.ClusterRole {
	toEdit := map[string]string{"rbac.authorization.k8s.io/aggregate-to-edit": "true"}
	return []*rbacv1.ClusterRole{
		clusterRole("cluster-admin", nil, rule(list("*"), list("*"), list("*"))),
		aggregated("edit", toEdit),
		clusterRole("system:aggregate-to-edit", toEdit,
			rule(list("create", "delete", "deletecollection", "patch", "update"), list(""), list("pods", "pods/attach", "pods/exec")),
			rule(list("create", "delete", "deletecollection", "patch", "update"), list("apps"), list("deployments", "statefulsets", "daemonsets")),
			rule(list("impersonate"), list(""), list("serviceaccounts"))),
		clusterRole("view", nil, rule(list("get", "list", "watch"), list(""), list("pods"))),
		clusterRole("system:kube-scheduler", nil,
			rule(list("create"), list(""), list("pods/binding", "bindings")),
			rule(list("get", "list", "watch", "delete"), list(""), list("pods"))),
	}
}

// The bindings of the system's own, which are never reported.
func systemBindings() ([]*rbacv1.ClusterRoleBinding, []*rbacv1.RoleBinding) {
	return []*rbacv1.ClusterRoleBinding{
			crb("cluster-admin", "cluster-admin", groupSubject("system:masters")),
			crb("kubeadm:cluster-admins", "cluster-admin", groupSubject("kubeadm:cluster-admins")),
			crb("system:kube-scheduler", "system:kube-scheduler", user("system:kube-scheduler")),
			crb("ha-scheduler", "system:kube-scheduler", sa("kube-system", "ha-scheduler")),
			crb("system:controller:replicaset-controller", "cluster-admin", sa("kube-system", "replicaset-controller")),
			crb("nodes", "cluster-admin", groupSubject("system:nodes"), user("system:node:cp-1")),
		}, []*rbacv1.RoleBinding{
			rb("kube-system", "kube-system-sas", "ClusterRole edit", groupSubject("system:serviceaccounts:kube-system")),
		}
}

func shippedPolicies(state v1alpha1.AdmissionPolicyState) []v1alpha1.AdmissionPolicyStatus {
	var out []v1alpha1.AdmissionPolicyStatus
	for _, p := range ShippedAdmissionPolicies() {
		out = append(out, v1alpha1.AdmissionPolicyStatus{AdmissionPolicy: p, State: state})
	}
	return out
}

func vap(name string) *admissionv1.ValidatingAdmissionPolicy {
	return &admissionv1.ValidatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

func vapBinding(name, policyName string, actions ...admissionv1.ValidationAction) *admissionv1.ValidatingAdmissionPolicyBinding {
	return &admissionv1.ValidatingAdmissionPolicyBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{PolicyName: policyName, ValidationActions: actions}}
}

// trustFindingsOf are the report's findings of the trust analysis.
func trustFindingsOf(r *v1alpha1.Report) []v1alpha1.Finding {
	var out []v1alpha1.Finding
	for _, f := range r.Findings {
		if strings.HasPrefix(f.ID, "trust.") {
			out = append(out, f)
		}
	}
	return out
}

const (
	createPods = string(RightCreatePods)
	workloads  = string(RightWorkloads)
	tokens     = string(RightServiceAccountTokens)
	bindPods   = string(RightBindPods)
)

// TestTrustGrants: who, besides the system's own, may create pods in a
// trusted namespace or bind pods, through which binding and role (Role or
// ClusterRole, aggregated or wildcard), and the findings it gives.
func TestTrustGrants(t *testing.T) {
	sysCRBs, sysRBs := systemBindings()
	tests := []struct {
		name     string
		trusted  []string
		crbs     []*rbacv1.ClusterRoleBinding
		rbs      []*rbacv1.RoleBinding
		roles    []*rbacv1.Role
		want     []v1alpha1.TrustGrant
		findings []v1alpha1.Finding
	}{{
		name: "the system's own only: nobody",
		want: []v1alpha1.TrustGrant{},
	}, {
		name: "a tenant ServiceAccount bound to edit (aggregated) in kube-system",
		rbs:  []*rbacv1.RoleBinding{rb("kube-system", "deployer-edit", "ClusterRole edit", sa("tenant", "deployer"))},
		want: []v1alpha1.TrustGrant{{Subject: "ServiceAccount tenant/deployer", Rights: list(createPods, workloads), Namespace: "kube-system",
			Binding: "RoleBinding kube-system/deployer-edit", Role: "ClusterRole edit"}},
		findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "ServiceAccount tenant/deployer", "RoleBinding kube-system/deployer-edit")},
	}, {
		name: "edit in the tenant's own namespace: nothing",
		rbs:  []*rbacv1.RoleBinding{rb("tenant", "deployer-edit", "ClusterRole edit", sa("tenant", "deployer"))},
		want: []v1alpha1.TrustGrant{},
	}, {
		name: "view in kube-system: nothing",
		rbs:  []*rbacv1.RoleBinding{rb("kube-system", "auditors", "ClusterRole view", groupSubject("auditors"))},
		want: []v1alpha1.TrustGrant{},
	}, {
		name: "cluster-admin (wildcards) to a user: every right, every namespace",
		crbs: []*rbacv1.ClusterRoleBinding{crb("alice-admin", "cluster-admin", user("alice"))},
		want: []v1alpha1.TrustGrant{{Subject: "User alice", Rights: list(createPods, workloads, tokens, bindPods),
			Binding: "ClusterRoleBinding alice-admin", Role: "ClusterRole cluster-admin"}},
		findings: []v1alpha1.Finding{
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "User alice", "ClusterRoleBinding alice-admin"),
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDPodBinder, "User alice", "ClusterRoleBinding alice-admin"),
		},
	}, {
		name:  "pods/binding through a Role in the tenant's own namespace",
		roles: []*rbacv1.Role{role("tenant", "binder", rule(list("create"), list(""), list("pods/binding")))},
		rbs:   []*rbacv1.RoleBinding{rb("tenant", "binder", "Role binder", sa("tenant", "deployer"))},
		want: []v1alpha1.TrustGrant{{Subject: "ServiceAccount tenant/deployer", Rights: list(bindPods), Namespace: "tenant",
			Binding: "RoleBinding tenant/binder", Role: "Role tenant/binder"}},
		findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDPodBinder, "ServiceAccount tenant/deployer", "RoleBinding tenant/binder")},
	}, {
		name: "the stock scheduler's role bound to a tenant",
		crbs: []*rbacv1.ClusterRoleBinding{crb("my-scheduler", "system:kube-scheduler", sa("team", "my-scheduler"))},
		want: []v1alpha1.TrustGrant{{Subject: "ServiceAccount team/my-scheduler", Rights: list(bindPods),
			Binding: "ClusterRoleBinding my-scheduler", Role: "ClusterRole system:kube-scheduler"}},
		findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDPodBinder, "ServiceAccount team/my-scheduler", "ClusterRoleBinding my-scheduler")},
	}, {
		name: "resource names: a binding limited to some pods counts, a create limited by name never matches",
		roles: []*rbacv1.Role{role("kube-system", "named",
			rule(list("create"), list(""), list("pods/binding"), "web-0", "web-1"),
			rule(list("create"), list(""), list("pods"), "web-0"))},
		rbs: []*rbacv1.RoleBinding{rb("kube-system", "named", "Role named", user("bob"))},
		want: []v1alpha1.TrustGrant{{Subject: "User bob", Rights: list(bindPods + " (named web-0, web-1)"), Namespace: "kube-system",
			Binding: "RoleBinding kube-system/named", Role: "Role kube-system/named"}},
		findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDPodBinder, "User bob", "RoleBinding kube-system/named")},
	}, {
		name: "*/binding and the legacy bindings resource",
		roles: []*rbacv1.Role{
			role("a", "sub", rule(list("create"), list(""), list("*/binding"))),
			role("b", "legacy", rule(list("*"), list(""), list("bindings"))),
		},
		rbs: []*rbacv1.RoleBinding{rb("a", "sub", "Role sub", user("carol")), rb("b", "legacy", "Role legacy", user("dave"))},
		want: []v1alpha1.TrustGrant{
			{Subject: "User carol", Rights: list(bindPods), Namespace: "a", Binding: "RoleBinding a/sub", Role: "Role a/sub"},
			{Subject: "User dave", Rights: list(bindPods), Namespace: "b", Binding: "RoleBinding b/legacy", Role: "Role b/legacy"},
		},
		findings: []v1alpha1.Finding{
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDPodBinder, "User carol", "RoleBinding a/sub"),
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDPodBinder, "User dave", "RoleBinding b/legacy"),
		},
	}, {
		name:  "ServiceAccount tokens and workload controllers alone in kube-system",
		roles: []*rbacv1.Role{role("kube-system", "ops", rule(list("create"), list(""), list("serviceaccounts/token")), rule(list("patch"), list("batch"), list("cronjobs")))},
		rbs:   []*rbacv1.RoleBinding{rb("kube-system", "ops", "Role ops", groupSubject("ops"))},
		want: []v1alpha1.TrustGrant{{Subject: "Group ops", Rights: list(workloads, tokens), Namespace: "kube-system",
			Binding: "RoleBinding kube-system/ops", Role: "Role kube-system/ops"}},
		findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "Group ops", "RoleBinding kube-system/ops")},
	}, {
		name: "system: groups that hold everyone or tenants, system:anonymous, a ServiceAccount as a user: reported",
		crbs: []*rbacv1.ClusterRoleBinding{crb("open", "edit",
			groupSubject("system:authenticated"), groupSubject("system:unauthenticated"), groupSubject("system:serviceaccounts"),
			groupSubject("system:serviceaccounts:tenant"), user("system:anonymous"), user("system:serviceaccount:tenant:deployer"))},
		want: []v1alpha1.TrustGrant{
			{Subject: "Group system:authenticated", Rights: list(createPods, workloads), Binding: "ClusterRoleBinding open", Role: "ClusterRole edit"},
			{Subject: "Group system:serviceaccounts", Rights: list(createPods, workloads), Binding: "ClusterRoleBinding open", Role: "ClusterRole edit"},
			{Subject: "Group system:serviceaccounts:tenant", Rights: list(createPods, workloads), Binding: "ClusterRoleBinding open", Role: "ClusterRole edit"},
			{Subject: "Group system:unauthenticated", Rights: list(createPods, workloads), Binding: "ClusterRoleBinding open", Role: "ClusterRole edit"},
			{Subject: "ServiceAccount tenant/deployer", Rights: list(createPods, workloads), Binding: "ClusterRoleBinding open", Role: "ClusterRole edit"},
			{Subject: "User system:anonymous", Rights: list(createPods, workloads), Binding: "ClusterRoleBinding open", Role: "ClusterRole edit"},
		},
		findings: []v1alpha1.Finding{
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "Group system:authenticated", "ClusterRoleBinding open"),
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "Group system:serviceaccounts", "ClusterRoleBinding open"),
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "Group system:serviceaccounts:tenant", "ClusterRoleBinding open"),
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "Group system:unauthenticated", "ClusterRoleBinding open"),
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "ServiceAccount tenant/deployer", "ClusterRoleBinding open"),
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "User system:anonymous", "ClusterRoleBinding open"),
		},
	}, {
		name:    "another trusted namespace: its ServiceAccounts are the system's own, its RoleBindings count",
		trusted: []string{"kube-system", "calico-system"},
		crbs:    []*rbacv1.ClusterRoleBinding{crb("calico", "cluster-admin", sa("calico-system", "operator"))},
		rbs: []*rbacv1.RoleBinding{
			rb("calico-system", "devs", "ClusterRole edit", groupSubject("devs")),
			// A ServiceAccount subject without a namespace is the binding's.
			rb("calico-system", "local", "ClusterRole edit", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "helper"}),
		},
		want: []v1alpha1.TrustGrant{{Subject: "Group devs", Rights: list(createPods, workloads), Namespace: "calico-system",
			Binding: "RoleBinding calico-system/devs", Role: "ClusterRole edit"}},
		findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "Group devs", "RoleBinding calico-system/devs")},
	}, {
		name: "a subject with several grants: one finding per kind, naming each binding",
		crbs: []*rbacv1.ClusterRoleBinding{crb("eve-scheduler", "system:kube-scheduler", user("eve"))},
		rbs:  []*rbacv1.RoleBinding{rb("kube-system", "eve-edit", "ClusterRole edit", user("eve"))},
		want: []v1alpha1.TrustGrant{
			{Subject: "User eve", Rights: list(bindPods), Binding: "ClusterRoleBinding eve-scheduler", Role: "ClusterRole system:kube-scheduler"},
			{Subject: "User eve", Rights: list(createPods, workloads), Namespace: "kube-system", Binding: "RoleBinding kube-system/eve-edit", Role: "ClusterRole edit"},
		},
		findings: []v1alpha1.Finding{
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustedPodCreator, "User eve", "RoleBinding kube-system/eve-edit"),
			fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDPodBinder, "User eve", "ClusterRoleBinding eve-scheduler"),
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := policy.Default()
			if tt.trusted != nil {
				p.TrustedNamespaces = sets.New(tt.trusted...)
			}
			objs := &cluster.TrustObjects{
				ClusterRoles:        standardRoles(),
				ClusterRoleBindings: append(append([]*rbacv1.ClusterRoleBinding{}, sysCRBs...), tt.crbs...),
				RoleBindings:        append(append([]*rbacv1.RoleBinding{}, sysRBs...), tt.rbs...),
				Roles:               tt.roles,
			}
			r := analyze(p, fixture.Cluster{Trust: objs}, Options{})
			if r.Trust == nil {
				t.Fatal("no trust section")
			}
			if diff := cmp.Diff(tt.want, r.Trust.Grants); diff != "" {
				t.Errorf("grants (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.findings, trustFindingsOf(r), fixture.IgnoreMessages); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(shippedPolicies(v1alpha1.PolicyMissing), r.Trust.AdmissionPolicies); diff != "" {
				t.Errorf("admission policies (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTrustAdmissionPolicies: whether each shipped admission policy is
// installed and bound (a validating binding counts with the Deny action
// only), unknown when they could not be read; what could not be read, and
// the finding when it was forbidden.
func TestTrustAdmissionPolicies(t *testing.T) {
	status := func(name string, state v1alpha1.AdmissionPolicyState, bindings ...string) v1alpha1.AdmissionPolicyStatus {
		for _, p := range ShippedAdmissionPolicies() {
			if p.Name == name {
				return v1alpha1.AdmissionPolicyStatus{AdmissionPolicy: p, State: state, Bindings: bindings}
			}
		}
		t.Fatalf("no shipped policy %s", name)
		return v1alpha1.AdmissionPolicyStatus{}
	}
	tests := []struct {
		name     string
		objs     *cluster.TrustObjects
		want     *v1alpha1.Trust
		findings []v1alpha1.Finding
	}{{
		name: "not read at all: no section",
		objs: nil,
	}, {
		name: "all installed and bound, the priority policy only to warn",
		objs: &cluster.TrustObjects{
			ValidatingPolicies: []*admissionv1.ValidatingAdmissionPolicy{vap("ha-scheduler-reserved-nodes"), vap("ha-scheduler-reserved-priority")},
			ValidatingBindings: []*admissionv1.ValidatingAdmissionPolicyBinding{
				vapBinding("ha-scheduler-reserved-nodes-master", "ha-scheduler-reserved-nodes", admissionv1.Deny),
				vapBinding("ha-scheduler-reserved-nodes-control-plane", "ha-scheduler-reserved-nodes", admissionv1.Deny, admissionv1.Audit),
				vapBinding("ha-scheduler-reserved-priority", "ha-scheduler-reserved-priority", admissionv1.Warn),
			},
			MutatingPolicies: []*admissionv1.MutatingAdmissionPolicy{{ObjectMeta: metav1.ObjectMeta{Name: "ha-scheduler-daemonset-node-affinity"}}},
			MutatingBindings: []*admissionv1.MutatingAdmissionPolicyBinding{{ObjectMeta: metav1.ObjectMeta{Name: "ds"},
				Spec: admissionv1.MutatingAdmissionPolicyBindingSpec{PolicyName: "ha-scheduler-daemonset-node-affinity"}}},
		},
		want: &v1alpha1.Trust{Grants: []v1alpha1.TrustGrant{}, AdmissionPolicies: []v1alpha1.AdmissionPolicyStatus{
			status("ha-scheduler-reserved-nodes", v1alpha1.PolicyBound, "ha-scheduler-reserved-nodes-control-plane", "ha-scheduler-reserved-nodes-master"),
			status("ha-scheduler-daemonset-node-affinity", v1alpha1.PolicyBound, "ds"),
			status("ha-scheduler-reserved-priority", v1alpha1.PolicyNotBound),
		}},
	}, {
		name: "RBAC forbidden, admission policies not served",
		objs: &cluster.TrustObjects{
			Forbidden: []string{cluster.ResourceClusterRoles},
			NotServed: []string{cluster.ResourceMutatingPolicies, cluster.ResourceMutatingBindings},
		},
		want: &v1alpha1.Trust{Grants: []v1alpha1.TrustGrant{}, AdmissionPolicies: shippedPolicies(v1alpha1.PolicyUnknown), Unread: []string{
			cluster.ResourceClusterRoles + " (forbidden)", cluster.ResourceMutatingPolicies + " (not served)", cluster.ResourceMutatingBindings + " (not served)",
		}},
		findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDTrustNotAssessed, cluster.ResourceClusterRoles)},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyze(nil, fixture.Cluster{Trust: tt.objs}, Options{})
			if diff := cmp.Diff(tt.want, r.Trust); diff != "" {
				t.Errorf("trust (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.findings, trustFindingsOf(r), fixture.IgnoreMessages); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTrustMessages pins the wording of the trust findings and the text
// section.
func TestTrustMessages(t *testing.T) {
	sysCRBs, _ := systemBindings()
	objs := &cluster.TrustObjects{
		ClusterRoles:        standardRoles(),
		ClusterRoleBindings: append(sysCRBs, crb("my-scheduler", "system:kube-scheduler", sa("team", "my-scheduler"))),
		RoleBindings:        []*rbacv1.RoleBinding{rb("kube-system", "deployer-edit", "ClusterRole edit", sa("tenant", "deployer"))},
		ValidatingPolicies:  []*admissionv1.ValidatingAdmissionPolicy{vap("ha-scheduler-reserved-nodes")},
		ValidatingBindings:  []*admissionv1.ValidatingAdmissionPolicyBinding{vapBinding("cp", "ha-scheduler-reserved-nodes", admissionv1.Deny)},
	}
	r := analyze(nil, fixture.Cluster{Trust: objs}, Options{})
	var got []string
	for _, f := range trustFindingsOf(r) {
		got = append(got, f.ID+": "+f.Message)
	}
	want := []string{
		v1alpha1.IDPodBinder + ": ServiceAccount team/my-scheduler may bind pods in every namespace (ClusterRoleBinding my-scheduler grants ClusterRole system:kube-scheduler): " +
			"it places pods on nodes of its choosing, as a scheduler does, whatever the policy says; ValidatingAdmissionPolicy ha-scheduler-reserved-nodes refuses bindings of untrusted namespaces' pods to reserved nodes, not of trusted namespaces' pods; " +
			"make sure it is a scheduler or a cluster administrator",
		v1alpha1.IDTrustedPodCreator + ": ServiceAccount tenant/deployer may create pods, create or update workload controllers in kube-system (RoleBinding kube-system/deployer-edit grants ClusterRole edit): " +
			"its pods there are components of the policy (trusted namespaces [kube-system]), allowed on control-plane and infra nodes and beyond the tenants' admission policies; " +
			"make sure it is a cluster administrator or a component, or trust fewer namespaces",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}

	// The trust section of the text: from its heading to the findings'.
	full := text(t, r)
	section := full[strings.Index(full, "\nWho may act as a component"):strings.Index(full, "\nFindings:")]
	wantText := `
Who may act as a component (RBAC, besides the system's own):
  SUBJECT                           MAY                                                 IN               GRANTED BY
  ServiceAccount team/my-scheduler  bind pods                                           every namespace  ClusterRoleBinding my-scheduler (ClusterRole system:kube-scheduler)
  ServiceAccount tenant/deployer    create pods, create or update workload controllers  kube-system      RoleBinding kube-system/deployer-edit (ClusterRole edit)

Admission policies for tenants:
  ValidatingAdmissionPolicy ha-scheduler-reserved-nodes         bound (cp)     keeps out pods of untrusted namespaces naming a control-plane or infra node (spec.nodeName, pods/binding)
  MutatingAdmissionPolicy ha-scheduler-daemonset-node-affinity  not installed  keeps out DaemonSet pods of untrusted namespaces on control-plane and infra nodes
  ValidatingAdmissionPolicy ha-scheduler-reserved-priority      not installed  keeps out pods of untrusted namespaces at the control plane's priorities
`
	if diff := cmp.Diff(wantText, section); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}
