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
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

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
	c.AggregateClusterRoles(t)
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

// AggregateClusterRoles runs kube-controller-manager's
// clusterrole-aggregation controller (the real one) until the edit
// ClusterRole lets a subject create pods, then stops it: edit, admin and
// view hold no rules of their own (their aggregationRule collects them),
// and this harness runs no controller manager otherwise. Once per cluster;
// the aggregated rules stay in etcd.
func (c *Cluster) AggregateClusterRoles(t testing.TB) {
	t.Helper()
	c.aggregation.Do(func() {
		bin, err := Binary("KUBE_CONTROLLER_MANAGER_BIN", "_output/bin/kube-controller-manager", "hack/build-binaries.sh kube-controller-manager")
		if err != nil {
			t.Fatal(err)
		}
		kcm, err := StartProcess("kube-controller-manager", bin, filepath.Join(c.Dir, "kube-controller-manager-aggregation.log"),
			"--kubeconfig", c.KubeconfigPath,
			"--controllers", "clusterrole-aggregation",
			"--leader-elect=false",
			"--secure-port=0")
		if err != nil {
			t.Fatal(err)
		}
		defer kcm.Stop(10 * time.Second)
		err = c.Poll(func(ctx context.Context) (bool, error) {
			if exited, err := kcm.Exited(); exited {
				return false, fmt.Errorf("kube-controller-manager exited: %v\n%s", err, kcm.LogTail(30))
			}
			edit, err := c.Client.RbacV1().ClusterRoles().Get(ctx, "edit", metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, r := range edit.Rules {
				if slices.Contains(r.Resources, "pods") && slices.Contains(r.Verbs, "create") {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			t.Fatalf("ClusterRole edit never got its aggregated rules: %v", err)
		}
	})
}
