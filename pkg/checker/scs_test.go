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
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

func TestParseSCSRevision(t *testing.T) {
	const valid = "valid revisions of scs-0214 are v2-2026-04 (revised 2026-04-28, current, the default), v2-2024-11 (stable 2024-11-21), v2-draft (draft, host-id required)"
	tests := []struct {
		in      string
		want    SCSRevision
		wantErr string
	}{
		{in: "", want: SCSRevisionV2Revised},
		{in: "v2-2026-04", want: SCSRevisionV2Revised},
		{in: "v2-2024-11", want: SCSRevisionV2Stable},
		{in: "v2-draft", want: SCSRevisionV2Draft},
		{in: "V2-DRAFT", wantErr: `unknown SCS revision "V2-DRAFT": ` + valid},
		{in: "current", wantErr: `unknown SCS revision "current": ` + valid},
		{in: "scs-0214-v2", wantErr: `unknown SCS revision "scs-0214-v2": ` + valid},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseSCSRevision(tc.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tc.wantErr, gotErr); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("revision (-want +got):\n%s", diff)
			}
		})
	}
}

// The rules each revision states, in the report's order; "" and an unknown
// name apply the current revision, and the report names it.
func TestSCSRevisionRules(t *testing.T) {
	type rule struct{ ID, Level, Rule string }
	labels := func(text string) rule { return rule{SCSRuleLabels, "MUST", text} }
	machines := rule{SCSRuleControlPlaneMachines, "MUST", "control plane over multiple physical machines"}
	workerZones := rule{SCSRuleWorkersDistributed, "RECOMMENDED", "worker nodes over multiple zones"}
	current := []rule{
		labels("region and zone labels on every node"),
		machines,
		{SCSRuleControlPlaneZones, "SHOULD", "control plane over multiple failure zones"},
		workerZones,
	}
	tests := []struct {
		revision SCSRevision
		applied  SCSRevision
		want     []rule
	}{
		{revision: "", applied: SCSRevisionV2Revised, want: current},
		{revision: "v2-1999-01", applied: SCSRevisionV2Revised, want: current},
		{revision: SCSRevisionV2Revised, applied: SCSRevisionV2Revised, want: current},
		{revision: SCSRevisionV2Stable, applied: SCSRevisionV2Stable, want: []rule{
			labels("region and zone labels on every node"),
			machines,
			{SCSRuleControlPlaneInEachZone, "MUST", "a control-plane node in each failure zone the cluster uses"},
			workerZones,
		}},
		{revision: SCSRevisionV2Draft, applied: SCSRevisionV2Draft, want: []rule{
			labels("region, zone and host-id labels on every node"),
			{SCSRuleControlPlaneDistributed, "MUST", "control plane over multiple physical machines and failure zones (control-plane nodes differ in region, zone or host-id, as the conformance check compares them)"},
			{SCSRuleWorkersDistributed, "RECOMMENDED", "worker nodes distributed (differ in region, zone or host-id, as the conformance check compares them)"},
		}},
	}
	for _, tc := range tests {
		t.Run(string(tc.revision), func(t *testing.T) {
			nd := Analyze(nil, haCluster(), Options{SCSRevision: tc.revision}).NodeDistribution
			var got []rule
			for _, r := range nd.Rules {
				got = append(got, rule{r.ID, r.Level, r.Rule})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(StandardSCSNodeDistribution+" "+string(tc.applied), nd.Standard+" "+string(nd.Revision)); diff != "" {
				t.Errorf("standard and revision (-want +got):\n%s", diff)
			}
		})
	}
}

// scsOutcome is what a revision makes of a node-only cluster: the verdict,
// the node-distribution outcome, each rule's state and detail, and the
// findings (without their messages; TestSCSFindingMessages pins those).
type scsOutcome struct {
	Verdict  Verdict
	Pass     bool
	Outcome  SCSRuleState
	Rules    [][3]string // id, state, detail
	Findings []Finding
}

func scsOutcomeOf(r *Report) scsOutcome {
	out := scsOutcome{Verdict: r.Verdict, Pass: r.NodeDistribution.Pass, Outcome: r.NodeDistribution.Outcome, Findings: r.Findings}
	for _, rule := range r.NodeDistribution.Rules {
		out.Rules = append(out.Rules, [3]string{rule.ID, string(rule.State), rule.Detail})
	}
	return out
}

// Each revision on the SCS check's test data (the label sets of
// testdata-scenarios.yaml, as scsNodes rows) and on clusters where the
// revisions part: the whole outcome per revision. On the draft the verdict
// is the retired check's (success-N pass, the others fail).
func TestSCSRevisionsJudge(t *testing.T) {
	const (
		pass    = string(SCSRulePass)
		failed  = string(SCSRuleFail)
		warned  = string(SCSRuleWarn)
		confirm = string(SCSRuleConfirmByHand)
		na      = string(SCSRuleNotApplicable)

		labels    = SCSRuleLabels
		draftCP   = SCSRuleControlPlaneDistributed
		machines  = SCSRuleControlPlaneMachines
		eachZone  = SCSRuleControlPlaneInEachZone
		cpZones   = SCSRuleControlPlaneZones
		workers   = SCSRuleWorkersDistributed
		noCP      = noControlPlane
		byZone    = "distributed over more than one zone"
		oneCP     = "1 control-plane node: at least two are needed"
		noWorkers = "0 worker nodes: fewer than two"
	)
	okDraft := [][3]string{{labels, pass, ""}, {draftCP, pass, byZone}, {workers, pass, byZone}}
	tests := []struct {
		name    string
		cluster Cluster
		want    map[SCSRevision]scsOutcome
	}{
		{
			name: "success-1",
			cluster: scsNodes(
				[5]string{"control-0", cp, "region", "zone1", "vm0"},
				[5]string{"control-1", cp, "region", "zone2", "vm1"},
				[5]string{"control-2", cp, "region", "zone3", "vm2"},
				[5]string{"worker-0", worker, "region", "zone1", "vm3"},
				[5]string{"worker-1", worker, "region", "zone2", "vm4"},
				[5]string{"worker-2", worker, "region", "zone3", "vm5"},
			),
			want: map[SCSRevision]scsOutcome{
				SCSRevisionV2Draft: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: okDraft},
				SCSRevisionV2Stable: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: [][3]string{
					{labels, pass, ""}, {machines, pass, "3 host-ids"}, {eachZone, pass, "3 zones, each with a control-plane node"}, {workers, pass, "3 zones"},
				}},
				SCSRevisionV2Revised: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: [][3]string{
					{labels, pass, ""}, {machines, pass, "3 host-ids"}, {cpZones, pass, "3 zones"}, {workers, pass, "3 zones"},
				}},
			},
		},
		{
			// One host-id in three zones cannot be one machine: the draft
			// passes on the zones, the later revisions cannot tell.
			name: "success-2",
			cluster: scsNodes(
				[5]string{"control-0", cp, "region", "zone1", "vm0"},
				[5]string{"control-1", cp, "region", "zone2", "vm0"},
				[5]string{"control-2", cp, "region", "zone3", "vm0"},
				[5]string{"worker-0", worker, "region", "zone1", "vm1"},
				[5]string{"worker-1", worker, "region", "zone2", "vm1"},
				[5]string{"worker-2", worker, "region", "zone3", "vm1"},
			),
			want: func() map[SCSRevision]scsOutcome {
				contradiction := `all 3 control-plane nodes carry host-id "vm0" but are in 3 zones, and one machine cannot be in two: the labels contradict each other`
				inTwoZones := []Finding{
					f(SeverityWarn, IDHostIDInMultipleZones, "vm0", "control-0", "control-1", "control-2"),
					f(SeverityWarn, IDHostIDInMultipleZones, "vm1", "worker-0", "worker-1", "worker-2"),
				}
				return map[SCSRevision]scsOutcome{
					SCSRevisionV2Draft: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: okDraft, Findings: inTwoZones},
					SCSRevisionV2Stable: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, {machines, confirm, contradiction}, {eachZone, pass, "3 zones, each with a control-plane node"}, {workers, pass, "3 zones"},
					}, Findings: inTwoZones},
					SCSRevisionV2Revised: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, {machines, confirm, contradiction}, {cpZones, pass, "3 zones"}, {workers, pass, "3 zones"},
					}, Findings: inTwoZones},
				}
			}(),
		},
		{
			name: "no-distribution-1",
			cluster: scsNodes(
				[5]string{"control-0", cp, "region", "zone1", "vm0"},
				[5]string{"worker-0", worker, "region", "zone1", "vm0"},
			),
			want: func() map[SCSRevision]scsOutcome {
				notDistributed := f(SeverityFail, IDControlPlaneNotDistributed, "control-0")
				oneWorker := [3]string{workers, na, "1 worker node: fewer than two"}
				return map[SCSRevision]scsOutcome{
					SCSRevisionV2Draft: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {draftCP, failed, oneCP}, oneWorker,
					}, Findings: []Finding{notDistributed}},
					SCSRevisionV2Stable: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {machines, failed, oneCP}, {eachZone, pass, "1 zone, each with a control-plane node"}, oneWorker,
					}, Findings: []Finding{notDistributed}},
					SCSRevisionV2Revised: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {machines, failed, oneCP}, {cpZones, warned, `1 control-plane node in zone "zone1" and no other`}, oneWorker,
					}, Findings: []Finding{notDistributed, f(SeverityWarn, IDControlPlaneInOneZone, "control-0")}},
				}
			}(),
		},
		{
			name: "no-distribution-2",
			cluster: scsNodes(
				[5]string{"control-0", cp, "region", "zone1", "vm0"},
				[5]string{"control-1", cp, "region", "zone1", "vm0"},
				[5]string{"control-2", cp, "region", "zone1", "vm0"},
				[5]string{"worker-0", worker, "region", "zone1", "vm1"},
				[5]string{"worker-1", worker, "region", "zone1", "vm1"},
				[5]string{"worker-2", worker, "region", "zone1", "vm1"},
			),
			want: func() map[SCSRevision]scsOutcome {
				cps := []string{"control-0", "control-1", "control-2"}
				ws := []string{"worker-0", "worker-1", "worker-2"}
				oneHost := [3]string{machines, failed, `all 3 control-plane nodes carry host-id "vm0"`}
				workersOneZone := [3]string{workers, warned, `3 worker nodes in zone "zone1" and no other`}
				return map[SCSRevision]scsOutcome{
					SCSRevisionV2Draft: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""},
						{draftCP, failed, `they share region "region", zone "zone1", host-id "vm0"`},
						{workers, warned, `they share region "region", zone "zone1", host-id "vm1"`},
					}, Findings: []Finding{
						f(SeverityFail, IDControlPlaneNotDistributed, cps...), f(SeverityWarn, IDWorkersNotDistributed, ws...),
					}},
					SCSRevisionV2Stable: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, oneHost, {eachZone, pass, "1 zone, each with a control-plane node"}, workersOneZone,
					}, Findings: []Finding{
						f(SeverityFail, IDControlPlaneNotDistributed, cps...), f(SeverityWarn, IDWorkersNotDistributed, ws...),
					}},
					SCSRevisionV2Revised: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, oneHost, {cpZones, warned, `3 control-plane nodes in zone "zone1" and no other`}, workersOneZone,
					}, Findings: []Finding{
						f(SeverityFail, IDControlPlaneNotDistributed, cps...), f(SeverityWarn, IDControlPlaneInOneZone, cps...),
						f(SeverityWarn, IDWorkersNotDistributed, ws...),
					}},
				}
			}(),
		},
		{
			// A control-plane node without host-id: the draft requires the
			// label; the later revisions cannot see the machine under it.
			// Under every revision ha-scheduler warns of its own.
			name: "missing-labels",
			cluster: scsNodes(
				[5]string{"control-0", cp, "region", "zone1", "vm0"},
				[5]string{"control-1", cp, "region", "zone1", ""},
			),
			want: func() map[SCSRevision]scsOutcome {
				cps := []string{"control-0", "control-1"}
				ours := []Finding{f(SeverityWarn, IDHostIDMissing, "control-1"), f(SeverityWarn, IDEvenControlPlaneCount, cps...)}
				unseen := [3]string{machines, confirm, "1 of 2 control-plane nodes without a host-id label (control-1): whether they run on different physical machines cannot be read from the cluster"}
				return map[SCSRevision]scsOutcome{
					SCSRevisionV2Draft: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, failed, "host-id missing on 1 of 2 nodes"},
						{draftCP, failed, `they share region "region", zone "zone1", host-id "vm0" (1 unlabelled)`},
						{workers, na, noWorkers},
					}, Findings: append([]Finding{
						f(SeverityFail, IDLabelsMissing, "control-1"), f(SeverityFail, IDControlPlaneNotDistributed, cps...),
					}, ours...)},
					SCSRevisionV2Stable: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, unseen, {eachZone, pass, "1 zone, each with a control-plane node"}, {workers, na, noWorkers},
					}, Findings: ours},
					SCSRevisionV2Revised: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, unseen, {cpZones, warned, `2 control-plane nodes in zone "zone1" and no other`}, {workers, na, noWorkers},
					}, Findings: append([]Finding{f(SeverityWarn, IDControlPlaneInOneZone, cps...)}, ours...)},
				}
			}(),
		},
		{
			name:    "not-enough-nodes",
			cluster: scsNodes([5]string{"node-0", cp, "region", "zone1", "vm0"}),
			want: func() map[SCSRevision]scsOutcome {
				notDistributed := f(SeverityFail, IDControlPlaneNotDistributed, "node-0")
				return map[SCSRevision]scsOutcome{
					SCSRevisionV2Draft: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {draftCP, failed, oneCP}, {workers, na, noWorkers},
					}, Findings: []Finding{notDistributed}},
					SCSRevisionV2Stable: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {machines, failed, oneCP}, {eachZone, pass, "1 zone, each with a control-plane node"}, {workers, na, noWorkers},
					}, Findings: []Finding{notDistributed}},
					SCSRevisionV2Revised: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {machines, failed, oneCP}, {cpZones, warned, `1 control-plane node in zone "zone1" and no other`}, {workers, na, noWorkers},
					}, Findings: []Finding{notDistributed, f(SeverityWarn, IDControlPlaneInOneZone, "node-0")}},
				}
			}(),
		},
		{
			// A cloud that labels zones but not the hypervisors.
			name: "control plane over three zones, no host-id anywhere",
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", ""},
				[5]string{"cp-b", cp, "r1", "b", ""},
				[5]string{"cp-c", cp, "r1", "c", ""},
				[5]string{"w-a", worker, "r1", "a", ""},
			),
			want: func() map[SCSRevision]scsOutcome {
				all := []string{"cp-a", "cp-b", "cp-c", "w-a"}
				unseen := [3]string{machines, confirm, "3 of 3 control-plane nodes without a host-id label (cp-a, cp-b, cp-c): whether they run on different physical machines cannot be read from the cluster"}
				oneWorker := [3]string{workers, na, "1 worker node: fewer than two"}
				return map[SCSRevision]scsOutcome{
					SCSRevisionV2Draft: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, failed, "host-id missing on 4 of 4 nodes"}, {draftCP, pass, byZone}, oneWorker,
					}, Findings: []Finding{f(SeverityFail, IDLabelsMissing, all...), f(SeverityWarn, IDHostIDMissing, all...)}},
					SCSRevisionV2Stable: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, unseen, {eachZone, pass, "3 zones, each with a control-plane node"}, oneWorker,
					}, Findings: []Finding{f(SeverityWarn, IDHostIDMissing, all...)}},
					SCSRevisionV2Revised: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, unseen, {cpZones, pass, "3 zones"}, oneWorker,
					}, Findings: []Finding{f(SeverityWarn, IDHostIDMissing, all...)}},
				}
			}(),
		},
		{
			// Two host-ids among the labelled control-plane nodes prove two
			// machines, whatever the third runs on.
			name: "two host-ids and a control-plane node without one",
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", "h1"},
				[5]string{"cp-b", cp, "r1", "b", "h2"},
				[5]string{"cp-c", cp, "r1", "c", ""},
			),
			want: func() map[SCSRevision]scsOutcome {
				atLeast := [3]string{machines, pass, "at least 2 host-ids (1 of 3 control-plane nodes without one)"}
				ours := []Finding{f(SeverityWarn, IDHostIDMissing, "cp-c")}
				return map[SCSRevision]scsOutcome{
					SCSRevisionV2Draft: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
						{labels, failed, "host-id missing on 1 of 3 nodes"}, {draftCP, pass, byZone}, {workers, na, noWorkers},
					}, Findings: append([]Finding{f(SeverityFail, IDLabelsMissing, "cp-c")}, ours...)},
					SCSRevisionV2Stable: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: [][3]string{
						{labels, pass, ""}, atLeast, {eachZone, pass, "3 zones, each with a control-plane node"}, {workers, na, noWorkers},
					}, Findings: ours},
					SCSRevisionV2Revised: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: [][3]string{
						{labels, pass, ""}, atLeast, {cpZones, pass, "3 zones"}, {workers, na, noWorkers},
					}, Findings: ours},
				}
			}(),
		},
		{
			// 2024-11 wants a control-plane node in every zone the cluster
			// uses; 2026-04 dropped that for "SHOULD be over multiple zones".
			name: "workers in a zone without a control-plane node",
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", "h1"},
				[5]string{"cp-b", cp, "r1", "b", "h2"},
				[5]string{"cp-c", cp, "r1", "c", "h3"},
				[5]string{"w-a", worker, "r1", "a", "h4"},
				[5]string{"w-d1", worker, "r1", "d", "h5"},
				[5]string{"w-d2", worker, "r1", "d", "h6"},
			),
			want: map[SCSRevision]scsOutcome{
				SCSRevisionV2Draft: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: okDraft},
				SCSRevisionV2Stable: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
					{labels, pass, ""}, {machines, pass, "3 host-ids"}, {eachZone, failed, `no control-plane node in "d"`}, {workers, pass, "2 zones"},
				}, Findings: []Finding{f(SeverityFail, IDZoneWithoutControlPlane, "d")}},
				SCSRevisionV2Revised: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: [][3]string{
					{labels, pass, ""}, {machines, pass, "3 host-ids"}, {cpZones, pass, "3 zones"}, {workers, pass, "2 zones"},
				}},
			},
		},
		{
			// A managed control plane: no node shows it. The draft judged
			// every node as the control plane, as its check did.
			name: "no visible control plane",
			cluster: scsNodes(
				[5]string{"w-a", worker, "r1", "a", "h1"},
				[5]string{"w-b", worker, "r1", "b", "h2"},
			),
			want: map[SCSRevision]scsOutcome{
				SCSRevisionV2Draft: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: [][3]string{
					{labels, pass, ""}, {draftCP, pass, byZone},
					{workers, na, "no control-plane node is visible: every node was judged as the control plane"},
				}},
				SCSRevisionV2Stable: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
					{labels, pass, ""}, {machines, confirm, noCP}, {eachZone, confirm, noCP}, {workers, pass, "2 zones"},
				}},
				SCSRevisionV2Revised: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
					{labels, pass, ""}, {machines, confirm, noCP}, {cpZones, confirm, noCP}, {workers, pass, "2 zones"},
				}},
			},
		},
		{
			name: "one host-id over two regions",
			cluster: scsNodes(
				[5]string{"cp-1", cp, "r1", "a", "h1"},
				[5]string{"cp-2", cp, "r2", "a", "h1"},
				[5]string{"cp-3", cp, "r2", "a", "h1"},
			),
			want: func() map[SCSRevision]scsOutcome {
				cps := []string{"cp-1", "cp-2", "cp-3"}
				contradiction := [3]string{machines, confirm, `all 3 control-plane nodes carry host-id "h1" but are in 2 regions, and one machine cannot be in two: the labels contradict each other`}
				return map[SCSRevision]scsOutcome{
					SCSRevisionV2Draft: {Verdict: VerdictPass, Pass: true, Outcome: SCSRulePass, Rules: [][3]string{
						{labels, pass, ""}, {draftCP, pass, "distributed over more than one region"}, {workers, na, noWorkers},
					}},
					SCSRevisionV2Stable: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, contradiction, {eachZone, pass, "1 zone, each with a control-plane node"}, {workers, na, noWorkers},
					}},
					SCSRevisionV2Revised: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, contradiction, {cpZones, warned, `3 control-plane nodes in zone "a" and no other`}, {workers, na, noWorkers},
					}, Findings: []Finding{f(SeverityWarn, IDControlPlaneInOneZone, cps...)}},
				}
			}(),
		},
		{
			name:    "no nodes",
			cluster: Cluster{},
			want: map[SCSRevision]scsOutcome{
				SCSRevisionV2Draft: {Verdict: VerdictFail, Outcome: SCSRuleFail, Rules: [][3]string{
					{labels, pass, ""}, {draftCP, failed, "0 nodes: at least two are needed"},
					{workers, na, "no control-plane node is visible: every node was judged as the control plane"},
				}, Findings: []Finding{f(SeverityFail, IDControlPlaneNotDistributed)}},
				SCSRevisionV2Stable: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
					{labels, pass, ""}, {machines, confirm, noCP}, {eachZone, confirm, noCP}, {workers, na, noWorkers},
				}},
				SCSRevisionV2Revised: {Verdict: VerdictPass, Pass: true, Outcome: SCSRuleConfirmByHand, Rules: [][3]string{
					{labels, pass, ""}, {machines, confirm, noCP}, {cpZones, confirm, noCP}, {workers, na, noWorkers},
				}},
			},
		},
	}
	for _, tc := range tests {
		for _, rev := range SCSRevisions() {
			t.Run(tc.name+"/"+string(rev), func(t *testing.T) {
				want, ok := tc.want[rev]
				if !ok {
					t.Fatalf("no expectation for revision %s", rev)
				}
				if diff := cmp.Diff(want, scsOutcomeOf(Analyze(nil, tc.cluster, Options{SCSRevision: rev})), ignoreMessages); diff != "" {
					t.Errorf("outcome (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// The findings of the SCS rules and ha-scheduler's own, whole.
func TestSCSFindingMessages(t *testing.T) {
	tests := []struct {
		name     string
		revision SCSRevision
		cluster  Cluster
		id       string
		want     []Finding
	}{
		{
			name:     "host-id missing, whatever the revision",
			revision: SCSRevisionV2Stable,
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", "h1"},
				[5]string{"cp-b", cp, "r1", "b", ""},
				[5]string{"cp-c", cp, "r1", "c", "h3"},
				[5]string{"w-1", worker, "r1", "a", ""},
			),
			id: IDHostIDMissing,
			want: []Finding{{
				ID: IDHostIDMissing, Severity: SeverityWarn,
				Message:  "2 of 4 nodes lack the label topology.scs.community/host-id: ha-scheduler's host spreading (and the host survival here) takes each of them for a physical machine of its own, so VMs that share a hypervisor may hold replicas it believes apart: cp-b, w-1",
				Subjects: []string{"cp-b", "w-1"},
			}},
		},
		{
			name:     "an empty host-id is no host-id",
			revision: SCSRevisionV2Revised,
			cluster: Cluster{Nodes: []*v1.Node{
				node("cp-a", cp, "r1", "a", "h1"),
				func() *v1.Node {
					n := node("cp-b", cp, "r1", "b", "")
					n.Labels[policy.LabelHostID] = ""
					return n
				}(),
				node("cp-c", cp, "r1", "c", "h3"),
			}},
			id: IDHostIDMissing,
			want: []Finding{{
				ID: IDHostIDMissing, Severity: SeverityWarn,
				Message:  "1 of 3 nodes lack the label topology.scs.community/host-id: ha-scheduler's host spreading (and the host survival here) takes each of them for a physical machine of its own, so VMs that share a hypervisor may hold replicas it believes apart: cp-b",
				Subjects: []string{"cp-b"},
			}},
		},
		{
			name:     "control plane on one physical machine",
			revision: SCSRevisionV2Revised,
			cluster: scsNodes(
				[5]string{"cp-1", cp, "r1", "a", "h1"},
				[5]string{"cp-2", cp, "r1", "a", "h1"},
				[5]string{"cp-3", cp, "r1", "a", "h1"},
			),
			id: IDControlPlaneNotDistributed,
			want: []Finding{{
				ID: IDControlPlaneNotDistributed, Severity: SeverityFail,
				Message:  `the 3 control-plane nodes all carry host-id "h1": they run on one physical machine, and the control plane must be distributed over multiple physical machines`,
				Subjects: []string{"cp-1", "cp-2", "cp-3"},
			}},
		},
		{
			name:     "a single control-plane node",
			revision: SCSRevisionV2Stable,
			cluster: scsNodes(
				[5]string{"cp-1", cp, "r1", "a", "h1"},
				[5]string{"w-1", worker, "r1", "a", "h2"},
			),
			id: IDControlPlaneNotDistributed,
			want: []Finding{{
				ID: IDControlPlaneNotDistributed, Severity: SeverityFail,
				Message:  "1 control-plane node (cp-1): the control plane must be distributed over multiple physical machines, which needs at least two",
				Subjects: []string{"cp-1"},
			}},
		},
		{
			name:     "zones without a control-plane node",
			revision: SCSRevisionV2Stable,
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", "h1"},
				[5]string{"cp-b", cp, "r1", "b", "h2"},
				[5]string{"cp-c", cp, "r1", "c", "h3"},
				[5]string{"w-d", worker, "r1", "d", "h4"},
				[5]string{"w-e", worker, "r1", "e", "h5"},
			),
			id: IDZoneWithoutControlPlane,
			want: []Finding{{
				ID: IDZoneWithoutControlPlane, Severity: SeverityFail,
				Message:  `zones "d", "e" have nodes (w-d, w-e) but no control-plane node: revision v2-2024-11 requires at least one control-plane node in each failure zone the cluster uses`,
				Subjects: []string{"d", "e"},
			}},
		},
		{
			name:     "control plane in one zone",
			revision: SCSRevisionV2Revised,
			cluster: scsNodes(
				[5]string{"cp-1", cp, "r1", "a", "h1"},
				[5]string{"cp-2", cp, "r1", "a", "h2"},
				[5]string{"cp-3", cp, "r1", "a", "h3"},
			),
			id: IDControlPlaneInOneZone,
			want: []Finding{{
				ID: IDControlPlaneInOneZone, Severity: SeverityWarn,
				Message:  `3 control-plane nodes in zone "a" and no other: the SCS standard says the control plane should be distributed over multiple failure zones; one zone's failure takes all of it`,
				Subjects: []string{"cp-1", "cp-2", "cp-3"},
			}},
		},
		{
			name:     "workers in one zone",
			revision: SCSRevisionV2Revised,
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", "h1"},
				[5]string{"cp-b", cp, "r1", "b", "h2"},
				[5]string{"cp-c", cp, "r1", "c", "h3"},
				[5]string{"w-1", worker, "r1", "a", "h4"},
				[5]string{"w-2", worker, "r1", "a", "h5"},
			),
			id: IDWorkersNotDistributed,
			want: []Finding{{
				ID: IDWorkersNotDistributed, Severity: SeverityWarn,
				Message:  `the 2 non-control-plane nodes are in zone "a" and no other; the SCS standard recommends distributing worker nodes over zones`,
				Subjects: []string{"w-1", "w-2"},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Analyze(nil, tc.cluster, Options{SCSRevision: tc.revision})
			if diff := cmp.Diff(tc.want, findingsOf(r, tc.id)); diff != "" {
				t.Errorf("%s findings (-want +got):\n%s", tc.id, diff)
			}
		})
	}
}

// The text report names the revision and says which rules to confirm by
// hand, in the node-distribution section and on the verdict line.
func TestSCSTextOutput(t *testing.T) {
	tests := []struct {
		name     string
		revision SCSRevision
		cluster  Cluster
		want     string
	}{
		{
			name:     "current revision, control plane without host-id",
			revision: "",
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", ""},
				[5]string{"cp-b", cp, "r1", "b", ""},
				[5]string{"cp-c", cp, "r1", "c", ""},
			),
			want: `Cluster: 3 nodes (3 control-plane, 0 infra, 0 worker) in 1 region, 3 zones, 3 hosts; 0 active pods, 0 PodDisruptionBudgets

Node distribution (scs-0214-v2, revision v2-2026-04): CONFIRM BY HAND
  PASS             MUST         region and zone labels on every node
  CONFIRM BY HAND  MUST         control plane over multiple physical machines: 3 of 3 control-plane nodes without a host-id label (cp-a, cp-b, cp-c): whether they run on different physical machines cannot be read from the cluster
  PASS             SHOULD       control plane over multiple failure zones: 3 zones
  N/A              RECOMMENDED  worker nodes over multiple zones: 0 worker nodes: fewer than two
  NODE  REGION  ZONE  HOST-ID
  cp-a  r1      a     -
  cp-b  r1      b     -
  cp-c  r1      c     -

Control-plane scheduler:
  (no kube-scheduler pod found in kube-system)

Component replicas available per zone and host:
  (no control-plane component pods found)

Survival of a single failure:
  (not assessed)

Findings:
  WARN  topology.host-id-missing: 3 of 3 nodes lack the label topology.scs.community/host-id: ha-scheduler's host spreading (and the host survival here) takes each of them for a physical machine of its own, so VMs that share a hypervisor may hold replicas it believes apart: cp-a, cp-b, cp-c

Verdict: PASS (0 fail, 1 warn, 1 to confirm by hand)
`,
		},
		{
			name:     "draft, the same cluster",
			revision: SCSRevisionV2Draft,
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", ""},
				[5]string{"cp-b", cp, "r1", "b", ""},
				[5]string{"cp-c", cp, "r1", "c", ""},
			),
			want: `Cluster: 3 nodes (3 control-plane, 0 infra, 0 worker) in 1 region, 3 zones, 3 hosts; 0 active pods, 0 PodDisruptionBudgets

Node distribution (scs-0214-v2, revision v2-draft): FAIL
  FAIL  MUST         region, zone and host-id labels on every node: host-id missing on 3 of 3 nodes
  PASS  MUST         control plane over multiple physical machines and failure zones (control-plane nodes differ in region, zone or host-id, as the conformance check compares them): distributed over more than one zone
  N/A   RECOMMENDED  worker nodes distributed (differ in region, zone or host-id, as the conformance check compares them): 0 worker nodes: fewer than two
  NODE  REGION  ZONE  HOST-ID
  cp-a  r1      a     -
  cp-b  r1      b     -
  cp-c  r1      c     -

Control-plane scheduler:
  (no kube-scheduler pod found in kube-system)

Component replicas available per zone and host:
  (no control-plane component pods found)

Survival of a single failure:
  (not assessed)

Findings:
  FAIL  node-distribution.labels-missing: 3 of 3 nodes lack the label topology.scs.community/host-id, which the SCS standard requires on every node: cp-a, cp-b, cp-c
  WARN  topology.host-id-missing: 3 of 3 nodes lack the label topology.scs.community/host-id: ha-scheduler's host spreading (and the host survival here) takes each of them for a physical machine of its own, so VMs that share a hypervisor may hold replicas it believes apart: cp-a, cp-b, cp-c

Verdict: FAIL (1 fail, 1 warn)
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, text(t, Analyze(nil, tc.cluster, Options{SCSRevision: tc.revision}))); diff != "" {
				t.Errorf("text report (-want +got):\n%s", diff)
			}
		})
	}
}
