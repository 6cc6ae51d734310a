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

import "sync"

// lazyMap holds values computed once per key, on first use, by whichever
// of an attempt's parallel dry runs asks first. A dry run that asks for a
// key being computed waits for it (every dry run sees the same value);
// dry runs asking for other keys do not, and a value once computed is read
// without a lock (sync.Map: keys written once, read many times, by
// several goroutines). One lock held while computing serialised the
// parallel dry runs on every victim, group and budget (the attempt took
// up to twice upstream's time on two cores).
type lazyMap[K comparable, V any] struct {
	m sync.Map // K → *lazyValue[V]
}

type lazyValue[V any] struct {
	once sync.Once
	v    V
}

// get returns the key's value, computing it when nobody has.
func (l *lazyMap[K, V]) get(k K, compute func() V) V {
	e, ok := l.m.Load(k)
	if !ok {
		e, _ = l.m.LoadOrStore(k, &lazyValue[V]{})
	}
	lv := e.(*lazyValue[V])
	lv.once.Do(func() { lv.v = compute() })
	return lv.v
}
