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

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
)

// SetReady sets the pod Running with the Ready condition given, through the
// status subresource, as the kubelet would (no kubelet runs here).
func (c *Cluster) SetReady(t testing.TB, ns, name string, ready bool) {
	t.Helper()
	ctx := context.Background()
	p, err := c.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	status := v1.ConditionFalse
	if ready {
		status = v1.ConditionTrue
	}
	p.Status.Phase = v1.PodRunning
	p.Status.Conditions = append(p.Status.Conditions,
		v1.PodCondition{Type: v1.PodReady, Status: status, LastTransitionTime: metav1.Now()},
		v1.PodCondition{Type: v1.ContainersReady, Status: status, LastTransitionTime: metav1.Now()})
	if _, err := c.Client.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("setting %s/%s ready=%v: %v", ns, name, ready, err)
	}
}

// EnsurePriorityClass creates a PriorityClass if it does not exist.
func (c *Cluster) EnsurePriorityClass(t testing.TB, name string, value int32) {
	t.Helper()
	_, err := c.Client.SchedulingV1().PriorityClasses().Create(context.Background(),
		&schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Value: value}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// CreatePDB creates a PodDisruptionBudget with maxUnavailable and writes the
// status kube-controller-manager's disruption controller would compute (it
// does not run here): disruptionsAllowed as given.
func (c *Cluster) CreatePDB(t testing.TB, ns, name string, selector map[string]string, maxUnavailable int, healthy, disruptionsAllowed int32) {
	t.Helper()
	c.EnsureNamespace(t, ns)
	c.CreatePDBAs(t, c.Client, ns, name, selector, maxUnavailable, healthy, disruptionsAllowed)
}

// CreatePDBAs is CreatePDB with the budget created by client (a tenant's);
// the status is written as the disruption controller would.
func (c *Cluster) CreatePDBAs(t testing.TB, client kubernetes.Interface, ns, name string, selector map[string]string, maxUnavailable int, healthy, disruptionsAllowed int32) {
	t.Helper()
	ctx := context.Background()
	mu := intstr.FromInt32(int32(maxUnavailable))
	pdb, err := client.PolicyV1().PodDisruptionBudgets(ns).Create(ctx, &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       policyv1.PodDisruptionBudgetSpec{MaxUnavailable: &mu, Selector: &metav1.LabelSelector{MatchLabels: selector}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pdb.Status = policyv1.PodDisruptionBudgetStatus{
		ObservedGeneration: pdb.Generation,
		DisruptionsAllowed: disruptionsAllowed,
		CurrentHealthy:     healthy,
		DesiredHealthy:     healthy - disruptionsAllowed,
		ExpectedPods:       healthy,
	}
	if _, err := c.Client.PolicyV1().PodDisruptionBudgets(ns).UpdateStatus(ctx, pdb, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// PodExists reports whether the pod is still there (and not terminating).
func (c *Cluster) PodExists(t testing.TB, ns, name string) bool {
	t.Helper()
	p, err := c.Client.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return p.DeletionTimestamp == nil
}
