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

package checker

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// pageSize bounds one list call; large clusters are read in pages.
const pageSize = 500

// Load lists the nodes, the unfinished pods of all namespaces, the policy/v1
// PodDisruptionBudgets, and the StatefulSets and ReplicaSets that size the
// groups. Controllers the checker may not list (RBAC) are recorded in
// Cluster.Forbidden, not an error: the report is still worth having, with a
// warning where a size may be understated.
func Load(ctx context.Context, cs kubernetes.Interface) (Cluster, error) {
	var c Cluster
	err := pages(ctx, metav1.ListOptions{}, cs.CoreV1().Nodes().List, func(l *v1.NodeList) {
		for i := range l.Items {
			c.Nodes = append(c.Nodes, &l.Items[i])
		}
	})
	if err != nil {
		return c, fmt.Errorf("listing nodes: %w", err)
	}
	// Finished pods never count; leave them on the server.
	unfinished := metav1.ListOptions{FieldSelector: "status.phase!=" + string(v1.PodSucceeded) + ",status.phase!=" + string(v1.PodFailed)}
	err = pages(ctx, unfinished, cs.CoreV1().Pods(metav1.NamespaceAll).List, func(l *v1.PodList) {
		for i := range l.Items {
			c.Pods = append(c.Pods, &l.Items[i])
		}
	})
	if err != nil {
		return c, fmt.Errorf("listing pods: %w", err)
	}
	err = pages(ctx, metav1.ListOptions{}, cs.PolicyV1().PodDisruptionBudgets(metav1.NamespaceAll).List, func(l *policyv1.PodDisruptionBudgetList) {
		for i := range l.Items {
			c.PDBs = append(c.PDBs, &l.Items[i])
		}
	})
	if err != nil {
		return c, fmt.Errorf("listing PodDisruptionBudgets: %w", err)
	}

	err = pages(ctx, metav1.ListOptions{}, cs.AppsV1().StatefulSets(metav1.NamespaceAll).List, func(l *appsv1.StatefulSetList) {
		for i := range l.Items {
			c.StatefulSets = append(c.StatefulSets, &l.Items[i])
		}
	})
	if err = c.forbidden(err, ForbiddenStatefulSets); err != nil {
		return c, fmt.Errorf("listing StatefulSets: %w", err)
	}
	if c.hasForbidden(ForbiddenStatefulSets) {
		c.StatefulSets = nil // a partial list would size some groups and not others
	}
	err = pages(ctx, metav1.ListOptions{}, cs.AppsV1().ReplicaSets(metav1.NamespaceAll).List, func(l *appsv1.ReplicaSetList) {
		for i := range l.Items {
			c.ReplicaSets = append(c.ReplicaSets, &l.Items[i])
		}
	})
	if err = c.forbidden(err, ForbiddenReplicaSets); err != nil {
		return c, fmt.Errorf("listing ReplicaSets: %w", err)
	}
	if c.hasForbidden(ForbiddenReplicaSets) {
		c.ReplicaSets = nil
	}
	return c, nil
}

// forbidden records a list the checker is not allowed, and passes other
// errors on.
func (c *Cluster) forbidden(err error, resource string) error {
	if apierrors.IsForbidden(err) {
		c.Forbidden = append(c.Forbidden, resource)
		return nil
	}
	return err
}

func (c *Cluster) hasForbidden(resource string) bool {
	for _, r := range c.Forbidden {
		if r == resource {
			return true
		}
	}
	return false
}

// pages calls list page by page (pageSize items each) and hands each page
// to each.
func pages[L metav1.ListInterface](ctx context.Context, opts metav1.ListOptions, list func(context.Context, metav1.ListOptions) (L, error), each func(L)) error {
	opts.Limit = pageSize
	for {
		l, err := list(ctx, opts)
		if err != nil {
			return err
		}
		each(l)
		if opts.Continue = l.GetContinue(); opts.Continue == "" {
			return nil
		}
	}
}
