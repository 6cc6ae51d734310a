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
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/services"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/shared"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// replicaIndex holds, per group, the replicas on each node: bound pods from
// the pod informer, assumed pods from Reserve (until they are bound or
// Unreserve drops them). With it PreFilter and PreScore cost the nodes of
// the pod's group instead of a walk over every pod of the cluster, which the
// scale profile showed to be most of a scheduling cycle at 5,000 nodes.
//
// What counts is what replicaOf.counts counts: pods of the group that are
// not terminating and not DaemonSet pods (TestReplicaIndexAgreesWithWalk).
//
// A pod's group can change without the pod changing: a Service that
// selects pods without a controller comes, goes or changes its selector.
// The index follows Services itself and regroups the namespace's pods, and
// computes each pod's group under its lock, so that a pod event and a
// Service event cannot interleave into a stale group.
type replicaIndex struct {
	policy   *policy.Policy
	services *policy.ServiceIndex
	// podStore lists the pods to regroup after a Service change.
	podStore cache.Store

	mu     sync.Mutex
	groups map[policy.Group]map[string]int // group -> node -> replicas
	pods   map[types.UID]placement         // what each counted pod added

	synced func() bool
}

type placement struct {
	group policy.Group
	node  string
}

func newReplicaIndex(p *policy.Policy, svcs *policy.ServiceIndex) *replicaIndex {
	return &replicaIndex{
		policy:   p,
		services: svcs,
		groups:   map[policy.Group]map[string]int{},
		pods:     map[types.UID]placement{},
		synced:   func() bool { return false },
	}
}

// sharedReplicaIndex returns the replica index of the policy, shared by the
// profiles whose policy is the same (their Reserve and Unreserve feed it, so
// a pod one profile reserved counts for the others at once). A group is
// what a policy says it is, so profiles with different policies keep
// different indexes; the args, defaulted and encoded, name the policy.
func sharedReplicaIndex(ctx context.Context, f informers.SharedInformerFactory, args *config.PolicyArgs, p *policy.Policy, svcs *policy.ServiceIndex) (*replicaIndex, error) {
	encoded, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	fingerprint := sha256.Sum256(encoded)
	return shared.Get(ctx, f, "replicaindex/"+hex.EncodeToString(fingerprint[:]), func() (*replicaIndex, error) {
		ix := newReplicaIndex(p, svcs)
		return ix, ix.watch(f)
	})
}

// watch feeds the index from the pod and Service informers. Until the pod
// handler has seen the initial list, ready() is false and the plugin walks
// the snapshot.
func (ix *replicaIndex) watch(factory informers.SharedInformerFactory) error {
	podInformer := factory.Core().V1().Pods().Informer()
	ix.podStore = podInformer.GetStore()
	reg, err := podInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    ix.observe,
		UpdateFunc: func(_, obj any) { ix.observe(obj) },
		DeleteFunc: func(obj any) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if pod, ok := obj.(*v1.Pod); ok {
				ix.mu.Lock()
				defer ix.mu.Unlock()
				ix.set(pod.UID, placement{})
			}
		},
	})
	if err != nil {
		return err
	}
	ix.synced = reg.HasSynced
	_, err = factory.Core().V1().Services().Informer().AddEventHandler(services.Handler(ix.services, ix.regroup))
	return err
}

// ready reports whether the index has seen every pod the informer listed.
func (ix *replicaIndex) ready() bool { return ix.synced() }

// observe follows a pod from the informer. An unbound pod that is not going
// away leaves its entry alone: it may be assumed (Reserve) and about to be
// bound.
func (ix *replicaIndex) observe(obj any) {
	pod, ok := obj.(*v1.Pod)
	if !ok {
		return
	}
	if pod.Spec.NodeName == "" && !policy.IsTerminating(pod) {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.set(pod.UID, ix.placementOf(pod, pod.Spec.NodeName))
}

// regroup follows a Service change in a namespace: the pods there that
// have no controller may have changed group. Services change rarely; the
// walk is over the informer's pods.
func (ix *replicaIndex) regroup(namespace string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, obj := range ix.podStore.List() {
		pod, ok := obj.(*v1.Pod)
		if !ok || pod.Namespace != namespace || metav1.GetControllerOfNoCopy(pod) != nil {
			continue
		}
		if old, counted := ix.pods[pod.UID]; counted {
			ix.set(pod.UID, ix.placementOf(pod, old.node))
		}
	}
}

// placementOf returns where the pod counts, or the zero placement when it
// does not count.
func (ix *replicaIndex) placementOf(pod *v1.Pod, node string) placement {
	if node == "" || !policy.CountsInSpread(pod) {
		return placement{}
	}
	return placement{group: policy.GroupOf(pod, ix.policy.Classify(pod), ix.services), node: node}
}

// assume counts a pod the scheduler reserved on node (Reserve).
func (ix *replicaIndex) assume(pod *v1.Pod, node string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.set(pod.UID, ix.placementOf(pod, node))
}

// forget drops a reserved pod that will not be bound (Unreserve).
func (ix *replicaIndex) forget(pod *v1.Pod) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.set(pod.UID, placement{})
}

// set makes the pod count at p (the zero placement: not at all). The
// caller holds ix.mu.
func (ix *replicaIndex) set(uid types.UID, p placement) {
	old, known := ix.pods[uid]
	if known && old == p {
		return
	}
	if known {
		nodes := ix.groups[old.group]
		if nodes[old.node]--; nodes[old.node] <= 0 {
			delete(nodes, old.node)
		}
		if len(nodes) == 0 {
			delete(ix.groups, old.group)
		}
		delete(ix.pods, uid)
	}
	if p.node == "" {
		return
	}
	nodes := ix.groups[p.group]
	if nodes == nil {
		nodes = map[string]int{}
		ix.groups[p.group] = nodes
	}
	nodes[p.node]++
	ix.pods[uid] = p
}

// replicasOf calls f for each node holding replicas of the group, under the
// lock (f must not call back into the index).
func (ix *replicaIndex) replicasOf(group policy.Group, f func(node string, n int)) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for node, n := range ix.groups[group] {
		f(node, n)
	}
}
