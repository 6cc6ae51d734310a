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
	"strings"
	"testing"

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
	if got, err := Read[*stateA](cs, "a"); err != nil || got.n != 7 {
		t.Fatalf("Read a = %v, %v", got, err)
	}
	if _, err := Read[*stateA](cs, "b"); err == nil || !strings.Contains(err.Error(), `"b" holds *cyclestate.stateB`) {
		t.Errorf("wrong type: err = %v", err)
	}
	if _, err := Read[*stateA](cs, "missing"); err == nil || !strings.Contains(err.Error(), `reading "missing"`) {
		t.Errorf("missing key: err = %v", err)
	}
}
