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
	"slices"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/levels"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// checkSurvival is the last phase: what the assessed components survive.
// First those down already (nothing left to lose), then what each single
// zone or host failure would take, which needs nodes and components to
// take; then the warnings about what the analysis rests on: nodes without
// a zone, and sizes understated where the controllers could not be listed.
// It reads each group's row, so it runs after the replica table.
func checkSurvival(r *v1alpha1.Report, c cluster.Cluster, topo topology, lvls []levels.Level, groups []*model.Group, assessed []assessedGroup) {
	for _, g := range assessed {
		if f, ok := componentDown(g); ok {
			r.Findings = append(r.Findings, f)
		}
	}
	if len(assessed) > 0 && len(c.Nodes) > 0 {
		domainFailures(r, assessed, lvls, c)
		if slices.ContainsFunc(lvls, func(l levels.Level) bool { return l.Key == policy.LabelZone }) {
			if f, ok := zoneUnlabelled(c.Nodes, assessed, topo.zones); ok {
				r.Findings = append(r.Findings, f)
			}
		}
	}
	if f, ok := desiredSizeUnknown(c.Forbidden, groups); ok {
		r.Findings = append(r.Findings, f)
	}
}

// domainFailures adds to the report what the failure of each single domain
// of each audited level would take: the replicas available now in the
// domain, against those available elsewhere and, for quorum groups, the
// group's desired size. A replica that is pending, not Ready, or on a node
// that is gone or not Ready survives nothing: it is lost already.
func domainFailures(r *v1alpha1.Report, assessed []assessedGroup, lvls []levels.Level, c cluster.Cluster) {
	for _, lvl := range lvls {
		clusterDomains := sets.New[string]()
		for _, n := range c.Nodes {
			clusterDomains.Insert(policy.DomainOf(n.Name, n.Labels, lvl.Key))
		}
		if clusterDomains.Len() < 2 {
			r.Findings = append(r.Findings, notAssessed(lvl, clusterDomains))
			continue
		}
		domains := sets.New[string]()
		if lvl.Key != policy.LabelHostID {
			// Every domain of a level wider than the host is listed, those
			// that hold no replica too; hosts only where replicas run.
			domains = domains.Union(clusterDomains)
		}
		for _, g := range assessed {
			domains.Insert(sets.List(sets.KeySet(levels.AvailableAt(g.row, lvl.Key)))...)
		}
		for _, d := range sets.List(domains) {
			ds := v1alpha1.DomainSurvival{Level: lvl.Name, Domain: d}
			for _, g := range assessed {
				avail := g.row.Available
				in := levels.AvailableAt(g.row, lvl.Key)[d]
				if in == 0 {
					continue
				}
				impact := FailureOf(g.Group, avail, in)
				if impact.LostAll {
					ds.Lost = append(ds.Lost, g.Key)
					sev, why := v1alpha1.SeverityWarn, ""
					switch {
					case g.Class.Disruption.Controlled():
						sev, why = v1alpha1.SeverityFail, ", and it is disruption-controlled"
					case g.Class.Spread == policy.SpreadRequired:
						sev, why = v1alpha1.SeverityFail, ", and its spread is Required"
					}
					r.Findings = append(r.Findings, v1alpha1.Finding{
						ID:       lvl.LostID,
						Severity: sev,
						Message: fmt.Sprintf("if %s %q failed, %s would lose %s%s",
							lvl.Name, d, g.Key, words.AllOf(avail), why),
						Subjects: []string{d, g.Key},
					})
					continue
				}
				if q := impact.QuorumLost; q != nil {
					ds.QuorumLost = append(ds.QuorumLost, *q)
					now := ""
					if avail < q.Members {
						now = fmt.Sprintf(" (%d available now)", avail)
					}
					r.Findings = append(r.Findings, v1alpha1.Finding{
						ID:       lvl.QuorumID,
						Severity: v1alpha1.SeverityFail,
						Message: fmt.Sprintf("if %s %q failed, %s would keep %d of %d members%s and lose its quorum (needs %d)",
							lvl.Name, d, g.Key, q.Survivors, q.Members, now, q.Quorum),
						Subjects: []string{d, g.Key},
					})
				}
			}
			r.Survival = append(r.Survival, ds)
		}
	}
}

// Impact is what a failure leaves of one group: whether it takes
// every available replica, or (a quorum group) leaves fewer than a
// majority of the group's desired size, or (another disruption-controlled
// group) fewer than its minimum. Each loss is reported once, the widest
// first: a group that loses every replica is not also below its quorum or
// minimum.
type Impact struct {
	// LostAll: the failure takes every available replica.
	LostAll bool
	// QuorumLost is set for a quorum group left with some members, but
	// fewer than its quorum.
	QuorumLost *v1alpha1.QuorumLoss
	// BelowMinimum is set for a disruption-controlled group, not a quorum
	// one, left with some replicas, but fewer than its minimum.
	BelowMinimum *v1alpha1.MinimumLoss
}

// FailureOf assesses a failure that takes in of the group's avail replicas
// available now (in > 0). A quorum and a minimum are taken of the desired
// size: members that are pending or down now count against them as much as
// those the failure would take. The survival phase (each single domain of
// each level) and what-if (one domain or node) both assess with it.
func FailureOf(g *model.Group, avail, in int) Impact {
	survivors := avail - in
	switch {
	case survivors <= 0:
		return Impact{LostAll: true}
	case !g.Class.Disruption.Controlled():
		return Impact{}
	}
	size, keep := g.Desired(), g.MinAvailable()
	if survivors >= keep {
		return Impact{}
	}
	if g.Class.Disruption.Quorum {
		return Impact{QuorumLost: &v1alpha1.QuorumLoss{Group: g.Key, Members: size, Survivors: survivors, Quorum: keep}}
	}
	return Impact{BelowMinimum: &v1alpha1.MinimumLoss{Group: g.Key, Desired: size, Survivors: survivors, MinAvailable: keep}}
}

// notAssessed says why a level is skipped: every node in one domain, or,
// for zones, no node labelled at all (they may well be in several zones,
// but nothing says which).
func notAssessed(lvl levels.Level, domains sets.Set[string]) v1alpha1.Finding {
	only := sets.List(domains)[0]
	msg := fmt.Sprintf("every node is in one %s (%s): no placement survives its failure, so %s failures are not assessed",
		lvl.Name, only, lvl.Name)
	if only == policy.UnlabelledZone {
		msg = fmt.Sprintf("no node has the label %s: which nodes fail together is unknown, so %s failures are not assessed",
			lvl.Key, lvl.Name)
	}
	return v1alpha1.Finding{ID: lvl.NotAssessedID, Severity: v1alpha1.SeverityWarn, Message: msg, Subjects: []string{only}}
}

// notReadyNodes reports the nodes that are not Ready, and the zones of
// which every node is: failed already, as the rest of the report counts
// them.
func notReadyNodes(nodes []*v1.Node) (v1alpha1.Finding, bool) {
	var names []string
	all, down := map[string]int{}, map[string]int{}
	for _, n := range nodes {
		z := policy.DomainOf(n.Name, n.Labels, policy.LabelZone)
		all[z]++
		if !policy.NodeCanRunPods(n) {
			names = append(names, n.Name)
			down[z]++
		}
	}
	if len(names) == 0 {
		return v1alpha1.Finding{}, false
	}
	var deadZones []string
	for _, z := range sets.List(sets.KeySet(down)) {
		if down[z] == all[z] {
			deadZones = append(deadZones, z)
		}
	}
	msg := fmt.Sprintf("%d of %d nodes are not Ready (%s): replicas on them are not counted as available",
		len(names), len(nodes), words.List(names))
	if len(deadZones) > 0 {
		msg += fmt.Sprintf("; every node of zone %s is not Ready: it has failed already", strings.Join(deadZones, ", zone "))
	}
	return v1alpha1.Finding{ID: v1alpha1.IDNodesNotReady, Severity: v1alpha1.SeverityWarn, Message: msg, Subjects: names}, true
}

// componentDown reports a component, not disruption-controlled, with no
// replica available now: a survival row would say "survives" of a
// component that is down.
func componentDown(g assessedGroup) (v1alpha1.Finding, bool) {
	if g.Class.Disruption.Controlled() || g.row.Available > 0 {
		return v1alpha1.Finding{}, false
	}
	sev := v1alpha1.SeverityWarn
	if g.Class.Spread == policy.SpreadRequired {
		sev = v1alpha1.SeverityFail
	}
	return v1alpha1.Finding{
		ID:       v1alpha1.IDComponentDown,
		Severity: sev,
		Message: fmt.Sprintf("%s has none of its %s available now: it is down; not available: %s",
			g.Key, words.Count(g.Desired(), "replica"), g.WhyUnavailable()),
		Subjects: append([]string{g.Key}, g.Unavailable()...),
	}, true
}

// zoneUnlabelled warns when the zone analysis rests on a guess: nodes
// without a zone label are taken for one zone of their own, so a labelled
// zone's failure is assumed not to take the replicas on them, which may be
// false.
func zoneUnlabelled(nodes []*v1.Node, assessed []assessedGroup, zones sets.Set[string]) (v1alpha1.Finding, bool) {
	if zones.Len() < 2 || !zones.Has(policy.UnlabelledZone) {
		return v1alpha1.Finding{}, false
	}
	var groups []string
	for _, g := range assessed {
		if g.row.PerZone[policy.UnlabelledZone] > 0 {
			groups = append(groups, g.Key)
		}
	}
	if len(groups) == 0 {
		return v1alpha1.Finding{}, false
	}
	var unlabelled []string
	for _, n := range nodes {
		if policy.DomainOf(n.Name, n.Labels, policy.LabelZone) == policy.UnlabelledZone {
			unlabelled = append(unlabelled, n.Name)
		}
	}
	return v1alpha1.Finding{
		ID:       v1alpha1.IDZoneUnlabelled,
		Severity: v1alpha1.SeverityWarn,
		Message: fmt.Sprintf("the zone analysis takes the nodes without the label %s (%s) for one zone, %s, where %s have available replicas: if those nodes are in a labelled zone, its failure takes those replicas too, which the analysis does not show",
			policy.LabelZone, words.List(unlabelled), policy.UnlabelledZone, words.List(groups)),
		Subjects: groups,
	}, true
}

// desiredSizeUnknown warns when the checker may not list the controllers
// that own some disruption-controlled groups (RBAC): those are sized by
// their pods, which understates a group whose missing replicas were never
// created or have been deleted, and with it its minimum and quorum. The
// checker goes on rather than failing: the rest of the report holds, and
// most of it needs nothing but pods and nodes. Other groups are not named:
// what a failure takes of them (every available replica) does not depend
// on their size.
func desiredSizeUnknown(forbidden []string, groups []*model.Group) (v1alpha1.Finding, bool) {
	var affected []string
	for _, g := range groups {
		if g.Disruption == nil {
			continue
		}
		for _, res := range forbidden {
			if g.OwnerKinds.Has(forbiddenKinds[res]) {
				affected = append(affected, g.Key)
				break
			}
		}
	}
	if len(affected) == 0 {
		return v1alpha1.Finding{}, false
	}
	return v1alpha1.Finding{
		ID:       v1alpha1.IDDesiredSizeUnknown,
		Severity: v1alpha1.SeverityWarn,
		Message: fmt.Sprintf("listing %s is forbidden: the desired size of %s is taken from their pods and is understated if replicas are missing; grant the checker list on statefulsets and replicasets (apps)",
			strings.Join(forbidden, " and "), words.List(affected)),
		Subjects: affected,
	}, true
}

// forbiddenKinds maps the resources of cluster.Cluster.Forbidden to the
// controller kinds (of pod owner references) whose size they would have
// given.
var forbiddenKinds = map[string]string{
	cluster.ForbiddenStatefulSets: "StatefulSet",
	cluster.ForbiddenReplicaSets:  "ReplicaSet",
}
