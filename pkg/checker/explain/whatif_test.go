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

package explain

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// whatIfCluster is haCluster with one kube-scheduler left (cp-a), etcd with
// members on cp-a and cp-b and a third pending, kube-controller-manager
// not Ready on cp-c, CoreDNS down (not Ready), a one-replica user
// Deployment on w-a, and w-c not Ready.
func whatIfCluster() fixture.Cluster {
	c := fixture.HACluster().Without("kube-scheduler-cp-b", "kube-scheduler-cp-c", "etcd-cp-c").With(
		fixture.Pod("kube-system", "etcd-new", "", fixture.Lbl("component", "etcd")),
		fixture.Pod("shop", "api-0", "w-a", fixture.Lbl("app", "api", "pod-template-hash", "5c"), fixture.OwnedBy("ReplicaSet", "api-5c")),
	)
	c = c.EditPods(fixture.NotReady, "kube-controller-manager-cp-c", "coredns-1", "coredns-2")
	return c.WithNodes(fixture.NodeNotReady("w-c"))
}

// whatIfReport is a report with every list empty, as WhatIf returns it.
func whatIfReport(f v1alpha1.Failure, level, domain string, nodes ...string) v1alpha1.WhatIf {
	return v1alpha1.WhatIf{
		Failure: f, Level: level, Domain: domain, Nodes: nodes,
		ComponentsLost: []v1alpha1.GroupLoss{}, QuorumLost: []v1alpha1.QuorumLoss{}, BelowMinimum: []v1alpha1.MinimumLoss{}, UserGroupsLost: []v1alpha1.GroupLoss{},
	}
}

func TestWhatIf(t *testing.T) {
	wc := whatIfCluster()
	// kube-controller-manager must keep two available.
	kcmTwo := policy.Default()
	for i := range kcmTwo.Components {
		if kcmTwo.Components[i].Name == "kube-controller-manager" {
			kcmTwo.Components[i].Disruption.MinAvailable = 2
		}
	}
	const (
		sched = "kube-system/kube-scheduler"
		etcd  = "kube-system/etcd"
		dns   = "kube-system/kube-dns"
		kcm   = "kube-system/kube-controller-manager"
		api   = "shop/Deployment/api"
	)
	schedLost := v1alpha1.GroupLoss{Group: sched, Lost: 1, Desired: 1, Protected: true}
	etcdQuorum := v1alpha1.QuorumLoss{Group: etcd, Members: 3, Survivors: 1, Quorum: 2}

	tests := []struct {
		name    string
		policy  *policy.Policy
		cluster fixture.Cluster
		failure v1alpha1.Failure
		want    func() v1alpha1.WhatIf
	}{
		{
			name: "zone a: the only kube-scheduler, etcd's quorum and a user Deployment of one", cluster: wc, failure: v1alpha1.Failure{Zone: "a"},
			want: func() v1alpha1.WhatIf {
				r := whatIfReport(v1alpha1.Failure{Zone: "a"}, v1alpha1.LevelZone, "a", "cp-a", "w-a")
				r.ComponentsLost = []v1alpha1.GroupLoss{schedLost}
				r.QuorumLost = []v1alpha1.QuorumLoss{etcdQuorum}
				r.UserGroupsLost = []v1alpha1.GroupLoss{{Group: api, Lost: 1, Desired: 1}}
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "zone a, kube-controller-manager must keep two: it keeps one", policy: kcmTwo, cluster: wc, failure: v1alpha1.Failure{Zone: "a"},
			want: func() v1alpha1.WhatIf {
				r := whatIfReport(v1alpha1.Failure{Zone: "a"}, v1alpha1.LevelZone, "a", "cp-a", "w-a")
				r.ComponentsLost = []v1alpha1.GroupLoss{schedLost}
				r.QuorumLost = []v1alpha1.QuorumLoss{etcdQuorum}
				r.BelowMinimum = []v1alpha1.MinimumLoss{{Group: kcm, Desired: 3, Survivors: 1, MinAvailable: 2}}
				r.UserGroupsLost = []v1alpha1.GroupLoss{{Group: api, Lost: 1, Desired: 1}}
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "host h2: etcd's quorum only", cluster: wc, failure: v1alpha1.Failure{Host: "h2"},
			want: func() v1alpha1.WhatIf {
				r := whatIfReport(v1alpha1.Failure{Host: "h2"}, v1alpha1.LevelHost, "h2", "cp-b")
				r.QuorumLost = []v1alpha1.QuorumLoss{etcdQuorum}
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "node w-b: nothing a second replica does not cover", cluster: wc, failure: v1alpha1.Failure{Node: "w-b"},
			want: func() v1alpha1.WhatIf {
				r := whatIfReport(v1alpha1.Failure{Node: "w-b"}, v1alpha1.LevelNode, "w-b", "w-b")
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "node w-c is not Ready already: it takes nothing more", cluster: wc, failure: v1alpha1.Failure{Node: "w-c"},
			want: func() v1alpha1.WhatIf {
				r := whatIfReport(v1alpha1.Failure{Node: "w-c"}, v1alpha1.LevelNode, "w-c", "w-c")
				r.NodesNotReady = []string{"w-c"}
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "a healthy cluster survives zone b", cluster: fixture.HACluster(), failure: v1alpha1.Failure{Zone: "b"},
			want: func() v1alpha1.WhatIf {
				return whatIfReport(v1alpha1.Failure{Zone: "b"}, v1alpha1.LevelZone, "b", "cp-b", "w-b")
			},
		},
		{
			// Nodes without a zone are one zone, <unlabelled>; a node
			// without a host-id is its own host, its hostname.
			name: "the unlabelled zone, and a host named by its hostname",
			cluster: fixture.Cluster{Nodes: []*v1.Node{fixture.Node("cp-a", fixture.CP, "", "", ""), fixture.Node("cp-b", fixture.CP, "", "", "")}, Pods: []*v1.Pod{
				fixture.Pod("kube-system", "kube-scheduler-0", "cp-a", fixture.Lbl("component", "kube-scheduler")),
			}},
			failure: v1alpha1.Failure{Zone: policy.UnlabelledZone},
			want: func() v1alpha1.WhatIf {
				r := whatIfReport(v1alpha1.Failure{Zone: policy.UnlabelledZone}, v1alpha1.LevelZone, policy.UnlabelledZone, "cp-a", "cp-b")
				r.ComponentsLost = []v1alpha1.GroupLoss{schedLost}
				return r
			},
		},
		{
			name: "a host named by its hostname",
			cluster: fixture.Cluster{Nodes: []*v1.Node{fixture.Node("cp-a", fixture.CP, "", "", ""), fixture.Node("cp-b", fixture.CP, "", "", "")}, Pods: []*v1.Pod{
				fixture.Pod("kube-system", "kube-scheduler-0", "cp-a", fixture.Lbl("component", "kube-scheduler")),
			}},
			failure: v1alpha1.Failure{Host: "cp-b"},
			want: func() v1alpha1.WhatIf {
				return whatIfReport(v1alpha1.Failure{Host: "cp-b"}, v1alpha1.LevelHost, "cp-b", "cp-b")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := whatIf(tc.policy, tc.cluster, tc.failure)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want()
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("WhatIf (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWhatIfErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		failure v1alpha1.Failure
		want    string
	}{
		{"nothing named", v1alpha1.Failure{}, "name the failure: one zone, host, node or domain"},
		{"two named", v1alpha1.Failure{Zone: "a", Node: "cp-a"}, `name one failure, not zone "a" and node "cp-a"`},
		{"three named", v1alpha1.Failure{Zone: "a", Host: "h1", Node: "cp-a"}, `name one failure, not zone "a" and host "h1" and node "cp-a"`},
		{"a zone without nodes", v1alpha1.Failure{Zone: "d"}, `zone "d" matches no node; the cluster's zones: a, b, c`},
		{"a host without nodes", v1alpha1.Failure{Host: "h9"}, `host "h9" matches no node; the cluster's hosts: h1, h2, h3, h4, h5, h6`},
		{"a node that does not exist", v1alpha1.Failure{Node: "cp-z"}, `node "cp-z" matches no node; the cluster's nodes: cp-a, cp-b, cp-c, w-a, w-b, w-c`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := whatIf(nil, fixture.HACluster(), tc.failure)
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// The text, whole.
func TestWriteWhatIfText(t *testing.T) {
	kcmTwo := policy.Default()
	for i := range kcmTwo.Components {
		if kcmTwo.Components[i].Name == "kube-controller-manager" {
			kcmTwo.Components[i].Disruption.MinAvailable = 2
		}
	}
	tests := []struct {
		name    string
		policy  *policy.Policy
		cluster fixture.Cluster
		failure v1alpha1.Failure
		want    string
	}{
		{
			name: "everything lost at once", policy: kcmTwo, cluster: whatIfCluster(), failure: v1alpha1.Failure{Zone: "a"},
			want: `If zone a failed: 2 nodes lost (cp-a, w-a)

Components left without an available replica:
  kube-system/kube-scheduler: loses its only available replica (disruption-controlled or Required spread)

Quorum lost:
  kube-system/etcd: keeps 1 of 3 members, needs 2

Below their minimum available:
  kube-system/kube-controller-manager: keeps 1 of 3, must keep 2

User workloads losing every replica:
  shop/Deployment/api: loses its only available replica

Down already (no replica available before the failure): kube-system/kube-dns
`,
		},
		{
			name: "a node down already", cluster: whatIfCluster(), failure: v1alpha1.Failure{Node: "w-c"},
			want: `If node w-c failed: 1 node lost (w-c)
  not Ready already: w-c

Nothing is lost: every component keeps an available replica, every quorum and minimum holds, every user workload keeps a replica.

Down already (no replica available before the failure): kube-system/kube-dns
`,
		},
		{
			name: "survives", cluster: fixture.HACluster(), failure: v1alpha1.Failure{Host: "h4"},
			want: `If host h4 failed: 1 node lost (w-a)

Nothing is lost: every component keeps an available replica, every quorum and minimum holds, every user workload keeps a replica.
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := whatIf(tc.policy, tc.cluster, tc.failure)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := writeWhatIfText(&b, r); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
		})
	}
}

// The JSON scripts read (-o json): every list present, empty or not.
func TestWhatIfJSON(t *testing.T) {
	r, err := whatIf(nil, whatIfCluster(), v1alpha1.Failure{Host: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// The versioned object's apiVersion, kind and policy source are the
	// command's to fill in.
	want := `{
  "apiVersion": "",
  "kind": "",
  "policySource": "",
  "failure": {
    "host": "h1"
  },
  "level": "host",
  "domain": "h1",
  "nodes": [
    "cp-a"
  ],
  "componentsLost": [
    {
      "group": "kube-system/kube-scheduler",
      "lost": 1,
      "desired": 1,
      "protected": true
    }
  ],
  "quorumLost": [
    {
      "group": "kube-system/etcd",
      "members": 3,
      "survivors": 1,
      "quorum": 2
    }
  ],
  "belowMinimum": [],
  "userGroupsLost": [],
  "componentsDownAlready": [
    "kube-system/kube-dns"
  ]
}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

// what-if takes a domain of any level, by the level's name or label.
func TestWhatIfDomain(t *testing.T) {
	c := fixture.RackCluster().Without("kube-scheduler-cp-c")
	for _, f := range []v1alpha1.Failure{{Domain: "rack=r1"}, {Domain: fixture.RackKey + "=r1"}} {
		r, err := whatIf(fixture.RackPolicy(), c, f)
		require.NoError(t, err)
		require.Equal(t, "rack", r.Level)
		require.Equal(t, "r1", r.Domain)
		require.Equal(t, []string{"cp-a", "cp-b"}, r.Nodes)
		require.Contains(t, groupsOf(r.ComponentsLost), "kube-system/kube-scheduler")
	}
	for _, tc := range []struct {
		f    v1alpha1.Failure
		want string
	}{
		{v1alpha1.Failure{Domain: "rack"}, `domain "rack": write it LEVEL=VALUE, the level by name or label (zone (topology.kubernetes.io/zone), rack (example.com/rack), host (topology.scs.community/host-id))`},
		{v1alpha1.Failure{Domain: "row=3"}, `domain "row=3": no level "row" in the policy's levels (zone (topology.kubernetes.io/zone), rack (example.com/rack), host (topology.scs.community/host-id))`},
		{v1alpha1.Failure{Domain: "rack=r9"}, `rack "r9" matches no node; the cluster's racks: r1, r2`},
		{v1alpha1.Failure{Domain: "rack=r1", Zone: "a"}, `name one failure, not zone "a" and domain "rack=r1"`},
	} {
		_, err := whatIf(fixture.RackPolicy(), c, tc.f)
		require.EqualError(t, err, tc.want)
	}
}

func groupsOf(ls []v1alpha1.GroupLoss) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Group)
	}
	return out
}
