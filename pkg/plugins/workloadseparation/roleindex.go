package workloadseparation

import (
	"sync"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/tools/cache"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// roleIndex holds the names of the control-plane and infra nodes. It is fed
// by the node informer and, to close the race between our handler and the
// scheduler's own (each informer handler runs on its own goroutine), by the
// queueing hint, which sees a node change before the pod it requeues is
// scheduled again.
type roleIndex struct {
	mu     sync.RWMutex
	role   map[string]policy.NodeRole // indexed nodes only
	byRole map[policy.NodeRole]sets.Set[string]
}

func newRoleIndex() *roleIndex {
	return &roleIndex{
		role: map[string]policy.NodeRole{},
		byRole: map[policy.NodeRole]sets.Set[string]{
			policy.RoleControlPlane: sets.New[string](),
			policy.RoleInfra:        sets.New[string](),
		},
	}
}

func (ix *roleIndex) upsert(obj any) {
	node, ok := obj.(*v1.Node)
	if !ok {
		return
	}
	ix.set(node.Name, policy.RoleOf(node.Labels))
}

func (ix *roleIndex) remove(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	if node, ok := obj.(*v1.Node); ok {
		ix.set(node.Name, "")
	}
}

// set records the node's role; "" forgets the node. Workers are not
// indexed: nothing narrows to them.
func (ix *roleIndex) set(name string, role policy.NodeRole) {
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

// names returns a copy of the names of the nodes of a role (control-plane or
// infra), safe to hand to the framework.
func (ix *roleIndex) names(role policy.NodeRole) sets.Set[string] {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.byRole[role].Clone()
}
