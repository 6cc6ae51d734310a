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

package disruptionguard

import (
	"context"

	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/shared"
)

// inFlightTTL bounds how long a victim we chose counts as lost without any
// sign of it in the API. Preemption is asynchronous (1.37): the victims of a
// preemptor are deleted by a goroutine after PostFilter returns, so the next
// scheduling cycles still see them Ready. Within seconds the executor has
// marked them (DisruptionTarget condition) and deleted them, which our other
// checks see; the TTL only matters when that failed, and then the victim is
// alive again and must count as available again.
const inFlightTTL = 2 * time.Minute

// inFlight records the victims this plugin chose and that may not be gone
// yet. Upstream's Executor tracks preemptors (IsPodRunningPreemption), not
// victims, so it cannot tell whether a pod is about to be deleted.
type inFlight struct {
	mu    sync.Mutex
	now   func() time.Time
	until map[types.UID]time.Time
}

// sharedInFlight returns the record of the informer factory, shared by the
// guards of every profile: a victim one profile's preemption chose is lost
// to all of them. Victims leave it when they are gone.
func sharedInFlight(ctx context.Context, f informers.SharedInformerFactory) (*inFlight, error) {
	return shared.Get(ctx, f, "inflight", func() (*inFlight, error) {
		fl := newInFlight()
		_, err := f.Core().V1().Pods().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{DeleteFunc: fl.forget})
		return fl, err
	})
}

func newInFlight() *inFlight {
	return &inFlight{now: time.Now, until: map[types.UID]time.Time{}}
}

// add records pods as chosen victims.
func (f *inFlight) add(pods []*v1.Pod) {
	if len(pods) == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	// Purge here rather than with a timer: the map holds a handful of
	// entries and is touched on every preemption.
	for uid, t := range f.until {
		if now.After(t) {
			delete(f.until, uid)
		}
	}
	for _, p := range pods {
		f.until[p.UID] = now.Add(inFlightTTL)
	}
}

// snapshot returns the victims chosen and not yet gone, as a set: an
// attempt reads them once.
func (f *inFlight) snapshot() sets.Set[types.UID] {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	out := sets.New[types.UID]()
	for uid, t := range f.until {
		if !now.After(t) {
			out.Insert(uid)
		}
	}
	return out
}

// forget drops a pod that is gone.
func (f *inFlight) forget(obj any) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	pod, ok := obj.(*v1.Pod)
	if !ok {
		return
	}
	f.mu.Lock()
	delete(f.until, pod.UID)
	f.mu.Unlock()
}

func (f *inFlight) len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.until)
}
