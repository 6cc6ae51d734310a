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
	"slices"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// checkSurvival is the last phase: what the assessed components survive.
// First those down already (nothing left to lose), then what each single
// zone or host failure would take, which needs nodes and components to
// take; then the warnings about what the analysis rests on: nodes without
// a zone, and sizes understated where the controllers could not be listed.
// It reads each group's row, so it runs after the replica table.
func checkSurvival(r *Report, c Cluster, topo topology, levels []auditLevel, groups, assessed []*group) {
	for _, g := range assessed {
		if f, ok := componentDown(g); ok {
			r.Findings = append(r.Findings, f)
		}
	}
	if len(assessed) > 0 && len(c.Nodes) > 0 {
		domainFailures(r, assessed, levels, c)
		if slices.ContainsFunc(levels, func(l auditLevel) bool { return l.key == policy.LabelZone }) {
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
func domainFailures(r *Report, assessed []*group, levels []auditLevel, c Cluster) {
	for _, lvl := range levels {
		clusterDomains := sets.New[string]()
		for _, n := range c.Nodes {
			clusterDomains.Insert(policy.DomainOf(n.Name, n.Labels, lvl.key))
		}
		if clusterDomains.Len() < 2 {
			r.Findings = append(r.Findings, notAssessed(lvl, clusterDomains))
			continue
		}
		domains := sets.New[string]()
		if lvl.key != policy.LabelHostID {
			// Every domain of a level wider than the host is listed, those
			// that hold no replica too; hosts only where replicas run.
			domains = domains.Union(clusterDomains)
		}
		for _, g := range assessed {
			domains.Insert(sets.List(sets.KeySet(availableAt(g.row, lvl.key)))...)
		}
		for _, d := range sets.List(domains) {
			ds := DomainSurvival{Level: lvl.name, Domain: d}
			for _, g := range assessed {
				avail := g.row.Available
				in := availableAt(g.row, lvl.key)[d]
				if in == 0 {
					continue
				}
				impact := failureOf(g, avail, in)
				if impact.lostAll {
					ds.Lost = append(ds.Lost, g.key)
					sev, why := SeverityWarn, ""
					switch {
					case g.class.Disruption.Controlled():
						sev, why = SeverityFail, ", and it is disruption-controlled"
					case g.class.Spread == policy.SpreadRequired:
						sev, why = SeverityFail, ", and its spread is Required"
					}
					r.Findings = append(r.Findings, Finding{
						ID:       lvl.lostID,
						Severity: sev,
						Message: fmt.Sprintf("if %s %q failed, %s would lose %s%s",
							lvl.name, d, g.key, allOf(avail), why),
						Subjects: []string{d, g.key},
					})
					continue
				}
				if q := impact.quorumLost; q != nil {
					ds.QuorumLost = append(ds.QuorumLost, *q)
					now := ""
					if avail < q.Members {
						now = fmt.Sprintf(" (%d available now)", avail)
					}
					r.Findings = append(r.Findings, Finding{
						ID:       lvl.quorumID,
						Severity: SeverityFail,
						Message: fmt.Sprintf("if %s %q failed, %s would keep %d of %d members%s and lose its quorum (needs %d)",
							lvl.name, d, g.key, q.Survivors, q.Members, now, q.Quorum),
						Subjects: []string{d, g.key},
					})
				}
			}
			r.Survival = append(r.Survival, ds)
		}
	}
}

// failureImpact is what a failure leaves of one group: whether it takes
// every available replica, or (a quorum group) leaves fewer than a
// majority of the group's desired size, or (another disruption-controlled
// group) fewer than its minimum. Each loss is reported once, the widest
// first: a group that loses every replica is not also below its quorum or
// minimum.
type failureImpact struct {
	lostAll bool
	// quorumLost is set for a quorum group left with some members, but
	// fewer than its quorum.
	quorumLost *QuorumLoss
	// belowMinimum is set for a disruption-controlled group, not a quorum
	// one, left with some replicas, but fewer than its minimum.
	belowMinimum *MinimumLoss
}

// failureOf assesses a failure that takes in of the group's avail replicas
// available now (in > 0). A quorum and a minimum are taken of the desired
// size: members that are pending or down now count against them as much as
// those the failure would take. The survival phase (each single zone and
// host) and WhatIf (one zone, host or node) both assess with it.
func failureOf(g *group, avail, in int) failureImpact {
	survivors := avail - in
	switch {
	case survivors <= 0:
		return failureImpact{lostAll: true}
	case !g.class.Disruption.Controlled():
		return failureImpact{}
	}
	size, keep := g.desired(), g.minAvailable()
	if survivors >= keep {
		return failureImpact{}
	}
	if g.class.Disruption.Quorum {
		return failureImpact{quorumLost: &QuorumLoss{Group: g.key, Members: size, Survivors: survivors, Quorum: keep}}
	}
	return failureImpact{belowMinimum: &MinimumLoss{Group: g.key, Desired: size, Survivors: survivors, MinAvailable: keep}}
}

// notAssessed says why a level is skipped: every node in one domain, or,
// for zones, no node labelled at all (they may well be in several zones,
// but nothing says which).
func notAssessed(lvl auditLevel, domains sets.Set[string]) Finding {
	only := sets.List(domains)[0]
	msg := fmt.Sprintf("every node is in one %s (%s): no placement survives its failure, so %s failures are not assessed",
		lvl.name, only, lvl.name)
	if only == policy.UnlabelledZone {
		msg = fmt.Sprintf("no node has the label %s: which nodes fail together is unknown, so %s failures are not assessed",
			lvl.key, lvl.name)
	}
	return Finding{ID: lvl.skipped, Severity: SeverityWarn, Message: msg, Subjects: []string{only}}
}

// notReadyNodes reports the nodes that are not Ready, and the zones of
// which every node is: failed already, as the rest of the report counts
// them.
func notReadyNodes(nodes []*v1.Node) (Finding, bool) {
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
		return Finding{}, false
	}
	var deadZones []string
	for _, z := range sets.List(sets.KeySet(down)) {
		if down[z] == all[z] {
			deadZones = append(deadZones, z)
		}
	}
	msg := fmt.Sprintf("%d of %d nodes are not Ready (%s): replicas on them are not counted as available",
		len(names), len(nodes), nameList(names))
	if len(deadZones) > 0 {
		msg += fmt.Sprintf("; every node of zone %s is not Ready: it has failed already", strings.Join(deadZones, ", zone "))
	}
	return Finding{ID: IDNodesNotReady, Severity: SeverityWarn, Message: msg, Subjects: names}, true
}

// componentDown reports a component, not disruption-controlled, with no
// replica available now: a survival row would say "survives" of a
// component that is down.
func componentDown(g *group) (Finding, bool) {
	if g.class.Disruption.Controlled() || g.row.Available > 0 {
		return Finding{}, false
	}
	sev := SeverityWarn
	if g.class.Spread == policy.SpreadRequired {
		sev = SeverityFail
	}
	return Finding{
		ID:       IDComponentDown,
		Severity: sev,
		Message: fmt.Sprintf("%s has none of its %s available now: it is down; not available: %s",
			g.key, count(g.desired(), "replica"), g.whyUnavailable()),
		Subjects: append([]string{g.key}, g.unavailable()...),
	}, true
}

// zoneUnlabelled warns when the zone analysis rests on a guess: nodes
// without a zone label are taken for one zone of their own, so a labelled
// zone's failure is assumed not to take the replicas on them, which may be
// false.
func zoneUnlabelled(nodes []*v1.Node, assessed []*group, zones sets.Set[string]) (Finding, bool) {
	if zones.Len() < 2 || !zones.Has(policy.UnlabelledZone) {
		return Finding{}, false
	}
	var groups []string
	for _, g := range assessed {
		if g.row.PerZone[policy.UnlabelledZone] > 0 {
			groups = append(groups, g.key)
		}
	}
	if len(groups) == 0 {
		return Finding{}, false
	}
	var unlabelled []string
	for _, n := range nodes {
		if policy.DomainOf(n.Name, n.Labels, policy.LabelZone) == policy.UnlabelledZone {
			unlabelled = append(unlabelled, n.Name)
		}
	}
	return Finding{
		ID:       IDZoneUnlabelled,
		Severity: SeverityWarn,
		Message: fmt.Sprintf("the zone analysis takes the nodes without the label %s (%s) for one zone, %s, where %s have available replicas: if those nodes are in a labelled zone, its failure takes those replicas too, which the analysis does not show",
			policy.LabelZone, nameList(unlabelled), policy.UnlabelledZone, nameList(groups)),
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
func desiredSizeUnknown(forbidden []string, groups []*group) (Finding, bool) {
	var affected []string
	for _, g := range groups {
		if g.dg == nil {
			continue
		}
		for _, res := range forbidden {
			if g.ownerKinds.Has(forbiddenKinds[res]) {
				affected = append(affected, g.key)
				break
			}
		}
	}
	if len(affected) == 0 {
		return Finding{}, false
	}
	return Finding{
		ID:       IDDesiredSizeUnknown,
		Severity: SeverityWarn,
		Message: fmt.Sprintf("listing %s is forbidden: the desired size of %s is taken from their pods and is understated if replicas are missing; grant the checker list on statefulsets and replicasets (apps)",
			strings.Join(forbidden, " and "), nameList(affected)),
		Subjects: affected,
	}, true
}

// allOf says "all n available replicas", or "its only available replica".
func allOf(n int) string {
	if n == 1 {
		return "its only available replica"
	}
	return fmt.Sprintf("all %d available replicas", n)
}
