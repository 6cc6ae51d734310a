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

// TestDisruptionMinAvailableOf: a quorum is ⌊n/2⌋+1 of the members, for
// every group size an etcd cluster has; a fixed minimum does not depend on
// the size; quorum wins over minAvailable.
func TestDisruptionMinAvailableOf(t *testing.T) {
	// want[n] is the minimum for a group of n members, n = 0..7.
	tests := []struct {
		name string
		d    Disruption
		want []int
	}{
		{name: "quorum", d: Disruption{Quorum: true}, want: []int{1, 1, 2, 2, 3, 3, 4, 4}},
		{name: "quorum wins over minAvailable", d: Disruption{Quorum: true, MinAvailable: 5}, want: []int{1, 1, 2, 2, 3, 3, 4, 4}},
		{name: "minAvailable 1", d: Disruption{MinAvailable: 1}, want: []int{1, 1, 1, 1, 1, 1, 1, 1}},
		{name: "minAvailable 2", d: Disruption{MinAvailable: 2}, want: []int{2, 2, 2, 2, 2, 2, 2, 2}},
		{name: "minAvailable 3", d: Disruption{MinAvailable: 3}, want: []int{3, 3, 3, 3, 3, 3, 3, 3}},
		{name: "not controlled", d: Disruption{}, want: []int{0, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for n := 0; n <= 7; n++ {
				got = append(got, tt.d.MinAvailableOf(n))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("MinAvailableOf(0..7) (-want +got):\n%s", diff)
			}
		})
	}
}

// TestQuorumSurvivesMinorityLoss: losing the replicas the minimum allows
// never leaves etcd at or below half its members.
func TestQuorumSurvivesMinorityLoss(t *testing.T) {
	d := Disruption{Quorum: true}
	for n := 1; n <= 7; n++ {
		if min := d.MinAvailableOf(n); 2*min <= n || min > n {
			t.Errorf("quorum of %d members = %d: want more than half and at most all", n, min)
		}
	}
}

func TestDisruptionControlled(t *testing.T) {
	tests := []struct {
		name string
		d    Disruption
		want bool
	}{
		{name: "zero value", d: Disruption{}, want: false},
		{name: "minAvailable 0", d: Disruption{MinAvailable: 0}, want: false},
		{name: "negative minAvailable", d: Disruption{MinAvailable: -1}, want: false},
		{name: "minAvailable 1", d: Disruption{MinAvailable: 1}, want: true},
		{name: "minAvailable 3", d: Disruption{MinAvailable: 3}, want: true},
		{name: "quorum", d: Disruption{Quorum: true}, want: true},
		{name: "quorum and minAvailable", d: Disruption{Quorum: true, MinAvailable: 2}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Controlled(); got != tt.want {
				t.Errorf("Controlled() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDefaultComponentsControlled: the disruption-controlled components of
// SPEC §3 are exactly kube-controller-manager, kube-scheduler and etcd.
func TestDefaultComponentsControlled(t *testing.T) {
	var got []string
	for _, c := range Default().Components {
		if c.Disruption.Controlled() {
			got = append(got, c.Name)
		}
	}
	want := []string{"kube-controller-manager", "kube-scheduler", "etcd"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("controlled components (-want +got):\n%s", diff)
	}
	p := Default()
	if p.OtherTrusted.Disruption.Controlled() || p.UserWorkloads.Disruption.Controlled() {
		t.Errorf("other trusted pods or user workloads are disruption-controlled: %+v / %+v", p.OtherTrusted, p.UserWorkloads)
	}
}

// TestDisruptionGroupMinimum: the minimum is taken of the larger of the
// members and the owner's desired replicas.
func TestDisruptionGroupMinimum(t *testing.T) {
	type result struct{ Size, MinAvailable int }
	tests := []struct {
		name    string
		members int
		desired int
		d       Disruption
		want    result
	}{
		{name: "etcd, 3 members, owner unknown", members: 3, desired: -1, d: Disruption{Quorum: true}, want: result{3, 2}},
		{name: "etcd, 2 members left of 5 desired", members: 2, desired: 5, d: Disruption{Quorum: true}, want: result{5, 3}},
		{name: "etcd, 6 members of 5 desired (a rollout)", members: 6, desired: 5, d: Disruption{Quorum: true}, want: result{6, 4}},
		{name: "etcd, 1 member", members: 1, desired: -1, d: Disruption{Quorum: true}, want: result{1, 1}},
		{name: "etcd, 4 desired, none counted", members: 0, desired: 4, d: Disruption{Quorum: true}, want: result{4, 3}},
		{name: "scheduler, minAvailable 1 of 3", members: 3, desired: 3, d: Disruption{MinAvailable: 1}, want: result{3, 1}},
		{name: "minAvailable 2, 1 member of 1 desired", members: 1, desired: 1, d: Disruption{MinAvailable: 2}, want: result{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &DisruptionGroup{Members: tt.members, Owner: Owner{Kind: "StatefulSet", Name: "x", Desired: tt.desired}, Disruption: tt.d}
			if diff := cmp.Diff(tt.want, result{Size: g.Size(), MinAvailable: g.MinAvailable()}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
