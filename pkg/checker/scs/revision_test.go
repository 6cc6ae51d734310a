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

package scs

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
)

func TestParseSCSRevision(t *testing.T) {
	const valid = "valid revisions of scs-0214 are v2-2026-04 (revised 2026-04-28, current, the default), v2-2024-11 (stable 2024-11-21), v2-draft (draft, host-id required)"
	tests := []struct {
		in      string
		want    v1alpha1.SCSRevision
		wantErr string
	}{
		{in: "", want: v1alpha1.SCSRevisionV2Revised},
		{in: "v2-2026-04", want: v1alpha1.SCSRevisionV2Revised},
		{in: "v2-2024-11", want: v1alpha1.SCSRevisionV2Stable},
		{in: "v2-draft", want: v1alpha1.SCSRevisionV2Draft},
		{in: "V2-DRAFT", wantErr: `unknown SCS revision "V2-DRAFT": ` + valid},
		{in: "current", wantErr: `unknown SCS revision "current": ` + valid},
		{in: "scs-0214-v2", wantErr: `unknown SCS revision "scs-0214-v2": ` + valid},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, gotErr); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("revision (-want +got):\n%s", diff)
			}
		})
	}
}
