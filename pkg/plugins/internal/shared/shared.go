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

// Package shared holds the state that the plugins of every profile of one
// scheduler share: the role index, the replica index of each policy, the
// record of preemption victims in flight. Each is built once per informer
// factory (the scheduler has one for all its profiles), with one set of
// informer handlers, so that a pod reserved by one profile is seen by the
// next cycle of any other, and a victim chosen by one profile's preemption
// is lost to every profile's guard.
//
// Keying by the factory rather than keeping process globals keeps unit
// tests, which build a factory each, apart from each other. A factory's
// values are dropped when the context its scheduler gave the plugins ends:
// the values hold the factory's informers, with every pod and node of the
// cluster, so a process that builds scheduler after scheduler (tests, the
// scale benchmark) would otherwise keep every earlier cluster in memory.
package shared

import (
	"context"
	"fmt"
	"sync"

	"k8s.io/client-go/informers"
)

type key struct {
	factory informers.SharedInformerFactory
	name    string
}

var (
	mu     sync.Mutex
	values = map[key]any{}
	// released holds the factories whose values are dropped when their
	// context ends.
	released = map[informers.SharedInformerFactory]bool{}
)

// Get returns the value named name for the factory, building it with build
// the first time (build registers its informer handlers). A build error is
// not remembered: the next plugin to ask tries again. ctx is the context
// the scheduler gives its plugins' factories, which lives as long as the
// scheduler: when it ends, every value of the factory is dropped.
func Get[T any](ctx context.Context, factory informers.SharedInformerFactory, name string, build func() (T, error)) (T, error) {
	if factory == nil {
		var zero T
		return zero, fmt.Errorf("shared state %q: the framework handle has no informer factory", name)
	}
	mu.Lock()
	defer mu.Unlock()
	k := key{factory: factory, name: name}
	if v, ok := values[k]; ok {
		t, ok := v.(T)
		if !ok {
			var zero T
			return zero, fmt.Errorf("shared state %q is a %T, not a %T", name, v, zero)
		}
		return t, nil
	}
	v, err := build()
	if err != nil {
		return v, err
	}
	values[k] = v
	if !released[factory] {
		released[factory] = true
		context.AfterFunc(ctx, func() { release(factory) })
	}
	return v, nil
}

// release drops every value of the factory.
func release(factory informers.SharedInformerFactory) {
	mu.Lock()
	defer mu.Unlock()
	for k := range values {
		if k.factory == factory {
			delete(values, k)
		}
	}
	delete(released, factory)
}
