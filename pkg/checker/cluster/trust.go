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

package cluster

import (
	"context"
	"fmt"
	"slices"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
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

// RBACRead reports whether every RBAC list was read.
func (o *TrustObjects) RBACRead() bool { return !o.unread(rbacResources) }

// AdmissionRead reports whether every admission policy list was read.
func (o *TrustObjects) AdmissionRead() bool { return !o.unread(admissionResources) }

func (o *TrustObjects) unread(resources []string) bool {
	for _, r := range resources {
		if slices.Contains(o.Forbidden, r) || slices.Contains(o.NotServed, r) {
			return true
		}
	}
	return false
}

// loadTrust lists the RBAC objects and the admission policies (and their
// bindings) of the whole cluster. A list the checker may not read
// (forbidden) or the API server does not serve (not found) is recorded and
// left empty, not an error; when the server serves none of them (no RBAC,
// no admission policies), it returns nil: nothing to assess.
func loadTrust(ctx context.Context, cs kubernetes.Interface, o LoadOptions) (*TrustObjects, error) {
	t := &TrustObjects{}
	var err error
	all := metav1.ListOptions{}
	if t.ClusterRoles, err = listAll[*rbacv1.ClusterRole](ctx, o, "ClusterRoles", all, cs.RbacV1().ClusterRoles().List); err != nil {
		err = t.unreadable(err, ResourceClusterRoles)
	}
	if err == nil {
		t.ClusterRoleBindings, err = listAll[*rbacv1.ClusterRoleBinding](ctx, o, "ClusterRoleBindings", all, cs.RbacV1().ClusterRoleBindings().List)
		err = t.unreadable(err, ResourceClusterRoleBindings)
	}
	if err == nil {
		t.Roles, err = listAll[*rbacv1.Role](ctx, o, "Roles", all, cs.RbacV1().Roles(metav1.NamespaceAll).List)
		err = t.unreadable(err, ResourceRoles)
	}
	if err == nil {
		t.RoleBindings, err = listAll[*rbacv1.RoleBinding](ctx, o, "RoleBindings", all, cs.RbacV1().RoleBindings(metav1.NamespaceAll).List)
		err = t.unreadable(err, ResourceRoleBindings)
	}
	if err == nil {
		t.ValidatingPolicies, err = listAll[*admissionv1.ValidatingAdmissionPolicy](ctx, o, "ValidatingAdmissionPolicies", all,
			cs.AdmissionregistrationV1().ValidatingAdmissionPolicies().List)
		err = t.unreadable(err, ResourceValidatingPolicies)
	}
	if err == nil {
		t.ValidatingBindings, err = listAll[*admissionv1.ValidatingAdmissionPolicyBinding](ctx, o, "ValidatingAdmissionPolicyBindings", all,
			cs.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().List)
		err = t.unreadable(err, ResourceValidatingBindings)
	}
	if err == nil {
		t.MutatingPolicies, err = listAll[*admissionv1.MutatingAdmissionPolicy](ctx, o, "MutatingAdmissionPolicies", all,
			cs.AdmissionregistrationV1().MutatingAdmissionPolicies().List)
		err = t.unreadable(err, ResourceMutatingPolicies)
	}
	if err == nil {
		t.MutatingBindings, err = listAll[*admissionv1.MutatingAdmissionPolicyBinding](ctx, o, "MutatingAdmissionPolicyBindings", all,
			cs.AdmissionregistrationV1().MutatingAdmissionPolicyBindings().List)
		err = t.unreadable(err, ResourceMutatingBindings)
	}
	if err != nil {
		return nil, fmt.Errorf("listing RBAC objects and admission policies: %w", err)
	}
	if len(t.NotServed) == len(rbacResources)+len(admissionResources) {
		return nil, nil
	}
	return t, nil
}

// unreadable records a list the checker may not read or the server does
// not serve, and passes other errors on.
func (o *TrustObjects) unreadable(err error, resource string) error {
	switch {
	case err == nil:
		return nil
	case apierrors.IsForbidden(err):
		o.Forbidden = append(o.Forbidden, resource)
		return nil
	case apierrors.IsNotFound(err):
		o.NotServed = append(o.NotServed, resource)
		return nil
	}
	return fmt.Errorf("%s: %w", resource, err)
}
