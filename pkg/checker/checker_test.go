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
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// ids renders the findings as sorted "severity id" strings.
func ids(fs []Finding) []string {
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
	ha := haCluster()
	trustLogging := policy.Default()
	trustLogging.TrustedNamespaces.Insert("logging")
	compact := policy.Default()
	compact.AllowUserWorkloadsOnControlPlane = true
	now := metav1.Now()

	// etcd and the other static pods 2+1 over two zones.
	twoZones := Cluster{Nodes: []*v1.Node{
		node("cp-a1", cp, "r1", "a", "h1"),
		node("cp-a2", cp, "r1", "a", "h2"),
		node("cp-b", cp, "r1", "b", "h3"),
		node("w-a", worker, "r1", "a", "h4"),
		node("w-b", worker, "r1", "b", "h5"),
	}}
	for _, n := range []string{"cp-a1", "cp-a2", "cp-b"} {
		twoZones.Pods = append(twoZones.Pods, staticControlPlane(n)...)
	}

	// etcd 2+2 over two zones: half is not a majority.
	evenEtcd := Cluster{Nodes: []*v1.Node{
		node("cp-a1", cp, "r1", "a", "h1"),
		node("cp-a2", cp, "r1", "a", "h2"),
		node("cp-b1", cp, "r1", "b", "h3"),
		node("cp-b2", cp, "r1", "b", "h4"),
	}}
	for _, n := range evenEtcd.Nodes {
		evenEtcd.Pods = append(evenEtcd.Pods, staticControlPlane(n.Name)...)
	}

	// Every node in one zone, control plane over three hosts.
	oneZone := Cluster{Nodes: []*v1.Node{
		node("cp-1", cp, "r1", "a", "h1"),
		node("cp-2", cp, "r1", "a", "h2"),
		node("cp-3", cp, "r1", "a", "h3"),
		node("w-1", worker, "r1", "a", "h4"),
		node("w-2", worker, "r1", "a", "h5"),
	}}
	for _, n := range []string{"cp-1", "cp-2", "cp-3"} {
		oneZone.Pods = append(oneZone.Pods, staticControlPlane(n)...)
	}

	// A policy with a Required-spread component that is not
	// disruption-controlled.
	requiredIngress := policy.Default()
	requiredIngress.Components = append(requiredIngress.Components, policy.CompileComponent(policy.ComponentSpec{
		Name: "ingress", MatchLabels: []map[string]string{{"app": "ingress"}},
		Rule: policy.Rule{Placement: policy.PlaceAny, Spread: policy.SpreadRequired},
	}))
	ingressOnOneWorker := ha.with(
		pod("kube-system", "ingress-1", "w-a", lbl("app", "ingress")),
		pod("kube-system", "ingress-2", "w-a", lbl("app", "ingress")),
	)

	withInfra := ha
	withInfra.Nodes = append(slices.Clone(ha.Nodes), node("infra-a", infra, "r1", "a", "h7"))

	tests := []struct {
		name    string
		policy  *policy.Policy
		cluster Cluster
		want    []string
		verdict Verdict
		// scs is the node-distribution verdict alone, as the SCS check gives it.
		scs bool
	}{
		{name: "HA cluster passes", cluster: ha, verdict: VerdictPass, scs: true},

		// SCS node distribution, from the SCS check's test data.
		{
			name: "SCS success-1: control plane in three zones on three hosts",
			cluster: scsNodes(
				[5]string{"control-0", cp, "region", "zone1", "vm0"},
				[5]string{"control-1", cp, "region", "zone2", "vm1"},
				[5]string{"control-2", cp, "region", "zone3", "vm2"},
				[5]string{"worker-0", worker, "region", "zone1", "vm3"},
				[5]string{"worker-1", worker, "region", "zone2", "vm4"},
				[5]string{"worker-2", worker, "region", "zone3", "vm5"},
			),
			verdict: VerdictPass, scs: true,
		},
		{
			name: "SCS success-2: one host-id over three zones warns but passes",
			cluster: scsNodes(
				[5]string{"control-0", cp, "region", "zone1", "vm0"},
				[5]string{"control-1", cp, "region", "zone2", "vm0"},
				[5]string{"control-2", cp, "region", "zone3", "vm0"},
				[5]string{"worker-0", worker, "region", "zone1", "vm1"},
				[5]string{"worker-1", worker, "region", "zone2", "vm1"},
				[5]string{"worker-2", worker, "region", "zone3", "vm1"},
			),
			want:    []string{warn(IDHostIDInMultipleZones), warn(IDHostIDInMultipleZones)},
			verdict: VerdictPass, scs: true,
		},
		{
			name: "SCS no-distribution-2: three control-plane nodes on one host-id in one zone fail",
			cluster: scsNodes(
				[5]string{"control-0", cp, "region", "zone1", "vm0"},
				[5]string{"control-1", cp, "region", "zone1", "vm0"},
				[5]string{"control-2", cp, "region", "zone1", "vm0"},
				[5]string{"worker-0", worker, "region", "zone1", "vm1"},
				[5]string{"worker-1", worker, "region", "zone1", "vm1"},
				[5]string{"worker-2", worker, "region", "zone1", "vm1"},
			),
			want:    []string{fail(IDControlPlaneNotDistributed), warn(IDWorkersNotDistributed)},
			verdict: VerdictFail,
		},
		{
			name: "SCS no-distribution-1: one control-plane node fails",
			cluster: scsNodes(
				[5]string{"control-0", cp, "region", "zone1", "vm0"},
				[5]string{"worker-0", worker, "region", "zone1", "vm0"},
			),
			want:    []string{fail(IDControlPlaneNotDistributed)},
			verdict: VerdictFail,
		},
		{
			name:    "SCS not-enough-nodes: a single node fails",
			cluster: scsNodes([5]string{"node0", cp, "region", "zone1", "vm0"}),
			want:    []string{fail(IDControlPlaneNotDistributed)},
			verdict: VerdictFail,
		},
		{
			name: "SCS missing-labels: a control-plane node without host-id fails",
			cluster: scsNodes(
				[5]string{"control0", cp, "region", "zone1", "vm0"},
				[5]string{"control1", cp, "region", "zone1", ""},
			),
			want:    []string{fail(IDLabelsMissing), fail(IDControlPlaneNotDistributed), warn(IDEvenControlPlaneCount)},
			verdict: VerdictFail,
		},
		{
			name: "missing labels on a worker fail too",
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", "h1"},
				[5]string{"cp-b", cp, "r1", "b", "h2"},
				[5]string{"cp-c", cp, "r1", "c", "h3"},
				[5]string{"w-1", worker, "", "", "h4"},
			),
			want:    []string{fail(IDLabelsMissing), fail(IDLabelsMissing)},
			verdict: VerdictFail,
		},
		{
			name: "two control-plane nodes in two zones pass with an even-count warning",
			cluster: scsNodes(
				[5]string{"cp-a", cp, "r1", "a", "h1"},
				[5]string{"cp-b", cp, "r1", "b", "h2"},
			),
			want:    []string{warn(IDEvenControlPlaneCount)},
			verdict: VerdictPass, scs: true,
		},
		{
			name: "legacy master label marks control-plane nodes",
			cluster: scsNodes(
				[5]string{"m-1", master, "r1", "a", "h1"},
				[5]string{"m-2", master, "r1", "a", "h1"},
				[5]string{"m-3", master, "r1", "a", "h1"},
				[5]string{"w-b", worker, "r1", "b", "h2"},
				[5]string{"w-c", worker, "r1", "c", "h3"},
			),
			want:    []string{fail(IDControlPlaneNotDistributed)},
			verdict: VerdictFail,
		},
		{
			name: "no visible control plane: all nodes are checked, as the SCS check does",
			cluster: scsNodes(
				[5]string{"w-a", worker, "r1", "a", "h1"},
				[5]string{"w-b", worker, "r1", "b", "h2"},
			),
			verdict: VerdictPass, scs: true,
		},

		// Workload separation.
		{
			name:    "user pod on a control-plane node fails",
			cluster: ha.with(pod("shop", "debug", "cp-a", lbl("app", "debug"))),
			want:    []string{fail(IDUserWorkloadOnControlPlane)},
			verdict: VerdictFail, scs: true,
		},
		{
			name:    "user pod on a control-plane node passes when the policy allows it",
			policy:  compact,
			cluster: ha.with(pod("shop", "debug", "cp-a", lbl("app", "debug"))),
			verdict: VerdictPass, scs: true,
		},
		{
			name:    "user pod on an infra node fails",
			cluster: withInfra.with(pod("shop", "debug", "infra-a", lbl("app", "debug"))),
			want:    []string{fail(IDUserWorkloadOnInfra)},
			verdict: VerdictFail, scs: true,
		},
		{
			name:    "DaemonSet pod of an untrusted namespace on a control-plane node fails",
			cluster: ha.with(pod("logging", "fluent-bit-x", "cp-a", lbl("app", "fluent-bit"), ownedBy("DaemonSet", "fluent-bit"))),
			want:    []string{fail(IDUserWorkloadOnControlPlane)},
			verdict: VerdictFail, scs: true,
		},
		{
			name:    "DaemonSet pod of a trusted namespace on a control-plane node passes",
			policy:  trustLogging,
			cluster: ha.with(pod("logging", "fluent-bit-x", "cp-a", lbl("app", "fluent-bit"), ownedBy("DaemonSet", "fluent-bit"))),
			verdict: VerdictPass, scs: true,
		},
		{
			name:    "user pod in kube-system's clothes outside kube-system is still a user workload",
			cluster: ha.with(pod("shop", "fake-scheduler", "cp-a", lbl("component", "kube-scheduler"))),
			want:    []string{fail(IDUserWorkloadOnControlPlane)},
			verdict: VerdictFail, scs: true,
		},
		{
			name: "finished, unbound and terminating user pods are ignored",
			cluster: ha.with(
				pod("shop", "job-done", "cp-a", lbl("app", "job"), phase(v1.PodSucceeded)),
				pod("shop", "job-failed", "cp-a", lbl("app", "job"), phase(v1.PodFailed)),
				pod("shop", "pending", "", lbl("app", "web")),
				pod("shop", "leaving", "cp-b", lbl("app", "old"), func(p *v1.Pod) { p.DeletionTimestamp = &now }),
			),
			verdict: VerdictPass, scs: true,
		},

		// Disruption-controlled components.
		{
			name:    "kube-scheduler with a single replica fails",
			cluster: ha.without("kube-scheduler-cp-b", "kube-scheduler-cp-c"),
			want: []string{
				fail(IDTooFewReplicas), fail(IDZoneLosesComponent), fail(IDHostLosesComponent),
			},
			verdict: VerdictFail, scs: true,
		},
		{
			name: "evictable kube-scheduler replicas without a PDB warn",
			cluster: ha.with(
				pod("kube-system", "kube-scheduler-x1", "cp-a", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched")),
				pod("kube-system", "kube-scheduler-x2", "cp-b", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched")),
			),
			want:    []string{warn(IDNoPDB)},
			verdict: VerdictPass, scs: true,
		},
		{
			name: "evictable kube-scheduler replicas with a PDB pass",
			cluster: func() Cluster {
				c := ha.with(
					pod("kube-system", "kube-scheduler-x1", "cp-a", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched")),
					pod("kube-system", "kube-scheduler-x2", "cp-b", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched")),
				)
				c.PDBs = append(slices.Clone(c.PDBs), pdb("kube-system", "sched", lbl("component", "kube-scheduler")))
				return c
			}(),
			verdict: VerdictPass, scs: true,
		},
		{
			name: "a PDB of another namespace does not protect",
			cluster: func() Cluster {
				c := ha.with(
					pod("kube-system", "kube-scheduler-x1", "cp-a", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched")),
					pod("kube-system", "kube-scheduler-x2", "cp-b", lbl("component", "kube-scheduler"), ownedBy("ReplicaSet", "sched")),
				)
				c.PDBs = append(slices.Clone(c.PDBs), pdb("shop", "sched", lbl("component", "kube-scheduler")))
				return c
			}(),
			want:    []string{warn(IDNoPDB)},
			verdict: VerdictPass, scs: true,
		},

		// Survival.
		{
			name:    "etcd 2+1 over two zones: the zone with two loses quorum",
			cluster: twoZones,
			want:    []string{fail(IDZoneLosesQuorum)},
			verdict: VerdictFail, scs: true,
		},
		{
			name:    "etcd 2+2 over two zones: either zone keeps only half, no quorum",
			cluster: evenEtcd,
			want:    []string{fail(IDZoneLosesQuorum), fail(IDZoneLosesQuorum), warn(IDEvenControlPlaneCount)},
			verdict: VerdictFail, scs: true,
		},
		{
			name:    "etcd 1/1/1 over three zones passes",
			cluster: ha,
			verdict: VerdictPass, scs: true,
		},
		{
			name:    "kube-dns (not disruption-controlled) all in one zone and host warns",
			cluster: ha.without("coredns-2").with(pod("kube-system", "coredns-2", "cp-a", lbl("k8s-app", "kube-dns"), ownedBy("ReplicaSet", "coredns-5d"))),
			want:    []string{warn(IDZoneLosesComponent), warn(IDHostLosesComponent)},
			verdict: VerdictPass, scs: true,
		},
		{
			name: "two control-plane VMs on one physical host: its failure loses etcd quorum",
			cluster: func() Cluster {
				c := haCluster()
				c.Nodes[1] = node("cp-b", cp, "r1", "b", "h1")
				return c
			}(),
			// CoreDNS's two replicas (cp-a, cp-b) are on h1 too.
			want:    []string{fail(IDHostLosesQuorum), warn(IDHostIDInMultipleZones), warn(IDHostLosesComponent)},
			verdict: VerdictFail, scs: true,
		},
		{
			name:    "a Required-spread component losing every replica fails",
			policy:  requiredIngress,
			cluster: ingressOnOneWorker,
			want:    []string{fail(IDZoneLosesComponent), fail(IDHostLosesComponent)},
			verdict: VerdictFail, scs: true,
		},
		{
			name:    "the same pods matching no component are not assessed",
			cluster: ingressOnOneWorker,
			verdict: VerdictPass, scs: true,
		},
		{
			name:    "single-zone cluster: zone failures are not assessed",
			cluster: oneZone,
			want:    []string{warn(IDZoneNotAssessed)},
			verdict: VerdictPass, scs: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Analyze(tc.policy, tc.cluster)
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

func text(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func findingsOf(r *Report, id string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// The messages name what an operator must look at.
func TestFindingSubjects(t *testing.T) {
	r := Analyze(nil, scsNodes(
		[5]string{"cp-a", cp, "r1", "a", "h1"},
		[5]string{"cp-b", cp, "r1", "b", ""},
		[5]string{"cp-c", cp, "r1", "c", ""},
	))
	f := findingsOf(r, IDLabelsMissing)
	if len(f) != 1 || !strings.Contains(f[0].Message, policy.LabelHostID) || !strings.Contains(f[0].Message, "cp-b, cp-c") ||
		!slices.Equal(f[0].Subjects, []string{"cp-b", "cp-c"}) {
		t.Errorf("labels-missing finding: %+v", f)
	}

	r = Analyze(nil, haCluster().with(pod("shop", "debug", "cp-a", nil)))
	f = findingsOf(r, IDUserWorkloadOnControlPlane)
	if len(f) != 1 || !strings.Contains(f[0].Message, "shop/debug") || !strings.Contains(f[0].Message, "cp-a") {
		t.Errorf("user-workload finding: %+v", f)
	}

	r = Analyze(nil, haCluster().with(pod("logging", "fb-1", "cp-a", nil, ownedBy("DaemonSet", "fb"))))
	f = findingsOf(r, IDUserWorkloadOnControlPlane)
	if len(f) != 1 || !strings.Contains(f[0].Message, `namespace "logging" is not trusted`) {
		t.Errorf("DaemonSet finding: %+v", f)
	}

	r = Analyze(nil, haCluster().without("kube-scheduler-cp-b", "kube-scheduler-cp-c"))
	f = findingsOf(r, IDTooFewReplicas)
	if len(f) != 1 || !strings.Contains(f[0].Message, "kube-system/kube-scheduler") || !strings.Contains(f[0].Message, "cp-a") {
		t.Errorf("single-replica finding: %+v", f)
	}
	f = findingsOf(r, IDZoneLosesComponent)
	if len(f) != 1 || !slices.Equal(f[0].Subjects, []string{"a", "kube-system/kube-scheduler"}) {
		t.Errorf("zone-loses-component finding: %+v", f)
	}
}

func TestJSONOutput(t *testing.T) {
	r := Analyze(nil, haCluster().without("kube-scheduler-cp-b", "kube-scheduler-cp-c"))
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Verdict  string `json:"verdict"`
		Fails    int    `json:"fails"`
		Warnings *int   `json:"warnings"`
		Summary  struct {
			Nodes int `json:"nodes"`
		} `json:"summary"`
		NodeDistribution struct {
			Standard      string `json:"standard"`
			Pass          bool   `json:"pass"`
			DistributedBy string `json:"distributedBy"`
			ControlPlane  []struct {
				Name, Role, Region, Zone, HostID string
			} `json:"controlPlane"`
		} `json:"nodeDistribution"`
		Replicas []struct {
			Group   string         `json:"group"`
			PerZone map[string]int `json:"perZone"`
			PerHost map[string]int `json:"perHost"`
		} `json:"replicas"`
		Survival []struct {
			Level  string   `json:"level"`
			Domain string   `json:"domain"`
			Lost   []string `json:"lost"`
		} `json:"survival"`
		Findings []struct {
			ID       string   `json:"id"`
			Severity string   `json:"severity"`
			Message  string   `json:"message"`
			Subjects []string `json:"subjects"`
		} `json:"findings"`
	}
	dec := json.NewDecoder(&b)
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if got.Verdict != "FAIL" || got.Fails != 3 || got.Warnings == nil || *got.Warnings != 0 || got.Summary.Nodes != 6 {
		t.Errorf("head: %+v", got)
	}
	if nd := got.NodeDistribution; nd.Standard != "scs-0214-v2" || !nd.Pass || nd.DistributedBy != policy.LabelZone ||
		len(nd.ControlPlane) != 3 || nd.ControlPlane[0].Name != "cp-a" || nd.ControlPlane[0].Role != "control-plane" || nd.ControlPlane[0].HostID != "h1" {
		t.Errorf("nodeDistribution: %+v", nd)
	}
	if len(got.Replicas) == 0 || got.Replicas[0].PerZone == nil || got.Replicas[0].PerHost == nil {
		t.Errorf("replicas: %+v", got.Replicas)
	}
	if len(got.Survival) == 0 {
		t.Errorf("no survival rows")
	}
	for _, f := range got.Findings {
		if f.ID == "" || (f.Severity != "fail" && f.Severity != "warn") || f.Message == "" || len(f.Subjects) == 0 {
			t.Errorf("finding: %+v", f)
		}
	}

	// An empty report still has lists, never null.
	b.Reset()
	if err := WriteJSON(&b, Analyze(nil, Cluster{})); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"replicas": []`, `"survival": []`, `"controlPlane": []`} {
		if !strings.Contains(b.String(), key) {
			t.Errorf("empty report lacks %s:\n%s", key, b.String())
		}
	}
}

func TestTextOutput(t *testing.T) {
	pass := text(t, Analyze(nil, haCluster()))
	for _, s := range []string{
		"Verdict: PASS (0 fail, 0 warn)",
		"Node distribution (scs-0214-v2): PASS",
		"kube-system/etcd",
		"a=1 b=1 c=1",
		"zone a: survives",
		"Findings:\n  none",
	} {
		if !strings.Contains(pass, s) {
			t.Errorf("passing report lacks %q:\n%s", s, pass)
		}
	}
	failed := text(t, Analyze(nil, haCluster().without("kube-scheduler-cp-b", "kube-scheduler-cp-c")))
	for _, s := range []string{
		"Verdict: FAIL (3 fail, 0 warn)",
		"FAIL  " + IDTooFewReplicas + ": kube-system/kube-scheduler",
		"zone a: loses every replica of kube-system/kube-scheduler",
	} {
		if !strings.Contains(failed, s) {
			t.Errorf("failing report lacks %q:\n%s", s, failed)
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(failed), "Verdict: FAIL (3 fail, 0 warn)") {
		t.Errorf("the verdict is not the last line:\n%s", failed)
	}
	// During an outage the table says what is available of what is desired.
	outage := text(t, Analyze(nil, etcdEvents(haCluster(), statefulSet("kube-system", "etcd-events", 5), "cp-a", "cp-b", "cp-c").withNodes(nodeNotReady("cp-c"))))
	for _, s := range []string{
		"Cluster: 6 nodes (3 control-plane, 0 infra, 3 worker, 1 not Ready)",
		"Component replicas available per zone and host:",
		"kube-system/etcd (StatefulSet etcd-events)  ControlPlane  Required   quorum     2/5 available (3 placed)  a=1 b=1",
		"kube-system/kube-dns                        ControlPlane  Preferred  -          2 ",
		"zone a: kube-system/etcd loses quorum (1 of 3 members left); kube-system/etcd (StatefulSet etcd-events) loses quorum (1 of 5 members left)",
	} {
		if !strings.Contains(outage, s) {
			t.Errorf("outage report lacks %q:\n%s", s, outage)
		}
	}
}

// A component on a node of a role its rule does not allow: a fail for etcd
// (quorum, Required), a warning for kube-dns (Preferred, not controlled).
func TestComponentOffRole(t *testing.T) {
	tests := []struct {
		name     string
		pod      *v1.Pod
		severity Severity // "": no finding
	}{
		{name: "etcd member on a worker", pod: pod("kube-system", "etcd-w", "w-a", lbl("component", "etcd")), severity: SeverityFail},
		{name: "kube-dns on a worker", pod: pod("kube-system", "coredns-1", "w-a", lbl("k8s-app", "kube-dns")), severity: SeverityWarn},
		{name: "kube-proxy (Any) on a worker", pod: pod("kube-system", "kube-proxy-1", "w-a", lbl("k8s-app", "kube-proxy"))},
		{name: "spoofed etcd labels in a user namespace are a user workload", pod: pod("shop", "etcd-w", "w-a", lbl("component", "etcd"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(policy.Default(), haCluster().with(tt.pod))
			var found []Finding
			for _, f := range r.Findings {
				if f.ID == IDComponentOffRole {
					found = append(found, f)
				}
			}
			if tt.severity == "" {
				if len(found) != 0 {
					t.Fatalf("unexpected findings %+v", found)
				}
				return
			}
			if len(found) != 1 || found[0].Severity != tt.severity || !slices.Contains(found[0].Subjects, tt.pod.Namespace+"/"+tt.pod.Name) {
				t.Fatalf("findings %+v, want one %s naming %s/%s", found, tt.severity, tt.pod.Namespace, tt.pod.Name)
			}
		})
	}
}
