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

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// CreateStatefulSet creates a StatefulSet that wants replicas pods with the
// given labels. No kube-controller-manager runs here, so it creates no pod:
// tests create the members themselves and make them its own with
// OwnedBy, as the StatefulSet controller would.
func (c *Cluster) CreateStatefulSet(t testing.TB, ns, name string, replicas int32, podLabels map[string]string) *appsv1.StatefulSet {
	t.Helper()
	c.EnsureNamespace(t, ns)
	sts, err := c.Client.AppsV1().StatefulSets(ns).Create(context.Background(), &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.StatefulSetSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: podLabels},
			Template: v1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels},
				Spec:       v1.PodSpec{Containers: []v1.Container{{Name: "main", Image: "registry.k8s.io/pause:3.10"}}},
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sts
}

// OwnedBy makes the StatefulSet the pod's controller.
func OwnedBy(p *v1.Pod, sts *appsv1.StatefulSet) *v1.Pod {
	p.OwnerReferences = []metav1.OwnerReference{{
		APIVersion: "apps/v1", Kind: "StatefulSet", Name: sts.Name, UID: sts.UID, Controller: ptr.To(true),
	}}
	return p
}

// deleteControllers removes the Deployments, StatefulSets and ReplicaSets
// of every namespace (Reset).
func (c *Cluster) deleteControllers(t testing.TB, namespaces []string) {
	t.Helper()
	ctx := context.Background()
	for _, ns := range namespaces {
		// Deployments first: a running deployment controller would make
		// their ReplicaSets again.
		if err := c.Client.AppsV1().Deployments(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := c.Client.AppsV1().StatefulSets(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := c.Client.AppsV1().ReplicaSets(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}
