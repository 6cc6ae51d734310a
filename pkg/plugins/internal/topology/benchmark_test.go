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
			ix, nodes := benchIndex(size)
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

// BenchmarkOfWhileNodesChange is BenchmarkOf while nodes change: one
// change for every 5,000 lookups, about what a 15,000-node cluster does
// when each node reports its status once in 5 minutes (50 changes a
// second) and the scheduler places 150 pods a second, looking 750 nodes up
// three times each (WorkloadSeparation's Filter, FailureDomainSpread's
// Filter and Score). Each parallel goroutine makes a change after its own
// 5,000 lookups, as the informer's handler does, so ns/op holds what a
// change costs whoever pays for it.
func BenchmarkOfWhileNodesChange(b *testing.B) {
	const lookupsPerChange = 5000
	for _, size := range []int{5000, 15000} {
		b.Run(fmt.Sprintf("nodes=%d", size), func(b *testing.B) {
			ix, nodes := benchIndex(size)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i, ops := 0, 0
				for pb.Next() {
					if ops++; ops%lookupsPerChange == 0 {
						// A status update: a new object for the same
						// record. Its version stays the lookups' (a
						// snapshot that lags makes a fresh record,
						// which TestOf covers; here it would make every
						// later lookup of the node do so).
						ix.upsert(nodes[i].DeepCopy())
					}
					if ix.Of(nodes[i]) == nil {
						b.Fatal("no record")
					}
					i = (i + 7919) % size
				}
			})
		})
	}
}

// benchIndex is an index of size VMs, 8 per host, hosts over 3 zones, the
// informer's initial list published.
func benchIndex(size int) (*Index, []*v1.Node) {
	ix := New(levels)
	nodes := make([]*v1.Node, size)
	for i := range nodes {
		nodes[i] = vm(fmt.Sprintf("node-%05d", i), fmt.Sprintf("z%d", i%3), fmt.Sprintf("h%d", i/8)).Obj()
		ix.upsert(nodes[i])
	}
	ix.publish()
	return ix, nodes
}
