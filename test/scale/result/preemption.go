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

package result

// Preemption is what one preemption workload did under one profile: the
// preemptors it placed, the attempts and victims that took, and the
// victims that broke a guarantee of the policy (DisruptionGuard's rules,
// SPEC §4: a PodDisruptionBudget, a disruption-controlled group's minimum,
// a trusted pod taken by a user's preemptor). The benchmark writes it as
// preemption_<profile>_<workload>.json next to the data items; the
// throughput is in the data items (phase "preemption").
type Preemption struct {
	// Profile is the scheduling profile (Default, HAScheduler); TestCase
	// the benchmark's test case (PreemptionDefault, ...).
	Profile  string `json:"profile"`
	TestCase string `json:"testCase"`
	Workload string `json:"workload"`

	// Preemptors created in the phase, and at its end bound or not.
	Preemptors int `json:"preemptors"`
	Scheduled  int `json:"scheduled"`
	Pending    int `json:"pending"`
	// Seconds from the first preemptor's creation to the last one's
	// binding (the API server's timestamps: whole seconds; at least 1).
	// Scheduled ÷ Seconds is the phase's rate, which does not depend on
	// how the throughput collector's 1 s samples fall on the bursts in
	// which preemptors bind.
	Seconds int `json:"seconds"`

	// Attempts: scheduler_preemption_attempts_total over the phase (a
	// PostFilter run, successful or not).
	Attempts int `json:"attempts"`
	// Preemptions: attempts that chose victims (the samples of
	// scheduler_preemption_victims); VictimsChosen their sum.
	Preemptions   int `json:"preemptions"`
	VictimsChosen int `json:"victimsChosen"`
	// Victims: the pods that were there before the phase and are gone (or
	// terminating) after it.
	Victims int `json:"victims"`
	// RefusedVictims are DisruptionGuard's refusals by rule
	// (ha_scheduler_disruptionguard_refused_victims_total: once per pod,
	// rule and attempt); none for a profile without the guard.
	RefusedVictims map[string]int `json:"refusedVictims,omitempty"`

	// Violations counts the victims that broke a guarantee, by rule (pdb,
	// min-available, trusted, mirror: DisruptionGuard's rule names): a
	// victim of a protected kind counts once; a budget broken by k victims
	// beyond what it allowed counts k.
	Violations       int            `json:"violations"`
	ViolationsByRule map[string]int `json:"violationsByRule,omitempty"`
	// Examples are the first violations of each rule, as messages.
	Examples []string `json:"examples,omitempty"`
}
