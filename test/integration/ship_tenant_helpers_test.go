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

package integration

// Helpers of the tenant tests: a tenant as issue 22 describes one, a
// ServiceAccount bound to the standard `edit` ClusterRole in its own
// namespace, acting through impersonation on the real API server.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	authzv1 "k8s.io/api/authorization/v1"
	v1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// shipTenant is a ServiceAccount bound to a ClusterRole in one namespace,
// and a client that acts as it.
type shipTenant struct {
	Namespace, Name string
	Client          kubernetes.Interface
}

// Username is the ServiceAccount's user name.
func (tn shipTenant) Username() string {
	return "system:serviceaccount:" + tn.Namespace + ":" + tn.Name
}

// shipNewTenant creates ServiceAccount ns/name and a RoleBinding of the
// ClusterRole role to it in bindingNS (its own namespace for a tenant), and
// returns a client impersonating it (with the groups the API server gives a
// ServiceAccount's token), once it may create pods in bindingNS.
// Everything is deleted when the test ends.
func shipNewTenant(t *testing.T, ns, name, role, bindingNS string) shipTenant {
	t.Helper()
	return shipNewSubject(t, ns, name, role, bindingNS, authzv1.ResourceAttributes{Verb: "create", Resource: "pods", Namespace: bindingNS})
}

// shipNewSubject is shipNewTenant for a role that may not create pods: it
// returns once the ServiceAccount may do can.
func shipNewSubject(t *testing.T, ns, name, role, bindingNS string, can authzv1.ResourceAttributes) shipTenant {
	t.Helper()
	ctx := context.Background()
	cluster.AggregateClusterRoles(t)
	cluster.EnsureNamespace(t, ns)
	cluster.EnsureNamespace(t, bindingNS)
	_, err := cluster.Client.CoreV1().ServiceAccounts(ns).Create(ctx, &v1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	binding := name + "-" + role
	_, err = cluster.Client.RbacV1().RoleBindings(bindingNS).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: binding},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}},
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cluster.Client.RbacV1().RoleBindings(bindingNS).Delete(context.Background(), binding, metav1.DeleteOptions{})
		_ = cluster.Client.CoreV1().ServiceAccounts(ns).Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	tn := shipTenant{Namespace: ns, Name: name}
	cfg := rest.CopyConfig(cluster.Config)
	cfg.Impersonate = rest.ImpersonationConfig{
		UserName: tn.Username(),
		Groups:   []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"},
	}
	tn.Client, err = kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	// The binding is in effect.
	err = wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, harness.Timeout, true, func(ctx context.Context) (bool, error) {
		r, err := tn.Client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authzv1.SelfSubjectAccessReview{
			Spec: authzv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &can},
		}, metav1.CreateOptions{})
		return err == nil && r.Status.Allowed, err
	})
	require.NoError(t, err, "%s may not %s %s/%s in %s", tn.Username(), can.Verb, can.Resource, can.Subresource, can.Namespace)
	return tn
}

// shipImpersonateNode returns a client that acts as the kubelet of the
// node (user system:node:<name>, group system:nodes), as the kubelet
// creates mirror pods.
func shipImpersonateNode(t *testing.T, node string) kubernetes.Interface {
	t.Helper()
	cfg := rest.CopyConfig(cluster.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "system:node:" + node, Groups: []string{"system:nodes", "system:authenticated"}}
	c, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	return c
}

// shipApplyAdmission applies manifests/admission (or another
// kustomization) server-side and removes it when the test ends, waiting
// until the validating policies have left the admission chain (a pod at
// system-node-critical in an untrusted namespace is admitted again), so
// that the next test does not meet them.
func shipApplyAdmission(t *testing.T, dir string) {
	t.Helper()
	out, err := cluster.Kubectl(t, "apply", "--server-side", "-k", dir)
	require.NoError(t, err, "applying %s:\n%s", dir, out)
	t.Cleanup(func() {
		if out, err := cluster.Kubectl(t, "delete", "--ignore-not-found", "-k", dir); err != nil {
			t.Errorf("removing %s: %v\n%s", dir, err, out)
		}
		const ns = "ship-admission-gone"
		cluster.EnsureNamespace(t, ns)
		probe := shipBarePod(ns, "probe", "")
		probe.Spec.PriorityClassName = "system-node-critical"
		var last error
		err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, harness.Timeout, true, func(ctx context.Context) (bool, error) {
			_, last = cluster.Client.CoreV1().Pods(ns).Create(ctx, probe, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			return last == nil, nil
		})
		if err != nil {
			t.Errorf("the admission policies of %s still refuse pods after their removal: %v", dir, last)
		}
	})
}

// shipWaitRefused waits until create (a dry run that the policy under test
// refuses once it is active) is refused with a message holding want: a new
// policy takes a moment to reach the admission chain.
func shipWaitRefused(t *testing.T, want string, create func(ctx context.Context) error) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, harness.Timeout, true, func(ctx context.Context) (bool, error) {
		last = create(ctx)
		return last != nil && strings.Contains(last.Error(), want), nil
	})
	require.NoError(t, err, "the admission policy never refused (last answer: %v)", last)
}

// shipBarePod is a pod with one container and no scheduler that would ever
// place it (tests bind it themselves, or give it spec.nodeName).
func shipBarePod(ns, name, nodeName string) *v1.Pod {
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1.PodSpec{
			NodeName:      nodeName,
			SchedulerName: "no-scheduler",
			Containers:    []v1.Container{{Name: "main", Image: "registry.k8s.io/pause:3.10"}},
		},
	}
}
