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
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLazyMapComputesEachKeyOnce: many dry runs asking for the same keys
// get one value per key, computed once.
func TestLazyMapComputesEachKeyOnce(t *testing.T) {
	var l lazyMap[string, *int]
	var computed atomic.Int32
	keys := []string{"a", "b", "c"}
	got := make([][]*int, 16)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			for _, k := range keys {
				got[i] = append(got[i], l.get(k, func() *int {
					computed.Add(1)
					return new(int)
				}))
			}
		})
	}
	wg.Wait()
	if n := computed.Load(); n != int32(len(keys)) {
		t.Errorf("computed %d values, want one per key (%d)", n, len(keys))
	}
	for i := range got {
		for j := range keys {
			if got[i][j] != got[0][j] {
				t.Errorf("dry run %d got another value for key %q than dry run 0", i, keys[j])
			}
		}
	}
	if diff := cmp.Diff(keys, sortedKeys(&l)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

// TestLazyMapComputesKeysConcurrently: a key being computed does not hold
// up another: a's computation finishes only once b's value was returned,
// which a lock held while computing would deadlock (the test would hang).
func TestLazyMapComputesKeysConcurrently(t *testing.T) {
	var l lazyMap[string, int]
	aStarted, bReturned := make(chan struct{}), make(chan struct{})
	a := make(chan int)
	go func() {
		a <- l.get("a", func() int {
			close(aStarted)
			<-bReturned
			return 1
		})
	}()
	<-aStarted
	if got := l.get("b", func() int { return 2 }); got != 2 {
		t.Errorf("b = %d, want 2", got)
	}
	close(bReturned)
	if got := <-a; got != 1 {
		t.Errorf("a = %d, want 1", got)
	}
}

func sortedKeys[V any](l *lazyMap[string, V]) []string {
	keys := l.keys()
	slices.Sort(keys)
	return keys
}

// keys are the keys asked for so far (the tests read which victims an
// attempt computed).
func (l *lazyMap[K, V]) keys() []K {
	var out []K
	l.m.Range(func(k, _ any) bool {
		out = append(out, k.(K))
		return true
	})
	return out
}
