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

package policy

import (
	"sync"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// ServiceIndex answers Services from a set of Service objects: the
// scheduler keeps one up to date from its informer, the checker builds one
// from what it listed. Each Service is indexed under one label of its
// selector, so a lookup costs the pod's labels and the few Services that
// share one of them, not every Service of the namespace. Safe for
// concurrent use.
type ServiceIndex struct {
	mu sync.RWMutex
	// byLabel: namespace → one label of the selector → Services.
	byLabel map[string]map[labelPair][]*indexedService
	// byUID locates a Service for updates and deletions.
	byUID map[types.UID]*indexedService
}

type labelPair struct{ key, value string }

type indexedService struct {
	namespace, name string
	selector        map[string]string
	// under is the label the Service is indexed under.
	under labelPair
}

// NewServiceIndex returns an empty index.
func NewServiceIndex() *ServiceIndex {
	return &ServiceIndex{byLabel: map[string]map[labelPair][]*indexedService{}, byUID: map[types.UID]*indexedService{}}
}

// Upsert records a Service, or its new selector. A Service without a
// selector selects no pod (as upstream's lister and the endpoints
// controller read it), so it is not indexed. It reports whether what the
// index answers may have changed.
func (ix *ServiceIndex) Upsert(svc *v1.Service) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old := ix.byUID[svc.UID]
	if old != nil && old.name == svc.Name && sameSelector(old.selector, svc.Spec.Selector) {
		return false
	}
	changed := ix.remove(svc.UID)
	if len(svc.Spec.Selector) == 0 {
		return changed
	}
	s := &indexedService{namespace: svc.Namespace, name: svc.Name, selector: svc.Spec.Selector}
	for k, v := range svc.Spec.Selector {
		if s.under.key == "" || k < s.under.key {
			s.under = labelPair{k, v}
		}
	}
	ns := ix.byLabel[svc.Namespace]
	if ns == nil {
		ns = map[labelPair][]*indexedService{}
		ix.byLabel[svc.Namespace] = ns
	}
	ns[s.under] = append(ns[s.under], s)
	ix.byUID[svc.UID] = s
	return true
}

// Delete forgets a Service; it reports whether it was indexed.
func (ix *ServiceIndex) Delete(svc *v1.Service) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.remove(svc.UID)
}

func (ix *ServiceIndex) remove(uid types.UID) bool {
	s := ix.byUID[uid]
	if s == nil {
		return false
	}
	delete(ix.byUID, uid)
	ns := ix.byLabel[s.namespace]
	list := ns[s.under]
	for i, e := range list {
		if e == s {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(ns, s.under)
		if len(ns) == 0 {
			delete(ix.byLabel, s.namespace)
		}
	} else {
		ns[s.under] = list
	}
	return true
}

// ServiceFor implements Services: the first Service by name whose selector
// selects the labels. No allocation.
func (ix *ServiceIndex) ServiceFor(namespace string, podLabels map[string]string) string {
	if ix == nil {
		return ""
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ns := ix.byLabel[namespace]
	if len(ns) == 0 {
		return ""
	}
	best := ""
	for k, v := range podLabels {
		for _, s := range ns[labelPair{k, v}] {
			if (best == "" || s.name < best) && selects(s.selector, podLabels) {
				best = s.name
			}
		}
	}
	return best
}

func selects(selector, podLabels map[string]string) bool {
	for k, v := range selector {
		if got, ok := podLabels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

func sameSelector(a, b map[string]string) bool {
	return len(a) == len(b) && selects(a, b)
}
