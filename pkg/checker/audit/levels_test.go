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
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The checker audits the policy's levels: a custom level (a rack label)
// gets its replicas per domain, its survival rows and findings, its column
// in the text; the default policy's report is as before (no levels field).
func TestAuditCustomLevels(t *testing.T) {
	// Two replicas of kube-scheduler, both in rack r1 (as kube-dns's):
	// losing r1 takes them, and two of etcd's three members.
	c := fixture.RackCluster().Without("kube-scheduler-cp-c")
	r := analyze(fixture.RackPolicy(), c, Options{})
	require.Equal(t, []string{policy.LabelZone, fixture.RackKey, policy.LabelHostID}, r.Levels)

	rows := map[string]v1alpha1.ComponentReplica{}
	for _, row := range r.Replicas {
		rows[row.Group] = row
	}
	if diff := cmp.Diff(map[string]map[string]int{fixture.RackKey: {"r1": 2}}, rows["kube-system/kube-scheduler"].PerDomain); diff != "" {
		t.Errorf("kube-scheduler per rack (-want +got):\n%s", diff)
	}
	var racks []v1alpha1.DomainSurvival
	for _, s := range r.Survival {
		if s.Level == "rack" {
			racks = append(racks, s)
		}
	}
	want := []v1alpha1.DomainSurvival{
		{Level: "rack", Domain: "r1", Lost: []string{"kube-system/kube-dns", "kube-system/kube-scheduler"},
			QuorumLost: []v1alpha1.QuorumLoss{{Group: "kube-system/etcd", Members: 3, Survivors: 1, Quorum: 2}}},
		{Level: "rack", Domain: "r2"},
	}
	if diff := cmp.Diff(want, racks); diff != "" {
		t.Errorf("rack survival (-want +got):\n%s", diff)
	}
	var rackFindings []v1alpha1.Finding
	for _, f := range r.Findings {
		if strings.HasPrefix(f.ID, "survival.rack-") {
			rackFindings = append(rackFindings, f)
		}
	}
	wantFindings := []v1alpha1.Finding{
		{
			ID: "survival.rack-loses-quorum", Severity: v1alpha1.SeverityFail,
			Message:  `if rack "r1" failed, kube-system/etcd would keep 1 of 3 members and lose its quorum (needs 2)`,
			Subjects: []string{"r1", "kube-system/etcd"},
		},
		{
			ID: "survival.rack-loses-component", Severity: v1alpha1.SeverityWarn,
			Message:  `if rack "r1" failed, kube-system/kube-dns would lose all 2 available replicas`,
			Subjects: []string{"r1", "kube-system/kube-dns"},
		},
		{
			ID: "survival.rack-loses-component", Severity: v1alpha1.SeverityFail,
			Message:  `if rack "r1" failed, kube-system/kube-scheduler would lose all 2 available replicas, and it is disruption-controlled`,
			Subjects: []string{"r1", "kube-system/kube-scheduler"},
		},
	}
	if diff := cmp.Diff(wantFindings, rackFindings); diff != "" {
		t.Errorf("rack findings (-want +got):\n%s", diff)
	}

	var text bytes.Buffer
	require.NoError(t, writeText(&text, r))
	for _, line := range []string{
		"Component replicas available per zone, rack and host:",
		"  rack r1: loses every replica of kube-system/kube-dns, kube-system/kube-scheduler; kube-system/etcd loses quorum (1 of 3 members left)",
		"  rack r2: survives",
	} {
		require.Contains(t, text.String(), line+"\n")
	}
	require.Regexp(t, `(?m)^  GROUP +ROLE +SPREAD +PROTECTED +REPLICAS +PER ZONE +PER RACK +PER HOST$`, text.String())
	require.Regexp(t, `(?m)^  kube-system/kube-scheduler +ControlPlane +Required +yes +2 +a=1 b=1 +r1=2 +h1=1 h2=1$`, text.String())

	// The default policy: no levels in the report, no rack anywhere.
	d := analyze(nil, c, Options{})
	require.Nil(t, d.Levels)
	for _, s := range d.Survival {
		require.Contains(t, []string{"zone", "host"}, s.Level)
	}
}

// A level without a second domain is not assessed, as zones and hosts are.
func TestAuditCustomLevelOfOneDomain(t *testing.T) {
	c := fixture.RackCluster()
	for _, n := range c.Nodes {
		n.Labels[fixture.RackKey] = "r1"
	}
	var got []v1alpha1.Finding
	for _, f := range analyze(fixture.RackPolicy(), c, Options{}).Findings {
		if f.ID == "survival.rack-not-assessed" {
			got = append(got, f)
		}
	}
	want := []v1alpha1.Finding{{ID: "survival.rack-not-assessed", Severity: v1alpha1.SeverityWarn,
		Message:  "every node is in one rack (r1): no placement survives its failure, so rack failures are not assessed",
		Subjects: []string{"r1"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
