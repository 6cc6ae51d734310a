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
)

// checkDisruption is the disruption phase: every disruption-controlled
// group, in key order, checked for a replica to spare by design and now,
// for PodDisruptionBudgets over its evictable replicas, and for budgets
// that let evictions take it below its minimum. The groups are
// all of them, not only the assessed ones: a disruption-controlled
// component that runs on every node is still one no eviction may take
// below its minimum.
func checkDisruption(r *v1alpha1.Report, m *model.Model, groups []*model.Group) {
	r.Summary.PodDisruptionBudgets = len(m.Cluster.PDBs)
	for _, g := range groups {
		if g.Class.Disruption.Controlled() {
			r.Findings = append(r.Findings, disruptionFindings(g, m.Budgets)...)
			r.Findings = append(r.Findings, weakerFindings(m.Budgets, g)...)
		}
	}
}

// disruptionFindings checks a disruption-controlled group: that it can lose
// a replica by design and now, and that PodDisruptionBudgets cover its
// evictable replicas.
func disruptionFindings(g *model.Group, pdbs *model.Budgets) []v1alpha1.Finding {
	var out []v1alpha1.Finding
	size, keep, avail := g.Desired(), g.MinAvailable(), g.Available()
	need := fmt.Sprint(keep)
	if g.Class.Disruption.Quorum {
		need += " (quorum)"
	}
	switch {
	// By design: the group tolerates size - keep losses; none at all when its
	// size is at its minimum (1 of minAvailable 1, etcd of 1 or 2).
	case size <= keep:
		msg := fmt.Sprintf("%s is disruption-controlled but wants %s and must keep %s available: it can lose none, so draining or losing a node stops it (%s); run at least %d",
			g.Key, words.Count(size, "replica"), need, g.Where(), g.Class.Disruption.SmallestToLoseOne())
		if avail < keep {
			// One finding per group: say the outage here too.
			msg += fmt.Sprintf("; %d available now, not available: %s", avail, g.WhyUnavailable())
		}
		out = append(out, v1alpha1.Finding{
			ID:       v1alpha1.IDTooFewReplicas,
			Severity: v1alpha1.SeverityFail,
			Message:  msg,
			Subjects: append([]string{g.Key}, g.MemberNames()...),
		})
	// Now: it could lose one by design, but the replicas available now are
	// all it must keep, or fewer.
	case avail <= keep:
		state := "exactly the " + need + " it must keep: it cannot lose another one"
		if avail < keep {
			state = "fewer than the " + need + " it must keep: it is failing now"
			if g.Class.Disruption.Quorum {
				state = "fewer than the " + need + " it needs: it has lost its quorum"
			}
		}
		out = append(out, v1alpha1.Finding{
			ID:       v1alpha1.IDTooFewAvailable,
			Severity: v1alpha1.SeverityFail,
			Message: fmt.Sprintf("%s has %d of %d replicas available now, %s; not available: %s",
				g.Key, avail, size, state, g.WhyUnavailable()),
			Subjects: append([]string{g.Key}, g.Unavailable()...),
		})
	}

	var evictable, uncovered []string
	for _, pod := range g.Pods {
		if g.IsMirror(pod) || g.State[pod] == model.NodeGone {
			// Static pods: nothing evicts them. Pods of a node that no
			// longer exists: no drain reaches them (the garbage collector
			// deletes them, a static pod's mirror with its Node), and a
			// mirror pod there can no longer be told by its Node's UID.
			continue
		}
		evictable = append(evictable, pod.Namespace+"/"+pod.Name)
		if !pdbs.Selects(pod) {
			uncovered = append(uncovered, pod.Namespace+"/"+pod.Name)
		}
	}
	if len(uncovered) > 0 {
		out = append(out, v1alpha1.Finding{
			ID:       v1alpha1.IDNoPDB,
			Severity: v1alpha1.SeverityWarn,
			Message: fmt.Sprintf("%s is disruption-controlled but no PodDisruptionBudget selects %d of its %d evictable replicas (%s): drains and evictions outside the scheduler are not limited",
				g.Key, len(uncovered), len(evictable), words.List(uncovered)),
			Subjects: append([]string{g.Key}, uncovered...),
		})
	}
	return out
}

// weakerFindings reports the budgets over the group's evictable pods that
// let evictions take it below its minimum (IDPDBWeakerThanPolicy).
func weakerFindings(idx *model.Budgets, g *model.Group) []v1alpha1.Finding {
	var out []v1alpha1.Finding
	keep := g.MinAvailable()
	need := fmt.Sprint(keep)
	if g.Class.Disruption.Quorum {
		need += " (quorum)"
	}
	for _, b := range idx.Covering(g) {
		floor, spec := idx.Floor(b, g)
		if floor >= keep {
			continue
		}
		id := b.PDB.Namespace + "/" + b.PDB.Name
		out = append(out, v1alpha1.Finding{
			ID:       v1alpha1.IDPDBWeakerThanPolicy,
			Severity: v1alpha1.SeverityWarn,
			Message: fmt.Sprintf("%s must keep %s of its %d replicas available, but PodDisruptionBudget %s (%s) lets evictions leave %d: a drain can take it below its minimum; give the budget minAvailable: %d (ha-check pdbs)",
				g.Key, need, g.Desired(), id, spec, floor, keep),
			Subjects: []string{g.Key, id},
		})
	}
	return out
}
