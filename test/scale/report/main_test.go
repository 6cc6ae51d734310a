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
		// Default ran 200 s, ha 100 s, both with 2 MB/s of idle background:
		// net of it, 15,600 and 14,200 MB of work for the same pods.
		{Profile: profileDefault, Workload: "5000Nodes", Phase: phaseUser, Pods: 10000, SettledHeapMB: 400, AllocatedMB: 16000, Seconds: 200, IdleAllocMBPerSecond: 2},
		{Profile: profileHA, Workload: "5000Nodes", Phase: phaseUser, Pods: 10000, SettledHeapMB: 460, AllocatedMB: 14400, Seconds: 100, IdleAllocMBPerSecond: 2},
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
		{name: "heap kept after the user phase (settled), ha ÷ default (5,000 nodes)", value: "1.15× (+60 MB)", target: "≤ 1.1×", known: true},
		{name: "bytes allocated per user pod, net of the idle background, ha ÷ default (5,000 nodes)", value: "0.91×", target: "≤ 1.1×", known: true, ok: true},
		{name: "heap kept after the user phase (settled), ha ÷ default (15,000 nodes)", value: "1.04× (+40 MB)", target: "≤ 1.1×", known: true, ok: true},
		{name: "bytes allocated per user pod, net of the idle background, ha ÷ default (15,000 nodes)", value: "1.20×", target: "≤ 1.1×", known: true},
		{name: "heap in flight during the user phase (HeapInuse avg), ha ÷ default (5,000 nodes), ha at 2.00× the pods/s", value: "1.15×", target: "–", known: true, context: true},
		{name: "heap in flight during the user phase (HeapInuse max), ha ÷ default (5,000 nodes), ha at 2.00× the pods/s", value: "1.20×", target: "–", known: true, context: true},
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

// TestUserPhaseRatioNeedsPodsOnBothSides: a user phase that bound no pod gives no
// ratio, not 0× (which would pass an at-most goal).
func TestUserPhaseRatioNeedsPodsOnBothSides(t *testing.T) {
	for _, tc := range []struct {
		name           string
		haPods, dfPods int
		wantOK         bool
	}{
		{name: "both bound pods", haPods: 1000, dfPods: 1000, wantOK: true},
		{name: "ha bound none", haPods: 0, dfPods: 1000},
		{name: "default bound none", haPods: 1000, dfPods: 0},
	} {
		pm := phaseMemory{
			profileHA + "/500Nodes/" + phaseUser:      {Pods: tc.haPods, AllocatedMB: 900},
			profileDefault + "/500Nodes/" + phaseUser: {Pods: tc.dfPods, AllocatedMB: 900},
		}
		if _, ok := userPhaseRatio(pm, "500Nodes", allocatedPerPod); ok != tc.wantOK {
			t.Errorf("%s: userPhaseRatio ok = %t, want %t", tc.name, ok, tc.wantOK)
		}
	}
}

// TestMachineCPUGoal: the machine's and the scheduler's CPU per user pod
// are context lines, ha ÷ default with both figures, and none where a side
// lacks it.
func TestMachineCPUGoal(t *testing.T) {
	pm := phaseMemory{}
	for _, m := range []result.PhaseMemory{
		{Profile: profileDefault, Workload: "5000Nodes", Phase: phaseUser, Pods: 10000, MachineCPUSeconds: 150, SchedulerCPUSeconds: 70},
		{Profile: profileHA, Workload: "5000Nodes", Phase: phaseUser, Pods: 10000, MachineCPUSeconds: 120, SchedulerCPUSeconds: 28},
		// Not Linux and profiled elsewhere on the default side: no
		// figure, no ratio.
		{Profile: profileDefault, Workload: "15000Nodes", Phase: phaseUser, Pods: 10000},
		{Profile: profileHA, Workload: "15000Nodes", Phase: phaseUser, Pods: 10000, MachineCPUSeconds: 200, SchedulerCPUSeconds: 40},
	} {
		pm[m.Profile+"/"+m.Workload+"/"+m.Phase] = m
	}
	var got []goal
	for _, g := range goals(results{}, nil, pm) {
		if strings.Contains(g.name, "CPU per user pod") {
			got = append(got, g)
		}
	}
	want := []goal{
		{name: "machine CPU per user pod, ha ÷ default (5,000 nodes)", value: "0.80× (12.0 ÷ 15.0 ms)", target: "–", known: true, context: true},
		{name: "scheduler (profiled) CPU per user pod, ha ÷ default (5,000 nodes)", value: "0.40× (2.8 ÷ 7.0 ms)", target: "–", known: true, context: true},
		{name: "machine CPU per user pod, ha ÷ default (15,000 nodes)", value: "–", target: "–", context: true},
		{name: "scheduler (profiled) CPU per user pod, ha ÷ default (15,000 nodes)", value: "–", target: "–", context: true},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(goal{})); diff != "" {
		t.Errorf("machine CPU lines (-want +got):\n%s", diff)
	}
}
