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

// Node conditions and taints as the kubelet and the node lifecycle
// controller of kube-controller-manager write them (neither runs here).

import (
	"context"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
)

// MarkNodeNotReady makes the node what a kubelet that reports itself not
// ready (its container runtime or network is down) looks like once the node
// lifecycle controller has seen it: Ready=False, and the not-ready taints
// (NoSchedule from TaintNodesByCondition, NoExecute for taint-based
// eviction). Its pods keep whatever Ready condition they had.
func (c *Cluster) MarkNodeNotReady(t testing.TB, name string) *v1.Node {
	t.Helper()
	return c.markNodeDown(t, name, v1.TaintNodeNotReady, v1.NodeCondition{
		Type: v1.NodeReady, Status: v1.ConditionFalse, Reason: "KubeletNotReady",
		Message: "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady",
	})
}

// MarkNodeUnreachable makes the node what the node lifecycle controller
// makes of a node whose kubelet stopped posting status: Ready=Unknown, and
// the unreachable taints (NoSchedule and NoExecute). Its pods keep their
// stale Ready condition (the controller marks them only later).
func (c *Cluster) MarkNodeUnreachable(t testing.TB, name string) *v1.Node {
	t.Helper()
	return c.markNodeDown(t, name, v1.TaintNodeUnreachable, v1.NodeCondition{
		Type: v1.NodeReady, Status: v1.ConditionUnknown, Reason: "NodeStatusUnknown",
		Message: "Kubelet stopped posting node status.",
	})
}

// SetNodeReadyCondition sets only the node's Ready condition (status
// subresource), no taint: what a kubelet reports while the node lifecycle
// controller, which would add the taints, is down.
func (c *Cluster) SetNodeReadyCondition(t testing.TB, name string, status v1.ConditionStatus, reason string) {
	t.Helper()
	ctx := context.Background()
	nodes := c.Client.CoreV1().Nodes()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := nodes.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		setNodeCondition(&n.Status, v1.NodeCondition{Type: v1.NodeReady, Status: status, Reason: reason, LastTransitionTime: metav1.Now()})
		_, err = nodes.UpdateStatus(ctx, n, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("setting node %s Ready=%s: %v", name, status, err)
	}
}

// markNodeDown sets the node's Ready condition (status subresource) and
// adds the taint key with the NoSchedule and NoExecute effects (spec).
func (c *Cluster) markNodeDown(t testing.TB, name, taintKey string, ready v1.NodeCondition) *v1.Node {
	t.Helper()
	ctx := context.Background()
	nodes := c.Client.CoreV1().Nodes()
	var updated *v1.Node
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := nodes.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.Now()
		ready.LastTransitionTime = now
		setNodeCondition(&n.Status, ready)
		n, err = nodes.UpdateStatus(ctx, n, metav1.UpdateOptions{})
		if err != nil {
			return err
		}
		for _, effect := range []v1.TaintEffect{v1.TaintEffectNoSchedule, v1.TaintEffectNoExecute} {
			taint := v1.Taint{Key: taintKey, Effect: effect}
			if effect == v1.TaintEffectNoExecute {
				taint.TimeAdded = &now
			}
			if !hasTaint(n.Spec.Taints, taint) {
				n.Spec.Taints = append(n.Spec.Taints, taint)
			}
		}
		updated, err = nodes.Update(ctx, n, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("marking node %s down (%s): %v", name, taintKey, err)
	}
	return updated
}

// setNodeCondition replaces the condition of the same type, or adds it.
func setNodeCondition(status *v1.NodeStatus, cond v1.NodeCondition) {
	for i := range status.Conditions {
		if status.Conditions[i].Type == cond.Type {
			cond.LastHeartbeatTime = status.Conditions[i].LastHeartbeatTime
			status.Conditions[i] = cond
			return
		}
	}
	status.Conditions = append(status.Conditions, cond)
}

func hasTaint(taints []v1.Taint, want v1.Taint) bool {
	for _, t := range taints {
		if t.Key == want.Key && t.Effect == want.Effect {
			return true
		}
	}
	return false
}
