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

package integration

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	hccluster "github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/scs"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// scsScenarios are the node label sets of the retired SCS check's test
// data, by scenario and node name.
type scsScenarios map[string]map[string]map[string]string

// loadSCSScenarios reads the repository's copy of the SCS test data and,
// where the project's reference material is checked out beside the
// repository (../shared/reference/scs-0214), requires the copy to hold the
// same scenarios.
func loadSCSScenarios(t *testing.T) scsScenarios {
	t.Helper()
	read := func(path string) scsScenarios {
		t.Helper()
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		var s scsScenarios
		require.NoError(t, yaml.UnmarshalStrict(b, &s), path)
		return s
	}
	root := harness.RepoRoot()
	scenarios := read(filepath.Join(root, "test", "integration", "testdata", "scs-0214-scenarios.yaml"))
	reference := filepath.Join(filepath.Dir(root), "shared", "reference", "scs-0214", "testdata-scenarios.yaml")
	if _, err := os.Stat(reference); err == nil {
		require.Equal(t, read(reference), scenarios, "testdata/scs-0214-scenarios.yaml differs from %s", reference)
	} else if !errors.Is(err, fs.ErrNotExist) {
		require.NoError(t, err)
	}
	return scenarios
}

// scsVerdict is what the checker says of a node-only cluster under one
// revision: the verdict, the revision it names, the node-distribution
// outcome, each rule's state, and the findings without their messages
// (the unit tests pin details and wording).
type scsVerdict struct {
	Verdict  v1alpha1.Verdict
	Standard string
	Revision v1alpha1.SCSRevision
	Pass     bool
	Outcome  v1alpha1.SCSRuleState
	Rules    [][2]string // id, state
	Findings []string    // "severity id subject,subject"
}

func scsVerdictOf(r *v1alpha1.Report) scsVerdict {
	nd := r.NodeDistribution
	v := scsVerdict{Verdict: r.Verdict, Standard: nd.Standard, Revision: nd.Revision, Pass: nd.Pass, Outcome: nd.Outcome}
	for _, rule := range nd.Rules {
		v.Rules = append(v.Rules, [2]string{rule.ID, string(rule.State)})
	}
	for _, f := range r.Findings {
		v.Findings = append(v.Findings, string(f.Severity)+" "+f.ID+" "+strings.Join(f.Subjects, ","))
	}
	sort.Strings(v.Findings)
	return v
}

// Each scenario of the SCS check's test data, as Node objects in the real
// API server, read back by checker.Load and judged under every revision of
// scs-0214: the whole verdict per revision. On the draft the verdict is the
// retired check's, which the scenario's name says (success-N passed, every
// other scenario failed). Missing host-ids are ha-scheduler's warning under
// every revision.
func TestCheckerSCSRevisionsOnTheSCSTestData(t *testing.T) {
	const (
		pass    = string(v1alpha1.SCSRulePass)
		fail    = string(v1alpha1.SCSRuleFail)
		warn    = string(v1alpha1.SCSRuleWarn)
		confirm = string(v1alpha1.SCSRuleConfirmByHand)
		na      = string(v1alpha1.SCSRuleNotApplicable)

		labels   = v1alpha1.SCSRuleLabels
		draftCP  = v1alpha1.SCSRuleControlPlaneDistributed
		machines = v1alpha1.SCSRuleControlPlaneMachines
		eachZone = v1alpha1.SCSRuleControlPlaneInEachZone
		cpZones  = v1alpha1.SCSRuleControlPlaneZones
		workers  = v1alpha1.SCSRuleWorkersDistributed

		draft   = v1alpha1.SCSRevisionV2Draft
		stable  = v1alpha1.SCSRevisionV2Stable
		revised = v1alpha1.SCSRevisionV2Revised

		notDistributed = "fail " + v1alpha1.IDControlPlaneNotDistributed + " "
		cpInOneZone    = "warn " + v1alpha1.IDControlPlaneInOneZone + " "
		workersInOne   = "warn " + v1alpha1.IDWorkersNotDistributed + " "
	)
	v := func(rev v1alpha1.SCSRevision, verdict v1alpha1.Verdict, outcome v1alpha1.SCSRuleState, rules [][2]string, findings ...string) scsVerdict {
		sort.Strings(findings)
		return scsVerdict{
			Verdict: verdict, Standard: scs.Standard, Revision: rev,
			Pass: outcome != v1alpha1.SCSRuleFail, Outcome: outcome, Rules: rules, Findings: findings,
		}
	}
	tests := map[string]map[v1alpha1.SCSRevision]scsVerdict{
		"success-1": {
			draft: v(draft, v1alpha1.VerdictPass, v1alpha1.SCSRulePass, [][2]string{{labels, pass}, {draftCP, pass}, {workers, pass}}),
			stable: v(stable, v1alpha1.VerdictPass, v1alpha1.SCSRulePass,
				[][2]string{{labels, pass}, {machines, pass}, {eachZone, pass}, {workers, pass}}),
			revised: v(revised, v1alpha1.VerdictPass, v1alpha1.SCSRulePass,
				[][2]string{{labels, pass}, {machines, pass}, {cpZones, pass}, {workers, pass}}),
		},
		// One host-id in three zones: not one machine, whatever it says.
		"success-2": {
			draft: v(draft, v1alpha1.VerdictPass, v1alpha1.SCSRulePass, [][2]string{{labels, pass}, {draftCP, pass}, {workers, pass}},
				"warn "+v1alpha1.IDHostIDInMultipleZones+" vm0,control-0,control-1,control-2",
				"warn "+v1alpha1.IDHostIDInMultipleZones+" vm1,worker-0,worker-1,worker-2"),
			stable: v(stable, v1alpha1.VerdictPass, v1alpha1.SCSRuleConfirmByHand,
				[][2]string{{labels, pass}, {machines, confirm}, {eachZone, pass}, {workers, pass}},
				"warn "+v1alpha1.IDHostIDInMultipleZones+" vm0,control-0,control-1,control-2",
				"warn "+v1alpha1.IDHostIDInMultipleZones+" vm1,worker-0,worker-1,worker-2"),
			revised: v(revised, v1alpha1.VerdictPass, v1alpha1.SCSRuleConfirmByHand,
				[][2]string{{labels, pass}, {machines, confirm}, {cpZones, pass}, {workers, pass}},
				"warn "+v1alpha1.IDHostIDInMultipleZones+" vm0,control-0,control-1,control-2",
				"warn "+v1alpha1.IDHostIDInMultipleZones+" vm1,worker-0,worker-1,worker-2"),
		},
		"no-distribution-1": {
			draft: v(draft, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail, [][2]string{{labels, pass}, {draftCP, fail}, {workers, na}},
				notDistributed+"control-0"),
			stable: v(stable, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail,
				[][2]string{{labels, pass}, {machines, fail}, {eachZone, pass}, {workers, na}},
				notDistributed+"control-0"),
			revised: v(revised, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail,
				[][2]string{{labels, pass}, {machines, fail}, {cpZones, warn}, {workers, na}},
				notDistributed+"control-0", cpInOneZone+"control-0"),
		},
		"no-distribution-2": {
			draft: v(draft, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail, [][2]string{{labels, pass}, {draftCP, fail}, {workers, warn}},
				notDistributed+"control-0,control-1,control-2", workersInOne+"worker-0,worker-1,worker-2"),
			stable: v(stable, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail,
				[][2]string{{labels, pass}, {machines, fail}, {eachZone, pass}, {workers, warn}},
				notDistributed+"control-0,control-1,control-2", workersInOne+"worker-0,worker-1,worker-2"),
			revised: v(revised, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail,
				[][2]string{{labels, pass}, {machines, fail}, {cpZones, warn}, {workers, warn}},
				notDistributed+"control-0,control-1,control-2", cpInOneZone+"control-0,control-1,control-2",
				workersInOne+"worker-0,worker-1,worker-2"),
		},
		// The draft requires host-id; the later revisions cannot see the
		// machine under control-1 and leave it to confirm by hand.
		"missing-labels": {
			draft: v(draft, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail, [][2]string{{labels, fail}, {draftCP, fail}, {workers, na}},
				"fail "+v1alpha1.IDLabelsMissing+" control-1", notDistributed+"control-0,control-1",
				"warn "+v1alpha1.IDHostIDMissing+" control-1", "warn "+v1alpha1.IDEvenControlPlaneCount+" control-0,control-1"),
			stable: v(stable, v1alpha1.VerdictPass, v1alpha1.SCSRuleConfirmByHand,
				[][2]string{{labels, pass}, {machines, confirm}, {eachZone, pass}, {workers, na}},
				"warn "+v1alpha1.IDHostIDMissing+" control-1", "warn "+v1alpha1.IDEvenControlPlaneCount+" control-0,control-1"),
			revised: v(revised, v1alpha1.VerdictPass, v1alpha1.SCSRuleConfirmByHand,
				[][2]string{{labels, pass}, {machines, confirm}, {cpZones, warn}, {workers, na}},
				cpInOneZone+"control-0,control-1",
				"warn "+v1alpha1.IDHostIDMissing+" control-1", "warn "+v1alpha1.IDEvenControlPlaneCount+" control-0,control-1"),
		},
		"not-enough-nodes": {
			draft: v(draft, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail, [][2]string{{labels, pass}, {draftCP, fail}, {workers, na}},
				notDistributed+"node-0"),
			stable: v(stable, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail,
				[][2]string{{labels, pass}, {machines, fail}, {eachZone, pass}, {workers, na}},
				notDistributed+"node-0"),
			revised: v(revised, v1alpha1.VerdictFail, v1alpha1.SCSRuleFail,
				[][2]string{{labels, pass}, {machines, fail}, {cpZones, warn}, {workers, na}},
				notDistributed+"node-0", cpInOneZone+"node-0"),
		},
	}

	scenarios := loadSCSScenarios(t)
	var names, tested []string
	for name := range scenarios {
		names = append(names, name)
	}
	for name := range tests {
		tested = append(tested, name)
	}
	sort.Strings(names)
	sort.Strings(tested)
	require.Equal(t, names, tested, "every scenario of the SCS test data has its expectations, and only those")

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			cluster.Reset(t)
			for node, labels := range scenarios[name] {
				cluster.CreateNode(t, harness.NodeSpec{Name: node, Labels: labels})
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			loaded, err := hccluster.Load(ctx, cluster.Client, hccluster.LoadOptions{})
			require.NoError(t, err)
			require.Len(t, loaded.Nodes, len(scenarios[name]))

			// The retired check's conclusion, from the scenario's name.
			retired := v1alpha1.VerdictFail
			if strings.HasPrefix(name, "success-") {
				retired = v1alpha1.VerdictPass
			}
			for _, rev := range scs.Revisions() {
				got := scsVerdictOf(audit.Analyze(model.New(nil, loaded), audit.Options{SCSRevision: rev}))
				if diff := cmp.Diff(tests[name][rev], got); diff != "" {
					t.Errorf("revision %s (-want +got):\n%s", rev, diff)
				}
				if rev == v1alpha1.SCSRevisionV2Draft && got.Verdict != retired {
					t.Errorf("on the draft the verdict is %s; the retired SCS check concluded %s", got.Verdict, retired)
				}
			}
			// The default is the current revision, and says so.
			got := scsVerdictOf(audit.Analyze(model.New(nil, loaded), audit.Options{}))
			if diff := cmp.Diff(tests[name][scs.Current], got); diff != "" {
				t.Errorf("default revision (-want +got):\n%s", diff)
			}
		})
	}
}
