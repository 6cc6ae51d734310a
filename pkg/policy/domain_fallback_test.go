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
	st "k8s.io/kubernetes/pkg/scheduler/testing"
)

// TestDomainOfFallbacks: the fallbacks topology_test.go does not cover.
// Only the host falls back (to the hostname, then the node name); no other
// level borrows a neighbour's label.
func TestDomainOfFallbacks(t *testing.T) {
	levels := []string{LabelRegion, LabelZone, LabelHostID, LabelHostname}
	tests := []struct {
		name   string
		labels map[string]string
		want   []string // per level, as in levels
	}{
		{
			name:   "empty host-id, hostname label set: the hostname label is the host",
			labels: map[string]string{LabelZone: "z1", LabelHostID: "", LabelHostname: "vm-1"},
			want:   []string{Unlabelled, "z1", "vm-1", "vm-1"},
		},
		{
			name:   "host-id set, no hostname label: the node name is the node, the host-id the host",
			labels: map[string]string{LabelZone: "z1", LabelHostID: "h1"},
			want:   []string{Unlabelled, "z1", "h1", "node-1"},
		},
		{
			name:   "host-id set, empty hostname label: the node name",
			labels: map[string]string{LabelHostID: "h1", LabelHostname: ""},
			want:   []string{Unlabelled, Unlabelled, "h1", "node-1"},
		},
		{
			name:   "region but no zone: the zone is the shared unlabelled zone, not the region",
			labels: map[string]string{LabelRegion: "eu", LabelHostname: "vm-1"},
			want:   []string{"eu", Unlabelled, "vm-1", "vm-1"},
		},
		{
			name:   "host-id but no zone: the zone is not the host",
			labels: map[string]string{LabelHostID: "h1", LabelHostname: "vm-1"},
			want:   []string{Unlabelled, Unlabelled, "h1", "vm-1"},
		},
		{
			name:   "zone but no region: the region is not the zone",
			labels: map[string]string{LabelZone: "z1"},
			want:   []string{Unlabelled, "z1", "node-1", "node-1"},
		},
		{
			name:   "hostname label differs from the node name: the label wins",
			labels: map[string]string{LabelHostname: "vm-1.example"},
			want:   []string{Unlabelled, Unlabelled, "vm-1.example", "vm-1.example"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node := st.MakeNode().Name("node-1").Obj()
			node.Labels = tt.labels
			var got []string
			for _, level := range levels {
				got = append(got, DomainOf(node.Name, node.Labels, level))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DomainOf per level %v (-want +got):\n%s", levels, diff)
			}
		})
	}
}

// TestDomainOfHostsWithoutHostID: two VMs without host-id are two hosts,
// two VMs with one host-id are one host.
func TestDomainOfHostsWithoutHostID(t *testing.T) {
	a := DomainOf("vm-a", map[string]string{LabelHostname: "vm-a"}, LabelHostID)
	b := DomainOf("vm-b", map[string]string{LabelHostname: "vm-b"}, LabelHostID)
	if a == b {
		t.Errorf("two nodes without host-id share the host %q", a)
	}
	c := DomainOf("vm-c", map[string]string{LabelHostID: "hv-1", LabelHostname: "vm-c"}, LabelHostID)
	d := DomainOf("vm-d", map[string]string{LabelHostID: "hv-1", LabelHostname: "vm-d"}, LabelHostID)
	if c != d {
		t.Errorf("two VMs on host-id hv-1 are on hosts %q and %q", c, d)
	}
}
