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

// Package services keeps the scheduler's index of Services
// (policy.ServiceIndex), which groups the pods without a controller that a
// Service selects (policy.GroupOf). One per informer factory, shared by
// every plugin of every profile.
package services

import (
	"context"
	"maps"

	v1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/shared"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Shared returns the factory's Service index, fed by its Service informer.
func Shared(ctx context.Context, f informers.SharedInformerFactory) (*policy.ServiceIndex, error) {
	return shared.Get(ctx, f, "serviceindex", func() (*policy.ServiceIndex, error) {
		ix := policy.NewServiceIndex()
		_, err := f.Core().V1().Services().Informer().AddEventHandler(Handler(ix, nil))
		return ix, err
	})
}

// Handler feeds ix from the Service informer and, when changed is not nil,
// calls it, after ix is updated, with the namespace of each Service added,
// deleted or whose selector changed: the groups of that namespace's pods
// may have changed. Several handlers may feed one index (Upsert and Delete
// are idempotent); each is told of every change.
func Handler(ix *policy.ServiceIndex, changed func(namespace string)) cache.ResourceEventHandler {
	notify := func(svc *v1.Service) {
		if changed != nil && len(svc.Spec.Selector) > 0 {
			changed(svc.Namespace)
		}
	}
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) {
			if svc, ok := obj.(*v1.Service); ok {
				ix.Upsert(svc)
				notify(svc)
			}
		},
		UpdateFunc: func(oldObj, newObj any) {
			oldSvc, ok1 := oldObj.(*v1.Service)
			newSvc, ok2 := newObj.(*v1.Service)
			if !ok1 || !ok2 {
				return
			}
			ix.Upsert(newSvc)
			if !maps.Equal(oldSvc.Spec.Selector, newSvc.Spec.Selector) {
				if len(newSvc.Spec.Selector) == 0 {
					newSvc = oldSvc // selects nothing now: what it selected is regrouped
				}
				notify(newSvc)
			}
		},
		DeleteFunc: func(obj any) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if svc, ok := obj.(*v1.Service); ok {
				ix.Delete(svc)
				notify(svc)
			}
		},
	}
}
