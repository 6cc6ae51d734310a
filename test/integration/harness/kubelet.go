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
	"sync"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// kubeletInterval is how often the fake kubelets look at their pods.
const kubeletInterval = 100 * time.Millisecond

// StartKubelets runs, until the test ends, what the kubelets of the
// cluster's nodes would do with their pods, for the nodes that are up
// (policy.NodeCanRunPods: a down node's kubelet does nothing): a pod bound
// to such a node is started, Running and Ready (its containers start at
// once); a pod being deleted there is stopped and removed (deleted with
// grace period 0, as a kubelet does once its containers are gone). Pods
// on a node that is down keep whatever they had, terminating ones
// included, until the node comes back.
func (c *Cluster) StartKubelets(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		wait.UntilWithContext(ctx, c.kubeletPass, kubeletInterval)
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
}

// kubeletPass is one look of every kubelet at its pods.
func (c *Cluster) kubeletPass(ctx context.Context) {
	nodes, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return
	}
	up := map[string]bool{}
	for i := range nodes.Items {
		up[nodes.Items[i].Name] = policy.NodeCanRunPods(&nodes.Items[i])
	}
	pods, err := c.Client.CoreV1().Pods(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if err != nil {
		return
	}
	for i := range pods.Items {
		p := &pods.Items[i]
		if !up[p.Spec.NodeName] {
			continue
		}
		if p.DeletionTimestamp != nil {
			// Gone already, or another pod by now: nothing to do. Any
			// other error: the next pass tries again.
			_ = c.Client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{
				GracePeriodSeconds: ptr.To[int64](0), Preconditions: &metav1.Preconditions{UID: &p.UID}})
			continue
		}
		if p.Status.Phase == v1.PodRunning && policy.IsAvailable(p) {
			continue
		}
		now := metav1.Now()
		p.Status.Phase = v1.PodRunning
		p.Status.StartTime = &now
		p.Status.Conditions = []v1.PodCondition{
			{Type: v1.PodScheduled, Status: v1.ConditionTrue, LastTransitionTime: now},
			{Type: v1.PodInitialized, Status: v1.ConditionTrue, LastTransitionTime: now},
			{Type: v1.ContainersReady, Status: v1.ConditionTrue, LastTransitionTime: now},
			{Type: v1.PodReady, Status: v1.ConditionTrue, LastTransitionTime: now},
		}
		// A conflict is the next pass's to retry.
		_, _ = c.Client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
	}
}
