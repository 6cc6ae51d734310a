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
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// ids renders the findings as sorted "severity id" strings.
func ids(fs []v1alpha1.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, string(f.Severity)+" "+f.ID)
	}
	sort.Strings(out)
	return out
}

func fail(id string) string { return "fail " + id }
func warn(id string) string { return "warn " + id }

func TestAnalyze(t *testing.T) {
	ha := fixture.HACluster()
	trustLogging := policy.Default()
	trustLogging.TrustedNamespaces.Insert("logging")
	compact := policy.Default()
	compact.AllowUserWorkloadsOnControlPlane = true
	now := metav1.Now()

	// etcd and the other static pods 2+1 over two zones.
	twoZones := fixture.Cluster{Nodes: []*v1.Node{
		fixture.Node("cp-a1", fixture.CP, "r1", "a", "h1"),
		fixture.Node("cp-a2", fixture.CP, "r1", "a", "h2"),
		fixture.Node("cp-b", fixture.CP, "r1", "b", "h3"),
		fixture.Node("w-a", fixture.Worker, "r1", "a", "h4"),
		fixture.Node("w-b", fixture.Worker, "r1", "b", "h5"),
	}}
	for _, n := range []string{"cp-a1", "cp-a2", "cp-b"} {
		twoZones.Pods = append(twoZones.Pods, fixture.StaticControlPlane(n)...)
	}

	// etcd 2+2 over two zones: half is not a majority.
	evenEtcd := fixture.Cluster{Nodes: []*v1.Node{
		fixture.Node("cp-a1", fixture.CP, "r1", "a", "h1"),
		fixture.Node("cp-a2", fixture.CP, "r1", "a", "h2"),
		fixture.Node("cp-b1", fixture.CP, "r1", "b", "h3"),
		fixture.Node("cp-b2", fixture.CP, "r1", "b", "h4"),
	}}
	for _, n := range evenEtcd.Nodes {
		evenEtcd.Pods = append(evenEtcd.Pods, fixture.StaticControlPlane(n.Name)...)
	}

	// Every node in one zone, control plane over three hosts.
	oneZone := fixture.Cluster{Nodes: []*v1.Node{
		fixture.Node("cp-1", fixture.CP, "r1", "a", "h1"),
		fixture.Node("cp-2", fixture.CP, "r1", "a", "h2"),
		fixture.Node("cp-3", fixture.CP, "r1", "a", "h3"),
		fixture.Node("w-1", fixture.Worker, "r1", "a", "h4"),
		fixture.Node("w-2", fixture.Worker, "r1", "a", "h5"),
	}}
	for _, n := range []string{"cp-1", "cp-2", "cp-3"} {
		oneZone.Pods = append(oneZone.Pods, fixture.StaticControlPlane(n)...)
	}

	// A policy with a Required-spread component that is not
	// disruption-controlled.
	requiredIngress := policy.Default()
	requiredIngress.Components = append(requiredIngress.Components, policy.CompileComponent(policy.ComponentSpec{
		Name: "ingress", MatchLabels: []map[string]string{{"app": "ingress"}},
		Rule: policy.Rule{Placement: policy.PlaceAny, Spread: policy.SpreadRequired},
	}))
	ingressOnOneWorker := ha.With(
		fixture.Pod("kube-system", "ingress-1", "w-a", fixture.Lbl("app", "ingress")),
		fixture.Pod("kube-system", "ingress-2", "w-a", fixture.Lbl("app", "ingress")),
	)

	withInfra := ha
	withInfra.Nodes = append(slices.Clone(ha.Nodes), fixture.Node("infra-a", fixture.Infra, "r1", "a", "h7"))

	tests := []struct {
		name    string
		policy  *policy.Policy
		cluster fixture.Cluster
		want    []string
		verdict v1alpha1.Verdict
		// scs is the node-distribution verdict alone, as the SCS check gives it.
		scs bool
		// revision of scs-0214; "" is the current one. The SCS check's test
		// data is judged by the draft it was written for, where the verdict
		// agrees with that check (every revision: scs_test.go).
		revision v1alpha1.SCSRevision
	}{
		{name: "HA cluster passes", cluster: ha, verdict: v1alpha1.VerdictPass, scs: true},

		// SCS node distribution, from the SCS check's test data.
		{
			name:     "SCS success-1: control plane in three zones on three hosts",
			revision: v1alpha1.SCSRevisionV2Draft,
			cluster: fixture.SCSNodes(
				[5]string{"control-0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control-1", fixture.CP, "region", "zone2", "vm1"},
				[5]string{"control-2", fixture.CP, "region", "zone3", "vm2"},
				[5]string{"worker-0", fixture.Worker, "region", "zone1", "vm3"},
				[5]string{"worker-1", fixture.Worker, "region", "zone2", "vm4"},
				[5]string{"worker-2", fixture.Worker, "region", "zone3", "vm5"},
			),
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			name:     "SCS success-2: one host-id over three zones warns but passes",
			revision: v1alpha1.SCSRevisionV2Draft,
			cluster: fixture.SCSNodes(
				[5]string{"control-0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control-1", fixture.CP, "region", "zone2", "vm0"},
				[5]string{"control-2", fixture.CP, "region", "zone3", "vm0"},
				[5]string{"worker-0", fixture.Worker, "region", "zone1", "vm1"},
				[5]string{"worker-1", fixture.Worker, "region", "zone2", "vm1"},
				[5]string{"worker-2", fixture.Worker, "region", "zone3", "vm1"},
			),
			want:    []string{warn(v1alpha1.IDHostIDInMultipleZones), warn(v1alpha1.IDHostIDInMultipleZones)},
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			name:     "SCS no-distribution-2: three control-plane nodes on one host-id in one zone fail",
			revision: v1alpha1.SCSRevisionV2Draft,
			cluster: fixture.SCSNodes(
				[5]string{"control-0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control-1", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control-2", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"worker-0", fixture.Worker, "region", "zone1", "vm1"},
				[5]string{"worker-1", fixture.Worker, "region", "zone1", "vm1"},
				[5]string{"worker-2", fixture.Worker, "region", "zone1", "vm1"},
			),
			want:    []string{fail(v1alpha1.IDControlPlaneNotDistributed), warn(v1alpha1.IDWorkersNotDistributed)},
			verdict: v1alpha1.VerdictFail,
		},
		{
			name:     "SCS no-distribution-1: one control-plane node fails",
			revision: v1alpha1.SCSRevisionV2Draft,
			cluster: fixture.SCSNodes(
				[5]string{"control-0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"worker-0", fixture.Worker, "region", "zone1", "vm0"},
			),
			want:    []string{fail(v1alpha1.IDControlPlaneNotDistributed)},
			verdict: v1alpha1.VerdictFail,
		},
		{
			name:     "SCS not-enough-nodes: a single node fails",
			revision: v1alpha1.SCSRevisionV2Draft,
			cluster:  fixture.SCSNodes([5]string{"node0", fixture.CP, "region", "zone1", "vm0"}),
			want:     []string{fail(v1alpha1.IDControlPlaneNotDistributed)},
			verdict:  v1alpha1.VerdictFail,
		},
		{
			name:     "SCS missing-labels: a control-plane node without host-id fails",
			revision: v1alpha1.SCSRevisionV2Draft,
			cluster: fixture.SCSNodes(
				[5]string{"control0", fixture.CP, "region", "zone1", "vm0"},
				[5]string{"control1", fixture.CP, "region", "zone1", ""},
			),
			want:    []string{fail(v1alpha1.IDLabelsMissing), fail(v1alpha1.IDControlPlaneNotDistributed), warn(v1alpha1.IDHostIDMissing), warn(v1alpha1.IDEvenControlPlaneCount)},
			verdict: v1alpha1.VerdictFail,
		},
		{
			name: "missing labels on a worker fail too",
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-b", fixture.CP, "r1", "b", "h2"},
				[5]string{"cp-c", fixture.CP, "r1", "c", "h3"},
				[5]string{"w-1", fixture.Worker, "", "", "h4"},
			),
			want:    []string{fail(v1alpha1.IDLabelsMissing), fail(v1alpha1.IDLabelsMissing)},
			verdict: v1alpha1.VerdictFail,
		},
		{
			name: "two control-plane nodes in two zones pass with an even-count warning",
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-b", fixture.CP, "r1", "b", "h2"},
			),
			want:    []string{warn(v1alpha1.IDEvenControlPlaneCount)},
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			name: "legacy master label marks control-plane nodes",
			cluster: fixture.SCSNodes(
				[5]string{"m-1", fixture.Master, "r1", "a", "h1"},
				[5]string{"m-2", fixture.Master, "r1", "a", "h1"},
				[5]string{"m-3", fixture.Master, "r1", "a", "h1"},
				[5]string{"w-b", fixture.Worker, "r1", "b", "h2"},
				[5]string{"w-c", fixture.Worker, "r1", "c", "h3"},
			),
			want:    []string{fail(v1alpha1.IDControlPlaneNotDistributed), warn(v1alpha1.IDControlPlaneInOneZone)},
			verdict: v1alpha1.VerdictFail,
		},
		{
			name: "no visible control plane: all nodes are checked, as the SCS check does",
			cluster: fixture.SCSNodes(
				[5]string{"w-a", fixture.Worker, "r1", "a", "h1"},
				[5]string{"w-b", fixture.Worker, "r1", "b", "h2"},
			),
			verdict: v1alpha1.VerdictPass, scs: true,
		},

		// Workload separation.
		{
			name:    "user pod on a control-plane node fails",
			cluster: ha.With(fixture.Pod("shop", "debug", "cp-a", fixture.Lbl("app", "debug"))),
			want:    []string{fail(v1alpha1.IDUserWorkloadOnControlPlane)},
			verdict: v1alpha1.VerdictFail, scs: true,
		},
		{
			name:    "user pod on a control-plane node passes when the policy allows it",
			policy:  compact,
			cluster: ha.With(fixture.Pod("shop", "debug", "cp-a", fixture.Lbl("app", "debug"))),
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			name:    "user pod on an infra node fails",
			cluster: withInfra.With(fixture.Pod("shop", "debug", "infra-a", fixture.Lbl("app", "debug"))),
			want:    []string{fail(v1alpha1.IDUserWorkloadOnInfra)},
			verdict: v1alpha1.VerdictFail, scs: true,
		},
		{
			name:    "DaemonSet pod of an untrusted namespace on a control-plane node fails",
			cluster: ha.With(fixture.Pod("logging", "fluent-bit-x", "cp-a", fixture.Lbl("app", "fluent-bit"), fixture.OwnedBy("DaemonSet", "fluent-bit"))),
			want:    []string{fail(v1alpha1.IDUserWorkloadOnControlPlane)},
			verdict: v1alpha1.VerdictFail, scs: true,
		},
		{
			name:    "DaemonSet pod of a trusted namespace on a control-plane node passes",
			policy:  trustLogging,
			cluster: ha.With(fixture.Pod("logging", "fluent-bit-x", "cp-a", fixture.Lbl("app", "fluent-bit"), fixture.OwnedBy("DaemonSet", "fluent-bit"))),
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			name:    "user pod in kube-system's clothes outside kube-system is still a user workload",
			cluster: ha.With(fixture.Pod("shop", "fake-scheduler", "cp-a", fixture.Lbl("component", "kube-scheduler"))),
			want:    []string{fail(v1alpha1.IDUserWorkloadOnControlPlane)},
			verdict: v1alpha1.VerdictFail, scs: true,
		},
		{
			name: "finished and unbound user pods are ignored",
			cluster: ha.With(
				fixture.Pod("shop", "job-done", "cp-a", fixture.Lbl("app", "job"), fixture.Phase(v1.PodSucceeded)),
				fixture.Pod("shop", "job-failed", "cp-a", fixture.Lbl("app", "job"), fixture.Phase(v1.PodFailed)),
				fixture.Pod("shop", "pending", "", fixture.Lbl("app", "web")),
			),
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			// Deleted with a grace period of a year, its containers may run
			// that long.
			name:    "a terminating user pod on a control-plane node fails",
			cluster: ha.With(fixture.Pod("shop", "leaving", "cp-b", fixture.Lbl("app", "old"), func(p *v1.Pod) { p.DeletionTimestamp = &now })),
			want:    []string{fail(v1alpha1.IDUserWorkloadOnControlPlane)},
			verdict: v1alpha1.VerdictFail, scs: true,
		},

		// Disruption-controlled components.
		{
			name:    "kube-scheduler with a single replica fails",
			cluster: ha.Without("kube-scheduler-cp-b", "kube-scheduler-cp-c"),
			want: []string{
				fail(v1alpha1.IDTooFewReplicas), fail(v1alpha1.IDZoneLosesComponent), fail(v1alpha1.IDHostLosesComponent),
			},
			verdict: v1alpha1.VerdictFail, scs: true,
		},
		{
			name: "evictable kube-scheduler replicas without a PDB warn",
			cluster: ha.With(
				fixture.Pod("kube-system", "kube-scheduler-x1", "cp-a", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched")),
				fixture.Pod("kube-system", "kube-scheduler-x2", "cp-b", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched")),
			),
			want:    []string{warn(v1alpha1.IDNoPDB)},
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			// Covered, so no disruption.no-pdb; but the budget's selector
			// also takes in the three static kube-schedulers, which stand
			// in for the ReplicaSet's replicas in its minAvailable 1: both
			// may be evicted.
			name: "evictable kube-scheduler replicas with a PDB pass",
			cluster: func() fixture.Cluster {
				c := ha.With(
					fixture.Pod("kube-system", "kube-scheduler-x1", "cp-a", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched")),
					fixture.Pod("kube-system", "kube-scheduler-x2", "cp-b", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched")),
				)
				c.PDBs = append(slices.Clone(c.PDBs), fixture.PDB("kube-system", "sched", fixture.Lbl("component", "kube-scheduler")))
				return c
			}(),
			want:    []string{warn(v1alpha1.IDPDBWeakerThanPolicy)},
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			name: "a PDB of another namespace does not protect",
			cluster: func() fixture.Cluster {
				c := ha.With(
					fixture.Pod("kube-system", "kube-scheduler-x1", "cp-a", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched")),
					fixture.Pod("kube-system", "kube-scheduler-x2", "cp-b", fixture.Lbl("component", "kube-scheduler"), fixture.OwnedBy("ReplicaSet", "sched")),
				)
				c.PDBs = append(slices.Clone(c.PDBs), fixture.PDB("shop", "sched", fixture.Lbl("component", "kube-scheduler")))
				return c
			}(),
			want:    []string{warn(v1alpha1.IDNoPDB)},
			verdict: v1alpha1.VerdictPass, scs: true,
		},

		// Survival.
		{
			name:    "etcd 2+1 over two zones: the zone with two loses quorum",
			cluster: twoZones,
			want:    []string{fail(v1alpha1.IDZoneLosesQuorum)},
			verdict: v1alpha1.VerdictFail, scs: true,
		},
		{
			name:    "etcd 2+2 over two zones: either zone keeps only half, no quorum",
			cluster: evenEtcd,
			want:    []string{fail(v1alpha1.IDZoneLosesQuorum), fail(v1alpha1.IDZoneLosesQuorum), warn(v1alpha1.IDEvenControlPlaneCount)},
			verdict: v1alpha1.VerdictFail, scs: true,
		},
		{
			name:    "etcd 1/1/1 over three zones passes",
			cluster: ha,
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			name:    "kube-dns (not disruption-controlled) all in one zone and host warns",
			cluster: ha.Without("coredns-2").With(fixture.Pod("kube-system", "coredns-2", "cp-a", fixture.Lbl("k8s-app", "kube-dns"), fixture.OwnedBy("ReplicaSet", "coredns-5d"))),
			want:    []string{warn(v1alpha1.IDZoneLosesComponent), warn(v1alpha1.IDHostLosesComponent)},
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			name: "two control-plane VMs on one physical host: its failure loses etcd quorum",
			cluster: func() fixture.Cluster {
				c := fixture.HACluster()
				c.Nodes[1] = fixture.Node("cp-b", fixture.CP, "r1", "b", "h1")
				return c
			}(),
			// CoreDNS's two replicas (cp-a, cp-b) are on h1 too.
			want:    []string{fail(v1alpha1.IDHostLosesQuorum), warn(v1alpha1.IDHostIDInMultipleZones), warn(v1alpha1.IDHostLosesComponent)},
			verdict: v1alpha1.VerdictFail, scs: true,
		},
		{
			name:    "a Required-spread component losing every replica fails",
			policy:  requiredIngress,
			cluster: ingressOnOneWorker,
			want:    []string{fail(v1alpha1.IDZoneLosesComponent), fail(v1alpha1.IDHostLosesComponent)},
			verdict: v1alpha1.VerdictFail, scs: true,
		},
		{
			name:    "the same pods matching no component are not assessed",
			cluster: ingressOnOneWorker,
			verdict: v1alpha1.VerdictPass, scs: true,
		},
		{
			name:    "single-zone cluster: zone failures are not assessed",
			cluster: oneZone,
			// The current revision wants control plane and workers over
			// several zones (SHOULD, RECOMMENDED).
			want:    []string{warn(v1alpha1.IDControlPlaneInOneZone), warn(v1alpha1.IDWorkersNotDistributed), warn(v1alpha1.IDZoneNotAssessed)},
			verdict: v1alpha1.VerdictPass, scs: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := analyze(tc.policy, tc.cluster, Options{SCSRevision: tc.revision})
			want := append([]string{}, tc.want...)
			sort.Strings(want)
			if got := ids(r.Findings); !slices.Equal(got, want) {
				t.Errorf("findings:\n got %q\nwant %q\n%s", got, want, text(t, r))
			}
			if r.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s", r.Verdict, tc.verdict)
			}
			if r.NodeDistribution.Pass != tc.scs {
				t.Errorf("node distribution pass = %v, want %v", r.NodeDistribution.Pass, tc.scs)
			}
			for _, f := range r.Findings {
				if f.Message == "" {
					t.Errorf("finding %s has no message", f.ID)
				}
			}
		})
	}
}

func text(t *testing.T, r *v1alpha1.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := writeText(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func findingsOf(r *v1alpha1.Report, id string) []v1alpha1.Finding {
	var out []v1alpha1.Finding
	for _, f := range r.Findings {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// The messages name what an operator must look at; each finding is
// compared whole, so a changed word, subject or an extra finding fails.
// (The single kube-scheduler's disruption.too-few-replicas is pinned in
// TestFindingMessages.)
func TestFindingSubjects(t *testing.T) {
	ha := fixture.HACluster()
	tests := []struct {
		name    string
		cluster fixture.Cluster
		id      string
		want    []v1alpha1.Finding
		// revision of scs-0214; "" is the current one.
		revision v1alpha1.SCSRevision
	}{
		{
			name:     "labels missing names the label and the nodes",
			revision: v1alpha1.SCSRevisionV2Draft,
			cluster: fixture.SCSNodes(
				[5]string{"cp-a", fixture.CP, "r1", "a", "h1"},
				[5]string{"cp-b", fixture.CP, "r1", "b", ""},
				[5]string{"cp-c", fixture.CP, "r1", "c", ""},
			),
			id: v1alpha1.IDLabelsMissing,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDLabelsMissing, Severity: v1alpha1.SeverityFail,
				Message:  "2 of 3 nodes lack the label topology.scs.community/host-id, which the SCS standard requires on every node: cp-b, cp-c",
				Subjects: []string{"cp-b", "cp-c"},
			}},
		},
		{
			name:    "a user workload on a control-plane node names the pod and the node",
			cluster: ha.With(fixture.Pod("shop", "debug", "cp-a", nil)),
			id:      v1alpha1.IDUserWorkloadOnControlPlane,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDUserWorkloadOnControlPlane, Severity: v1alpha1.SeverityFail,
				Message:  "user workload shop/debug runs on control-plane node cp-a, which is reserved for control-plane components",
				Subjects: []string{"shop/debug", "cp-a"},
			}},
		},
		{
			name:    "a DaemonSet pod of an untrusted namespace says how to trust it",
			cluster: ha.With(fixture.Pod("logging", "fb-1", "cp-a", nil, fixture.OwnedBy("DaemonSet", "fb"))),
			id:      v1alpha1.IDUserWorkloadOnControlPlane,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDUserWorkloadOnControlPlane, Severity: v1alpha1.SeverityFail,
				Message:  `DaemonSet pod logging/fb-1 (DaemonSet fb) runs on control-plane node cp-a, but namespace "logging" is not trusted: trust it (--trusted-namespace, trustedNamespaces) if only cluster administrators create pods there, or keep the DaemonSet off control-plane nodes`,
				Subjects: []string{"logging/fb-1", "cp-a"},
			}},
		},
		{
			name:    "a zone that takes every replica names the zone and the group",
			cluster: ha.Without("kube-scheduler-cp-b", "kube-scheduler-cp-c"),
			id:      v1alpha1.IDZoneLosesComponent,
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDZoneLosesComponent, Severity: v1alpha1.SeverityFail,
				Message:  `if zone "a" failed, kube-system/kube-scheduler would lose its only available replica, and it is disruption-controlled`,
				Subjects: []string{"a", "kube-system/kube-scheduler"},
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

// The JSON report, whole: an empty cluster's (every list a list, never
// null), and the single kube-scheduler's, every part but the replica rows,
// whose fields TestJSONSchema pins (here: which rows there are).
func TestJSONOutput(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, writeJSON(&b, analyze(nil, fixture.Cluster{}, Options{})))
	// No node shows the control plane: the current revision's rules on it
	// are left to confirm by hand, which does not fail the verdict (the
	// draft failed fewer than two nodes: scs_test.go).
	// Analyze leaves the versioned object's apiVersion, kind and policy
	// source to the command.
	wantEmpty := `{
  "apiVersion": "",
  "kind": "",
  "policySource": "",
  "verdict": "PASS",
  "fails": 0,
  "warnings": 0,
  "summary": {
    "nodes": 0,
    "controlPlaneNodes": 0,
    "infraNodes": 0,
    "workerNodes": 0,
    "regions": 0,
    "zones": 0,
    "hosts": 0,
    "notReadyNodes": 0,
    "pods": 0,
    "podDisruptionBudgets": 0
  },
  "nodeDistribution": {
    "standard": "scs-0214-v2",
    "revision": "v2-2026-04",
    "pass": true,
    "outcome": "confirm-by-hand",
    "rules": [
      {
        "id": "labels",
        "level": "MUST",
        "rule": "region and zone labels on every node",
        "state": "pass"
      },
      {
        "id": "control-plane-physical-machines",
        "level": "MUST",
        "rule": "control plane over multiple physical machines",
        "state": "confirm-by-hand",
        "detail": "no control-plane node is visible (a managed control plane?): confirm with its provider"
      },
      {
        "id": "control-plane-zones",
        "level": "SHOULD",
        "rule": "control plane over multiple failure zones",
        "state": "confirm-by-hand",
        "detail": "no control-plane node is visible (a managed control plane?): confirm with its provider"
      },
      {
        "id": "workers-distributed",
        "level": "RECOMMENDED",
        "rule": "worker nodes over multiple zones",
        "state": "not-applicable",
        "detail": "0 worker nodes: fewer than two"
      }
    ],
    "controlPlane": []
  },
  "replicas": [],
  "survival": [],
  "controlPlaneScheduler": {
    "pods": []
  },
  "findings": []
}
`
	if diff := cmp.Diff(wantEmpty, b.String()); diff != "" {
		t.Errorf("empty report (-want +got):\n%s", diff)
	}

	b.Reset()
	require.NoError(t, writeJSON(&b, analyze(nil, fixture.HACluster().Without("kube-scheduler-cp-b", "kube-scheduler-cp-c"), Options{})))
	var got map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &got))
	var groups []any
	if rows, ok := got["replicas"].([]any); ok {
		for _, row := range rows {
			groups = append(groups, row.(map[string]any)["group"])
		}
	}
	got["replicas"] = groups
	cpNode := func(name, zone, host string) map[string]any {
		return map[string]any{"name": name, "role": "control-plane", "region": "r1", "zone": zone, "hostID": host}
	}
	survives := func(level, domain string) map[string]any { return map[string]any{"level": level, "domain": domain} }
	loses := func(level, domain string) map[string]any {
		return map[string]any{"level": level, "domain": domain, "lost": []any{"kube-system/kube-scheduler"}}
	}
	want := map[string]any{
		"verdict": "FAIL", "fails": 3.0, "warnings": 0.0,
		"summary": map[string]any{
			"nodes": 6.0, "controlPlaneNodes": 3.0, "infraNodes": 0.0, "workerNodes": 3.0, "notReadyNodes": 0.0,
			"regions": 1.0, "zones": 3.0, "hosts": 6.0, "pods": 21.0, "podDisruptionBudgets": 1.0,
		},
		"apiVersion": "", "kind": "", "policySource": "",
		"nodeDistribution": map[string]any{
			"standard": "scs-0214-v2", "revision": "v2-2026-04", "pass": true, "outcome": "pass", "distributedBy": policy.LabelZone,
			"rules": []any{
				map[string]any{"id": "labels", "level": "MUST", "rule": "region and zone labels on every node", "state": "pass"},
				map[string]any{"id": "control-plane-physical-machines", "level": "MUST", "rule": "control plane over multiple physical machines", "state": "pass", "detail": "3 host-ids"},
				map[string]any{"id": "control-plane-zones", "level": "SHOULD", "rule": "control plane over multiple failure zones", "state": "pass", "detail": "3 zones"},
				map[string]any{"id": "workers-distributed", "level": "RECOMMENDED", "rule": "worker nodes over multiple zones", "state": "pass", "detail": "3 zones"},
			},
			"controlPlane": []any{cpNode("cp-a", "a", "h1"), cpNode("cp-b", "b", "h2"), cpNode("cp-c", "c", "h3")},
		},
		"replicas": []any{
			"kube-system/etcd", "kube-system/kube-apiserver", "kube-system/kube-controller-manager",
			"kube-system/kube-dns", "kube-system/kube-scheduler",
		},
		"survival": []any{
			loses("zone", "a"), survives("zone", "b"), survives("zone", "c"),
			loses("host", "h1"), survives("host", "h2"), survives("host", "h3"),
		},
		"controlPlaneScheduler": map[string]any{"pods": []any{map[string]any{
			"node": "cp-a", "role": "control-plane", "pod": "kube-system/kube-scheduler-cp-a", "mirror": true, "scheduler": "stock",
			"image": "registry.k8s.io/kube-scheduler:v1.37.2", "command": []any{"kube-scheduler"},
		}}},
		"findings": []any{
			map[string]any{
				"id": v1alpha1.IDTooFewReplicas, "severity": "fail",
				"message":  "kube-system/kube-scheduler is disruption-controlled but wants 1 replica and must keep 1 available: it can lose none, so draining or losing a node stops it (kube-system/kube-scheduler-cp-a on node cp-a); run at least 2",
				"subjects": []any{"kube-system/kube-scheduler", "kube-system/kube-scheduler-cp-a"},
			},
			map[string]any{
				"id": v1alpha1.IDZoneLosesComponent, "severity": "fail",
				"message":  `if zone "a" failed, kube-system/kube-scheduler would lose its only available replica, and it is disruption-controlled`,
				"subjects": []any{"a", "kube-system/kube-scheduler"},
			},
			map[string]any{
				"id": v1alpha1.IDHostLosesComponent, "severity": "fail",
				"message":  `if host "h1" failed, kube-system/kube-scheduler would lose its only available replica, and it is disruption-controlled`,
				"subjects": []any{"h1", "kube-system/kube-scheduler"},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
}

// The text report, whole: a change of a line, an extra or a missing one
// fails. During an outage the table says what is available of what is
// desired, and the verdict is always the last line.
func TestTextOutput(t *testing.T) {
	tests := []struct {
		name    string
		cluster fixture.Cluster
		want    string
	}{
		{
			name:    "HA cluster passes",
			cluster: fixture.HACluster(),
			want: `Cluster: 6 nodes (3 control-plane, 0 infra, 3 worker) in 1 region, 3 zones, 6 hosts; 23 active pods, 1 PodDisruptionBudget

Node distribution (scs-0214-v2, revision v2-2026-04): PASS
  PASS  MUST         region and zone labels on every node
  PASS  MUST         control plane over multiple physical machines: 3 host-ids
  PASS  SHOULD       control plane over multiple failure zones: 3 zones
  PASS  RECOMMENDED  worker nodes over multiple zones: 3 zones
  NODE  REGION  ZONE  HOST-ID
  cp-a  r1      a     h1
  cp-b  r1      b     h2
  cp-c  r1      c     h3

Control-plane scheduler:
  NODE  ROLE           SCHEDULER  IMAGE                                   COMMAND
  cp-a  control-plane  stock      registry.k8s.io/kube-scheduler:v1.37.2  kube-scheduler
  cp-b  control-plane  stock      registry.k8s.io/kube-scheduler:v1.37.2  kube-scheduler
  cp-c  control-plane  stock      registry.k8s.io/kube-scheduler:v1.37.2  kube-scheduler

Component replicas available per zone and host:
  GROUP                                ROLE          SPREAD     PROTECTED  REPLICAS  PER ZONE     PER HOST
  kube-system/etcd                     ControlPlane  Required   quorum     3         a=1 b=1 c=1  h1=1 h2=1 h3=1
  kube-system/kube-apiserver           ControlPlane  None       -          3         a=1 b=1 c=1  h1=1 h2=1 h3=1
  kube-system/kube-controller-manager  ControlPlane  Required   yes        3         a=1 b=1 c=1  h1=1 h2=1 h3=1
  kube-system/kube-dns                 ControlPlane  Preferred  -          2         a=1 b=1      h1=1 h2=1
  kube-system/kube-scheduler           ControlPlane  Required   yes        3         a=1 b=1 c=1  h1=1 h2=1 h3=1

Survival of a single failure:
  zone a: survives
  zone b: survives
  zone c: survives
  host h1: survives
  host h2: survives
  host h3: survives

Findings:
  none

Verdict: PASS (0 fail, 0 warn)
`,
		},
		{
			name:    "a single kube-scheduler fails",
			cluster: fixture.HACluster().Without("kube-scheduler-cp-b", "kube-scheduler-cp-c"),
			want: `Cluster: 6 nodes (3 control-plane, 0 infra, 3 worker) in 1 region, 3 zones, 6 hosts; 21 active pods, 1 PodDisruptionBudget

Node distribution (scs-0214-v2, revision v2-2026-04): PASS
  PASS  MUST         region and zone labels on every node
  PASS  MUST         control plane over multiple physical machines: 3 host-ids
  PASS  SHOULD       control plane over multiple failure zones: 3 zones
  PASS  RECOMMENDED  worker nodes over multiple zones: 3 zones
  NODE  REGION  ZONE  HOST-ID
  cp-a  r1      a     h1
  cp-b  r1      b     h2
  cp-c  r1      c     h3

Control-plane scheduler:
  NODE  ROLE           SCHEDULER  IMAGE                                   COMMAND
  cp-a  control-plane  stock      registry.k8s.io/kube-scheduler:v1.37.2  kube-scheduler

Component replicas available per zone and host:
  GROUP                                ROLE          SPREAD     PROTECTED  REPLICAS  PER ZONE     PER HOST
  kube-system/etcd                     ControlPlane  Required   quorum     3         a=1 b=1 c=1  h1=1 h2=1 h3=1
  kube-system/kube-apiserver           ControlPlane  None       -          3         a=1 b=1 c=1  h1=1 h2=1 h3=1
  kube-system/kube-controller-manager  ControlPlane  Required   yes        3         a=1 b=1 c=1  h1=1 h2=1 h3=1
  kube-system/kube-dns                 ControlPlane  Preferred  -          2         a=1 b=1      h1=1 h2=1
  kube-system/kube-scheduler           ControlPlane  Required   yes        1         a=1          h1=1

Survival of a single failure:
  zone a: loses every replica of kube-system/kube-scheduler
  zone b: survives
  zone c: survives
  host h1: loses every replica of kube-system/kube-scheduler
  host h2: survives
  host h3: survives

Findings:
  FAIL  disruption.too-few-replicas: kube-system/kube-scheduler is disruption-controlled but wants 1 replica and must keep 1 available: it can lose none, so draining or losing a node stops it (kube-system/kube-scheduler-cp-a on node cp-a); run at least 2
  FAIL  survival.zone-loses-component: if zone "a" failed, kube-system/kube-scheduler would lose its only available replica, and it is disruption-controlled
  FAIL  survival.host-loses-component: if host "h1" failed, kube-system/kube-scheduler would lose its only available replica, and it is disruption-controlled

Verdict: FAIL (3 fail, 0 warn)
`,
		},
		{
			name:    "outage: a control-plane node not Ready, an events etcd of 5 with 3 members",
			cluster: etcdEvents(fixture.HACluster(), fixture.StatefulSet("kube-system", "etcd-events", 5), "cp-a", "cp-b", "cp-c").WithNodes(fixture.NodeNotReady("cp-c")),
			want: `Cluster: 6 nodes (3 control-plane, 0 infra, 3 worker, 1 not Ready) in 1 region, 3 zones, 6 hosts; 26 active pods, 2 PodDisruptionBudgets

Node distribution (scs-0214-v2, revision v2-2026-04): PASS
  PASS  MUST         region and zone labels on every node
  PASS  MUST         control plane over multiple physical machines: 3 host-ids
  PASS  SHOULD       control plane over multiple failure zones: 3 zones
  PASS  RECOMMENDED  worker nodes over multiple zones: 3 zones
  NODE  REGION  ZONE  HOST-ID
  cp-a  r1      a     h1
  cp-b  r1      b     h2
  cp-c  r1      c     h3

Control-plane scheduler:
  NODE  ROLE           SCHEDULER  IMAGE                                   COMMAND
  cp-a  control-plane  stock      registry.k8s.io/kube-scheduler:v1.37.2  kube-scheduler
  cp-b  control-plane  stock      registry.k8s.io/kube-scheduler:v1.37.2  kube-scheduler
  cp-c  control-plane  stock      registry.k8s.io/kube-scheduler:v1.37.2  kube-scheduler

Component replicas available per zone and host:
  GROUP                                       ROLE          SPREAD     PROTECTED  REPLICAS                  PER ZONE  PER HOST
  kube-system/etcd                            ControlPlane  Required   quorum     2/3 available (3 placed)  a=1 b=1   h1=1 h2=1
  kube-system/etcd (StatefulSet etcd-events)  ControlPlane  Required   quorum     2/5 available (3 placed)  a=1 b=1   h1=1 h2=1
  kube-system/kube-apiserver                  ControlPlane  None       -          2/3 available (3 placed)  a=1 b=1   h1=1 h2=1
  kube-system/kube-controller-manager         ControlPlane  Required   yes        2/3 available (3 placed)  a=1 b=1   h1=1 h2=1
  kube-system/kube-dns                        ControlPlane  Preferred  -          2                         a=1 b=1   h1=1 h2=1
  kube-system/kube-scheduler                  ControlPlane  Required   yes        2/3 available (3 placed)  a=1 b=1   h1=1 h2=1

Survival of a single failure:
  zone a: kube-system/etcd loses quorum (1 of 3 members left); kube-system/etcd (StatefulSet etcd-events) loses quorum (1 of 5 members left)
  zone b: kube-system/etcd loses quorum (1 of 3 members left); kube-system/etcd (StatefulSet etcd-events) loses quorum (1 of 5 members left)
  zone c: survives
  host h1: kube-system/etcd loses quorum (1 of 3 members left); kube-system/etcd (StatefulSet etcd-events) loses quorum (1 of 5 members left)
  host h2: kube-system/etcd loses quorum (1 of 3 members left); kube-system/etcd (StatefulSet etcd-events) loses quorum (1 of 5 members left)

Findings:
  WARN  survival.nodes-not-ready: 1 of 6 nodes are not Ready (cp-c): replicas on them are not counted as available
  FAIL  disruption.too-few-available: kube-system/etcd has 2 of 3 replicas available now, exactly the 2 (quorum) it must keep: it cannot lose another one; not available: 1 on a node that is not Ready (cp-c)
  FAIL  disruption.too-few-available: kube-system/etcd (StatefulSet etcd-events) has 2 of 5 replicas available now, fewer than the 3 (quorum) it needs: it has lost its quorum; not available: 1 on a node that is not Ready (cp-c), 2 not created
  FAIL  survival.zone-loses-quorum: if zone "a" failed, kube-system/etcd would keep 1 of 3 members (2 available now) and lose its quorum (needs 2)
  FAIL  survival.zone-loses-quorum: if zone "a" failed, kube-system/etcd (StatefulSet etcd-events) would keep 1 of 5 members (2 available now) and lose its quorum (needs 3)
  FAIL  survival.zone-loses-quorum: if zone "b" failed, kube-system/etcd would keep 1 of 3 members (2 available now) and lose its quorum (needs 2)
  FAIL  survival.zone-loses-quorum: if zone "b" failed, kube-system/etcd (StatefulSet etcd-events) would keep 1 of 5 members (2 available now) and lose its quorum (needs 3)
  FAIL  survival.host-loses-quorum: if host "h1" failed, kube-system/etcd would keep 1 of 3 members (2 available now) and lose its quorum (needs 2)
  FAIL  survival.host-loses-quorum: if host "h1" failed, kube-system/etcd (StatefulSet etcd-events) would keep 1 of 5 members (2 available now) and lose its quorum (needs 3)
  FAIL  survival.host-loses-quorum: if host "h2" failed, kube-system/etcd would keep 1 of 3 members (2 available now) and lose its quorum (needs 2)
  FAIL  survival.host-loses-quorum: if host "h2" failed, kube-system/etcd (StatefulSet etcd-events) would keep 1 of 5 members (2 available now) and lose its quorum (needs 3)

Verdict: FAIL (10 fail, 1 warn)
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, text(t, analyze(nil, tc.cluster, Options{}))); diff != "" {
				t.Errorf("text report (-want +got):\n%s", diff)
			}
		})
	}
}

// A component on a node of a role its rule does not allow: a fail for etcd
// (quorum, Required), a warning for kube-dns (Preferred, not controlled).
func TestComponentOffRole(t *testing.T) {
	tests := []struct {
		name string
		pod  *v1.Pod
		want []v1alpha1.Finding // nil: no finding
	}{
		{
			name: "etcd member on a worker",
			pod:  fixture.Pod("kube-system", "etcd-w", "w-a", fixture.Lbl("component", "etcd")),
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDComponentOffRole, Severity: v1alpha1.SeverityFail,
				Message:  "component etcd pod kube-system/etcd-w runs on worker node w-a; its policy (nodeRole ControlPlane) keeps it on other nodes",
				Subjects: []string{"kube-system/etcd-w", "w-a"},
			}},
		},
		{
			name: "kube-dns on a worker",
			pod:  fixture.Pod("kube-system", "coredns-1", "w-a", fixture.Lbl("k8s-app", "kube-dns")),
			want: []v1alpha1.Finding{{
				ID: v1alpha1.IDComponentOffRole, Severity: v1alpha1.SeverityWarn,
				Message:  "component kube-dns pod kube-system/coredns-1 runs on worker node w-a; its policy (nodeRole ControlPlane) keeps it on other nodes",
				Subjects: []string{"kube-system/coredns-1", "w-a"},
			}},
		},
		{name: "kube-proxy (Any) on a worker", pod: fixture.Pod("kube-system", "kube-proxy-1", "w-a", fixture.Lbl("k8s-app", "kube-proxy"))},
		{name: "spoofed etcd labels in a user namespace are a user workload", pod: fixture.Pod("shop", "etcd-w", "w-a", fixture.Lbl("component", "etcd"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyze(policy.Default(), fixture.HACluster().With(tt.pod), Options{})
			if diff := cmp.Diff(tt.want, findingsOf(r, v1alpha1.IDComponentOffRole)); diff != "" {
				t.Errorf("%s findings (-want +got):\n%s", v1alpha1.IDComponentOffRole, diff)
			}
		})
	}
}
