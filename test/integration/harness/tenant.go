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

package harness

import (
	"context"
	"testing"

	authnv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"
)

// Tenant is a user of one namespace with what a tenant is commonly given:
// the standard `edit` ClusterRole, bound in their namespace only (pods,
// Deployments, PodDisruptionBudgets, ConfigMaps, Services, ... of that
// namespace, nothing cluster-wide). The tests of what a tenant can and
// cannot do act as one.
type Tenant struct {
	Namespace string
	// Client and Kubeconfig authenticate as the tenant's ServiceAccount.
	Client     kubernetes.Interface
	Kubeconfig string
}

// Tenant creates (or reuses) the ServiceAccount "tenant" of namespace,
// binds it to the edit ClusterRole there, and returns its client.
func (c *Cluster) Tenant(t testing.TB, namespace string) *Tenant {
	t.Helper()
	ctx := context.Background()
	c.EnsureNamespace(t, namespace)
	c.aggregateClusterRole(t, "edit")
	sa := &v1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "tenant"}}
	if _, err := c.Client.CoreV1().ServiceAccounts(namespace).Create(ctx, sa, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating ServiceAccount %s/tenant: %v", namespace, err)
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: "tenant-edit"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "edit"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: namespace, Name: "tenant"}},
	}
	if _, err := c.Client.RbacV1().RoleBindings(namespace).Create(ctx, rb, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("binding %s/tenant to edit: %v", namespace, err)
	}
	tr, err := c.Client.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, "tenant", &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for %s/tenant: %v", namespace, err)
	}
	kubeconfig := c.WriteTokenKubeconfig(t, "tenant-"+namespace, tr.Status.Token)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &Tenant{Namespace: namespace, Client: client, Kubeconfig: kubeconfig}
}

// aggregateClusterRole fills an aggregated ClusterRole (edit, view, admin)
// with the rules of the ClusterRoles its aggregationRule selects, as
// kube-controller-manager's clusterrole-aggregation controller does (it does
// not run here): the API server creates them empty.
func (c *Cluster) aggregateClusterRole(t testing.TB, name string) {
	t.Helper()
	ctx := context.Background()
	roles := c.Client.RbacV1().ClusterRoles()
	role, err := roles.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("ClusterRole %s: %v", name, err)
	}
	if role.AggregationRule == nil {
		return
	}
	var rules []rbacv1.PolicyRule
	for _, sel := range role.AggregationRule.ClusterRoleSelectors {
		s, err := metav1.LabelSelectorAsSelector(&sel)
		if err != nil {
			t.Fatal(err)
		}
		list, err := roles.List(ctx, metav1.ListOptions{LabelSelector: s.String()})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list.Items {
			if r.Name != name {
				rules = append(rules, r.Rules...)
			}
		}
	}
	role.Rules = rules
	if _, err := roles.Update(ctx, role, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("aggregating ClusterRole %s: %v", name, err)
	}
}
