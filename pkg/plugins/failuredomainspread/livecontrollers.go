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

package failuredomainspread

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// liveControllers answers policy.Controllers with reads from the API
// server, each controller read once. The rebalance gauge uses it for the
// few groups that look movable without their controllers: a cache of every
// ReplicaSet and StatefulSet with its template would cost the scheduler
// memory all the time for a count made once a minute.
type liveControllers struct {
	ctx          context.Context
	client       kubernetes.Interface
	replicaSets  map[types.NamespacedName]*appsv1.ReplicaSet
	statefulSets map[types.NamespacedName]*appsv1.StatefulSet
	// err is the first read that failed other than with NotFound: the
	// answers are then incomplete, and the count is not made.
	err error
}

func newLiveControllers(ctx context.Context, client kubernetes.Interface) *liveControllers {
	return &liveControllers{ctx: ctx, client: client,
		replicaSets: map[types.NamespacedName]*appsv1.ReplicaSet{}, statefulSets: map[types.NamespacedName]*appsv1.StatefulSet{}}
}

// ReplicaSet returns the ReplicaSet, nil when there is none (or a read
// failed: err says so).
func (c *liveControllers) ReplicaSet(namespace, name string) *appsv1.ReplicaSet {
	return read(c, c.replicaSets, namespace, name, "ReplicaSet", func(ctx context.Context) (*appsv1.ReplicaSet, error) {
		return c.client.AppsV1().ReplicaSets(namespace).Get(ctx, name, metav1.GetOptions{})
	})
}

// StatefulSet returns the StatefulSet, nil when there is none (or a read
// failed: err says so).
func (c *liveControllers) StatefulSet(namespace, name string) *appsv1.StatefulSet {
	return read(c, c.statefulSets, namespace, name, "StatefulSet", func(ctx context.Context) (*appsv1.StatefulSet, error) {
		return c.client.AppsV1().StatefulSets(namespace).Get(ctx, name, metav1.GetOptions{})
	})
}

func read[T any](c *liveControllers, seen map[types.NamespacedName]*T, namespace, name, kind string, get func(context.Context) (*T, error)) *T {
	key := types.NamespacedName{Namespace: namespace, Name: name}
	if obj, ok := seen[key]; ok {
		return obj
	}
	obj, err := get(c.ctx)
	switch {
	case apierrors.IsNotFound(err):
		obj = nil
	case err != nil:
		if c.err == nil {
			c.err = fmt.Errorf("reading %s %s: %w", kind, key, err)
		}
		return nil // not remembered: the count is dropped anyway
	}
	seen[key] = obj
	return obj
}
