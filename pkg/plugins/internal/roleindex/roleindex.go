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

// Package roleindex indexes control-plane and infra nodes by name, so that
// plugins can narrow work for pods limited to those roles to a few nodes
// instead of every node of the cluster.
package roleindex

import (
	"context"

	"sync"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/shared"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Index holds the names of the control-plane and infra nodes. It is fed by a
// node informer handler (Watch). Informer handlers run on their own
// goroutines, so the index may lag the scheduler's snapshot by an event;
// callers that must not miss a node feed it from their queueing hints too
// (Set), and fall back to the snapshot when it has no node of a role.
type Index struct {
	mu     sync.RWMutex
	role   map[string]policy.NodeRole // indexed nodes only
	byRole map[policy.NodeRole]sets.Set[string]
	// synced reports whether the informer handler has seen the informer's
	// initial list (never, for an index not fed by Watch).
	synced func() bool
}

// New returns an empty index.
func New() *Index {
	return &Index{
		role: map[string]policy.NodeRole{},
		byRole: map[policy.NodeRole]sets.Set[string]{
			policy.RoleControlPlane: sets.New[string](),
			policy.RoleInfra:        sets.New[string](),
		},
		synced: func() bool { return false },
	}
}

// Ready reports whether the index holds every node the informer listed
// (its handler has seen the initial list). Until then callers look at the
// snapshot: a partial index would narrow a control-plane pod to the
// masters seen so far.
func (ix *Index) Ready() bool { return ix.synced() }

// Upsert records a node (an informer object).
func (ix *Index) Upsert(obj any) {
	node, ok := obj.(*v1.Node)
	if !ok {
		return
	}
	ix.Set(node.Name, policy.RoleOf(node.Labels))
}

// Remove forgets a node (an informer object or tombstone).
func (ix *Index) Remove(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	if node, ok := obj.(*v1.Node); ok {
		ix.Set(node.Name, "")
	}
}

// Set records the node's role; "" forgets the node. Workers are not
// indexed: nothing narrows to them.
func (ix *Index) Set(name string, role policy.NodeRole) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old, known := ix.role[name]
	if known && old == role {
		return
	}
	if known {
		ix.byRole[old].Delete(name)
		delete(ix.role, name)
	}
	if s, ok := ix.byRole[role]; ok {
		s.Insert(name)
		ix.role[name] = role
	}
}

// Names returns a copy of the names of the nodes of a role (control-plane or
// infra), safe to hand to the framework.
func (ix *Index) Names(role policy.NodeRole) sets.Set[string] {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.byRole[role].Clone()
}

// watch feeds the index from the node informer of the handle's factory.
func (ix *Index) watch(factory informers.SharedInformerFactory) error {
	reg, err := factory.Core().V1().Nodes().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    ix.Upsert,
		UpdateFunc: func(_, obj any) { ix.Upsert(obj) },
		DeleteFunc: ix.Remove,
	})
	if err != nil {
		return err
	}
	ix.synced = reg.HasSynced
	return nil
}

// Shared returns the one index of the informer factory, shared by every
// plugin of every profile (one node handler, not one per plugin).
func Shared(ctx context.Context, factory informers.SharedInformerFactory) (*Index, error) {
	return shared.Get(ctx, factory, "roleindex", func() (*Index, error) {
		ix := New()
		return ix, ix.watch(factory)
	})
}
