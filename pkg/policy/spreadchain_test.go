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
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
)

func TestDomainPaths(t *testing.T) {
	var ps DomainPaths
	path := []string{"a", "h1"}
	ps.Insert(path)
	path[1] = "h2" // Insert copied it
	ps.Insert(path)
	ps.Insert([]string{"a", "h1"})
	want := [][]string{{"a", "h1"}, {"a", "h2"}}
	if diff := cmp.Diff(want, ps.Paths()); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	var one DomainPaths
	one.Insert([]string{"z"})
	one.Insert([]string{"z"})
	if diff := cmp.Diff([][]string{{"z"}}, one.Paths()); diff != "" {
		t.Errorf("single-level paths (-want +got):\n%s", diff)
	}
}

func TestChainEmptiest(t *testing.T) {
	node := func(name, zone, host string) *v1.Node {
		return st.MakeNode().Name(name).Label(LabelZone, zone).Label(LabelHostID, host).Obj()
	}
	levels := []string{LabelZone, LabelHostID}
	tests := []struct {
		name string
		// eligible are the nodes whose paths count; replicas the group's
		// replicas per domain at each level.
		eligible []*v1.Node
		replicas []map[string]int
		want     []Emptiest
	}{
		{
			name:     "no eligible node: nothing to balance against",
			replicas: []map[string]int{{"a": 1}, {"h1": 1}},
			want:     []Emptiest{{}, {}},
		},
		{
			name:     "empty cluster: first domain by name",
			eligible: []*v1.Node{node("n2", "b", "h2"), node("n1", "a", "h1")},
			replicas: []map[string]int{{}, {}},
			want:     []Emptiest{{Domain: "a"}, {Domain: "h1"}},
		},
		{
			name: "emptiest host within the emptiest zone, not the emptiest host overall",
			eligible: []*v1.Node{
				node("n1", "a", "h1"), node("n2", "a", "h2"),
				node("n3", "b", "h3"), node("n4", "b", "h4"),
			},
			// Zone a holds 2 (h1: 1, h2: 1), zone b 3 (h3: 3, h4: 0):
			// h4 is emptiest overall, but zone b is not admitted.
			replicas: []map[string]int{{"a": 2, "b": 3}, {"h1": 1, "h2": 1, "h3": 3}},
			want:     []Emptiest{{Domain: "a", Replicas: 2}, {Domain: "h1", Replicas: 1}},
		},
		{
			name: "ties at the wide level admit every tied zone",
			eligible: []*v1.Node{
				node("n1", "a", "h1"), node("n2", "b", "h2"), node("n3", "c", "h3"),
			},
			replicas: []map[string]int{{"a": 1, "b": 1, "c": 2}, {"h1": 1, "h2": 1, "h3": 2}},
			want:     []Emptiest{{Domain: "a", Replicas: 1}, {Domain: "h1", Replicas: 1}},
		},
		{
			name: "ineligible domains are not the emptiest",
			eligible: []*v1.Node{
				node("n1", "a", "h1"), node("n2", "a", "h2"),
			},
			// Zone b is empty but has no eligible node.
			replicas: []map[string]int{{"a": 2}, {"h1": 1, "h2": 1}},
			want:     []Emptiest{{Domain: "a", Replicas: 2}, {Domain: "h1", Replicas: 1}},
		},
		{
			name:     "nodes of one host share a path",
			eligible: []*v1.Node{node("n1", "a", "h1"), node("n2", "a", "h1"), node("n3", "a", "h2")},
			replicas: []map[string]int{{"a": 3}, {"h1": 2, "h2": 1}},
			want:     []Emptiest{{Domain: "a", Replicas: 3}, {Domain: "h2", Replicas: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps DomainPaths
			path := make([]string, len(levels))
			for _, n := range tt.eligible {
				for i, l := range levels {
					path[i] = DomainOf(n.Name, n.Labels, l)
				}
				ps.Insert(path)
			}
			got := make([]Emptiest, len(levels))
			calls := 0
			ChainEmptiest(len(levels), ps.Paths(),
				func(i int) map[string]int { return tt.replicas[i] },
				func(i int, e Emptiest) {
					if i != calls {
						t.Errorf("level %d reported out of order (want %d)", i, calls)
					}
					calls++
					got[i] = e
				})
			if calls != len(levels) {
				t.Errorf("%d levels reported, want %d", calls, len(levels))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("emptiest (-want +got):\n%s", diff)
			}
		})
	}
}
