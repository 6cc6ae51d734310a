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

package manifests

import (
	"fmt"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// BenchmarkReservedNodesParamLookup measures what the reserved-nodes
// admission policy costs a kube-apiserver per request it matches (pod
// CREATE and pods/binding in an untrusted namespace), per binding: the
// admission plugin collects a binding's params by listing its Node
// informer's cache with the binding's label selector
// (k8s.io/apiserver .../policy/generic.CollectParams: cache.ListAll over
// every Node), before the policy's matchConditions run. Three control-plane
// nodes among N, nodes with the labels a cloud node carries.
//
//	go test ./test/manifests -run '^$' -bench ReservedNodesParamLookup -benchtime 1000x -count 3
func BenchmarkReservedNodesParamLookup(b *testing.B) {
	for _, n := range []int{500, 5000, 15000} {
		idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
		for i := 0; i < n; i++ {
			labels := map[string]string{
				v1.LabelHostname: fmt.Sprint("node-", i), policy.LabelZone: fmt.Sprint("zone-", i%3), policy.LabelRegion: "region-1",
				policy.LabelHostID: fmt.Sprint("host-", i/4), v1.LabelOSStable: "linux", v1.LabelArchStable: "amd64",
				v1.LabelInstanceTypeStable: "m5.large", "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64",
			}
			if i < 3 {
				labels[policy.LabelControlPlane] = ""
			}
			if err := idx.Add(&v1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint("node-", i), Labels: labels}}); err != nil {
				b.Fatal(err)
			}
		}
		// The control-plane binding's paramRef.selector.
		sel, err := metav1.LabelSelectorAsSelector(&metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: policy.LabelControlPlane, Operator: metav1.LabelSelectorOpExists},
		}})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n, " nodes"), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				params := 0
				if err := cache.ListAll(idx, sel, func(any) { params++ }); err != nil || params != 3 {
					b.Fatalf("%d params, error %v", params, err)
				}
			}
		})
	}
}
