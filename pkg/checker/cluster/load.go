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

// Package cluster reads a cluster as the checker needs it (Load): every
// node, every unfinished pod, the PodDisruptionBudgets, the controllers and
// Services that size and group the pods, and the RBAC objects and admission
// policies of the trust analysis, each list in pages. What it may not read
// is recorded, not an error, where the report can go on without it.
package cluster

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/pager"
)

// Cluster is what the checker reads: every node, every unfinished pod of
// every namespace, every policy/v1 PodDisruptionBudget, and the StatefulSets
// and ReplicaSets that say how many replicas their groups should have.
type Cluster struct {
	Nodes []*v1.Node
	Pods  []*v1.Pod
	PDBs  []*policyv1.PodDisruptionBudget
	// StatefulSets and ReplicaSets give the desired size of the groups they
	// own (policy.OwnerOf): a group of which some replicas were never
	// created, or were deleted, is as large as its controller says.
	StatefulSets []*appsv1.StatefulSet
	ReplicaSets  []*appsv1.ReplicaSet
	// Services group the pods without a controller that they select
	// (policy.GroupOf), as the scheduler groups them.
	Services []*v1.Service
	// Forbidden lists the controller resources the checker was not allowed
	// to list (ForbiddenStatefulSets, ForbiddenReplicaSets). The groups they
	// own are sized by their pods alone, and a finding says so
	// (survival.desired-size-unknown).
	Forbidden []string
	// Trust are the RBAC objects and admission policies the trust analysis
	// reads; nil when not read.
	Trust *TrustObjects
}

// Resources of Cluster.Forbidden.
const (
	ForbiddenStatefulSets = "statefulsets.apps"
	ForbiddenReplicaSets  = "replicasets.apps"
	// ForbiddenServices: pods without a controller group by their labels
	// rather than by the Service that selects them.
	ForbiddenServices = "services"
)

// pageSize bounds one list call; large clusters are read in pages.
const pageSize = 500

// LoadOptions are the choices of Load that do not change what it reads.
type LoadOptions struct {
	// Progress, when set, is called after every page Load reads with the
	// resource (plural, as in "nodes", "PodDisruptionBudgets") and how many
	// of its objects have been read so far, and once more with done set
	// when the resource is read. It is called from Load's goroutine.
	Progress func(resource string, listed int, done bool)
}

// Load lists the nodes, the unfinished pods of all namespaces, the policy/v1
// PodDisruptionBudgets, the StatefulSets and ReplicaSets that size the
// groups, the Services that group pods without a controller, and the RBAC
// objects and admission policies of the trust analysis (loadTrust).
// Controllers the checker may not list (RBAC) are recorded in
// Cluster.Forbidden, not an error: the report is still worth having, with a
// warning where a size may be understated.
//
// Every list is read with client-go's pager, pageSize objects a call: a
// large cluster is read in pages, and a list whose continue token expires
// while it is read (the API server compacted the revision the first page
// was read at) is read again whole, not failed.
func Load(ctx context.Context, cs kubernetes.Interface, o LoadOptions) (Cluster, error) {
	var c Cluster
	var err error
	if c.Nodes, err = listAll[*v1.Node](ctx, o, "nodes", metav1.ListOptions{}, cs.CoreV1().Nodes().List); err != nil {
		return c, fmt.Errorf("listing nodes: %w", err)
	}
	// Finished pods never count; leave them on the server.
	unfinished := metav1.ListOptions{FieldSelector: "status.phase!=" + string(v1.PodSucceeded) + ",status.phase!=" + string(v1.PodFailed)}
	if c.Pods, err = listAll[*v1.Pod](ctx, o, "pods", unfinished, cs.CoreV1().Pods(metav1.NamespaceAll).List); err != nil {
		return c, fmt.Errorf("listing pods: %w", err)
	}
	c.PDBs, err = listAll[*policyv1.PodDisruptionBudget](ctx, o, "PodDisruptionBudgets", metav1.ListOptions{}, cs.PolicyV1().PodDisruptionBudgets(metav1.NamespaceAll).List)
	if err != nil {
		return c, fmt.Errorf("listing PodDisruptionBudgets: %w", err)
	}

	// A forbidden list leaves its slice nil: a partial list would size some
	// groups and not others.
	c.StatefulSets, err = listAll[*appsv1.StatefulSet](ctx, o, "StatefulSets", metav1.ListOptions{}, cs.AppsV1().StatefulSets(metav1.NamespaceAll).List)
	if err = c.forbidden(err, ForbiddenStatefulSets); err != nil {
		return c, fmt.Errorf("listing StatefulSets: %w", err)
	}
	c.ReplicaSets, err = listAll[*appsv1.ReplicaSet](ctx, o, "ReplicaSets", metav1.ListOptions{}, cs.AppsV1().ReplicaSets(metav1.NamespaceAll).List)
	if err = c.forbidden(err, ForbiddenReplicaSets); err != nil {
		return c, fmt.Errorf("listing ReplicaSets: %w", err)
	}
	// Services group the pods without a controller; without them such pods
	// group by their labels.
	c.Services, err = listAll[*v1.Service](ctx, o, "Services", metav1.ListOptions{}, cs.CoreV1().Services(metav1.NamespaceAll).List)
	if err = c.forbidden(err, ForbiddenServices); err != nil {
		return c, fmt.Errorf("listing Services: %w", err)
	}
	if c.Trust, err = loadTrust(ctx, cs, o); err != nil {
		return c, err
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

// listAll reads every object of a list with client-go's pager (pageSize
// objects a call, following the continue tokens; a list whose token
// expires is read again whole) and returns its items, T being the item
// type of list's L. It tells o.Progress after each page and when done.
func listAll[T runtime.Object, L runtime.Object](ctx context.Context, o LoadOptions, resource string, opts metav1.ListOptions,
	list func(context.Context, metav1.ListOptions) (L, error)) ([]T, error) {
	listed := 0
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		l, err := list(ctx, opts)
		if err != nil {
			return nil, err
		}
		if opts.Continue == "" {
			// The first page, or the whole list read again after an
			// expired continue token.
			listed = 0
		}
		listed += meta.LenList(l)
		if o.Progress != nil {
			o.Progress(resource, listed, false)
		}
		return l, nil
	})
	p.PageSize = pageSize
	obj, _, err := p.List(ctx, opts)
	if err != nil {
		return nil, err
	}
	var items []T
	err = meta.EachListItem(obj, func(item runtime.Object) error {
		t, ok := item.(T)
		if !ok {
			return fmt.Errorf("a %T in the list of %s", item, resource)
		}
		items = append(items, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if o.Progress != nil {
		o.Progress(resource, len(items), true)
	}
	return items, nil
}
