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

// Package topology keeps, per node, what the plugins read of its labels
// and status on their hot paths: its role, whether it can run pods, and its
// domain at each failure-domain level, the domain both as a string and as
// a small number. The node informer feeds it, so WorkloadSeparation's
// Filter and FailureDomainSpread's Filter and Score look a node up once
// instead of reading label maps per node, per level, per pod.
package topology

import (
	"context"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/shared"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Node is what the plugins read of a node.
type Node struct {
	// node is the object the record was made of: a lookup with another
	// object (the snapshot is older or newer than the informer's handler)
	// makes a fresh record instead.
	node *v1.Node
	Role policy.NodeRole
	// Alive is policy.NodeCanRunPods.
	Alive bool
	// Domains are the node's domain at each level (policy.DomainOf), IDs
	// the same as numbers, unique per level for the index's lifetime.
	Domains []string
	IDs     []uint32
}

// Index holds the nodes' records for one list of levels.
type Index struct {
	levels []string
	// view maps names to records. It is read on every Filter and Score, by
	// a cycle's parallel goroutines, without a lock: an immutable map,
	// replaced by a copy with the changes. A sync.Map's lookup (a trie,
	// the name hashed through an interface) was most of both plugins'
	// per-node cost in the scale benchmark's CPU profile; a map under a
	// read-write lock was slower still under parallel readers
	// (BenchmarkOf).
	view atomic.Pointer[map[string]*Node]
	// pending holds the changes (a nil record: the node was deleted) the
	// view does not have yet. The first change after a publication
	// schedules the next, publishAfter later, so that a cluster whose
	// nodes report their status all the time (50 a second at 15,000
	// nodes, each once in 5 minutes) costs a few copies a second, made
	// off the scheduling cycle's path, rather than one per change. Until
	// then a lookup of a changed node finds the record of another version
	// and makes one of the object it has (Of).
	mu           sync.Mutex
	pending      map[string]*Node
	scheduled    bool
	publishAfter time.Duration

	imu sync.Mutex
	ids []map[string]uint32
}

// defaultPublishAfter is how long changes collect before the view takes
// them (tests shorten or lengthen it per index).
const defaultPublishAfter = 100 * time.Millisecond

// Shared returns the index of the informer factory for the levels, shared
// by every plugin of every profile with the same levels.
func Shared(ctx context.Context, f informers.SharedInformerFactory, levels []string) (*Index, error) {
	return shared.Get(ctx, f, "topology/"+strings.Join(levels, ","), func() (*Index, error) {
		ix := New(levels)
		_, err := f.Core().V1().Nodes().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    ix.upsert,
			UpdateFunc: func(_, obj any) { ix.upsert(obj) },
			DeleteFunc: ix.remove,
		})
		return ix, err
	})
}

// New returns an empty index for the levels (widest first).
func New(levels []string) *Index {
	ix := &Index{levels: levels, pending: map[string]*Node{}, publishAfter: defaultPublishAfter, ids: make([]map[string]uint32, len(levels))}
	ix.view.Store(&map[string]*Node{})
	for i := range ix.ids {
		ix.ids[i] = map[string]uint32{}
	}
	return ix
}

func (ix *Index) upsert(obj any) {
	if n, ok := obj.(*v1.Node); ok {
		ix.change(n.Name, ix.record(n))
	}
}

func (ix *Index) remove(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	if n, ok := obj.(*v1.Node); ok {
		ix.change(n.Name, nil)
	}
}

// change records a node's new record (nil: deleted) for the next view.
func (ix *Index) change(name string, rec *Node) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.pending[name] = rec
	if !ix.scheduled {
		ix.scheduled = true
		time.AfterFunc(ix.publishAfter, ix.publish)
	}
}

// publish replaces the view with a copy that has the pending changes.
func (ix *Index) publish() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.scheduled = false
	if len(ix.pending) == 0 {
		return
	}
	next := maps.Clone(*ix.view.Load())
	for name, rec := range ix.pending {
		if rec == nil {
			delete(next, name)
		} else {
			next[name] = rec
		}
	}
	ix.view.Store(&next)
	clear(ix.pending)
}

// Of returns the record of the node object: the index's when it was made of
// this object, or of the same version of the node (the scheduler's cache
// and the informer share objects; copies share the version), else one made
// now from this object (the cycle's snapshot is older or newer than the
// index).
func (ix *Index) Of(n *v1.Node) *Node {
	if rec := (*ix.view.Load())[n.Name]; rec != nil && rec.of(n) {
		return rec
	}
	return ix.record(n)
}

// Holds reports whether the index's view holds the record of this version
// of the node, so that Of returns it rather than make one.
func (ix *Index) Holds(n *v1.Node) bool {
	rec := (*ix.view.Load())[n.Name]
	return rec != nil && rec.of(n)
}

// of reports whether the record was made of the object or of the same
// version of the node.
func (rec *Node) of(n *v1.Node) bool {
	return rec.node == n || rec.node.UID == n.UID && rec.node.ResourceVersion == n.ResourceVersion
}

// record reads the node.
func (ix *Index) record(n *v1.Node) *Node {
	rec := &Node{node: n, Role: policy.RoleOf(n.Labels), Alive: policy.NodeCanRunPods(n),
		Domains: make([]string, len(ix.levels)), IDs: make([]uint32, len(ix.levels))}
	for l, key := range ix.levels {
		rec.Domains[l] = policy.DomainOf(n.Name, n.Labels, key)
		rec.IDs[l] = ix.ID(l, rec.Domains[l])
	}
	return rec
}

// ID returns the number of a domain of level l, given it the first time.
func (ix *Index) ID(l int, domain string) uint32 {
	ix.imu.Lock()
	defer ix.imu.Unlock()
	id, ok := ix.ids[l][domain]
	if !ok {
		id = uint32(len(ix.ids[l]))
		ix.ids[l][domain] = id
	}
	return id
}
