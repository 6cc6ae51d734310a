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
)

func TestDomainOf(t *testing.T) {
	const region = LabelRegion
	full := map[string]string{region: "eu", LabelZone: "z1", LabelHostID: "h1", LabelHostname: "vm-1"}
	bare := map[string]string{}
	tests := []struct {
		name   string
		labels map[string]string
		// want: level -> domain.
		want map[string]string
	}{
		{
			name:   "every label present",
			labels: full,
			want:   map[string]string{region: "eu", LabelZone: "z1", LabelHostID: "h1", LabelHostname: "vm-1"},
		},
		{
			name:   "no labels: shared region and zone, own host and node",
			labels: bare,
			want:   map[string]string{region: UnlabelledZone, LabelZone: UnlabelledZone, LabelHostID: "node-1", LabelHostname: "node-1"},
		},
		{
			name:   "no host-id: the hostname label is the host",
			labels: map[string]string{LabelHostname: "vm-1"},
			want:   map[string]string{LabelHostID: "vm-1", LabelHostname: "vm-1"},
		},
		{
			name:   "empty values count as missing",
			labels: map[string]string{region: "", LabelZone: "", LabelHostID: "", LabelHostname: ""},
			want:   map[string]string{region: UnlabelledZone, LabelZone: Unlabelled, LabelHostID: "node-1", LabelHostname: "node-1"},
		},
		{
			name:   "a custom level an operator adds is shared when unlabelled, like the zone",
			labels: map[string]string{LabelHostname: "vm-1"},
			want:   map[string]string{"example.com/rack": UnlabelledZone, "example.com/room": Unlabelled},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for level := range tt.want {
				got[level] = DomainOf("node-1", tt.labels, level)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DomainOf per level (-want +got):\n%s", diff)
			}
		})
	}
}

// Two unlabelled nodes are in one region, so they are not two empty
// regions that would each outrank a labelled one.
func TestDomainOfUnlabelledNodesShareWideLevels(t *testing.T) {
	for _, level := range []string{LabelRegion, LabelZone, "example.com/rack"} {
		a, b := DomainOf("node-a", nil, level), DomainOf("node-b", nil, level)
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("%s: two unlabelled nodes in different domains (-a +b):\n%s", level, diff)
		}
	}
}
