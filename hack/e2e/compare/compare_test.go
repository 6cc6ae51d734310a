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
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	passed  = Outcome{State: "passed"}
	failed  = Outcome{State: "failed", Message: "timed out waiting for the condition"}
	skipped = Outcome{State: "skipped", Message: "Only supported for providers [gce]"}
)

func TestVerdictOf(t *testing.T) {
	tests := []struct {
		name      string
		stock, ha []Outcome
		want      Verdict
	}{
		{name: "both passed", stock: []Outcome{passed}, ha: []Outcome{passed}, want: BothPassed},
		{name: "both failed", stock: []Outcome{failed}, ha: []Outcome{failed}, want: BothFailed},
		{name: "both skipped", stock: []Outcome{skipped}, ha: []Outcome{skipped}, want: BothSkipped},
		{name: "skipped on one, failed on the other", stock: []Outcome{skipped}, ha: []Outcome{failed}, want: BothFailed},
		{name: "differs, not run again: stands", stock: []Outcome{passed}, ha: []Outcome{failed}, want: StockOnly},
		{name: "differs again on the re-run: regression", stock: []Outcome{passed, passed}, ha: []Outcome{failed, failed}, want: StockOnly},
		{name: "ha failed once, passed on the re-run", stock: []Outcome{passed, passed}, ha: []Outcome{failed, passed}, want: Flaky},
		{name: "stock failed on the re-run", stock: []Outcome{passed, failed}, ha: []Outcome{failed, failed}, want: Flaky},
		{name: "ha passed twice, stock failed twice", stock: []Outcome{failed, failed}, ha: []Outcome{passed, passed}, want: HAOnly},
		{name: "ha's re-run timed out: still a failure", stock: []Outcome{passed, passed}, ha: []Outcome{failed, {State: "timedout"}}, want: StockOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verdictOf(tt.stock, tt.ha); got != tt.want {
				t.Errorf("verdictOf(%v, %v) = %q, want %q", tt.stock, tt.ha, got, tt.want)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	stock := Run{"a": passed, "b": passed, "c": failed, "d": passed}
	ha := Run{"a": passed, "b": failed, "c": failed, "e": passed}
	rerun := Rerun{Stock: Run{"b": passed}, HA: Run{"b": failed}}
	notRun := Outcome{State: "not run", Message: "the test did not run on this cluster"}
	want := []Row{
		{Name: "a", Stock: []Outcome{passed}, HA: []Outcome{passed}, Verdict: BothPassed},
		{Name: "b", Stock: []Outcome{passed, passed}, HA: []Outcome{failed, failed}, Verdict: StockOnly},
		{Name: "c", Stock: []Outcome{failed}, HA: []Outcome{failed}, Verdict: BothFailed},
		{Name: "d", Stock: []Outcome{passed}, HA: []Outcome{notRun}, Verdict: StockOnly},
		{Name: "e", Stock: []Outcome{notRun}, HA: []Outcome{passed}, Verdict: HAOnly},
	}
	if diff := cmp.Diff(want, compare(stock, ha, rerun)); diff != "" {
		t.Errorf("compare() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b", "d", "e"}, differing(stock, ha)); diff != "" {
		t.Errorf("differing() mismatch (-want +got):\n%s", diff)
	}
}

func TestFocusOfSelectsOnlyThatTest(t *testing.T) {
	name := "[sig-scheduling] SchedulerPredicates [Serial] validates resource limits of pods that are allowed to run [Conformance]"
	tests := []struct {
		text string
		want bool
	}{
		{text: "Kubernetes e2e suite " + name, want: true},
		{text: "Kubernetes e2e suite " + name + " again", want: false},
		{text: "Kubernetes e2e suite [sig-scheduling] SchedulerPredicates [Serial] validates resource limits of pods that are allowed to run", want: false},
		{text: "Kubernetes e2e suite [sig-scheduling] SchedulerPredicates Serial validates resource limits of pods that are allowed to run Conformance", want: false},
	}
	focus := regexp.MustCompile(focusOf(name))
	for _, tt := range tests {
		if got := focus.MatchString(tt.text); got != tt.want {
			t.Errorf("focus %q matches %q: %v, want %v", focus, tt.text, got, tt.want)
		}
	}
}
