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
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// SCSRuleState is what the checker made of one rule of the SCS revision.
type SCSRuleState string

const (
	// SCSRulePass: the rule holds, as far as the labels show.
	SCSRulePass SCSRuleState = "pass"
	// SCSRuleFail: a MUST that does not hold; a fail finding says why, and
	// the verdict is FAIL.
	SCSRuleFail SCSRuleState = "fail"
	// SCSRuleWarn: a SHOULD or RECOMMENDED that does not hold; a warning
	// says why.
	SCSRuleWarn SCSRuleState = "warn"
	// SCSRuleConfirmByHand: no automated check can prove or disprove the
	// rule on this cluster (the physical machines under control-plane nodes
	// without a host-id, a control plane the cluster does not show). Neither
	// pass nor fail: it does not fail the verdict, and the operator confirms
	// it by hand, as the standard's manual test says.
	SCSRuleConfirmByHand SCSRuleState = "confirm-by-hand"
	// SCSRuleNotApplicable: there is nothing the rule applies to (fewer than
	// two worker nodes for the worker recommendation).
	SCSRuleNotApplicable SCSRuleState = "not-applicable"
)

// SCSRule is one rule of the applied revision and its state on the cluster.
type SCSRule struct {
	// ID is stable: scripts may match on it (SCSRuleLabels, ...).
	ID string `json:"id"`
	// Level is the requirement's keyword in the revision's text: MUST,
	// SHOULD or RECOMMENDED.
	Level string `json:"level"`
	// Rule says the requirement in a few words.
	Rule  string       `json:"rule"`
	State SCSRuleState `json:"state"`
	// Detail says what the state rests on.
	Detail string `json:"detail,omitempty"`
}

// SCS rule ids. A revision lists the rules it has, in this order.
const (
	// SCSRuleLabels (MUST, every revision): the topology labels the revision
	// requires on every node (region and zone; host-id too on the draft).
	SCSRuleLabels = "labels"
	// SCSRuleControlPlaneDistributed (MUST, draft): the control plane over
	// multiple physical machines and failure zones, judged as the retired
	// conformance check judged it: at least two control-plane nodes (all
	// nodes where none is visible) that differ in region, zone or host-id.
	SCSRuleControlPlaneDistributed = "control-plane-distributed"
	// SCSRuleControlPlaneMachines (MUST, 2024-11 and 2026-04): the control
	// plane over multiple physical machines. Judged from host-id where every
	// control-plane node has one (or two carry different ones); confirmed by
	// hand otherwise.
	SCSRuleControlPlaneMachines = "control-plane-physical-machines"
	// SCSRuleControlPlaneInEachZone (MUST, 2024-11): at least one
	// control-plane node in each failure zone the cluster's nodes are in.
	SCSRuleControlPlaneInEachZone = "control-plane-in-each-zone"
	// SCSRuleControlPlaneZones (SHOULD, 2026-04): the control plane over
	// multiple failure zones.
	SCSRuleControlPlaneZones = "control-plane-zones"
	// SCSRuleWorkersDistributed (RECOMMENDED, every revision): worker
	// (non-control-plane) nodes over multiple zones; on the draft, as the
	// retired check compared them: differing in region, zone or host-id.
	SCSRuleWorkersDistributed = "workers-distributed"
)

// Requirement levels of the revisions' texts (RFC 2119).
const (
	levelMust        = "MUST"
	levelShould      = "SHOULD"
	levelRecommended = "RECOMMENDED"
)

// scsView is the cluster's nodes as the SCS rules see them: the
// control-plane nodes (policy.RoleOf) and the others, each sorted by name.
type scsView struct {
	all, cp, others []*v1.Node
}

func newSCSView(nodes []*v1.Node) scsView {
	v := scsView{all: sortedNodes(nodes)}
	for _, n := range v.all {
		if policy.RoleOf(n.Labels) == policy.RoleControlPlane {
			v.cp = append(v.cp, n)
		} else {
			v.others = append(v.others, n)
		}
	}
	return v
}

// scsRuleDef is a rule of a revision: what the report says of it, and the
// function that judges it, which returns its state, the detail, and the
// findings that carry a fail or a warning into the verdict.
type scsRuleDef struct {
	id, level, rule string
	judge           func(v scsView) (SCSRuleState, string, []Finding)
}

// scsRules returns the rules of a revision (one the checker knows).
func scsRules(r SCSRevision) []scsRuleDef {
	switch r {
	case SCSRevisionV2Draft:
		return []scsRuleDef{
			{SCSRuleLabels, levelMust, "region, zone and host-id labels on every node",
				judgeLabels(policy.LabelRegion, policy.LabelZone, policy.LabelHostID)},
			{SCSRuleControlPlaneDistributed, levelMust,
				"control plane over multiple physical machines and failure zones (control-plane nodes differ in region, zone or host-id, as the conformance check compares them)",
				judgeDraftControlPlane},
			{SCSRuleWorkersDistributed, levelRecommended,
				"worker nodes distributed (differ in region, zone or host-id, as the conformance check compares them)",
				judgeDraftWorkers},
		}
	case SCSRevisionV2Stable:
		return []scsRuleDef{
			{SCSRuleLabels, levelMust, "region and zone labels on every node",
				judgeLabels(policy.LabelRegion, policy.LabelZone)},
			{SCSRuleControlPlaneMachines, levelMust, "control plane over multiple physical machines", judgeMachines},
			{SCSRuleControlPlaneInEachZone, levelMust, "a control-plane node in each failure zone the cluster uses", judgeEachZone},
			{SCSRuleWorkersDistributed, levelRecommended, "worker nodes over multiple zones", judgeWorkerZones},
		}
	default: // SCSRevisionV2Revised
		return []scsRuleDef{
			{SCSRuleLabels, levelMust, "region and zone labels on every node",
				judgeLabels(policy.LabelRegion, policy.LabelZone)},
			{SCSRuleControlPlaneMachines, levelMust, "control plane over multiple physical machines", judgeMachines},
			{SCSRuleControlPlaneZones, levelShould, "control plane over multiple failure zones", judgeControlPlaneZones},
			{SCSRuleWorkersDistributed, levelRecommended, "worker nodes over multiple zones", judgeWorkerZones},
		}
	}
}

// judgeSCS applies the revision's rules to the nodes and returns the rules
// with their states, the outcome, and the findings in rule order.
func judgeSCS(r SCSRevision, nodes []*v1.Node) ([]SCSRule, SCSRuleState, []Finding) {
	v := newSCSView(nodes)
	rules := []SCSRule{}
	var findings []Finding
	outcome := SCSRulePass
	for _, def := range scsRules(r) {
		state, detail, fs := def.judge(v)
		rules = append(rules, SCSRule{ID: def.id, Level: def.level, Rule: def.rule, State: state, Detail: detail})
		findings = append(findings, fs...)
		switch {
		case state == SCSRuleFail:
			outcome = SCSRuleFail
		case state == SCSRuleConfirmByHand && outcome == SCSRulePass:
			outcome = SCSRuleConfirmByHand
		}
	}
	return rules, outcome, findings
}

// judgeLabels: every node MUST carry each of the labels; presence counts,
// as in the retired check. One fail finding per label.
func judgeLabels(keys ...string) func(v scsView) (SCSRuleState, string, []Finding) {
	return func(v scsView) (SCSRuleState, string, []Finding) {
		var findings []Finding
		var details []string
		for _, key := range keys {
			var missing []string
			for _, n := range v.all {
				if _, ok := n.Labels[key]; !ok {
					missing = append(missing, n.Name)
				}
			}
			if len(missing) == 0 {
				continue
			}
			findings = append(findings, Finding{
				ID:       IDLabelsMissing,
				Severity: SeverityFail,
				Message: fmt.Sprintf("%d of %d nodes lack the label %s, which the SCS standard requires on every node: %s",
					len(missing), len(v.all), key, nameList(missing)),
				Subjects: missing,
			})
			details = append(details, fmt.Sprintf("%s missing on %d of %d nodes", shortLabel(key), len(missing), len(v.all)))
		}
		if len(findings) > 0 {
			return SCSRuleFail, strings.Join(details, "; "), findings
		}
		return SCSRulePass, "", nil
	}
}

// judgeDraftControlPlane is the retired check's reading of the draft: the
// control-plane nodes (all nodes where none is visible, as it did) are at
// least two and differ in region, zone or host-id, widest first.
func judgeDraftControlPlane(v scsView) (SCSRuleState, string, []Finding) {
	considered, noun, what := v.cp, "control-plane node", "control-plane nodes"
	if len(v.cp) == 0 {
		considered, noun, what = v.all, "node", "nodes (no control-plane node is visible, so all nodes are checked, as the SCS check does)"
	}
	if len(considered) < 2 {
		return SCSRuleFail, count(len(considered), noun) + ": at least two are needed", []Finding{{
			ID:       IDControlPlaneNotDistributed,
			Severity: SeverityFail,
			Message: fmt.Sprintf("%d %s: the control plane must be distributed over multiple physical machines and failure zones, which needs at least two",
				len(considered), what),
			Subjects: names(considered),
		}}
	}
	if by := distributedBy(considered); by != "" {
		return SCSRulePass, "distributed over more than one " + shortLabel(by), nil
	}
	return SCSRuleFail, "they share " + sharedLabels(considered), []Finding{{
		ID:       IDControlPlaneNotDistributed,
		Severity: SeverityFail,
		Message: fmt.Sprintf("the %d %s are not distributed: they share %s",
			len(considered), what, sharedLabels(considered)),
		Subjects: names(considered),
	}}
}

// judgeDraftWorkers: the non-control-plane nodes differ in region, zone or
// host-id (recommended only). Where no control-plane node is visible every
// node was judged as the control plane.
func judgeDraftWorkers(v scsView) (SCSRuleState, string, []Finding) {
	switch {
	case len(v.cp) == 0:
		return SCSRuleNotApplicable, "no control-plane node is visible: every node was judged as the control plane", nil
	case len(v.others) < 2:
		return SCSRuleNotApplicable, fmt.Sprintf("%s: fewer than two", count(len(v.others), "worker node")), nil
	}
	if by := distributedBy(v.others); by != "" {
		return SCSRulePass, "distributed over more than one " + shortLabel(by), nil
	}
	return SCSRuleWarn, "they share " + sharedLabels(v.others), []Finding{{
		ID:       IDWorkersNotDistributed,
		Severity: SeverityWarn,
		Message: fmt.Sprintf("the %d non-control-plane nodes share %s; the SCS standard recommends distributing worker nodes over zones",
			len(v.others), sharedLabels(v.others)),
		Subjects: names(v.others),
	}}
}

// noControlPlane is the detail of a control-plane rule where the cluster
// shows no control-plane node (a managed control plane, whose machines are
// not nodes of the cluster): only its provider can say.
const noControlPlane = "no control-plane node is visible (a managed control plane?): confirm with its provider"

// judgeMachines: the control plane MUST run on multiple physical machines.
// The cluster shows physical machines only through host-id: distinct
// host-ids prove it; a single control-plane node, or nodes that all carry
// one host-id in one zone and region, disprove it; anything else (a node
// without host-id, or one host-id over several zones, which cannot be one
// machine) is for a person to confirm.
func judgeMachines(v scsView) (SCSRuleState, string, []Finding) {
	switch len(v.cp) {
	case 0:
		return SCSRuleConfirmByHand, noControlPlane, nil
	case 1:
		return SCSRuleFail, "1 control-plane node: at least two are needed", []Finding{{
			ID:       IDControlPlaneNotDistributed,
			Severity: SeverityFail,
			Message: fmt.Sprintf("1 control-plane node (%s): the control plane must be distributed over multiple physical machines, which needs at least two",
				v.cp[0].Name),
			Subjects: names(v.cp),
		}}
	}
	hosts := sets.New[string]()
	var unlabelled []string
	for _, n := range v.cp {
		if h := n.Labels[policy.LabelHostID]; h != "" {
			hosts.Insert(h)
		} else {
			unlabelled = append(unlabelled, n.Name)
		}
	}
	switch {
	case hosts.Len() >= 2 && len(unlabelled) == 0:
		return SCSRulePass, fmt.Sprintf("%d host-ids", hosts.Len()), nil
	case hosts.Len() >= 2:
		return SCSRulePass, fmt.Sprintf("at least %d host-ids (%d of %d control-plane nodes without one)", hosts.Len(), len(unlabelled), len(v.cp)), nil
	case len(unlabelled) > 0:
		return SCSRuleConfirmByHand, fmt.Sprintf("%d of %d control-plane nodes without a host-id label (%s): whether they run on different physical machines cannot be read from the cluster",
			len(unlabelled), len(v.cp), nameList(unlabelled)), nil
	}
	host := sets.List(hosts)[0]
	if zones, regions := labelValues(v.cp, policy.LabelZone), labelValues(v.cp, policy.LabelRegion); zones.Len() > 1 || regions.Len() > 1 {
		spread := count(zones.Len(), "zone")
		if regions.Len() > 1 {
			spread = count(regions.Len(), "region")
		}
		return SCSRuleConfirmByHand, fmt.Sprintf("all %d control-plane nodes carry host-id %q but are in %s, and one machine cannot be in two: the labels contradict each other",
			len(v.cp), host, spread), nil
	}
	return SCSRuleFail, fmt.Sprintf("all %d control-plane nodes carry host-id %q", len(v.cp), host), []Finding{{
		ID:       IDControlPlaneNotDistributed,
		Severity: SeverityFail,
		Message: fmt.Sprintf("the %d control-plane nodes all carry host-id %q: they run on one physical machine, and the control plane must be distributed over multiple physical machines",
			len(v.cp), host),
		Subjects: names(v.cp),
	}}
}

// judgeEachZone (2024-11): at least one control-plane node MUST run in each
// failure zone used for the cluster, the zones of its nodes.
func judgeEachZone(v scsView) (SCSRuleState, string, []Finding) {
	if len(v.cp) == 0 {
		return SCSRuleConfirmByHand, noControlPlane, nil
	}
	used, withCP := labelValues(v.all, policy.LabelZone), labelValues(v.cp, policy.LabelZone)
	missing := sets.List(used.Difference(withCP))
	if len(missing) == 0 {
		return SCSRulePass, fmt.Sprintf("%s, each with a control-plane node", count(used.Len(), "zone")), nil
	}
	var without []string
	for _, n := range v.all {
		if z, ok := n.Labels[policy.LabelZone]; ok && !withCP.Has(z) {
			without = append(without, n.Name)
		}
	}
	return SCSRuleFail, "no control-plane node in " + quotedList(missing), []Finding{{
		ID:       IDZoneWithoutControlPlane,
		Severity: SeverityFail,
		Message: fmt.Sprintf("%s nodes (%s) but no control-plane node: revision %s requires at least one control-plane node in each failure zone the cluster uses",
			zonesHave(missing), nameList(without), SCSRevisionV2Stable),
		Subjects: missing,
	}}
}

// judgeControlPlaneZones (2026-04): the control plane SHOULD be distributed
// over multiple failure zones.
func judgeControlPlaneZones(v scsView) (SCSRuleState, string, []Finding) {
	if len(v.cp) == 0 {
		return SCSRuleConfirmByHand, noControlPlane, nil
	}
	zones := labelValues(v.cp, policy.LabelZone)
	if zones.Len() >= 2 {
		return SCSRulePass, count(zones.Len(), "zone"), nil
	}
	where := "without a zone label"
	if zones.Len() == 1 {
		where = fmt.Sprintf("in zone %q and no other", sets.List(zones)[0])
	}
	return SCSRuleWarn, fmt.Sprintf("%s %s", count(len(v.cp), "control-plane node"), where), []Finding{{
		ID:       IDControlPlaneInOneZone,
		Severity: SeverityWarn,
		Message: fmt.Sprintf("%s %s: the SCS standard says the control plane should be distributed over multiple failure zones; one zone's failure takes all of it",
			count(len(v.cp), "control-plane node"), where),
		Subjects: names(v.cp),
	}}
}

// judgeWorkerZones (2024-11, 2026-04): worker nodes are RECOMMENDED over
// multiple zones; one worker may be scaled vertically first, so fewer than
// two is not a shortfall. Where no control-plane node is visible, every
// node is a worker.
func judgeWorkerZones(v scsView) (SCSRuleState, string, []Finding) {
	if len(v.others) < 2 {
		return SCSRuleNotApplicable, fmt.Sprintf("%s: fewer than two", count(len(v.others), "worker node")), nil
	}
	zones := labelValues(v.others, policy.LabelZone)
	if zones.Len() >= 2 {
		return SCSRulePass, count(zones.Len(), "zone"), nil
	}
	where := "without a zone label"
	if zones.Len() == 1 {
		where = fmt.Sprintf("in zone %q and no other", sets.List(zones)[0])
	}
	return SCSRuleWarn, fmt.Sprintf("%d worker nodes %s", len(v.others), where), []Finding{{
		ID:       IDWorkersNotDistributed,
		Severity: SeverityWarn,
		Message: fmt.Sprintf("the %d non-control-plane nodes are %s; the SCS standard recommends distributing worker nodes over zones",
			len(v.others), where),
		Subjects: names(v.others),
	}}
}

// labelValues returns the non-empty values of a label on the nodes.
func labelValues(nodes []*v1.Node, key string) sets.Set[string] {
	out := sets.New[string]()
	for _, n := range nodes {
		if v := n.Labels[key]; v != "" {
			out.Insert(v)
		}
	}
	return out
}

// quotedList renders `"a", "b"`.
func quotedList(ss []string) string {
	q := make([]string, 0, len(ss))
	for _, s := range ss {
		q = append(q, fmt.Sprintf("%q", s))
	}
	return nameList(q)
}

// zonesHave renders `zone "a" has` or `zones "a", "b" have`.
func zonesHave(zones []string) string {
	if len(zones) == 1 {
		return "zone " + quotedList(zones) + " has"
	}
	return "zones " + quotedList(zones) + " have"
}

func sortedNodes(nodes []*v1.Node) []*v1.Node {
	out := append([]*v1.Node(nil), nodes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
