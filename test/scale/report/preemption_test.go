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

// preemptionFixture is a 5,000-node preemption run of both profiles and a
// 500-node one of the ha profile whose result file is missing.
func preemptionFixture() (results, preemptions) {
	r := results{
		"PreemptionDefault/5000Nodes/" + phasePreemption: {
			throughput: {"Average": 20, "Perc50": 16},
			postFilter: {"Average": 40.5},
		},
		"PreemptionHAScheduler/5000Nodes/" + phasePreemption: {
			throughput: {"Average": 25, "Perc50": 12},
			postFilter: {"Average": 52.25},
		},
		"PreemptionHAScheduler/500Nodes/" + phasePreemption: {
			throughput: {"Average": 30, "Perc50": 31},
		},
	}
	pr := preemptions{}
	for _, p := range []result.Preemption{
		{Profile: profileDefault, Workload: "5000Nodes", Preemptors: 2500, Scheduled: 2500, Seconds: 125, Attempts: 2600, Victims: 5400,
			Violations: 512, ViolationsByRule: map[string]int{"trusted": 499, "min-available": 4, "pdb": 9}},
		{Profile: profileHA, Workload: "5000Nodes", Preemptors: 2500, Scheduled: 2499, Pending: 1, Seconds: 100, Attempts: 2700, Victims: 7497,
			RefusedVictims: map[string]int{"trusted": 900, "pdb": 12}},
	} {
		pr[p.Profile+"/"+p.Workload] = p
	}
	return r, pr
}

func TestPreemptionGoals(t *testing.T) {
	r, pr := preemptionFixture()
	want := []goal{
		{name: "preemptors/s, ha ÷ default (5,000 nodes, avg)", value: "1.25×", target: "≥ 1.0×", known: true, ok: true},
		{name: "preemptors/s over the phase, ha ÷ default (5,000 nodes)", value: "1.25×", target: "–", known: true, context: true},
		{name: "guarantee violations, ha (5,000 nodes)", value: "0", target: "0", known: true, ok: true},
		{name: "guarantee violations, default (5,000 nodes): what the guard prevents", value: "512 (min-available 4, pdb 9, trusted 499)", target: "–", known: true, context: true},
	}
	if diff := cmp.Diff(want, preemptionGoals(r, pr), cmp.AllowUnexported(goal{})); diff != "" {
		t.Errorf("preemption goals (-want +got):\n%s", diff)
	}

	// A violation misses the ha goal, and so does a slower ha profile.
	broken := pr[profileHA+"/5000Nodes"]
	broken.Violations, broken.ViolationsByRule = 1, map[string]int{"pdb": 1}
	pr[profileHA+"/5000Nodes"] = broken
	r["PreemptionHAScheduler/5000Nodes/"+phasePreemption][throughput]["Average"] = 19
	var out strings.Builder
	if missed := printGoals(&out, preemptionGoals(r, pr)); missed != 2 {
		t.Errorf("printGoals counted %d missed goals, want 2 (throughput and the violation)\n%s", missed, out.String())
	}
	// No result is no data, not a goal met.
	for _, g := range preemptionGoals(results{}, preemptions{}) {
		if g.known {
			t.Errorf("without results %q must have no data: %+v", g.name, g)
		}
	}
}

func TestPrintPreemption(t *testing.T) {
	r, pr := preemptionFixture()
	var out strings.Builder
	printPreemption(&out, r, pr)
	want := strings.Join([]string{
		"| 500Nodes | HAScheduler | – | 30.0 | 31.0 | – | – | – | – | – | – | – | – |",
		"| 5000Nodes | Default | 2500 | 20.0 | 16.0 | 125 s, 20.0 | 2600 | 5400 | 2.16 | 0 | 512 (min-available 4, pdb 9, trusted 499) | 40.50 | – |",
		"| 5000Nodes | HAScheduler | 2500 | 25.0 | 12.0 | 100 s, 25.0 | 2700 | 7497 | 3.00 | 1 | 0 | 52.25 | pdb 12, trusted 900 |",
	}, "\n")
	var rows []string
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "| 5") {
			rows = append(rows, line)
		}
	}
	if diff := cmp.Diff(want, strings.Join(rows, "\n")); diff != "" {
		t.Errorf("preemption table rows (-want +got):\n%s\n\nwhole output:\n%s", diff, out.String())
	}
}
