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
)

// TestSpreadReason: Filter's reason for a domain too full names the level,
// the group and the emptiest eligible domain with its replicas, never the
// node or its own domain (one reason per level and cycle, which the
// scheduler aggregates over the nodes it rejects).
func TestSpreadReason(t *testing.T) {
	for _, tt := range []struct {
		name                   string
		group, level, emptiest string
		replicas               int
		want                   string
	}{
		{
			name: "host level", group: "kube-system/kube-scheduler", level: hostIDKey, emptiest: "b", replicas: 0,
			want: "node(s) whose topology.scs.community/host-id domain holds more replicas of kube-system/kube-scheduler than the emptiest eligible one (topology.scs.community/host-id=b holds 0)",
		},
		{
			name: "zone level, a user group", group: "shop/app=web", level: zoneKey, emptiest: "z3", replicas: 2,
			want: "node(s) whose topology.kubernetes.io/zone domain holds more replicas of shop/app=web than the emptiest eligible one (topology.kubernetes.io/zone=z3 holds 2)",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, spreadReason(tt.group, tt.level, tt.emptiest, tt.replicas)); diff != "" {
				t.Errorf("reason (-want +got):\n%s", diff)
			}
		})
	}
}
