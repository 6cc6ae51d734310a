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

package cyclestate

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

type stateA struct{ n int }

func (s *stateA) Clone() fwk.StateData { return s }

type stateB struct{}

func (s *stateB) Clone() fwk.StateData { return s }

func TestRead(t *testing.T) {
	cs := framework.NewCycleState()
	cs.Write("a", &stateA{n: 7})
	cs.Write("b", &stateB{})

	got, err := Read[*stateA](cs, "a")
	require.NoError(t, err)
	if diff := cmp.Diff(7, got.n); diff != "" {
		t.Errorf("state a (-want +got):\n%s", diff)
	}

	for _, tt := range []struct {
		name    string
		key     fwk.StateKey
		wantErr string
		// notFound: the error wraps fwk.ErrNotFound.
		notFound bool
	}{
		{name: "another type under the key", key: "b", wantErr: `cycleState "b" holds *cyclestate.stateB, want *cyclestate.stateA`},
		{name: "no state under the key", key: "missing", wantErr: `reading "missing" from cycleState: not found`, notFound: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read[*stateA](cs, tt.key)
			require.Error(t, err)
			require.Nil(t, got)
			if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.notFound, errors.Is(err, fwk.ErrNotFound)); diff != "" {
				t.Errorf("wraps fwk.ErrNotFound (-want +got):\n%s", diff)
			}
		})
	}
}
