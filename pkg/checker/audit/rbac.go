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
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	rbacv1helpers "k8s.io/kubernetes/pkg/apis/rbac/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
)

// What RBAC grants that lets a subject place a pod where the policy would
// not: the rights the trust analysis looks for, evaluated with upstream's
// own rule matching (k8s.io/kubernetes/pkg/apis/rbac/v1: verbs, API groups,
// resources, subresources, resource names and their wildcards), over the
// rules of each role, aggregated ClusterRoles included.

// Right is one kind of grant the trust analysis reports.
type Right string

const (
	// RightCreatePods: create pods (in a trusted namespace, they are
	// components of the policy).
	RightCreatePods Right = "create pods"
	// RightWorkloads: create, update or patch a workload controller
	// (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
	// ReplicationController), whose controller creates the pods.
	RightWorkloads Right = "create or update workload controllers"
	// RightServiceAccountTokens: create serviceaccounts/token, a token of
	// any ServiceAccount of the namespace: in a trusted namespace, acting
	// as its components.
	RightServiceAccountTokens Right = "create ServiceAccount tokens"
	// RightBindPods: create pods/binding (or the legacy bindings resource):
	// bind a pod to any node, as a scheduler does.
	RightBindPods Right = "bind pods"
)

// request is one API request a right stands for.
type request struct {
	verb, group, resource, subresource string
}

// rightRequests are the requests that give each right; a rule that allows
// any of them grants the right.
var rightRequests = map[Right][]request{
	RightCreatePods: {{"create", "", "pods", ""}},
	RightWorkloads: func() []request {
		var out []request
		for _, gr := range []struct{ group, resource string }{
			{"apps", "deployments"}, {"apps", "replicasets"}, {"apps", "statefulsets"}, {"apps", "daemonsets"},
			{"batch", "jobs"}, {"batch", "cronjobs"}, {"", "replicationcontrollers"},
		} {
			for _, verb := range []string{"create", "update", "patch"} {
				out = append(out, request{verb, gr.group, gr.resource, ""})
			}
		}
		return out
	}(),
	RightServiceAccountTokens: {{"create", "", "serviceaccounts", "token"}},
	RightBindPods:             {{"create", "", "pods", "binding"}, {"create", "", "bindings", ""}},
}

// namespacedRights are the rights that matter in a trusted namespace only
// (they make components there); RightBindPods matters in every namespace.
var namespacedRights = []Right{RightCreatePods, RightWorkloads, RightServiceAccountTokens}

// ruleGrants reports whether the rule allows one of the right's requests,
// and the resource names it is limited to (none: any object). A create of
// pods, workloads or tokens names no object, so a rule limited by names
// never grants those; a binding names its pod, so it may.
func ruleGrants(rule *rbacv1.PolicyRule, right Right) (bool, []string) {
	for _, req := range rightRequests[right] {
		combined := req.resource
		if req.subresource != "" {
			combined += "/" + req.subresource
		}
		if !rbacv1helpers.VerbMatches(rule, req.verb) || !rbacv1helpers.APIGroupMatches(rule, req.group) ||
			!rbacv1helpers.ResourceMatches(rule, combined, req.subresource) {
			continue
		}
		if len(rule.ResourceNames) == 0 {
			return true, nil
		}
		if right == RightBindPods {
			return true, rule.ResourceNames
		}
	}
	return false, nil
}

// rolesGrant returns the rights the rules grant, each with the resource
// names it is limited to (nil: any object); a right not granted is absent.
func rolesGrant(rules []rbacv1.PolicyRule, rights []Right) map[Right][]string {
	out := map[Right][]string{}
	for _, right := range rights {
		anyObject := false
		names := sets.New[string]()
		for i := range rules {
			ok, limited := ruleGrants(&rules[i], right)
			if !ok {
				continue
			}
			if limited == nil {
				anyObject = true
				break
			}
			names.Insert(limited...)
		}
		switch {
		case anyObject:
			out[right] = nil
		case names.Len() > 0:
			out[right] = sets.List(names)
		}
	}
	return out
}

// clusterRoleRules returns the rules of each ClusterRole by name, an
// aggregated ClusterRole's being its own and those of every ClusterRole its
// aggregationRule selects, transitively (what the clusterrole-aggregation
// controller writes into it, whether or not it has run yet).
func clusterRoleRules(roles []*rbacv1.ClusterRole) map[string][]rbacv1.PolicyRule {
	byName := map[string]*rbacv1.ClusterRole{}
	for _, r := range roles {
		byName[r.Name] = r
	}
	out := map[string][]rbacv1.PolicyRule{}
	var collect func(r *rbacv1.ClusterRole, seen sets.Set[string]) []rbacv1.PolicyRule
	collect = func(r *rbacv1.ClusterRole, seen sets.Set[string]) []rbacv1.PolicyRule {
		rules := append([]rbacv1.PolicyRule(nil), r.Rules...)
		if r.AggregationRule == nil || seen.Has(r.Name) {
			return rules
		}
		seen.Insert(r.Name)
		for _, sel := range r.AggregationRule.ClusterRoleSelectors {
			s, err := metav1.LabelSelectorAsSelector(&sel)
			if err != nil {
				continue // the API server validates selectors; nothing to match
			}
			for _, other := range roles {
				if other.Name != r.Name && s.Matches(labels.Set(other.Labels)) {
					rules = append(rules, collect(other, seen)...)
				}
			}
		}
		return rules
	}
	for _, r := range roles {
		out[r.Name] = collect(r, sets.New[string]())
	}
	return out
}

// Subject kinds, as a TrustGrant names them.
const (
	subjectUser           = rbacv1.UserKind
	subjectGroup          = rbacv1.GroupKind
	subjectServiceAccount = rbacv1.ServiceAccountKind
)

// serviceAccountUserPrefix is the user name prefix of ServiceAccounts.
const serviceAccountUserPrefix = "system:serviceaccount:"

// subjectName renders a subject as the report names it: "User alice",
// "Group devs", "ServiceAccount ns/name". A ServiceAccount's user name
// (system:serviceaccount:ns:name) is rendered as the ServiceAccount, and a
// ServiceAccount subject without a namespace is in the binding's.
func subjectName(s rbacv1.Subject, bindingNamespace string) (kind, namespace, name string) {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		return subjectServiceAccount, ns, s.Name
	case rbacv1.UserKind:
		if rest, ok := strings.CutPrefix(s.Name, serviceAccountUserPrefix); ok {
			if ns, n, ok := strings.Cut(rest, ":"); ok {
				return subjectServiceAccount, ns, n
			}
		}
		return subjectUser, "", s.Name
	}
	return subjectGroup, "", s.Name
}

func subjectString(kind, namespace, name string) string {
	if kind == subjectServiceAccount {
		return kind + " " + namespace + "/" + name
	}
	return kind + " " + name
}

// Groups that hold everyone, or every ServiceAccount: never the system's
// own, though their names start with system:.
const (
	groupAuthenticated   = "system:authenticated"
	groupUnauthenticated = "system:unauthenticated"
	groupServiceAccounts = "system:serviceaccounts"
	// groupServiceAccountsOf prefixes the group of one namespace's
	// ServiceAccounts.
	groupServiceAccountsOf = "system:serviceaccounts:"
	userAnonymous          = "system:anonymous"
	// groupKubeadmAdmins is kubeadm's administrators' group (the identity of
	// its admin.conf since v1.29), bound to cluster-admin by
	// ClusterRoleBinding kubeadm:cluster-admins.
	groupKubeadmAdmins = "kubeadm:cluster-admins"
)

// systemOwn reports whether a subject is the system's own, which the
// trust analysis does not report (docs/checker.md, "Who may act as a
// component"):
//   - users named system:* (Kubernetes reserves the prefix for its
//     components: system:kube-scheduler, system:kube-controller-manager,
//     system:node:<node>, ...), except system:anonymous;
//   - groups named system:* (system:masters, system:nodes, ...), except
//     those that hold everyone or every ServiceAccount (system:authenticated,
//     system:unauthenticated, system:serviceaccounts) and the group of an
//     untrusted namespace's ServiceAccounts (system:serviceaccounts:<ns>);
//     and kubeadm's administrators, kubeadm:cluster-admins;
//   - ServiceAccounts of the trusted namespaces (kube-system's controllers,
//     ha-scheduler's own ServiceAccount, a trusted add-on's operator), and
//     the group of one trusted namespace's ServiceAccounts: a pod in a
//     trusted namespace is trusted, and its ServiceAccount acts for it.
//     Whoever may create pods there, or mint its tokens
//     (RightServiceAccountTokens), is reported in their own right.
func systemOwn(kind, namespace, name string, trusted func(namespace string) bool) bool {
	switch kind {
	case subjectServiceAccount:
		return trusted(namespace)
	case subjectUser:
		return strings.HasPrefix(name, "system:") && name != userAnonymous
	}
	switch {
	case name == groupAuthenticated || name == groupUnauthenticated || name == groupServiceAccounts:
		return false
	case strings.HasPrefix(name, groupServiceAccountsOf):
		return trusted(strings.TrimPrefix(name, groupServiceAccountsOf))
	}
	return strings.HasPrefix(name, "system:") || name == groupKubeadmAdmins
}

// grant is one binding's grant of rights to one subject, before rendering.
type grant struct {
	subject string
	// namespace is where the binding applies: "" for a
	// ClusterRoleBinding (every namespace).
	namespace string
	binding   string
	role      string
	rights    map[Right][]string
}

// rbacGrants returns, for every subject that is not the system's own, the
// grants of the rights that let it place a pod where the policy would not:
// RightCreatePods, RightWorkloads and RightServiceAccountTokens where the
// binding applies to a trusted namespace, RightBindPods anywhere. A
// ClusterRoleBinding applies to every namespace; a RoleBinding to its own,
// whether it references a Role or a ClusterRole. Sorted by subject, then
// binding.
func rbacGrants(o *cluster.TrustObjects, trusted func(string) bool) []grant {
	clusterRules := clusterRoleRules(o.ClusterRoles)
	roleRules := map[string][]rbacv1.PolicyRule{}
	for _, r := range o.Roles {
		roleRules[r.Namespace+"/"+r.Name] = r.Rules
	}
	var out []grant
	add := func(subjects []rbacv1.Subject, namespace, binding, role string, rules []rbacv1.PolicyRule) {
		rights := []Right{RightBindPods}
		if namespace == "" || trusted(namespace) {
			rights = append(slices.Clone(namespacedRights), RightBindPods)
		}
		granted := rolesGrant(rules, rights)
		if len(granted) == 0 {
			return
		}
		for _, s := range subjects {
			kind, ns, name := subjectName(s, namespace)
			if systemOwn(kind, ns, name, trusted) {
				continue
			}
			out = append(out, grant{subject: subjectString(kind, ns, name), namespace: namespace, binding: binding, role: role, rights: granted})
		}
	}
	for _, b := range o.ClusterRoleBindings {
		if b.RoleRef.Kind != "ClusterRole" {
			continue
		}
		add(b.Subjects, "", "ClusterRoleBinding "+b.Name, "ClusterRole "+b.RoleRef.Name, clusterRules[b.RoleRef.Name])
	}
	for _, b := range o.RoleBindings {
		var rules []rbacv1.PolicyRule
		role := ""
		switch b.RoleRef.Kind {
		case "ClusterRole":
			rules, role = clusterRules[b.RoleRef.Name], "ClusterRole "+b.RoleRef.Name
		case "Role":
			rules, role = roleRules[b.Namespace+"/"+b.RoleRef.Name], "Role "+b.Namespace+"/"+b.RoleRef.Name
		default:
			continue
		}
		add(b.Subjects, b.Namespace, "RoleBinding "+b.Namespace+"/"+b.Name, role, rules)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].subject != out[j].subject {
			return out[i].subject < out[j].subject
		}
		return out[i].binding < out[j].binding
	})
	return out
}
