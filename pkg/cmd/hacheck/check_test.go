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

package hacheck

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// The flag decides; left to auto, a policy of the profile
// default-scheduler (the replacement configuration) expects ha-scheduler.
func TestSchedulerExpectation(t *testing.T) {
	replacement := &policysource.Found{Source: "file manifests/replacement/config.yaml, profile default-scheduler", Result: &policysource.Result{Profile: "default-scheduler"}}
	secondary := &policysource.Found{Source: "ConfigMap kube-system/ha-scheduler-config-abc, profile ha-scheduler", Result: &policysource.Result{Profile: "ha-scheduler"}}
	defaultPolicy := &policysource.Found{Source: "default policy (no ha-scheduler configuration found)", Result: &policysource.Result{}}
	type result struct {
		Expect audit.SchedulerExpectation
		Reason string
	}
	tests := []struct {
		name   string
		expect audit.SchedulerExpectation
		src    *policysource.Found
		want   result
	}{
		{name: "auto, replacement configuration", expect: audit.ExpectAuto, src: replacement,
			want: result{audit.ExpectHA, "replacement mode: the policy is file manifests/replacement/config.yaml, profile default-scheduler"}},
		{name: "auto, secondary configuration", expect: audit.ExpectAuto, src: secondary, want: result{Expect: audit.ExpectAuto}},
		{name: "auto, default policy", expect: audit.ExpectAuto, src: defaultPolicy, want: result{Expect: audit.ExpectAuto}},
		{name: "stock, replacement configuration", expect: audit.ExpectStock, src: replacement,
			want: result{audit.ExpectStock, "--expect-control-plane-scheduler=stock"}},
		{name: "ha-scheduler, default policy", expect: audit.ExpectHA, src: defaultPolicy,
			want: result{audit.ExpectHA, "--expect-control-plane-scheduler=ha-scheduler"}},
		{name: "any, replacement configuration", expect: audit.ExpectAny, src: replacement, want: result{Expect: audit.ExpectAny}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got result
			got.Expect, got.Reason = schedulerExpectation(tc.expect, tc.src)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
