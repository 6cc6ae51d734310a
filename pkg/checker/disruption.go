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

package checker

import (
	"fmt"
)

// checkDisruption is the disruption phase: every disruption-controlled
// group, in key order, checked for a replica to spare by design and now,
// for PodDisruptionBudgets over its evictable replicas, and for budgets
// that let evictions take it below its minimum. The groups are
// all of them, not only the assessed ones: a disruption-controlled
// component that runs on every node is still one no eviction may take
// below its minimum.
func checkDisruption(r *Report, c Cluster, groups []*group) {
	r.Summary.PodDisruptionBudgets = len(c.PDBs)
	budgets := newBudgetIndex(c)
	for _, g := range groups {
		if g.class.Disruption.Controlled() {
			r.Findings = append(r.Findings, disruptionFindings(g, budgets)...)
			r.Findings = append(r.Findings, budgets.weakerFindings(g)...)
		}
	}
}

// disruptionFindings checks a disruption-controlled group: that it can lose
// a replica by design and now, and that PodDisruptionBudgets cover its
// evictable replicas.
func disruptionFindings(g *group, pdbs budgetIndex) []Finding {
	var out []Finding
	size, keep, avail := g.desired(), g.minAvailable(), g.available()
	need := fmt.Sprint(keep)
	if g.class.Disruption.Quorum {
		need += " (quorum)"
	}
	switch {
	// By design: the group tolerates size - keep losses; none at all when its
	// size is at its minimum (1 of minAvailable 1, etcd of 1 or 2).
	case size <= keep:
		msg := fmt.Sprintf("%s is disruption-controlled but wants %s and must keep %s available: it can lose none, so draining or losing a node stops it (%s); run at least %d",
			g.key, count(size, "replica"), need, g.where(), g.class.Disruption.SmallestToLoseOne())
		if avail < keep {
			// One finding per group: say the outage here too.
			msg += fmt.Sprintf("; %d available now, not available: %s", avail, g.whyUnavailable())
		}
		out = append(out, Finding{
			ID:       IDTooFewReplicas,
			Severity: SeverityFail,
			Message:  msg,
			Subjects: append([]string{g.key}, g.memberNames()...),
		})
	// Now: it could lose one by design, but the replicas available now are
	// all it must keep, or fewer.
	case avail <= keep:
		state := "exactly the " + need + " it must keep: it cannot lose another one"
		if avail < keep {
			state = "fewer than the " + need + " it must keep: it is failing now"
			if g.class.Disruption.Quorum {
				state = "fewer than the " + need + " it needs: it has lost its quorum"
			}
		}
		out = append(out, Finding{
			ID:       IDTooFewAvailable,
			Severity: SeverityFail,
			Message: fmt.Sprintf("%s has %d of %d replicas available now, %s; not available: %s",
				g.key, avail, size, state, g.whyUnavailable()),
			Subjects: append([]string{g.key}, g.unavailable()...),
		})
	}

	var evictable, uncovered []string
	for _, pod := range g.pods {
		if g.isMirror(pod) || g.state[pod] == stateNodeGone {
			// Static pods: nothing evicts them. Pods of a node that no
			// longer exists: no drain reaches them (the garbage collector
			// deletes them, a static pod's mirror with its Node), and a
			// mirror pod there can no longer be told by its Node's UID.
			continue
		}
		evictable = append(evictable, pod.Namespace+"/"+pod.Name)
		if !pdbs.selects(pod) {
			uncovered = append(uncovered, pod.Namespace+"/"+pod.Name)
		}
	}
	if len(uncovered) > 0 {
		out = append(out, Finding{
			ID:       IDNoPDB,
			Severity: SeverityWarn,
			Message: fmt.Sprintf("%s is disruption-controlled but no PodDisruptionBudget selects %d of its %d evictable replicas (%s): drains and evictions outside the scheduler are not limited",
				g.key, len(uncovered), len(evictable), nameList(uncovered)),
			Subjects: append([]string{g.key}, uncovered...),
		})
	}
	return out
}
