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

package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker"
)

// The flag decides; left to auto, a policy of the profile
// default-scheduler (the replacement configuration) expects ha-scheduler.
func TestSchedulerExpectation(t *testing.T) {
	replacement := &policySource{text: "file manifests/replacement/config.yaml, profile default-scheduler", profile: "default-scheduler"}
	secondary := &policySource{text: "ConfigMap kube-system/ha-scheduler-config-abc, profile ha-scheduler", profile: "ha-scheduler"}
	defaultPolicy := &policySource{text: "default policy (no ha-scheduler configuration found)"}
	type result struct {
		Expect checker.SchedulerExpectation
		Reason string
	}
	tests := []struct {
		name   string
		expect checker.SchedulerExpectation
		src    *policySource
		want   result
	}{
		{name: "auto, replacement configuration", expect: checker.ExpectAuto, src: replacement,
			want: result{checker.ExpectHA, "replacement mode: the policy is file manifests/replacement/config.yaml, profile default-scheduler"}},
		{name: "auto, secondary configuration", expect: checker.ExpectAuto, src: secondary, want: result{Expect: checker.ExpectAuto}},
		{name: "auto, default policy", expect: checker.ExpectAuto, src: defaultPolicy, want: result{Expect: checker.ExpectAuto}},
		{name: "stock, replacement configuration", expect: checker.ExpectStock, src: replacement,
			want: result{checker.ExpectStock, "--expect-control-plane-scheduler=stock"}},
		{name: "ha-scheduler, default policy", expect: checker.ExpectHA, src: defaultPolicy,
			want: result{checker.ExpectHA, "--expect-control-plane-scheduler=ha-scheduler"}},
		{name: "any, replacement configuration", expect: checker.ExpectAny, src: replacement, want: result{Expect: checker.ExpectAny}},
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
