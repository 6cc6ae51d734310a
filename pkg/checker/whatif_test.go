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
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// whatIfCluster is haCluster with one kube-scheduler left (cp-a), etcd with
// members on cp-a and cp-b and a third pending, kube-controller-manager
// not Ready on cp-c, CoreDNS down (not Ready), a one-replica user
// Deployment on w-a, and w-c not Ready.
func whatIfCluster() Cluster {
	c := haCluster().without("kube-scheduler-cp-b", "kube-scheduler-cp-c", "etcd-cp-c").with(
		pod("kube-system", "etcd-new", "", lbl("component", "etcd")),
		pod("shop", "api-0", "w-a", lbl("app", "api", "pod-template-hash", "5c"), ownedBy("ReplicaSet", "api-5c")),
	)
	c = c.editPods(notReady, "kube-controller-manager-cp-c", "coredns-1", "coredns-2")
	return c.withNodes(nodeNotReady("w-c"))
}

// whatIfReport is a report with every list empty, as WhatIf returns it.
func whatIfReport(f Failure, level, domain string, nodes ...string) WhatIfReport {
	return WhatIfReport{
		Failure: f, Level: level, Domain: domain, Nodes: nodes,
		ComponentsLost: []GroupLoss{}, QuorumLost: []QuorumLoss{}, BelowMinimum: []MinimumLoss{}, UserGroupsLost: []GroupLoss{},
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
	schedLost := GroupLoss{Group: sched, Lost: 1, Desired: 1, Protected: true}
	etcdQuorum := QuorumLoss{Group: etcd, Members: 3, Survivors: 1, Quorum: 2}

	tests := []struct {
		name    string
		policy  *policy.Policy
		cluster Cluster
		failure Failure
		want    func() WhatIfReport
	}{
		{
			name: "zone a: the only kube-scheduler, etcd's quorum and a user Deployment of one", cluster: wc, failure: Failure{Zone: "a"},
			want: func() WhatIfReport {
				r := whatIfReport(Failure{Zone: "a"}, LevelZone, "a", "cp-a", "w-a")
				r.ComponentsLost = []GroupLoss{schedLost}
				r.QuorumLost = []QuorumLoss{etcdQuorum}
				r.UserGroupsLost = []GroupLoss{{Group: api, Lost: 1, Desired: 1}}
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "zone a, kube-controller-manager must keep two: it keeps one", policy: kcmTwo, cluster: wc, failure: Failure{Zone: "a"},
			want: func() WhatIfReport {
				r := whatIfReport(Failure{Zone: "a"}, LevelZone, "a", "cp-a", "w-a")
				r.ComponentsLost = []GroupLoss{schedLost}
				r.QuorumLost = []QuorumLoss{etcdQuorum}
				r.BelowMinimum = []MinimumLoss{{Group: kcm, Desired: 3, Survivors: 1, MinAvailable: 2}}
				r.UserGroupsLost = []GroupLoss{{Group: api, Lost: 1, Desired: 1}}
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "host h2: etcd's quorum only", cluster: wc, failure: Failure{Host: "h2"},
			want: func() WhatIfReport {
				r := whatIfReport(Failure{Host: "h2"}, LevelHost, "h2", "cp-b")
				r.QuorumLost = []QuorumLoss{etcdQuorum}
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "node w-b: nothing a second replica does not cover", cluster: wc, failure: Failure{Node: "w-b"},
			want: func() WhatIfReport {
				r := whatIfReport(Failure{Node: "w-b"}, LevelNode, "w-b", "w-b")
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "node w-c is not Ready already: it takes nothing more", cluster: wc, failure: Failure{Node: "w-c"},
			want: func() WhatIfReport {
				r := whatIfReport(Failure{Node: "w-c"}, LevelNode, "w-c", "w-c")
				r.NodesNotReady = []string{"w-c"}
				r.ComponentsDownAlready = []string{dns}
				return r
			},
		},
		{
			name: "a healthy cluster survives zone b", cluster: haCluster(), failure: Failure{Zone: "b"},
			want: func() WhatIfReport { return whatIfReport(Failure{Zone: "b"}, LevelZone, "b", "cp-b", "w-b") },
		},
		{
			// Nodes without a zone are one zone, <unlabelled>; a node
			// without a host-id is its own host, its hostname.
			name: "the unlabelled zone, and a host named by its hostname",
			cluster: Cluster{Nodes: []*v1.Node{node("cp-a", cp, "", "", ""), node("cp-b", cp, "", "", "")}, Pods: []*v1.Pod{
				pod("kube-system", "kube-scheduler-0", "cp-a", lbl("component", "kube-scheduler")),
			}},
			failure: Failure{Zone: policy.UnlabelledZone},
			want: func() WhatIfReport {
				r := whatIfReport(Failure{Zone: policy.UnlabelledZone}, LevelZone, policy.UnlabelledZone, "cp-a", "cp-b")
				r.ComponentsLost = []GroupLoss{schedLost}
				return r
			},
		},
		{
			name: "a host named by its hostname",
			cluster: Cluster{Nodes: []*v1.Node{node("cp-a", cp, "", "", ""), node("cp-b", cp, "", "", "")}, Pods: []*v1.Pod{
				pod("kube-system", "kube-scheduler-0", "cp-a", lbl("component", "kube-scheduler")),
			}},
			failure: Failure{Host: "cp-b"},
			want:    func() WhatIfReport { return whatIfReport(Failure{Host: "cp-b"}, LevelHost, "cp-b", "cp-b") },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := WhatIf(tc.policy, tc.cluster, tc.failure)
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
		failure Failure
		want    string
	}{
		{"nothing named", Failure{}, "name the failure: one zone, host, node or domain"},
		{"two named", Failure{Zone: "a", Node: "cp-a"}, `name one failure, not zone "a" and node "cp-a"`},
		{"three named", Failure{Zone: "a", Host: "h1", Node: "cp-a"}, `name one failure, not zone "a" and host "h1" and node "cp-a"`},
		{"a zone without nodes", Failure{Zone: "d"}, `zone "d" matches no node; the cluster's zones: a, b, c`},
		{"a host without nodes", Failure{Host: "h9"}, `host "h9" matches no node; the cluster's hosts: h1, h2, h3, h4, h5, h6`},
		{"a node that does not exist", Failure{Node: "cp-z"}, `node "cp-z" matches no node; the cluster's nodes: cp-a, cp-b, cp-c, w-a, w-b, w-c`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := WhatIf(nil, haCluster(), tc.failure)
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
		cluster Cluster
		failure Failure
		want    string
	}{
		{
			name: "everything lost at once", policy: kcmTwo, cluster: whatIfCluster(), failure: Failure{Zone: "a"},
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
			name: "a node down already", cluster: whatIfCluster(), failure: Failure{Node: "w-c"},
			want: `If node w-c failed: 1 node lost (w-c)
  not Ready already: w-c

Nothing is lost: every component keeps an available replica, every quorum and minimum holds, every user workload keeps a replica.

Down already (no replica available before the failure): kube-system/kube-dns
`,
		},
		{
			name: "survives", cluster: haCluster(), failure: Failure{Host: "h4"},
			want: `If host h4 failed: 1 node lost (w-a)

Nothing is lost: every component keeps an available replica, every quorum and minimum holds, every user workload keeps a replica.
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := WhatIf(tc.policy, tc.cluster, tc.failure)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := WriteWhatIfText(&b, r); err != nil {
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
	r, err := WhatIf(nil, whatIfCluster(), Failure{Host: "h1"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
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
