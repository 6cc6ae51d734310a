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

	"sync"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/shared"
)

// cordonWatch requeues the replicas waiting on a Required spread when a node
// is cordoned. Cordoning can make such a pod schedulable (the emptiest
// domain stops being eligible), but the scheduler reports no event for it:
// upstream's plugins only ever lose nodes by a cordon, so spec.unschedulable
// turning true maps to no ActionType and no queueing hint runs. In a healthy
// cluster the node lifecycle controller's unschedulable taint follows and is
// reported (UpdateNodeTaint); not while kube-controller-manager is down,
// and that may be the very component whose replica waits. So the plugin
// follows cordons with its own node informer handler and activates the
// waiting pods itself.
//
// One watch serves the plugin of every profile (one node and one pod
// handler per informer factory): each waiting pod remembers the plugin
// whose Filter rejected it, whose policy decides whether the cordon helps
// and whose handle requeues it.
//
// The scheduler's handler and ours run on different goroutines, so the pod
// may be retried before the scheduler's snapshot shows the cordon; PreFilter
// therefore also treats the nodes this watch saw cordoned as cordoned.
type cordonWatch struct {
	logger klog.Logger

	mu sync.Mutex
	// waiting are the pods Filter rejected a node for, until they are
	// reserved, bound or deleted.
	waiting map[types.UID]waiter
	// cordoned are the nodes the informer shows cordoned.
	cordoned sets.Set[string]
}

// waiter is a pod waiting for a domain, and the plugin (profile) that
// rejected it.
type waiter struct {
	pod *v1.Pod
	pl  *FailureDomainSpread
}

// sharedCordonWatch returns the cordon watch of the informer factory,
// registering its handlers the first time.
func sharedCordonWatch(ctx context.Context, factory informers.SharedInformerFactory) (*cordonWatch, error) {
	logger := klog.FromContext(ctx)
	return shared.Get(ctx, factory, "cordonwatch", func() (*cordonWatch, error) {
		cw := &cordonWatch{logger: logger, waiting: map[types.UID]waiter{}, cordoned: sets.New[string]()}
		return cw, cw.watch(factory)
	})
}

// watch registers the handlers: nodes for cordons, pods to forget the ones
// that stop waiting.
func (cw *cordonWatch) watch(factory informers.SharedInformerFactory) error {
	if _, err := factory.Core().V1().Nodes().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { cw.observe(nil, asNode(obj)) },
		UpdateFunc: func(oldObj, newObj any) { cw.nodeUpdated(asNode(oldObj), asNode(newObj)) },
		DeleteFunc: func(obj any) { cw.observe(asNode(obj), nil) },
	}); err != nil {
		return err
	}
	_, err := factory.Core().V1().Pods().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		// Only the binding ends the wait: every other update of every pod
		// in the cluster (status, heartbeats of conditions) passes without
		// taking the lock.
		UpdateFunc: func(oldObj, newObj any) {
			oldPod, ok1 := oldObj.(*v1.Pod)
			pod, ok2 := newObj.(*v1.Pod)
			if ok1 && ok2 && oldPod.Spec.NodeName == "" && pod.Spec.NodeName != "" {
				cw.done(pod)
			}
		},
		DeleteFunc: func(obj any) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if pod, ok := obj.(*v1.Pod); ok {
				cw.done(pod)
			}
		},
	})
	return err
}

func asNode(obj any) *v1.Node {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	n, _ := obj.(*v1.Node)
	return n
}

// nodeUpdated activates the waiting pods for which the cordon of the node
// changes the spread's verdict (their plugin's queueing hint says so).
func (cw *cordonWatch) nodeUpdated(oldNode, newNode *v1.Node) {
	cw.observe(oldNode, newNode)
	if oldNode == nil || newNode == nil || oldNode.Spec.Unschedulable || !newNode.Spec.Unschedulable {
		return
	}
	byPlugin := map[*FailureDomainSpread]map[string]*v1.Pod{}
	for _, w := range cw.waiters() {
		if hint, err := w.pl.isSchedulableAfterNodeChange(cw.logger, w.pod, oldNode, newNode); err == nil && hint == fwk.Queue {
			if byPlugin[w.pl] == nil {
				byPlugin[w.pl] = map[string]*v1.Pod{}
			}
			byPlugin[w.pl][w.pod.Namespace+"/"+w.pod.Name] = w.pod
		}
	}
	for pl, pods := range byPlugin {
		cw.logger.V(3).Info("Node cordoned: retrying the replicas waiting for its domain", "plugin", Name, "node", klog.KObj(newNode), "pods", len(pods))
		pl.activate(cw.logger, pods)
	}
}

// observe records whether the node is cordoned (nil new: deleted).
func (cw *cordonWatch) observe(oldNode, newNode *v1.Node) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	switch {
	case newNode != nil && newNode.Spec.Unschedulable:
		cw.cordoned.Insert(newNode.Name)
	case newNode != nil:
		cw.cordoned.Delete(newNode.Name)
	case oldNode != nil:
		cw.cordoned.Delete(oldNode.Name)
	}
}

// cordonedNodes returns a copy of the cordoned nodes' names; nil when none
// (the usual case).
func (cw *cordonWatch) cordonedNodes() sets.Set[string] {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if cw.cordoned.Len() == 0 {
		return nil
	}
	return cw.cordoned.Clone()
}

// wait records a pod the plugin's Filter rejected a node for.
func (cw *cordonWatch) wait(pl *FailureDomainSpread, pod *v1.Pod) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	cw.waiting[pod.UID] = waiter{pod: pod, pl: pl}
}

// done forgets a pod that no longer waits (reserved, bound or deleted).
func (cw *cordonWatch) done(pod *v1.Pod) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	delete(cw.waiting, pod.UID)
}

func (cw *cordonWatch) waiters() []waiter {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	out := make([]waiter, 0, len(cw.waiting))
	for _, w := range cw.waiting {
		out = append(out, w)
	}
	return out
}
