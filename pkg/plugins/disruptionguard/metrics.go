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

package disruptionguard

import (
	"sync"

	"k8s.io/component-base/metrics"
	"k8s.io/component-base/metrics/legacyregistry"
)

// MetricRefusedVictims is the full name of the refusal counter.
const MetricRefusedVictims = "ha_scheduler_disruptionguard_refused_victims_total"

// Rules are the values of the refusal counter's "rule" label, every one of
// them: each profile's series start at zero for each rule.
var Rules = []string{RulePDB, RuleMinAvailable, RuleTrusted, RuleMirror}

// refusedVictims is the only package-level state: metrics are process-wide
// by nature and must be registered once, however many profiles create the
// plugin. The profiles of one process tell their series apart by the
// "profile" label (the schedulerName, as upstream's scheduler metrics).
var (
	refusedVictims = metrics.NewCounterVec(&metrics.CounterOpts{
		Namespace:      "ha_scheduler",
		Subsystem:      "disruptionguard",
		Name:           "refused_victims_total",
		Help:           "Pods DisruptionGuard kept from being preemption victims, counted once per pod, rule and preemption attempt, by profile and rule (pdb, min-available, trusted, mirror).",
		StabilityLevel: metrics.ALPHA,
	}, []string{"profile", "rule"})
	registerMetrics sync.Once
)

// registerMetricsFor registers the counter (once per process) and creates the
// profile's series at zero for every rule, so that rate(), increase() and
// alerts see a series before the first refusal.
func registerMetricsFor(profile string) {
	registerMetrics.Do(func() { legacyregistry.MustRegister(refusedVictims) })
	for _, rule := range Rules {
		refusedVictims.WithLabelValues(profile, rule)
	}
}

// recordRefusals adds one preemption attempt's refused victims, by rule.
func recordRefusals(profile string, byRule map[string]int) {
	for rule, n := range byRule {
		refusedVictims.WithLabelValues(profile, rule).Add(float64(n))
	}
}
