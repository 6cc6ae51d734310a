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

import (
	"context"
	"fmt"
	"testing"

	authnv1 "k8s.io/api/authentication/v1"
	authzv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// Least privilege, proven: the ServiceAccount and RBAC of
// manifests/secondary, applied as rendered, are all the real binary needs.
// It runs with only a TokenRequest token of that ServiceAccount (API
// client, delegated authn/authz, leader election on with the shipped
// lease) and schedules through every plugin: a control-plane component
// (WorkloadSeparation), user replicas (FailureDomainSpread) and a
// preemption (DisruptionGuard evicts a victim). Any "forbidden" in its log
// fails the test.
func TestShipLeastPrivilegeServiceAccountRunsTheScheduler(t *testing.T) {
	shipLeastPrivilege(t, shipIdentityObjects(shipRenderedObjects(t, "manifests/secondary")), func(kubeconfig string) string {
		return harness.WriteConfig(t, "secondary/config.yaml", kubeconfig)
	})
}

// The same for the Helm chart (charts/ha-scheduler, default values): its
// ServiceAccount and RBAC, as `helm template` renders them, and the
// scheduler configuration of its ConfigMap.
func TestShipHelmLeastPrivilegeServiceAccountRunsTheScheduler(t *testing.T) {
	objs := shipHelmRender(t, "")
	cfg := shipConfigMapConfig(t, objs)
	shipLeastPrivilege(t, shipIdentityObjects(objs), func(kubeconfig string) string {
		return shipWriteRenderedConfig(t, cfg, kubeconfig)
	})
}

// shipLeastPrivilege applies the identity objects (ServiceAccount
// kube-system/ha-scheduler and its RBAC), checks a token of that
// ServiceAccount is no more than a scheduler, and runs the binary with only
// that token and the configuration configFor writes for its kubeconfig.
func shipLeastPrivilege(t *testing.T, rbac []map[string]any, configFor func(kubeconfig string) string) {
	ctx := context.Background()
	cluster.Reset(t)
	cluster.DeleteLease(t, "kube-system", shipSecondaryLease)
	t.Cleanup(func() { cluster.DeleteLease(t, "kube-system", shipSecondaryLease) })

	// The shipped identity: ServiceAccount, bindings, role, as rendered.
	file := shipWriteObjects(t, rbac)
	if out, err := cluster.Kubectl(t, "apply", "--server-side", "-f", file); err != nil {
		t.Fatalf("applying the shipped RBAC: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if out, err := cluster.Kubectl(t, "delete", "--ignore-not-found", "-f", file); err != nil {
			t.Errorf("removing the shipped RBAC: %v\n%s", err, out)
		}
	})

	tr, err := cluster.Client.CoreV1().ServiceAccounts("kube-system").CreateToken(ctx, "ha-scheduler", &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for kube-system/ha-scheduler: %v", err)
	}
	kubeconfig := cluster.WriteTokenKubeconfig(t, "ha-scheduler", tr.Status.Token)

	// The token is that identity, and the identity is no more than a
	// scheduler: no secrets, no pod creation, no other leases (not the
	// default scheduler's either: a secondary scheduler that could take it
	// could stop the default scheduler).
	restCfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	sa, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		t.Fatal(err)
	}
	review, err := sa.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("the token does not authenticate: %v", err)
	}
	if u := review.Status.UserInfo.Username; u != "system:serviceaccount:kube-system:ha-scheduler" {
		t.Fatalf("the token authenticates as %q", u)
	}
	for _, ra := range []authzv1.ResourceAttributes{
		{Verb: "get", Resource: "secrets", Namespace: "kube-system"},
		{Verb: "create", Resource: "pods", Namespace: "default"},
		{Verb: "update", Group: "coordination.k8s.io", Resource: "leases", Namespace: "kube-system", Name: "kube-controller-manager"},
		{Verb: "update", Group: "coordination.k8s.io", Resource: "leases", Namespace: "kube-system", Name: shipReplacementLease},
		{Verb: "get", Group: "coordination.k8s.io", Resource: "leases", Namespace: "kube-system", Name: shipReplacementLease},
		{Verb: "create", Group: "coordination.k8s.io", Resource: "leases", Namespace: "default"},
		{Verb: "update", Resource: "nodes"},
	} {
		ra := ra
		r, err := sa.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authzv1.SelfSubjectAccessReview{
			Spec: authzv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &ra},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Allowed {
			t.Errorf("the ServiceAccount may %s %s %s/%s: more than a scheduler needs", ra.Verb, ra.Resource, ra.Namespace, ra.Name)
		}
	}

	cluster.CreateNode(t, shipControlPlane("cp-1", "zone-a", "host-1"))
	cluster.CreateNode(t, shipWorker("worker-1", "zone-a", "host-2", "1"))
	cluster.CreateNode(t, shipWorker("worker-2", "zone-b", "host-3", "1"))
	cfg := configFor(kubeconfig)
	s := cluster.StartSchedulerWith(t, cfg, harness.SchedulerOptions{AuthKubeconfig: kubeconfig})
	_, holder := shipWaitLeader(t, shipSecondaryLease, s)
	t.Logf("leader of kube-system/%s: %s", shipSecondaryLease, holder)

	// WorkloadSeparation: a control-plane component on the control plane.
	cluster.CreatePod(t, shipControlPlanePod("kube-scheduler-0", haScheduler, "kube-scheduler"))
	if node := cluster.WaitScheduled(t, "kube-system", "kube-scheduler-0"); node != "cp-1" {
		t.Errorf("kube-scheduler-0 landed on %s, want cp-1", node)
	}
	// FailureDomainSpread: two user replicas, one per zone.
	for i := 0; i < 2; i++ {
		cluster.CreatePod(t, shipPod("default", fmt.Sprintf("web-%d", i), haScheduler, "800m", map[string]string{"app": "web"}))
	}
	nodes := map[string]bool{}
	for i := 0; i < 2; i++ {
		nodes[cluster.WaitScheduled(t, "default", fmt.Sprintf("web-%d", i))] = true
	}
	if !nodes["worker-1"] || !nodes["worker-2"] {
		t.Errorf("the web replicas share a node: %v", nodes)
	}
	// DisruptionGuard: a higher-priority pod needs a worker; one web replica
	// is evicted (delete and status patch as the ServiceAccount).
	shipPriorityClass(t, "ship-rbac-high", 1000)
	pre := shipPod("default", "preemptor", haScheduler, "800m", map[string]string{"app": "preemptor"})
	pre.Spec.PriorityClassName = "ship-rbac-high"
	cluster.CreatePod(t, pre)
	node := cluster.WaitScheduled(t, "default", "preemptor")
	left := 0
	for i := 0; i < 2; i++ {
		_, err := cluster.Client.CoreV1().Pods("default").Get(ctx, fmt.Sprintf("web-%d", i), metav1.GetOptions{})
		switch {
		case err == nil:
			left++
		case !apierrors.IsNotFound(err):
			t.Fatal(err)
		}
	}
	if left != 1 {
		t.Errorf("%d web replicas left after the preemption, want 1", left)
	}
	t.Logf("preemptor bound to %s after evicting one replica", node)

	// The secure port works with this identity's delegated authn/authz
	// (TokenReview and SubjectAccessReview as the ServiceAccount).
	if code, body, err := s.Get("/metrics"); err != nil || code != 200 {
		t.Errorf("/metrics through delegated auth: %d %v %.200s", code, err, body)
	}
	shipExpectNoForbidden(t, s)
}
