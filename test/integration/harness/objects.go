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
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// Timeout bounds every wait for the scheduler.
const Timeout = 60 * time.Second

// NodeSpec describes a fake node: no kubelet runs it; it is Ready and has
// the given capacity.
type NodeSpec struct {
	Name   string
	Labels map[string]string
	// CPU and Pods default to "4" and "110".
	CPU, Pods string
	Taints    []v1.Taint
}

// CreateNode creates a Ready node with capacity (status set through the
// status subresource).
func (c *Cluster) CreateNode(t testing.TB, spec NodeSpec) *v1.Node {
	t.Helper()
	ctx := context.Background()
	if spec.CPU == "" {
		spec.CPU = "4"
	}
	if spec.Pods == "" {
		spec.Pods = "110"
	}
	labels := map[string]string{v1.LabelHostname: spec.Name}
	for k, v := range spec.Labels {
		labels[k] = v
	}
	node := &v1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: spec.Name, Labels: labels},
		Spec:       v1.NodeSpec{Taints: spec.Taints},
	}
	created, err := c.Client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating node %s: %v", spec.Name, err)
	}
	capacity := v1.ResourceList{
		v1.ResourceCPU:    resource.MustParse(spec.CPU),
		v1.ResourceMemory: resource.MustParse("16Gi"),
		v1.ResourcePods:   resource.MustParse(spec.Pods),
	}
	created.Status = v1.NodeStatus{
		Capacity:    capacity,
		Allocatable: capacity,
		Conditions: []v1.NodeCondition{{
			Type: v1.NodeReady, Status: v1.ConditionTrue, Reason: "KubeletReady",
			LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now(),
		}},
		Phase: v1.NodeRunning,
	}
	updated, err := c.Client.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("setting status of node %s: %v", spec.Name, err)
	}
	return updated
}

// EnsureNamespace creates the namespace if it does not exist.
func (c *Cluster) EnsureNamespace(t testing.TB, name string) {
	t.Helper()
	_, err := c.Client.CoreV1().Namespaces().Create(context.Background(),
		&v1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
}

// CreatePod creates the pod (and its namespace). Pods get a small CPU
// request and a zero grace period unless they set their own, so they go at
// once when deleted (there is no kubelet).
func (c *Cluster) CreatePod(t testing.TB, pod *v1.Pod) *v1.Pod {
	t.Helper()
	c.EnsureNamespace(t, pod.Namespace)
	return c.CreatePodAs(t, c.Client, pod)
}

// CreatePodAs is CreatePod by another client (a tenant's), in a namespace
// that exists.
func (c *Cluster) CreatePodAs(t testing.TB, client kubernetes.Interface, pod *v1.Pod) *v1.Pod {
	t.Helper()
	if pod.Spec.TerminationGracePeriodSeconds == nil {
		pod.Spec.TerminationGracePeriodSeconds = ptr.To[int64](0)
	}
	if len(pod.Spec.Containers) == 0 {
		pod.Spec.Containers = []v1.Container{{Name: "main", Image: "registry.k8s.io/pause:3.10"}}
	}
	for i := range pod.Spec.Containers {
		ct := &pod.Spec.Containers[i]
		if ct.Image == "" {
			ct.Image = "registry.k8s.io/pause:3.10"
		}
		if ct.Resources.Requests == nil {
			ct.Resources.Requests = v1.ResourceList{v1.ResourceCPU: resource.MustParse("100m")}
		}
	}
	created, err := client.CoreV1().Pods(pod.Namespace).Create(context.Background(), pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating pod %s/%s: %v", pod.Namespace, pod.Name, err)
	}
	return created
}

// WaitScheduled waits until the pod is bound and returns its node.
func (c *Cluster) WaitScheduled(t testing.TB, ns, name string) string {
	t.Helper()
	var pod *v1.Pod
	err := c.Poll(func(ctx context.Context) (bool, error) {
		var err error
		pod, err = c.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return pod.Spec.NodeName != "", nil
	})
	if err != nil {
		t.Fatalf("pod %s/%s not scheduled: %v (conditions: %s)", ns, name, err, conditions(pod))
	}
	return pod.Spec.NodeName
}

// WaitUnschedulable waits until the scheduler marks the pod unschedulable
// and returns the condition's message.
func (c *Cluster) WaitUnschedulable(t testing.TB, ns, name string) string {
	t.Helper()
	var pod *v1.Pod
	var msg string
	err := c.Poll(func(ctx context.Context) (bool, error) {
		var err error
		pod, err = c.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		if pod.Spec.NodeName != "" {
			return false, fmt.Errorf("pod was bound to %s", pod.Spec.NodeName)
		}
		for _, cond := range pod.Status.Conditions {
			if cond.Type == v1.PodScheduled && cond.Status == v1.ConditionFalse && cond.Reason == v1.PodReasonUnschedulable {
				msg = cond.Message
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("pod %s/%s not marked unschedulable: %v (conditions: %s)", ns, name, err, conditions(pod))
	}
	return msg
}

// ExpectNotBound checks that the pod stays unbound for d: the poll ends
// only by its time limit, or by an error (a binding, a failed read).
func (c *Cluster) ExpectNotBound(t testing.TB, ns, name string, d time.Duration) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, d, true, func(context.Context) (bool, error) {
		// Not the poll's context: a read that its deadline cuts short (the
		// client's rate limiter refuses to wait past it) is no failure.
		pod, err := c.Client.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		if pod.Spec.NodeName != "" {
			return false, fmt.Errorf("pod %s/%s was bound to %s", ns, name, pod.Spec.NodeName)
		}
		return false, nil
	})
	if !wait.Interrupted(err) {
		t.Fatal(err)
	}
}

// Reset deletes every pod, node, PodDisruptionBudget, StatefulSet and
// ReplicaSet, so the next test starts from an empty
// cluster (the API server is shared by the tests of a package).
func (c *Cluster) Reset(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	pods, err := c.Client.CoreV1().Pods(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		err := c.Client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Fatalf("deleting pod %s/%s: %v", p.Namespace, p.Name, err)
		}
	}
	if err := c.Client.CoreV1().Nodes().DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	nss, err := c.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ns := range nss.Items {
		if err := c.Client.PolicyV1().PodDisruptionBudgets(ns.Name).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
			t.Fatal(err)
		}
		names = append(names, ns.Name)
	}
	c.deleteControllers(t, names)
	err = c.Poll(func(ctx context.Context) (bool, error) {
		pods, err := c.Client.CoreV1().Pods(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		nodes, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		return len(pods.Items) == 0 && len(nodes.Items) == 0, nil
	})
	if err != nil {
		t.Fatalf("cluster not empty after reset: %v", err)
	}
}

// Poll waits until cond holds, or Timeout passes.
func (c *Cluster) Poll(cond wait.ConditionWithContextFunc) error {
	return wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, Timeout, true, cond)
}

func conditions(pod *v1.Pod) string {
	if pod == nil {
		return "pod not read"
	}
	s := ""
	for _, c := range pod.Status.Conditions {
		s += fmt.Sprintf("[%s=%s %s: %s] ", c.Type, c.Status, c.Reason, c.Message)
	}
	return s
}
