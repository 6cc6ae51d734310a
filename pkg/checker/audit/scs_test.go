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
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/scs"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The rules each revision states, in the report's order; "" and an unknown
// name apply the current revision, and the report names it.
func TestSCSRevisionRules(t *testing.T) {
	type rule struct{ ID, Level, Rule string }
	labels := func(text string) rule { return rule{v1alpha1.SCSRuleLabels, "MUST", text} }
	machines := rule{v1alpha1.SCSRuleControlPlaneMachines, "MUST", "control plane over multiple physical machines"}
	workerZones := rule{v1alpha1.SCSRuleWorkersDistributed, "RECOMMENDED", "worker nodes over multiple zones"}
	current := []rule{
		labels("region and zone labels on every node"),
		machines,
		{v1alpha1.SCSRuleControlPlaneZones, "SHOULD", "control plane over multiple failure zones"},
		workerZones,
	}
	tests := []struct {
		revision v1alpha1.SCSRevision
		applied  v1alpha1.SCSRevision
		want     []rule
	}{
		{revision: "", applied: v1alpha1.SCSRevisionV2Revised, want: current},
		{revision: "v2-1999-01", applied: v1alpha1.SCSRevisionV2Revised, want: current},
		{revision: v1alpha1.SCSRevisionV2Revised, applied: v1alpha1.SCSRevisionV2Revised, want: current},
		{revision: v1alpha1.SCSRevisionV2Stable, applied: v1alpha1.SCSRevisionV2Stable, want: []rule{
			labels("region and zone labels on every node"),
			machines,
			{v1alpha1.SCSRuleControlPlaneInEachZone, "MUST", "a control-plane node in each failure zone the cluster uses"},
			workerZones,
		}},
		{revision: v1alpha1.SCSRevisionV2Draft, applied: v1alpha1.SCSRevisionV2Draft, want: []rule{
			labels("region, zone and host-id labels on every node"),
			{v1alpha1.SCSRuleControlPlaneDistributed, "MUST", "control plane over multiple physical machines and failure zones (control-plane nodes differ in region, zone or host-id, as the conformance check compares them)"},
			{v1alpha1.SCSRuleWorkersDistributed, "RECOMMENDED", "worker nodes distributed (differ in region, zone or host-id, as the conformance check compares them)"},
		}},
	}
	for _, tc := range tests {
		t.Run(string(tc.revision), func(t *testing.T) {
			nd := analyze(nil, fixture.HACluster(), Options{SCSRevision: tc.revision}).NodeDistribution
			var got []rule
			for _, r := range nd.Rules {
				got = append(got, rule{r.ID, r.Level, r.Rule})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rules (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(scs.Standard+" "+string(tc.applied), nd.Standard+" "+string(nd.Revision)); diff != "" {
				t.Errorf("standard and revision (-want +got):\n%s", diff)
			}
		})
	}
}

// scsOutcome is what a revision makes of a node-only cluster: the verdict,
// the node-distribution outcome, each rule's state and detail, and the
// findings (without their messages; TestSCSFindingMessages pins those).
type scsOutcome struct {
	Verdict  v1alpha1.Verdict
	Pass     bool
	Outcome  v1alpha1.SCSRuleState
	Rules    [][3]string // id, state, detail
	Findings []v1alpha1.Finding
}

func scsOutcomeOf(r *v1alpha1.Report) scsOutcome {
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
		pass    = string(v1alpha1.SCSRulePass)
		failed  = string(v1alpha1.SCSRuleFail)
		warned  = string(v1alpha1.SCSRuleWarn)
		confirm = string(v1alpha1.SCSRuleConfirmByHand)
		na      = string(v1alpha1.SCSRuleNotApplicable)

		labels    = v1alpha1.SCSRuleLabels
		draftCP   = v1alpha1.SCSRuleControlPlaneDistributed
		machines  = v1alpha1.SCSRuleControlPlaneMachines
		eachZone  = v1alpha1.SCSRuleControlPlaneInEachZone
		cpZones   = v1alpha1.SCSRuleControlPlaneZones
		workers   = v1alpha1.SCSRuleWorkersDistributed
		noCP      = scs.NoControlPlane
		byZone    = "distributed over more than one zone"
		oneCP     = "1 control-plane node: at least two are needed"
		noWorkers = "0 worker nodes: fewer than two"
	)
	okDraft := [][3]string{{labels, pass, ""}, {draftCP, pass, byZone}, {workers, pass, byZone}}
	tests := []struct {
		name    string
		cluster fixture.Cluster
		want    map[v1alpha1.SCSRevision]scsOutcome
	}{
		{
			name: "success-1",
			cluster: fixture.SCSNodes(
				[5]string{"control-0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control-1", fixture.CP, "region", "zone2", "vm1"},
				[5]string{"control-2", fixture.CP, "region", "zone3", "vm2"},
				[5]string{"worker-0", fixture.Worker, "region", "zone1", "vm3"},
				[5]string{"worker-1", fixture.Worker, "region", "zone2", "vm4"},
				[5]string{"worker-2", fixture.Worker, "region", "zone3", "vm5"},
			),
			want: map[v1alpha1.SCSRevision]scsOutcome{
				v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: okDraft},
				v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: [][3]string{
					{labels, pass, ""}, {machines, pass, "3 host-ids"}, {eachZone, pass, "3 zones, each with a control-plane node"}, {workers, pass, "3 zones"},
				}},
				v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: [][3]string{
					{labels, pass, ""}, {machines, pass, "3 host-ids"}, {cpZones, pass, "3 zones"}, {workers, pass, "3 zones"},
				}},
			},
		},
		{
			// One host-id in three zones cannot be one machine: the draft
			// passes on the zones, the later revisions cannot tell.
			name: "success-2",
			cluster: fixture.SCSNodes(
				[5]string{"control-0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control-1", fixture.CP, "region", "zone2", "vm0"},
				[5]string{"control-2", fixture.CP, "region", "zone3", "vm0"},
				[5]string{"worker-0", fixture.Worker, "region", "zone1", "vm1"},
				[5]string{"worker-1", fixture.Worker, "region", "zone2", "vm1"},
				[5]string{"worker-2", fixture.Worker, "region", "zone3", "vm1"},
			),
			want: func() map[v1alpha1.SCSRevision]scsOutcome {
				contradiction := `all 3 control-plane nodes carry host-id "vm0" but are in 3 zones, and one machine cannot be in two: the labels contradict each other`
				inTwoZones := []v1alpha1.Finding{
					fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDHostIDInMultipleZones, "vm0", "control-0", "control-1", "control-2"),
					fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDHostIDInMultipleZones, "vm1", "worker-0", "worker-1", "worker-2"),
				}
				return map[v1alpha1.SCSRevision]scsOutcome{
					v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: okDraft, Findings: inTwoZones},
					v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, {machines, confirm, contradiction}, {eachZone, pass, "3 zones, each with a control-plane node"}, {workers, pass, "3 zones"},
					}, Findings: inTwoZones},
					v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, {machines, confirm, contradiction}, {cpZones, pass, "3 zones"}, {workers, pass, "3 zones"},
					}, Findings: inTwoZones},
				}
			}(),
		},
		{
			name: "no-distribution-1",
			cluster: fixture.SCSNodes(
				[5]string{"control-0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"worker-0", fixture.Worker, "region", "zone1", "vm0"},
			),
			want: func() map[v1alpha1.SCSRevision]scsOutcome {
				notDistributed := fixture.F(v1alpha1.SeverityFail, v1alpha1.IDControlPlaneNotDistributed, "control-0")
				oneWorker := [3]string{workers, na, "1 worker node: fewer than two"}
				return map[v1alpha1.SCSRevision]scsOutcome{
					v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {draftCP, failed, oneCP}, oneWorker,
					}, Findings: []v1alpha1.Finding{notDistributed}},
					v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {machines, failed, oneCP}, {eachZone, pass, "1 zone, each with a control-plane node"}, oneWorker,
					}, Findings: []v1alpha1.Finding{notDistributed}},
					v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {machines, failed, oneCP}, {cpZones, warned, `1 control-plane node in zone "zone1" and no other`}, oneWorker,
					}, Findings: []v1alpha1.Finding{notDistributed, fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDControlPlaneInOneZone, "control-0")}},
				}
			}(),
		},
		{
			name: "no-distribution-2",
			cluster: fixture.SCSNodes(
				[5]string{"control-0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control-1", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control-2", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"worker-0", fixture.Worker, "region", "zone1", "vm1"},
				[5]string{"worker-1", fixture.Worker, "region", "zone1", "vm1"},
				[5]string{"worker-2", fixture.Worker, "region", "zone1", "vm1"},
			),
			want: func() map[v1alpha1.SCSRevision]scsOutcome {
				cps := []string{"control-0", "control-1", "control-2"}
				ws := []string{"worker-0", "worker-1", "worker-2"}
				oneHost := [3]string{machines, failed, `all 3 control-plane nodes carry host-id "vm0"`}
				workersOneZone := [3]string{workers, warned, `3 worker nodes in zone "zone1" and no other`}
				return map[v1alpha1.SCSRevision]scsOutcome{
					v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""},
						{draftCP, failed, `they share region "region", zone "zone1", host-id "vm0"`},
						{workers, warned, `they share region "region", zone "zone1", host-id "vm1"`},
					}, Findings: []v1alpha1.Finding{
						fixture.F(v1alpha1.SeverityFail, v1alpha1.IDControlPlaneNotDistributed, cps...), fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDWorkersNotDistributed, ws...),
					}},
					v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, oneHost, {eachZone, pass, "1 zone, each with a control-plane node"}, workersOneZone,
					}, Findings: []v1alpha1.Finding{
						fixture.F(v1alpha1.SeverityFail, v1alpha1.IDControlPlaneNotDistributed, cps...), fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDWorkersNotDistributed, ws...),
					}},
					v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, oneHost, {cpZones, warned, `3 control-plane nodes in zone "zone1" and no other`}, workersOneZone,
					}, Findings: []v1alpha1.Finding{
						fixture.F(v1alpha1.SeverityFail, v1alpha1.IDControlPlaneNotDistributed, cps...), fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDControlPlaneInOneZone, cps...),
						fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDWorkersNotDistributed, ws...),
					}},
				}
			}(),
		},
		{
			// A control-plane node without host-id: the draft requires the
			// label; the later revisions cannot see the machine under it.
			// Under every revision ha-scheduler warns of its own.
			name: "missing-labels",
			cluster: fixture.SCSNodes(
				[5]string{"control-0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control-1", fixture.CP, "region", "zone1", ""},
			),
			want: func() map[v1alpha1.SCSRevision]scsOutcome {
				cps := []string{"control-0", "control-1"}
				ours := []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDHostIDMissing, "control-1"), fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDEvenControlPlaneCount, cps...)}
				unseen := [3]string{machines, confirm, "1 of 2 control-plane nodes without a host-id label (control-1): whether they run on different physical machines cannot be read from the cluster"}
				return map[v1alpha1.SCSRevision]scsOutcome{
					v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, failed, "host-id missing on 1 of 2 nodes"},
						{draftCP, failed, `they share region "region", zone "zone1", host-id "vm0" (1 unlabelled)`},
						{workers, na, noWorkers},
					}, Findings: append([]v1alpha1.Finding{
						fixture.F(v1alpha1.SeverityFail, v1alpha1.IDLabelsMissing, "control-1"), fixture.F(v1alpha1.SeverityFail, v1alpha1.IDControlPlaneNotDistributed, cps...),
					}, ours...)},
					v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, unseen, {eachZone, pass, "1 zone, each with a control-plane node"}, {workers, na, noWorkers},
					}, Findings: ours},
					v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, unseen, {cpZones, warned, `2 control-plane nodes in zone "zone1" and no other`}, {workers, na, noWorkers},
					}, Findings: append([]v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDControlPlaneInOneZone, cps...)}, ours...)},
				}
			}(),
		},
		{
			name:    "not-enough-nodes",
			cluster: fixture.SCSNodes([5]string{"node-0", fixture.CP, "region", "zone1", "vm0"}),
			want: func() map[v1alpha1.SCSRevision]scsOutcome {
				notDistributed := fixture.F(v1alpha1.SeverityFail, v1alpha1.IDControlPlaneNotDistributed, "node-0")
				return map[v1alpha1.SCSRevision]scsOutcome{
					v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {draftCP, failed, oneCP}, {workers, na, noWorkers},
					}, Findings: []v1alpha1.Finding{notDistributed}},
					v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {machines, failed, oneCP}, {eachZone, pass, "1 zone, each with a control-plane node"}, {workers, na, noWorkers},
					}, Findings: []v1alpha1.Finding{notDistributed}},
					v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, pass, ""}, {machines, failed, oneCP}, {cpZones, warned, `1 control-plane node in zone "zone1" and no other`}, {workers, na, noWorkers},
					}, Findings: []v1alpha1.Finding{notDistributed, fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDControlPlaneInOneZone, "node-0")}},
				}
			}(),
		},
		{
			// A cloud that labels zones but not the hypervisors.
			name: "control plane over three zones, no host-id anywhere",
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", ""},
				[5]string{"cp-b", fixture.CP, "r1", "b", ""},
				[5]string{"cp-c", fixture.CP, "r1", "c", ""},
				[5]string{"w-a", fixture.Worker, "r1", "a", ""},
			),
			want: func() map[v1alpha1.SCSRevision]scsOutcome {
				all := []string{"cp-a", "cp-b", "cp-c", "w-a"}
				unseen := [3]string{machines, confirm, "3 of 3 control-plane nodes without a host-id label (cp-a, cp-b, cp-c): whether they run on different physical machines cannot be read from the cluster"}
				oneWorker := [3]string{workers, na, "1 worker node: fewer than two"}
				return map[v1alpha1.SCSRevision]scsOutcome{
					v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, failed, "host-id missing on 4 of 4 nodes"}, {draftCP, pass, byZone}, oneWorker,
					}, Findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityFail, v1alpha1.IDLabelsMissing, all...), fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDHostIDMissing, all...)}},
					v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, unseen, {eachZone, pass, "3 zones, each with a control-plane node"}, oneWorker,
					}, Findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDHostIDMissing, all...)}},
					v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, unseen, {cpZones, pass, "3 zones"}, oneWorker,
					}, Findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDHostIDMissing, all...)}},
				}
			}(),
		},
		{
			// Two host-ids among the labelled control-plane nodes prove two
			// machines, whatever the third runs on.
			name: "two host-ids and a control-plane node without one",
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-b", fixture.CP, "r1", "b", "h2"},
				[5]string{"cp-c", fixture.CP, "r1", "c", ""},
			),
			want: func() map[v1alpha1.SCSRevision]scsOutcome {
				atLeast := [3]string{machines, pass, "at least 2 host-ids (1 of 3 control-plane nodes without one)"}
				ours := []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDHostIDMissing, "cp-c")}
				return map[v1alpha1.SCSRevision]scsOutcome{
					v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
						{labels, failed, "host-id missing on 1 of 3 nodes"}, {draftCP, pass, byZone}, {workers, na, noWorkers},
					}, Findings: append([]v1alpha1.Finding{fixture.F(v1alpha1.SeverityFail, v1alpha1.IDLabelsMissing, "cp-c")}, ours...)},
					v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: [][3]string{
						{labels, pass, ""}, atLeast, {eachZone, pass, "3 zones, each with a control-plane node"}, {workers, na, noWorkers},
					}, Findings: ours},
					v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: [][3]string{
						{labels, pass, ""}, atLeast, {cpZones, pass, "3 zones"}, {workers, na, noWorkers},
					}, Findings: ours},
				}
			}(),
		},
		{
			// 2024-11 wants a control-plane node in every zone the cluster
			// uses; 2026-04 dropped that for "SHOULD be over multiple zones".
			name: "workers in a zone without a control-plane node",
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-b", fixture.CP, "r1", "b", "h2"},
				[5]string{"cp-c", fixture.CP, "r1", "c", "h3"},
				[5]string{"w-a", fixture.Worker, "r1", "a", "h4"},
				[5]string{"w-d1", fixture.Worker, "r1", "d", "h5"},
				[5]string{"w-d2", fixture.Worker, "r1", "d", "h6"},
			),
			want: map[v1alpha1.SCSRevision]scsOutcome{
				v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: okDraft},
				v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
					{labels, pass, ""}, {machines, pass, "3 host-ids"}, {eachZone, failed, `no control-plane node in "d"`}, {workers, pass, "2 zones"},
				}, Findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityFail, v1alpha1.IDZoneWithoutControlPlane, "d")}},
				v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: [][3]string{
					{labels, pass, ""}, {machines, pass, "3 host-ids"}, {cpZones, pass, "3 zones"}, {workers, pass, "2 zones"},
				}},
			},
		},
		{
			// A managed control plane: no node shows it. The draft judged
			// every node as the control plane, as its check did.
			name: "no visible control plane",
			cluster: fixture.SCSNodes(
				[5]string{"w-a", fixture.Worker, "r1", "a", "h1"},
				[5]string{"w-b", fixture.Worker, "r1", "b", "h2"},
			),
			want: map[v1alpha1.SCSRevision]scsOutcome{
				v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: [][3]string{
					{labels, pass, ""}, {draftCP, pass, byZone},
					{workers, na, "no control-plane node is visible: every node was judged as the control plane"},
				}},
				v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
					{labels, pass, ""}, {machines, confirm, noCP}, {eachZone, confirm, noCP}, {workers, pass, "2 zones"},
				}},
				v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
					{labels, pass, ""}, {machines, confirm, noCP}, {cpZones, confirm, noCP}, {workers, pass, "2 zones"},
				}},
			},
		},
		{
			name: "one host-id over two regions",
			cluster: fixture.SCSNodes(
				[5]string{"cp-1", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-2", fixture.CP, "r2", "a", "h1"},
				[5]string{"cp-3", fixture.CP, "r2", "a", "h1"},
			),
			want: func() map[v1alpha1.SCSRevision]scsOutcome {
				cps := []string{"cp-1", "cp-2", "cp-3"}
				contradiction := [3]string{machines, confirm, `all 3 control-plane nodes carry host-id "h1" but are in 2 regions, and one machine cannot be in two: the labels contradict each other`}
				return map[v1alpha1.SCSRevision]scsOutcome{
					v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRulePass, Rules: [][3]string{
						{labels, pass, ""}, {draftCP, pass, "distributed over more than one region"}, {workers, na, noWorkers},
					}},
					v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, contradiction, {eachZone, pass, "1 zone, each with a control-plane node"}, {workers, na, noWorkers},
					}},
					v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
						{labels, pass, ""}, contradiction, {cpZones, warned, `3 control-plane nodes in zone "a" and no other`}, {workers, na, noWorkers},
					}, Findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityWarn, v1alpha1.IDControlPlaneInOneZone, cps...)}},
				}
			}(),
		},
		{
			name:    "no nodes",
			cluster: fixture.Cluster{},
			want: map[v1alpha1.SCSRevision]scsOutcome{
				v1alpha1.SCSRevisionV2Draft: {Verdict: v1alpha1.VerdictFail, Outcome: v1alpha1.SCSRuleFail, Rules: [][3]string{
					{labels, pass, ""}, {draftCP, failed, "0 nodes: at least two are needed"},
					{workers, na, "no control-plane node is visible: every node was judged as the control plane"},
				}, Findings: []v1alpha1.Finding{fixture.F(v1alpha1.SeverityFail, v1alpha1.IDControlPlaneNotDistributed)}},
				v1alpha1.SCSRevisionV2Stable: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
					{labels, pass, ""}, {machines, confirm, noCP}, {eachZone, confirm, noCP}, {workers, na, noWorkers},
				}},
				v1alpha1.SCSRevisionV2Revised: {Verdict: v1alpha1.VerdictPass, Pass: true, Outcome: v1alpha1.SCSRuleConfirmByHand, Rules: [][3]string{
					{labels, pass, ""}, {machines, confirm, noCP}, {cpZones, confirm, noCP}, {workers, na, noWorkers},
				}},
			},
		},
	}
	for _, tc := range tests {
		for _, rev := range scs.Revisions() {
			t.Run(tc.name+"/"+string(rev), func(t *testing.T) {
				want, ok := tc.want[rev]
				if !ok {
					t.Fatalf("no expectation for revision %s", rev)
				}
				if diff := cmp.Diff(want, scsOutcomeOf(analyze(nil, tc.cluster, Options{SCSRevision: rev})), fixture.IgnoreMessages); diff != "" {
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
		revision v1alpha1.SCSRevision
		cluster  fixture.Cluster
		id       string
		want     []v1alpha1.Finding
	}{
		{
			name:     "host-id missing, whatever the revision",
			revision: v1alpha1.SCSRevisionV2Stable,
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-b", fixture.CP, "r1", "b", ""},
				[5]string{"cp-c", fixture.CP, "r1", "c", "h3"},
				[5]string{"w-1", fixture.Worker, "r1", "a", ""},
			),
			id: v1alpha1.IDHostIDMissing,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDHostIDMissing, Severity: v1alpha1.SeverityWarn,
				Message:  "2 of 4 nodes lack the label topology.scs.community/host-id: ha-scheduler's host spreading (and the host survival here) takes each of them for a physical machine of its own, so VMs that share a hypervisor may hold replicas it believes apart: cp-b, w-1",
				Subjects: []string{"cp-b", "w-1"},
			}},
		},
		{
			name:     "an empty host-id is no host-id",
			revision: v1alpha1.SCSRevisionV2Revised,
			cluster: fixture.Cluster{Nodes: []*v1.Node{
				fixture.Node("cp-a", fixture.CP, "r1", "a", "h1"),
				func() *v1.Node {
					n := fixture.Node("cp-b", fixture.CP, "r1", "b", "")
					n.Labels[policy.LabelHostID] = ""
					return n
				}(),
				fixture.Node("cp-c", fixture.CP, "r1", "c", "h3"),
			}},
			id: v1alpha1.IDHostIDMissing,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDHostIDMissing, Severity: v1alpha1.SeverityWarn,
				Message:  "1 of 3 nodes lack the label topology.scs.community/host-id: ha-scheduler's host spreading (and the host survival here) takes each of them for a physical machine of its own, so VMs that share a hypervisor may hold replicas it believes apart: cp-b",
				Subjects: []string{"cp-b"},
			}},
		},
		{
			name:     "control plane on one physical machine",
			revision: v1alpha1.SCSRevisionV2Revised,
			cluster: fixture.SCSNodes(
				[5]string{"cp-1", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-2", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-3", fixture.CP, "r1", "a", "h1"},
			),
			id: v1alpha1.IDControlPlaneNotDistributed,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDControlPlaneNotDistributed, Severity: v1alpha1.SeverityFail,
				Message:  `the 3 control-plane nodes all carry host-id "h1": they run on one physical machine, and the control plane must be distributed over multiple physical machines`,
				Subjects: []string{"cp-1", "cp-2", "cp-3"},
			}},
		},
		{
			name:     "a single control-plane node",
			revision: v1alpha1.SCSRevisionV2Stable,
			cluster: fixture.SCSNodes(
				[5]string{"cp-1", fixture.CP, "r1", "a", "h1"},
				[5]string{"w-1", fixture.Worker, "r1", "a", "h2"},
			),
			id: v1alpha1.IDControlPlaneNotDistributed,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDControlPlaneNotDistributed, Severity: v1alpha1.SeverityFail,
				Message:  "1 control-plane node (cp-1): the control plane must be distributed over multiple physical machines, which needs at least two",
				Subjects: []string{"cp-1"},
			}},
		},
		{
			name:     "zones without a control-plane node",
			revision: v1alpha1.SCSRevisionV2Stable,
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-b", fixture.CP, "r1", "b", "h2"},
				[5]string{"cp-c", fixture.CP, "r1", "c", "h3"},
				[5]string{"w-d", fixture.Worker, "r1", "d", "h4"},
				[5]string{"w-e", fixture.Worker, "r1", "e", "h5"},
			),
			id: v1alpha1.IDZoneWithoutControlPlane,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDZoneWithoutControlPlane, Severity: v1alpha1.SeverityFail,
				Message:  `zones "d", "e" have nodes (w-d, w-e) but no control-plane node: revision v2-2024-11 requires at least one control-plane node in each failure zone the cluster uses`,
				Subjects: []string{"d", "e"},
			}},
		},
		{
			name:     "control plane in one zone",
			revision: v1alpha1.SCSRevisionV2Revised,
			cluster: fixture.SCSNodes(
				[5]string{"cp-1", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-2", fixture.CP, "r1", "a", "h2"},
				[5]string{"cp-3", fixture.CP, "r1", "a", "h3"},
			),
			id: v1alpha1.IDControlPlaneInOneZone,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDControlPlaneInOneZone, Severity: v1alpha1.SeverityWarn,
				Message:  `3 control-plane nodes in zone "a" and no other: the SCS standard says the control plane should be distributed over multiple failure zones; one zone's failure takes all of it`,
				Subjects: []string{"cp-1", "cp-2", "cp-3"},
			}},
		},
		{
			name:     "workers in one zone",
			revision: v1alpha1.SCSRevisionV2Revised,
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-b", fixture.CP, "r1", "b", "h2"},
				[5]string{"cp-c", fixture.CP, "r1", "c", "h3"},
				[5]string{"w-1", fixture.Worker, "r1", "a", "h4"},
				[5]string{"w-2", fixture.Worker, "r1", "a", "h5"},
			),
			id: v1alpha1.IDWorkersNotDistributed,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDWorkersNotDistributed, Severity: v1alpha1.SeverityWarn,
				Message:  `the 2 non-control-plane nodes are in zone "a" and no other; the SCS standard recommends distributing worker nodes over zones`,
				Subjects: []string{"w-1", "w-2"},
			}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := analyze(nil, tc.cluster, Options{SCSRevision: tc.revision})
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
		revision v1alpha1.SCSRevision
		cluster  fixture.Cluster
		want     string
	}{
		{
			name:     "current revision, control plane without host-id",
			revision: "",
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", ""},
				[5]string{"cp-b", fixture.CP, "r1", "b", ""},
				[5]string{"cp-c", fixture.CP, "r1", "c", ""},
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
			revision: v1alpha1.SCSRevisionV2Draft,
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", ""},
				[5]string{"cp-b", fixture.CP, "r1", "b", ""},
				[5]string{"cp-c", fixture.CP, "r1", "c", ""},
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
			if diff := cmp.Diff(tc.want, text(t, analyze(nil, tc.cluster, Options{SCSRevision: tc.revision}))); diff != "" {
				t.Errorf("text report (-want +got):\n%s", diff)
			}
		})
	}
}
