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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/test/scale/result"
)

func TestMemoryGoals(t *testing.T) {
	r := results{
		profileDefault + "/5000Nodes/" + phaseUser: {
			throughput: {"Average": 50},
			heap:       {"Average": 900, "Max": 1200},
		},
		profileHA + "/5000Nodes/" + phaseUser: {
			throughput: {"Average": 100},
			heap:       {"Average": 1035, "Max": 1440},
		},
	}
	pm := phaseMemory{}
	for _, m := range []result.PhaseMemory{
		{Profile: profileDefault, Workload: "5000Nodes", Phase: phaseUser, Pods: 10000, SettledHeapMB: 400, AllocatedMB: 16000},
		{Profile: profileHA, Workload: "5000Nodes", Phase: phaseUser, Pods: 10000, SettledHeapMB: 460, AllocatedMB: 14400},
		// The ha case lost pods: per pod it allocates more.
		{Profile: profileDefault, Workload: "15000Nodes", Phase: phaseUser, Pods: 10000, SettledHeapMB: 1000, AllocatedMB: 20000},
		{Profile: profileHA, Workload: "15000Nodes", Phase: phaseUser, Pods: 5000, SettledHeapMB: 1040, AllocatedMB: 12000},
	} {
		pm[m.Profile+"/"+m.Workload+"/"+m.Phase] = m
	}
	var got []goal
	for _, g := range goals(r, nil, pm) {
		if strings.HasPrefix(g.name, "heap") || strings.HasPrefix(g.name, "bytes") {
			got = append(got, g)
		}
	}
	want := []goal{
		{name: "heap kept after the user phase (settled), ha ÷ default (5,000 nodes)", value: "1.15×", target: "≤ 1.1×", known: true},
		{name: "bytes allocated per user pod, ha ÷ default (5,000 nodes)", value: "0.90×", target: "≤ 1.1×", known: true, ok: true},
		{name: "heap kept after the user phase (settled), ha ÷ default (15,000 nodes)", value: "1.04×", target: "≤ 1.1×", known: true, ok: true},
		{name: "bytes allocated per user pod, ha ÷ default (15,000 nodes)", value: "1.20×", target: "≤ 1.1×", known: true},
		{name: "heap in flight during the user phase (HeapInuse avg), ha ÷ default (5,000 nodes)", value: "1.15×", target: "at 2.00× the pods/s", known: true, context: true},
		{name: "heap in flight during the user phase (HeapInuse max), ha ÷ default (5,000 nodes)", value: "1.20×", target: "at 2.00× the pods/s", known: true, context: true},
		{name: "heap in flight during the user phase (HeapInuse avg), ha ÷ default (15,000 nodes)", value: "–", target: "–", context: true},
		{name: "heap in flight during the user phase (HeapInuse max), ha ÷ default (15,000 nodes)", value: "–", target: "–", context: true},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(goal{})); diff != "" {
		t.Errorf("memory goals (-want +got):\n%s", diff)
	}

	var out strings.Builder
	if missed := printGoals(&out, got); missed != 2 {
		t.Errorf("printGoals counted %d missed goals, want 2 (context lines are not goals)\n%s", missed, out.String())
	}
}
