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

package audit

import (
	"fmt"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/rebalance"
)

// checkRebalance is the phase after survival: every spread group whose
// replicas are spread worse than the scheduler would place them now, by
// the rebalance's own decision (policy RebalanceGroup.Plan, which ha-check
// rebalance carries out and the scheduler's gauge counts), gets a warning
// naming the first move's level and domains.
func checkRebalance(r *v1alpha1.Report, m *model.Model) {
	for _, g := range rebalance.Groups(m) {
		moves := g.Plan()
		if len(moves) == 0 {
			continue
		}
		first := moves[0]
		level := printers.LevelName(g.Levels[first.Level])
		subjects := []string{g.Key}
		for _, mv := range moves {
			subjects = append(subjects, mv.Pod)
		}
		it := "them"
		if len(moves) == 1 {
			it = "it"
		}
		r.Findings = append(r.Findings, v1alpha1.Finding{
			ID:       v1alpha1.IDRebalancePossible,
			Severity: v1alpha1.SeverityWarn,
			Message: fmt.Sprintf("%s could be spread better: %s %s holds %s, %s %s %d, where the scheduler would place a replica now (after an outage, the replicas recreated elsewhere stay where they are); ha-check rebalance plans %s (--apply makes %s)",
				g.Key, level, first.From, words.Count(first.FromReplicas, "replica"), level, first.To, first.ToReplicas, words.Count(len(moves), "move"), it),
			Subjects: subjects,
		})
	}
}
