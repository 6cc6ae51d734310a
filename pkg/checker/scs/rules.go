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

package scs

import (
	"fmt"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/levels"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
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
	judge           func(v scsView) (v1alpha1.SCSRuleState, string, []v1alpha1.Finding)
}

// scsRules returns the rules of a revision (one the checker knows).
func scsRules(r v1alpha1.SCSRevision) []scsRuleDef {
	switch r {
	case v1alpha1.SCSRevisionV2Draft:
		return []scsRuleDef{
			{v1alpha1.SCSRuleLabels, levelMust, "region, zone and host-id labels on every node",
				judgeLabels(policy.LabelRegion, policy.LabelZone, policy.LabelHostID)},
			{v1alpha1.SCSRuleControlPlaneDistributed, levelMust,
				"control plane over multiple physical machines and failure zones (control-plane nodes differ in region, zone or host-id, as the conformance check compares them)",
				judgeDraftControlPlane},
			{v1alpha1.SCSRuleWorkersDistributed, levelRecommended,
				"worker nodes distributed (differ in region, zone or host-id, as the conformance check compares them)",
				judgeDraftWorkers},
		}
	case v1alpha1.SCSRevisionV2Stable:
		return []scsRuleDef{
			{v1alpha1.SCSRuleLabels, levelMust, "region and zone labels on every node",
				judgeLabels(policy.LabelRegion, policy.LabelZone)},
			{v1alpha1.SCSRuleControlPlaneMachines, levelMust, "control plane over multiple physical machines", judgeMachines},
			{v1alpha1.SCSRuleControlPlaneInEachZone, levelMust, "a control-plane node in each failure zone the cluster uses", judgeEachZone},
			{v1alpha1.SCSRuleWorkersDistributed, levelRecommended, "worker nodes over multiple zones", judgeWorkerZones},
		}
	default: // SCSRevisionV2Revised
		return []scsRuleDef{
			{v1alpha1.SCSRuleLabels, levelMust, "region and zone labels on every node",
				judgeLabels(policy.LabelRegion, policy.LabelZone)},
			{v1alpha1.SCSRuleControlPlaneMachines, levelMust, "control plane over multiple physical machines", judgeMachines},
			{v1alpha1.SCSRuleControlPlaneZones, levelShould, "control plane over multiple failure zones", judgeControlPlaneZones},
			{v1alpha1.SCSRuleWorkersDistributed, levelRecommended, "worker nodes over multiple zones", judgeWorkerZones},
		}
	}
}

// judgeSCS applies the revision's rules to the nodes and returns the rules
// with their states, the outcome, and the findings in rule order.
func judgeSCS(r v1alpha1.SCSRevision, nodes []*v1.Node) ([]v1alpha1.SCSRule, v1alpha1.SCSRuleState, []v1alpha1.Finding) {
	v := newSCSView(nodes)
	rules := []v1alpha1.SCSRule{}
	var findings []v1alpha1.Finding
	outcome := v1alpha1.SCSRulePass
	for _, def := range scsRules(r) {
		state, detail, fs := def.judge(v)
		rules = append(rules, v1alpha1.SCSRule{ID: def.id, Level: def.level, Rule: def.rule, State: state, Detail: detail})
		findings = append(findings, fs...)
		switch {
		case state == v1alpha1.SCSRuleFail:
			outcome = v1alpha1.SCSRuleFail
		case state == v1alpha1.SCSRuleConfirmByHand && outcome == v1alpha1.SCSRulePass:
			outcome = v1alpha1.SCSRuleConfirmByHand
		}
	}
	return rules, outcome, findings
}

// judgeLabels: every node MUST carry each of the labels; presence counts,
// as in the retired check. One fail finding per label.
func judgeLabels(keys ...string) func(v scsView) (v1alpha1.SCSRuleState, string, []v1alpha1.Finding) {
	return func(v scsView) (v1alpha1.SCSRuleState, string, []v1alpha1.Finding) {
		var findings []v1alpha1.Finding
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
			findings = append(findings, v1alpha1.Finding{
				ID:       v1alpha1.IDLabelsMissing,
				Severity: v1alpha1.SeverityFail,
				Message: fmt.Sprintf("%d of %d nodes lack the label %s, which the SCS standard requires on every node: %s",
					len(missing), len(v.all), key, words.List(missing)),
				Subjects: missing,
			})
			details = append(details, fmt.Sprintf("%s missing on %d of %d nodes", levels.LabelName(key), len(missing), len(v.all)))
		}
		if len(findings) > 0 {
			return v1alpha1.SCSRuleFail, strings.Join(details, "; "), findings
		}
		return v1alpha1.SCSRulePass, "", nil
	}
}

// judgeDraftControlPlane is the retired check's reading of the draft: the
// control-plane nodes (all nodes where none is visible, as it did) are at
// least two and differ in region, zone or host-id, widest first.
func judgeDraftControlPlane(v scsView) (v1alpha1.SCSRuleState, string, []v1alpha1.Finding) {
	considered, noun, what := v.cp, "control-plane node", "control-plane nodes"
	if len(v.cp) == 0 {
		considered, noun, what = v.all, "node", "nodes (no control-plane node is visible, so all nodes are checked, as the SCS check does)"
	}
	if len(considered) < 2 {
		return v1alpha1.SCSRuleFail, words.Count(len(considered), noun) + ": at least two are needed", []v1alpha1.Finding{{
			ID:       v1alpha1.IDControlPlaneNotDistributed,
			Severity: v1alpha1.SeverityFail,
			Message: fmt.Sprintf("%d %s: the control plane must be distributed over multiple physical machines and failure zones, which needs at least two",
				len(considered), what),
			Subjects: names(considered),
		}}
	}
	if by := distributedBy(considered); by != "" {
		return v1alpha1.SCSRulePass, "distributed over more than one " + levels.LabelName(by), nil
	}
	return v1alpha1.SCSRuleFail, "they share " + sharedLabels(considered), []v1alpha1.Finding{{
		ID:       v1alpha1.IDControlPlaneNotDistributed,
		Severity: v1alpha1.SeverityFail,
		Message: fmt.Sprintf("the %d %s are not distributed: they share %s",
			len(considered), what, sharedLabels(considered)),
		Subjects: names(considered),
	}}
}

// judgeDraftWorkers: the non-control-plane nodes differ in region, zone or
// host-id (recommended only). Where no control-plane node is visible every
// node was judged as the control plane.
func judgeDraftWorkers(v scsView) (v1alpha1.SCSRuleState, string, []v1alpha1.Finding) {
	switch {
	case len(v.cp) == 0:
		return v1alpha1.SCSRuleNotApplicable, "no control-plane node is visible: every node was judged as the control plane", nil
	case len(v.others) < 2:
		return v1alpha1.SCSRuleNotApplicable, fmt.Sprintf("%s: fewer than two", words.Count(len(v.others), "worker node")), nil
	}
	if by := distributedBy(v.others); by != "" {
		return v1alpha1.SCSRulePass, "distributed over more than one " + levels.LabelName(by), nil
	}
	return v1alpha1.SCSRuleWarn, "they share " + sharedLabels(v.others), []v1alpha1.Finding{{
		ID:       v1alpha1.IDWorkersNotDistributed,
		Severity: v1alpha1.SeverityWarn,
		Message: fmt.Sprintf("the %d non-control-plane nodes share %s; the SCS standard recommends distributing worker nodes over zones",
			len(v.others), sharedLabels(v.others)),
		Subjects: names(v.others),
	}}
}

// NoControlPlane is the detail of a control-plane rule where the cluster
// shows no control-plane node (a managed control plane, whose machines are
// not nodes of the cluster): only its provider can say.
const NoControlPlane = "no control-plane node is visible (a managed control plane?): confirm with its provider"

// judgeMachines: the control plane MUST run on multiple physical machines.
// The cluster shows physical machines only through host-id: distinct
// host-ids prove it; a single control-plane node, or nodes that all carry
// one host-id in one zone and region, disprove it; anything else (a node
// without host-id, or one host-id over several zones, which cannot be one
// machine) is for a person to confirm.
func judgeMachines(v scsView) (v1alpha1.SCSRuleState, string, []v1alpha1.Finding) {
	switch len(v.cp) {
	case 0:
		return v1alpha1.SCSRuleConfirmByHand, NoControlPlane, nil
	case 1:
		return v1alpha1.SCSRuleFail, "1 control-plane node: at least two are needed", []v1alpha1.Finding{{
			ID:       v1alpha1.IDControlPlaneNotDistributed,
			Severity: v1alpha1.SeverityFail,
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
		return v1alpha1.SCSRulePass, fmt.Sprintf("%d host-ids", hosts.Len()), nil
	case hosts.Len() >= 2:
		return v1alpha1.SCSRulePass, fmt.Sprintf("at least %d host-ids (%d of %d control-plane nodes without one)", hosts.Len(), len(unlabelled), len(v.cp)), nil
	case len(unlabelled) > 0:
		return v1alpha1.SCSRuleConfirmByHand, fmt.Sprintf("%d of %d control-plane nodes without a host-id label (%s): whether they run on different physical machines cannot be read from the cluster",
			len(unlabelled), len(v.cp), words.List(unlabelled)), nil
	}
	host := sets.List(hosts)[0]
	if zones, regions := labelValues(v.cp, policy.LabelZone), labelValues(v.cp, policy.LabelRegion); zones.Len() > 1 || regions.Len() > 1 {
		spread := words.Count(zones.Len(), "zone")
		if regions.Len() > 1 {
			spread = words.Count(regions.Len(), "region")
		}
		return v1alpha1.SCSRuleConfirmByHand, fmt.Sprintf("all %d control-plane nodes carry host-id %q but are in %s, and one machine cannot be in two: the labels contradict each other",
			len(v.cp), host, spread), nil
	}
	return v1alpha1.SCSRuleFail, fmt.Sprintf("all %d control-plane nodes carry host-id %q", len(v.cp), host), []v1alpha1.Finding{{
		ID:       v1alpha1.IDControlPlaneNotDistributed,
		Severity: v1alpha1.SeverityFail,
		Message: fmt.Sprintf("the %d control-plane nodes all carry host-id %q: they run on one physical machine, and the control plane must be distributed over multiple physical machines",
			len(v.cp), host),
		Subjects: names(v.cp),
	}}
}

// judgeEachZone (2024-11): at least one control-plane node MUST run in each
// failure zone used for the cluster, the zones of its nodes.
func judgeEachZone(v scsView) (v1alpha1.SCSRuleState, string, []v1alpha1.Finding) {
	if len(v.cp) == 0 {
		return v1alpha1.SCSRuleConfirmByHand, NoControlPlane, nil
	}
	used, withCP := labelValues(v.all, policy.LabelZone), labelValues(v.cp, policy.LabelZone)
	missing := sets.List(used.Difference(withCP))
	if len(missing) == 0 {
		return v1alpha1.SCSRulePass, fmt.Sprintf("%s, each with a control-plane node", words.Count(used.Len(), "zone")), nil
	}
	var without []string
	for _, n := range v.all {
		if z, ok := n.Labels[policy.LabelZone]; ok && !withCP.Has(z) {
			without = append(without, n.Name)
		}
	}
	return v1alpha1.SCSRuleFail, "no control-plane node in " + quotedList(missing), []v1alpha1.Finding{{
		ID:       v1alpha1.IDZoneWithoutControlPlane,
		Severity: v1alpha1.SeverityFail,
		Message: fmt.Sprintf("%s nodes (%s) but no control-plane node: revision %s requires at least one control-plane node in each failure zone the cluster uses",
			zonesHave(missing), words.List(without), v1alpha1.SCSRevisionV2Stable),
		Subjects: missing,
	}}
}

// judgeControlPlaneZones (2026-04): the control plane SHOULD be distributed
// over multiple failure zones.
func judgeControlPlaneZones(v scsView) (v1alpha1.SCSRuleState, string, []v1alpha1.Finding) {
	if len(v.cp) == 0 {
		return v1alpha1.SCSRuleConfirmByHand, NoControlPlane, nil
	}
	zones := labelValues(v.cp, policy.LabelZone)
	if zones.Len() >= 2 {
		return v1alpha1.SCSRulePass, words.Count(zones.Len(), "zone"), nil
	}
	where := "without a zone label"
	if zones.Len() == 1 {
		where = fmt.Sprintf("in zone %q and no other", sets.List(zones)[0])
	}
	return v1alpha1.SCSRuleWarn, fmt.Sprintf("%s %s", words.Count(len(v.cp), "control-plane node"), where), []v1alpha1.Finding{{
		ID:       v1alpha1.IDControlPlaneInOneZone,
		Severity: v1alpha1.SeverityWarn,
		Message: fmt.Sprintf("%s %s: the SCS standard says the control plane should be distributed over multiple failure zones; one zone's failure takes all of it",
			words.Count(len(v.cp), "control-plane node"), where),
		Subjects: names(v.cp),
	}}
}

// judgeWorkerZones (2024-11, 2026-04): worker nodes are RECOMMENDED over
// multiple zones; one worker may be scaled vertically first, so fewer than
// two is not a shortfall. Where no control-plane node is visible, every
// node is a worker.
func judgeWorkerZones(v scsView) (v1alpha1.SCSRuleState, string, []v1alpha1.Finding) {
	if len(v.others) < 2 {
		return v1alpha1.SCSRuleNotApplicable, fmt.Sprintf("%s: fewer than two", words.Count(len(v.others), "worker node")), nil
	}
	zones := labelValues(v.others, policy.LabelZone)
	if zones.Len() >= 2 {
		return v1alpha1.SCSRulePass, words.Count(zones.Len(), "zone"), nil
	}
	where := "without a zone label"
	if zones.Len() == 1 {
		where = fmt.Sprintf("in zone %q and no other", sets.List(zones)[0])
	}
	return v1alpha1.SCSRuleWarn, fmt.Sprintf("%d worker nodes %s", len(v.others), where), []v1alpha1.Finding{{
		ID:       v1alpha1.IDWorkersNotDistributed,
		Severity: v1alpha1.SeverityWarn,
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
	return words.List(q)
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
