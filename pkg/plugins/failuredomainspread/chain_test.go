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

package failuredomainspread

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// TestLevelReasons: Filter's reason at each required level is formatted
// from the level's emptiest domain, again whenever the emptiest domain or
// its count changes (dry runs re-chain per victim), and is empty while no
// domain is eligible; a clone is the dry run's own.
func TestLevelReasons(t *testing.T) {
	const group = "kube-system/kube-scheduler"
	// Levels zone, host-id, hostname; zone and host-id required.
	filter := func(emptiest ...policy.Emptiest) *policy.SpreadFilter {
		return &policy.SpreadFilter{Levels: []string{zoneKey, hostIDKey, policy.LabelHostname}, Required: []int{0, 1}, Emptiest: emptiest}
	}
	zoneReason := func(zone string, n int) string { return rejected(zoneKey, group, zone, n).Message() }
	hostReason := func(host string, n int) string { return rejected(hostIDKey, group, host, n).Message() }
	var r levelReasons
	for _, step := range []struct {
		name     string
		emptiest []policy.Emptiest
		want     []string
	}{
		{name: "no eligible domain", emptiest: []policy.Emptiest{{}, {}}, want: []string{"", ""}},
		{name: "the emptiest zone and host", emptiest: []policy.Emptiest{{Domain: "z1", Replicas: 1}, {Domain: "a", Replicas: 0}}, want: []string{zoneReason("z1", 1), hostReason("a", 0)}},
		{name: "unchanged", emptiest: []policy.Emptiest{{Domain: "z1", Replicas: 1}, {Domain: "a", Replicas: 0}}, want: []string{zoneReason("z1", 1), hostReason("a", 0)}},
		{name: "the emptiest host's count changed", emptiest: []policy.Emptiest{{Domain: "z1", Replicas: 1}, {Domain: "a", Replicas: 1}}, want: []string{zoneReason("z1", 1), hostReason("a", 1)}},
		{name: "another emptiest zone", emptiest: []policy.Emptiest{{Domain: "z2", Replicas: 1}, {Domain: "a", Replicas: 1}}, want: []string{zoneReason("z2", 1), hostReason("a", 1)}},
		{name: "no eligible host any more", emptiest: []policy.Emptiest{{Domain: "z2", Replicas: 1}, {}}, want: []string{zoneReason("z2", 1), ""}},
	} {
		r.update(group, filter(step.emptiest...))
		if diff := cmp.Diff(step.want, r.reasons); diff != "" {
			t.Errorf("%s: reasons (-want +got):\n%s", step.name, diff)
		}
	}
	// A dry run updates its clone; the cycle's reasons stay.
	c := r.clone()
	c.update(group, filter(policy.Emptiest{Domain: "z3", Replicas: 0}, policy.Emptiest{Domain: "b", Replicas: 0}))
	if diff := cmp.Diff([]string{zoneReason("z3", 0), hostReason("b", 0)}, c.reasons); diff != "" {
		t.Errorf("the clone's reasons (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{zoneReason("z2", 1), ""}, r.reasons); diff != "" {
		t.Errorf("the cycle's reasons after a dry run (-want +got):\n%s", diff)
	}
}
