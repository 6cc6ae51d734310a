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

package topology

import (
	"fmt"
	"testing"

	v1 "k8s.io/api/core/v1"
)

// BenchmarkOf is the lookup every Filter and Score makes per node, by the
// parallel goroutines of a cycle, on an index of that many nodes.
func BenchmarkOf(b *testing.B) {
	for _, size := range []int{5000, 15000} {
		b.Run(fmt.Sprintf("nodes=%d", size), func(b *testing.B) {
			ix := New(levels)
			nodes := make([]*v1.Node, size)
			for i := range nodes {
				nodes[i] = vm(fmt.Sprintf("node-%05d", i), fmt.Sprintf("z%d", i%3), fmt.Sprintf("h%d", i/8)).Obj()
				ix.upsert(nodes[i])
			}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if ix.Of(nodes[i]) == nil {
						b.Fatal("no record")
					}
					i = (i + 7919) % size
				}
			})
		})
	}
}
