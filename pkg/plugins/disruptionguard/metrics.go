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

// refusedVictims is the only package-level state: metrics are process-wide
// by nature and must be registered once, however many profiles create the
// plugin.
var (
	refusedVictims = metrics.NewCounterVec(&metrics.CounterOpts{
		Namespace:      "ha_scheduler",
		Subsystem:      "disruptionguard",
		Name:           "refused_victims_total",
		Help:           "Pods DisruptionGuard kept from being preemption victims, counted once per pod, rule and preemption attempt, by rule (pdb, min-available, trusted, mirror).",
		StabilityLevel: metrics.ALPHA,
	}, []string{"rule"})
	registerMetrics sync.Once
)

func registerMetricsOnce() {
	registerMetrics.Do(func() { legacyregistry.MustRegister(refusedVictims) })
}
