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
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// explainCluster is haCluster in a bad week: one kube-scheduler left (on
// cp-a) and a second replica pending, worker w-b cordoned, w-c not Ready,
// cp-a tainted as kubeadm taints control-plane nodes, a user pod waiting
// for a control-plane node, and a user DaemonSet pod for cp-b.
func explainCluster() fixture.Cluster {
	c := fixture.HACluster().Without("kube-scheduler-cp-b", "kube-scheduler-cp-c")
	c = c.WithNodes(func(n *v1.Node) *v1.Node {
		switch n.Name {
		case "w-b":
			n = n.DeepCopy()
			n.Spec.Unschedulable = true
		case "w-c":
			n = fixture.NotReadyNode(n)
		case "cp-a":
			n = n.DeepCopy()
			n.Spec.Taints = []v1.Taint{{Key: policy.LabelControlPlane, Effect: v1.TaintEffectNoSchedule}}
		}
		return n
	})
	admin := fixture.Pod("shop", "admin", "", fixture.Lbl("app", "admin"))
	admin.Spec.NodeSelector = map[string]string{policy.LabelControlPlane: ""}
	sched := fixture.Pod("kube-system", "kube-scheduler-x", "", fixture.Lbl("component", "kube-scheduler"), tolerateControlPlane)
	agent := fixture.Pod("logging", "agent-x", "", fixture.Lbl("name", "agent"), fixture.OwnedBy("DaemonSet", "agent"), tolerateControlPlane)
	return c.With(admin, sched, agent)
}

func tolerateControlPlane(p *v1.Pod) {
	p.Spec.Tolerations = []v1.Toleration{{Key: policy.LabelControlPlane, Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoSchedule}}
}

func rejection(rule, reason string) v1alpha1.Rejection {
	return v1alpha1.Rejection{Rule: rule, Reason: reason}
}

func verdict(name, role, zone, host string, rs ...v1alpha1.Rejection) v1alpha1.NodeVerdict {
	return v1alpha1.NodeVerdict{Node: name, Role: role, Zone: zone, Host: host, Rejections: rs}
}

// Reasons the tables share.
var (
	cpReserved  = rejection(v1alpha1.RuleWorkloadSeparation, "control-plane node, reserved for control-plane components")
	cpOnly      = rejection(v1alpha1.RuleWorkloadSeparation, "worker node; nodeRole ControlPlane keeps the pod on control-plane nodes")
	cordoned    = rejection(v1alpha1.RuleNodeUnusable, "node is cordoned (spec.unschedulable)")
	notReadyNow = rejection(v1alpha1.RuleNodeUnusable, "node is not Ready")
	// downNow is FailureDomainSpread's verdict on such a node, for a spread
	// pod the node's role allows.
	downNow      = rejection(v1alpha1.RuleFailureDomainSpread, "node is down: no replica of a spread group is placed on a node that cannot run pods")
	cpTaint      = rejection(v1alpha1.RuleNodeUnusable, "taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated")
	noLevelCount = func() []v1alpha1.SpreadLevel {
		return []v1alpha1.SpreadLevel{
			{Level: policy.LabelZone, Replicas: map[string]int{}},
			{Level: policy.LabelHostID, Replicas: map[string]int{}},
			{Level: policy.LabelHostname, Replicas: map[string]int{}},
		}
	}
)

func TestExplain(t *testing.T) {
	ec := explainCluster()
	withPDBs := ec
	withPDBs.PDBs = nil
	// shop/web's budget as the disruption controller writes it, and a
	// namespace-wide one whose status predates its spec.
	web := fixture.PDB("shop", "web", fixture.Lbl("app", "web"))
	web.Generation, web.Status.ObservedGeneration, web.Status.DisruptionsAllowed = 1, 1, 1
	all := fixture.PDB("shop", "all", nil)
	all.Spec.Selector = &metav1.LabelSelector{}
	all.Spec.MinAvailable = nil
	all.Spec.MaxUnavailable = ptr.To(intstr.FromString("25%"))
	all.Generation, all.Status.ObservedGeneration, all.Status.DisruptionsAllowed = 2, 1, 3
	withPDBs.PDBs = append(withPDBs.PDBs, web, all)

	// Required at zone and host: zones a (cp-a1 on h1, cp-a2 on h2) and b
	// (cp-b1 on h3); one etcd member on cp-a1 and one on cp-b1. The zones
	// are even (one each): both admitted. Among their hosts h2 is the
	// emptiest: cp-a1 and cp-b1 are rejected at the host level.
	zonesRequired := policy.Default()
	zonesRequired.RequiredLevels = []string{policy.LabelHostID, policy.LabelZone}
	chain := fixture.Cluster{Nodes: []*v1.Node{
		fixture.Node("cp-a1", fixture.CP, "r", "a", "h1"),
		fixture.Node("cp-a2", fixture.CP, "r", "a", "h2"),
		fixture.Node("cp-b1", fixture.CP, "r", "b", "h3"),
	}, Pods: []*v1.Pod{
		fixture.Pod("kube-system", "etcd-0", "cp-a1", fixture.Lbl("component", "etcd")),
		fixture.Pod("kube-system", "etcd-1", "cp-b1", fixture.Lbl("component", "etcd")),
		fixture.Pod("kube-system", "etcd-2", "", fixture.Lbl("component", "etcd")),
	}}
	// With a second member on zone a, zone b is the emptiest: every node of
	// zone a is rejected at the zone level, the widest.
	chainZone := chain.With(fixture.Pod("kube-system", "etcd-3", "cp-a2", fixture.Lbl("component", "etcd")))

	sched := v1alpha1.ExplainedGroup{
		ComponentReplica: v1alpha1.ComponentReplica{
			Group: "kube-system/kube-scheduler", Component: "kube-scheduler", NodeRole: "ControlPlane",
			Spread: string(policy.SpreadRequired), DisruptionControlled: true,
			Desired: 2, Replicas: 2, Placed: 1, Available: 1, MinAvailable: 1,
			PerZone: map[string]int{"a": 1}, PerHost: map[string]int{"h1": 1},
		},
		PerNode: map[string]int{"cp-a": 1},
		Members: []v1alpha1.GroupMember{
			{Pod: "kube-system/kube-scheduler-cp-a", Node: "cp-a", State: v1alpha1.PodAvailable},
			{Pod: "kube-system/kube-scheduler-x", State: v1alpha1.PodPending},
		},
	}
	schedClass := v1alpha1.PodClass{
		Kind: v1alpha1.ClassComponent, Component: "kube-scheduler", TrustedNamespace: true,
		NodeRole: string(policy.PlaceControlPlane), AllowedRoles: []string{"control-plane"},
		Spread: string(policy.SpreadRequired), DisruptionControlled: true, MinAvailable: 1,
	}
	userClass := v1alpha1.PodClass{
		Kind: v1alpha1.ClassUserWorkload, NodeRole: string(policy.PlaceWorker), AllowedRoles: []string{"worker"},
		Spread: string(policy.SpreadPreferred),
	}
	webGroup := v1alpha1.ExplainedGroup{
		ComponentReplica: v1alpha1.ComponentReplica{
			Group: "shop/Deployment/web", NodeRole: "Worker", Spread: string(policy.SpreadPreferred),
			Desired: 3, Replicas: 3, Placed: 3, Available: 2,
			PerZone: map[string]int{"a": 1, "b": 1}, PerHost: map[string]int{"h4": 1, "h5": 1},
		},
		PerNode: map[string]int{"w-a": 1, "w-b": 1},
		Members: []v1alpha1.GroupMember{
			{Pod: "shop/web-0", Node: "w-a", State: v1alpha1.PodAvailable},
			{Pod: "shop/web-1", Node: "w-b", State: v1alpha1.PodAvailable},
			{Pod: "shop/web-2", Node: "w-c", State: v1alpha1.PodNodeNotReady},
		},
	}
	etcdClass := v1alpha1.PodClass{
		Kind: v1alpha1.ClassComponent, Component: "etcd", TrustedNamespace: true,
		NodeRole: string(policy.PlaceControlPlane), AllowedRoles: []string{"control-plane"},
		Spread: string(policy.SpreadRequired), DisruptionControlled: true, Quorum: true,
	}
	chainGroup := func(desired int, perHost map[string]int, members ...v1alpha1.GroupMember) v1alpha1.ExplainedGroup {
		perZone, perNode := map[string]int{}, map[string]int{}
		zoneOf := map[string]string{"h1": "a", "h2": "a", "h3": "b"}
		nodeOf := map[string]string{"h1": "cp-a1", "h2": "cp-a2", "h3": "cp-b1"}
		for h, n := range perHost {
			perZone[zoneOf[h]] += n
			perNode[nodeOf[h]] += n
		}
		return v1alpha1.ExplainedGroup{
			ComponentReplica: v1alpha1.ComponentReplica{
				Group: "kube-system/etcd", Component: "etcd", NodeRole: "ControlPlane",
				Spread: string(policy.SpreadRequired), DisruptionControlled: true, Quorum: true,
				Desired: desired, Replicas: desired, Placed: desired - 1, Available: desired - 1, MinAvailable: desired/2 + 1,
				PerZone: perZone, PerHost: perHost,
			},
			PerNode: perNode,
			Members: members,
		}
	}
	member := func(name, node string) v1alpha1.GroupMember {
		s := v1alpha1.PodAvailable
		if node == "" {
			s = v1alpha1.PodPending
		}
		return v1alpha1.GroupMember{Pod: "kube-system/" + name, Node: node, State: s}
	}

	tests := []struct {
		name      string
		policy    *policy.Policy
		cluster   fixture.Cluster
		namespace string
		pod       string
		want      *v1alpha1.Explanation
	}{
		{
			name:    "a pending user pod that selects control-plane nodes: reserved, and the worker that passes is not one it selects",
			cluster: ec, namespace: "shop", pod: "admin",
			want: &v1alpha1.Explanation{
				Pod: "shop/admin", State: v1alpha1.PodPending, Class: userClass,
				Group: v1alpha1.ExplainedGroup{
					ComponentReplica: v1alpha1.ComponentReplica{
						Group: "shop/app=admin", NodeRole: "Worker", Spread: string(policy.SpreadPreferred),
						Desired: 1, Replicas: 1, PerZone: map[string]int{}, PerHost: map[string]int{},
					},
					PerNode: map[string]int{},
					Members: []v1alpha1.GroupMember{{Pod: "shop/admin", State: v1alpha1.PodPending}},
				},
				Spread: noLevelCount(),
				Nodes: []v1alpha1.NodeVerdict{
					verdict("cp-a", "control-plane", "a", "h1", cpReserved, cpTaint),
					verdict("cp-b", "control-plane", "b", "h2", cpReserved),
					verdict("cp-c", "control-plane", "c", "h3", cpReserved),
					verdict("w-a", "worker", "a", "h4"),
					verdict("w-b", "worker", "b", "h5", cordoned),
					verdict("w-c", "worker", "c", "h6", notReadyNow, downNow),
				},
				Protection: v1alpha1.Protection{PreemptibleBy: v1alpha1.PreemptibleByAny},
			},
		},
		{
			name:    "a pending kube-scheduler replica: the host that holds the other one is rejected, naming the emptiest",
			cluster: ec, namespace: "kube-system", pod: "kube-scheduler-x",
			want: &v1alpha1.Explanation{
				Pod: "kube-system/kube-scheduler-x", State: v1alpha1.PodPending, Class: schedClass, Group: sched,
				Spread: []v1alpha1.SpreadLevel{
					{Level: policy.LabelZone, Replicas: map[string]int{"a": 1}},
					{Level: policy.LabelHostID, Replicas: map[string]int{"h1": 1}, Required: true, Emptiest: &v1alpha1.DomainReplicas{Domain: "h2"}},
					{Level: policy.LabelHostname, Replicas: map[string]int{"cp-a": 1}},
				},
				Nodes: []v1alpha1.NodeVerdict{
					verdict("cp-a", "control-plane", "a", "h1", rejection(v1alpha1.RuleFailureDomainSpread,
						"topology.scs.community/host-id h1 holds 1 replica of kube-system/kube-scheduler, more than the emptiest eligible one (h2 holds 0)")),
					verdict("cp-b", "control-plane", "b", "h2"),
					verdict("cp-c", "control-plane", "c", "h3"),
					verdict("w-a", "worker", "a", "h4", cpOnly),
					verdict("w-b", "worker", "b", "h5", cpOnly, cordoned),
					verdict("w-c", "worker", "c", "h6", cpOnly, notReadyNow),
				},
				Protection: v1alpha1.Protection{
					PreemptibleBy: v1alpha1.PreemptibleByComponents,
					Group:         &v1alpha1.GroupBudget{Group: "kube-system/kube-scheduler", Desired: 2, MinAvailable: 1, Available: 1},
				},
			},
		},
		{
			name:    "a placed etcd member (static pod): its group, its quorum, and never a victim",
			cluster: ec, namespace: "kube-system", pod: "etcd-cp-b",
			want: &v1alpha1.Explanation{
				Pod: "kube-system/etcd-cp-b", State: v1alpha1.PodAvailable, Node: "cp-b", Zone: "b", Host: "h2",
				Class: func() v1alpha1.PodClass { c := etcdClass; c.Mirror = true; return c }(),
				Group: v1alpha1.ExplainedGroup{
					ComponentReplica: v1alpha1.ComponentReplica{
						Group: "kube-system/etcd", Component: "etcd", NodeRole: "ControlPlane",
						Spread: string(policy.SpreadRequired), DisruptionControlled: true, Quorum: true,
						Desired: 3, Replicas: 3, Placed: 3, Available: 3, MinAvailable: 2,
						PerZone: map[string]int{"a": 1, "b": 1, "c": 1}, PerHost: map[string]int{"h1": 1, "h2": 1, "h3": 1},
					},
					PerNode: map[string]int{"cp-a": 1, "cp-b": 1, "cp-c": 1},
					Members: []v1alpha1.GroupMember{member("etcd-cp-a", "cp-a"), member("etcd-cp-b", "cp-b"), member("etcd-cp-c", "cp-c")},
				},
				Protection: v1alpha1.Protection{
					PreemptibleBy: v1alpha1.PreemptibleByNobody,
					Group:         &v1alpha1.GroupBudget{Group: "kube-system/etcd", Desired: 3, MinAvailable: 2, Available: 3, MayGo: 1},
				},
			},
		},
		{
			name:    "a user replica: the budgets that select it, one of them stale, and what may go now",
			cluster: withPDBs, namespace: "shop", pod: "web-0",
			want: &v1alpha1.Explanation{
				Pod: "shop/web-0", State: v1alpha1.PodAvailable, Node: "w-a", Zone: "a", Host: "h4",
				Class: userClass, Group: webGroup,
				Protection: v1alpha1.Protection{
					PreemptibleBy: v1alpha1.PreemptibleByAny,
					PDBs: []v1alpha1.PDBBudget{
						{Name: "shop/all", Spec: "maxUnavailable 25%", Stale: true},
						{Name: "shop/web", Spec: "minAvailable 1", MayGo: 1},
					},
				},
			},
		},
		{
			name:    "a user replica on a node that is not Ready",
			cluster: ec, namespace: "shop", pod: "web-2",
			want: &v1alpha1.Explanation{
				Pod: "shop/web-2", State: v1alpha1.PodNodeNotReady, Node: "w-c", Zone: "c", Host: "h6",
				Class: userClass, Group: webGroup,
				Protection: v1alpha1.Protection{
					PreemptibleBy: v1alpha1.PreemptibleByAny,
					PDBs:          []v1alpha1.PDBBudget{{Name: "shop/web", Spec: "minAvailable 1"}},
				},
			},
		},
		{
			name:      "a user workload placed on a control-plane node: the checker's finding about it",
			cluster:   ec.With(fixture.Pod("shop", "on-master", "cp-c", fixture.Lbl("app", "ops"), func(p *v1.Pod) { p.Spec.Priority = ptr.To[int32](1000) })),
			namespace: "shop", pod: "on-master",
			want: &v1alpha1.Explanation{
				Pod: "shop/on-master", State: v1alpha1.PodAvailable, Node: "cp-c", Zone: "c", Host: "h3",
				Class: userClass,
				Group: v1alpha1.ExplainedGroup{
					ComponentReplica: v1alpha1.ComponentReplica{
						Group: "shop/app=ops", NodeRole: "Worker", Spread: string(policy.SpreadPreferred),
						Desired: 1, Replicas: 1, Placed: 1, Available: 1,
						PerZone: map[string]int{"c": 1}, PerHost: map[string]int{"h3": 1},
					},
					PerNode: map[string]int{"cp-c": 1},
					Members: []v1alpha1.GroupMember{{Pod: "shop/on-master", Node: "cp-c", State: v1alpha1.PodAvailable}},
				},
				PlacementFindings: []v1alpha1.Finding{{
					ID: v1alpha1.IDUserWorkloadOnControlPlane, Severity: v1alpha1.SeverityFail,
					Message:  "user workload shop/on-master runs on control-plane node cp-c, which is reserved for control-plane components",
					Subjects: []string{"shop/on-master", "cp-c"},
				}},
				Protection: v1alpha1.Protection{Priority: 1000, PreemptibleBy: v1alpha1.PreemptibleByAny},
			},
		},
		{
			name:    "a pending DaemonSet pod of an untrusted namespace: never spread, kept off control-plane nodes with the setting that trusts it",
			cluster: ec, namespace: "logging", pod: "agent-x",
			want: &v1alpha1.Explanation{
				Pod: "logging/agent-x", State: v1alpha1.PodPending,
				Class: func() v1alpha1.PodClass { c := userClass; c.DaemonSet, c.NotSpread = true, "DaemonSet pod"; return c }(),
				Group: v1alpha1.ExplainedGroup{
					ComponentReplica: v1alpha1.ComponentReplica{
						Group: "logging/DaemonSet/agent", NodeRole: "Worker", Spread: string(policy.SpreadPreferred),
						Desired: 1, Replicas: 1, PerZone: map[string]int{}, PerHost: map[string]int{},
					},
					PerNode: map[string]int{},
					Members: []v1alpha1.GroupMember{{Pod: "logging/agent-x", State: v1alpha1.PodPending}},
				},
				Nodes: func() []v1alpha1.NodeVerdict {
					ds := rejection(v1alpha1.RuleWorkloadSeparation, `control-plane node, reserved for control-plane components; DaemonSet pods of untrusted namespace "logging" are kept off it (add the namespace to trustedNamespaces in the HAPolicy args to allow them)`)
					return []v1alpha1.NodeVerdict{
						verdict("cp-a", "control-plane", "a", "h1", ds),
						verdict("cp-b", "control-plane", "b", "h2", ds),
						verdict("cp-c", "control-plane", "c", "h3", ds),
						verdict("w-a", "worker", "a", "h4"),
						verdict("w-b", "worker", "b", "h5", cordoned),
						verdict("w-c", "worker", "c", "h6", notReadyNow),
					}
				}(),
				Protection: v1alpha1.Protection{PreemptibleBy: v1alpha1.PreemptibleByAny},
			},
		},
		{
			name:      "an add-on of kube-system that no component matches: only pods of trusted namespaces preempt it",
			cluster:   ec.With(fixture.Pod("kube-system", "metrics-0", "w-a", fixture.Lbl("k8s-app", "metrics-server"))),
			namespace: "kube-system", pod: "metrics-0",
			want: &v1alpha1.Explanation{
				Pod: "kube-system/metrics-0", State: v1alpha1.PodAvailable, Node: "w-a", Zone: "a", Host: "h4",
				Class: v1alpha1.PodClass{
					Kind: v1alpha1.ClassOtherTrusted, TrustedNamespace: true, NodeRole: string(policy.PlaceAny),
					AllowedRoles: []string{"control-plane", "infra", "worker"}, Spread: string(policy.SpreadPreferred),
				},
				Group: v1alpha1.ExplainedGroup{
					ComponentReplica: v1alpha1.ComponentReplica{
						Group: "kube-system/k8s-app=metrics-server", NodeRole: "Any", Spread: string(policy.SpreadPreferred),
						Desired: 1, Replicas: 1, Placed: 1, Available: 1,
						PerZone: map[string]int{"a": 1}, PerHost: map[string]int{"h4": 1},
					},
					PerNode: map[string]int{"w-a": 1},
					Members: []v1alpha1.GroupMember{{Pod: "kube-system/metrics-0", Node: "w-a", State: v1alpha1.PodAvailable}},
				},
				Protection: v1alpha1.Protection{PreemptibleBy: v1alpha1.PreemptibleByTrusted},
			},
		},
		{
			name:   "required host and zone, even zones: the emptiest host among both rejects the others",
			policy: zonesRequired, cluster: chain, namespace: "kube-system", pod: "etcd-2",
			want: &v1alpha1.Explanation{
				Pod: "kube-system/etcd-2", State: v1alpha1.PodPending, Class: etcdClass,
				Group: chainGroup(3, map[string]int{"h1": 1, "h3": 1},
					member("etcd-0", "cp-a1"), member("etcd-1", "cp-b1"), member("etcd-2", "")),
				Spread: []v1alpha1.SpreadLevel{
					{Level: policy.LabelZone, Replicas: map[string]int{"a": 1, "b": 1}, Required: true, Emptiest: &v1alpha1.DomainReplicas{Domain: "a", Replicas: 1}},
					{Level: policy.LabelHostID, Replicas: map[string]int{"h1": 1, "h3": 1}, Required: true, Emptiest: &v1alpha1.DomainReplicas{Domain: "h2"}},
					{Level: policy.LabelHostname, Replicas: map[string]int{"cp-a1": 1, "cp-b1": 1}},
				},
				Nodes: []v1alpha1.NodeVerdict{
					verdict("cp-a1", "control-plane", "a", "h1", rejection(v1alpha1.RuleFailureDomainSpread,
						"topology.scs.community/host-id h1 holds 1 replica of kube-system/etcd, more than the emptiest eligible one (h2 holds 0)")),
					verdict("cp-a2", "control-plane", "a", "h2"),
					verdict("cp-b1", "control-plane", "b", "h3", rejection(v1alpha1.RuleFailureDomainSpread,
						"topology.scs.community/host-id h3 holds 1 replica of kube-system/etcd, more than the emptiest eligible one (h2 holds 0)")),
				},
				Protection: v1alpha1.Protection{
					PreemptibleBy: v1alpha1.PreemptibleByComponents,
					Group:         &v1alpha1.GroupBudget{Group: "kube-system/etcd", Desired: 3, MinAvailable: 2, Available: 2},
				},
			},
		},
		{
			name:   "required host and zone: the fuller zone is rejected at the zone level, the widest",
			policy: zonesRequired, cluster: chainZone, namespace: "kube-system", pod: "etcd-2",
			want: &v1alpha1.Explanation{
				Pod: "kube-system/etcd-2", State: v1alpha1.PodPending, Class: etcdClass,
				Group: chainGroup(4, map[string]int{"h1": 1, "h2": 1, "h3": 1},
					member("etcd-0", "cp-a1"), member("etcd-1", "cp-b1"), member("etcd-2", ""), member("etcd-3", "cp-a2")),
				Spread: []v1alpha1.SpreadLevel{
					{Level: policy.LabelZone, Replicas: map[string]int{"a": 2, "b": 1}, Required: true, Emptiest: &v1alpha1.DomainReplicas{Domain: "b", Replicas: 1}},
					{Level: policy.LabelHostID, Replicas: map[string]int{"h1": 1, "h2": 1, "h3": 1}, Required: true, Emptiest: &v1alpha1.DomainReplicas{Domain: "h3", Replicas: 1}},
					{Level: policy.LabelHostname, Replicas: map[string]int{"cp-a1": 1, "cp-a2": 1, "cp-b1": 1}},
				},
				Nodes: []v1alpha1.NodeVerdict{
					verdict("cp-a1", "control-plane", "a", "h1", rejection(v1alpha1.RuleFailureDomainSpread,
						"topology.kubernetes.io/zone a holds 2 replicas of kube-system/etcd, more than the emptiest eligible one (b holds 1)")),
					verdict("cp-a2", "control-plane", "a", "h2", rejection(v1alpha1.RuleFailureDomainSpread,
						"topology.kubernetes.io/zone a holds 2 replicas of kube-system/etcd, more than the emptiest eligible one (b holds 1)")),
					verdict("cp-b1", "control-plane", "b", "h3"),
				},
				Protection: v1alpha1.Protection{
					PreemptibleBy: v1alpha1.PreemptibleByComponents,
					Group:         &v1alpha1.GroupBudget{Group: "kube-system/etcd", Desired: 4, MinAvailable: 3, Available: 3},
				},
			},
		},
		{
			// A dead zone must not be the emptiest one every other is
			// measured against: no eligible node, no domain to balance.
			name:    "required host with every control-plane node down: nothing to balance against, the nodes are unusable",
			cluster: chain.WithNodes(fixture.NotReadyNode), namespace: "kube-system", pod: "etcd-2",
			want: &v1alpha1.Explanation{
				Pod: "kube-system/etcd-2", State: v1alpha1.PodPending, Class: etcdClass,
				Group: v1alpha1.ExplainedGroup{
					ComponentReplica: v1alpha1.ComponentReplica{
						Group: "kube-system/etcd", Component: "etcd", NodeRole: "ControlPlane",
						Spread: string(policy.SpreadRequired), DisruptionControlled: true, Quorum: true,
						Desired: 3, Replicas: 3, Placed: 2, MinAvailable: 2,
						PerZone: map[string]int{}, PerHost: map[string]int{},
					},
					PerNode: map[string]int{},
					Members: []v1alpha1.GroupMember{
						{Pod: "kube-system/etcd-0", Node: "cp-a1", State: v1alpha1.PodNodeNotReady},
						{Pod: "kube-system/etcd-1", Node: "cp-b1", State: v1alpha1.PodNodeNotReady},
						member("etcd-2", ""),
					},
				},
				Spread: []v1alpha1.SpreadLevel{
					{Level: policy.LabelZone, Replicas: map[string]int{"a": 1, "b": 1}},
					{Level: policy.LabelHostID, Replicas: map[string]int{"h1": 1, "h3": 1}, Required: true},
					{Level: policy.LabelHostname, Replicas: map[string]int{"cp-a1": 1, "cp-b1": 1}},
				},
				Nodes: []v1alpha1.NodeVerdict{
					verdict("cp-a1", "control-plane", "a", "h1", notReadyNow, downNow),
					verdict("cp-a2", "control-plane", "a", "h2", notReadyNow, downNow),
					verdict("cp-b1", "control-plane", "b", "h3", notReadyNow, downNow),
				},
				Protection: v1alpha1.Protection{
					PreemptibleBy: v1alpha1.PreemptibleByComponents,
					Group:         &v1alpha1.GroupBudget{Group: "kube-system/etcd", Desired: 3, MinAvailable: 2},
				},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := explainPod(tc.policy, tc.cluster, tc.namespace, tc.pod)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Explain (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExplainErrors(t *testing.T) {
	c := explainCluster().With(fixture.Pod("shop", "done", "w-a", fixture.Lbl("app", "batch"), fixture.Phase(v1.PodSucceeded)))
	for _, tc := range []struct{ name, namespace, pod, want string }{
		{"no such pod", "shop", "nope", "pod shop/nope: not found among the cluster's unfinished pods"},
		{"a pod of that name in another namespace", "kube-system", "admin", "pod kube-system/admin: not found among the cluster's unfinished pods"},
		{"a finished pod is no replica of anything", "shop", "done", "pod shop/done: not found among the cluster's unfinished pods"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := explainPod(nil, c, tc.namespace, tc.pod)
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			if diff := cmp.Diff(tc.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !errors.Is(err, ErrPodNotFound) {
				t.Errorf("error %v is not ErrPodNotFound", err)
			}
		})
	}
}

// The text, whole.
func TestWriteExplainText(t *testing.T) {
	ec := explainCluster()
	withPDB := ec
	web := fixture.PDB("shop", "web", fixture.Lbl("app", "web"))
	web.Generation, web.Status.ObservedGeneration, web.Status.DisruptionsAllowed = 1, 1, 1
	withPDB.PDBs = []*policyv1.PodDisruptionBudget{web}
	gone := ec.WithNodes(fixture.NodeGone("w-c"))
	scheduled := ec.EditPods(func(p *v1.Pod) {
		p.Spec.SchedulerName = "ha-scheduler"
		p.Status.Conditions = []v1.PodCondition{{Type: v1.PodScheduled, Status: v1.ConditionFalse, Reason: v1.PodReasonUnschedulable,
			Message: "0/6 nodes are available: 3 node(s) are reserved for control-plane components, 3 node(s) didn't match Pod's node affinity/selector."}}
	}, "admin")

	tests := []struct {
		name      string
		cluster   fixture.Cluster
		namespace string
		pod       string
		want      string
	}{
		{
			name: "pending user pod, with the scheduler's message", cluster: scheduled, namespace: "shop", pod: "admin",
			want: `Pod shop/admin: pending; scheduler ha-scheduler
  the scheduler says: 0/6 nodes are available: 3 node(s) are reserved for control-plane components, 3 node(s) didn't match Pod's node affinity/selector.

Class: user workload (namespace not trusted)
  nodeRole Worker: may run on worker nodes
  spread Preferred
  disruption: not controlled (PodDisruptionBudgets only)

Group shop/app=admin: 1 desired, 0 placed, 0 available
  available per zone: -
  available per host: -
  available per node: -
  shop/admin: pending (this pod)

Spread (the group's replicas as FailureDomainSpread counts them):
  topology.kubernetes.io/zone: -
  topology.scs.community/host-id: -
  kubernetes.io/hostname: -

Nodes, by the policy's rules (upstream filters such as resources and node affinity are not evaluated):
  1 of 6 pass: w-a
  WorkloadSeparation rejects cp-a, cp-b, cp-c: control-plane node, reserved for control-plane components
  NodeUnusable rejects cp-a: taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated
  NodeUnusable rejects w-b: node is cordoned (spec.unschedulable)
  NodeUnusable rejects w-c: node is not Ready
  FailureDomainSpread rejects w-c: node is down: no replica of a spread group is placed on a node that cannot run pods

Protection from preemption:
  priority 0: only pods of a higher priority can preempt it
  user workload: any pod of a higher priority may preempt it
  it is pending: preemption takes only pods on nodes
  no disruption-controlled group
  no PodDisruptionBudget selects it
`,
		},
		{
			name: "pending kube-scheduler replica", cluster: ec, namespace: "kube-system", pod: "kube-scheduler-x",
			want: `Pod kube-system/kube-scheduler-x: pending; scheduler -

Class: component kube-scheduler
  nodeRole ControlPlane: may run on control-plane nodes
  spread Required
  disruption: minAvailable 1

Group kube-system/kube-scheduler: 2 desired, 1 placed, 1 available, must keep 1 available
  available per zone: a=1
  available per host: h1=1
  available per node: cp-a=1
  kube-system/kube-scheduler-cp-a on cp-a: available
  kube-system/kube-scheduler-x: pending (this pod)

Spread (the group's replicas as FailureDomainSpread counts them):
  topology.kubernetes.io/zone: a=1
  topology.scs.community/host-id: h1=1; required: emptiest eligible h2 (0)
  kubernetes.io/hostname: cp-a=1

Nodes, by the policy's rules (upstream filters such as resources and node affinity are not evaluated):
  2 of 6 pass: cp-b, cp-c
  FailureDomainSpread rejects cp-a: topology.scs.community/host-id h1 holds 1 replica of kube-system/kube-scheduler, more than the emptiest eligible one (h2 holds 0)
  WorkloadSeparation rejects w-a, w-b, w-c: worker node; nodeRole ControlPlane keeps the pod on control-plane nodes
  NodeUnusable rejects w-b: node is cordoned (spec.unschedulable)
  NodeUnusable rejects w-c: node is not Ready

Protection from preemption:
  priority 0: only pods of a higher priority can preempt it
  component of a trusted namespace: only components preempt it
  it is pending: preemption takes only pods on nodes
  group kube-system/kube-scheduler keeps 1 of 2 available (1 available now): none may go now
  no PodDisruptionBudget selects it
`,
		},
		{
			name: "placed static etcd member", cluster: ec, namespace: "kube-system", pod: "etcd-cp-b",
			want: `Pod kube-system/etcd-cp-b: available; bound to node cp-b (zone b, host h2); scheduler -

Class: component etcd (static pod)
  nodeRole ControlPlane: may run on control-plane nodes
  spread Required
  disruption: quorum (a majority of the group's desired size stays available)

Group kube-system/etcd: 3 desired, 3 placed, 3 available, must keep 2 available
  available per zone: a=1 b=1 c=1
  available per host: h1=1 h2=1 h3=1
  available per node: cp-a=1 cp-b=1 cp-c=1
  kube-system/etcd-cp-a on cp-a: available
  kube-system/etcd-cp-b on cp-b: available (this pod)
  kube-system/etcd-cp-c on cp-c: available

Protection from preemption:
  priority 0: only pods of a higher priority can preempt it
  static (mirror) pod: never a victim
  group kube-system/etcd keeps 2 of 3 available (3 available now): 1 may go now
  no PodDisruptionBudget selects it
`,
		},
		{
			name: "user replica with a budget", cluster: withPDB, namespace: "shop", pod: "web-0",
			want: `Pod shop/web-0: available; bound to node w-a (zone a, host h4); scheduler -

Class: user workload (namespace not trusted)
  nodeRole Worker: may run on worker nodes
  spread Preferred
  disruption: not controlled (PodDisruptionBudgets only)

Group shop/Deployment/web: 3 desired, 3 placed, 2 available
  available per zone: a=1 b=1
  available per host: h4=1 h5=1
  available per node: w-a=1 w-b=1
  shop/web-0 on w-a: available (this pod)
  shop/web-1 on w-b: available
  shop/web-2 on w-c: on a node that is not Ready

Protection from preemption:
  priority 0: only pods of a higher priority can preempt it
  user workload: any pod of a higher priority may preempt it
  no disruption-controlled group
  PodDisruptionBudget shop/web (minAvailable 1): 1 may go now
`,
		},
		{
			name: "replica bound to a node that is gone", cluster: gone, namespace: "shop", pod: "web-2",
			want: `Pod shop/web-2: bound to node w-c, which no longer exists; scheduler -

Class: user workload (namespace not trusted)
  nodeRole Worker: may run on worker nodes
  spread Preferred
  disruption: not controlled (PodDisruptionBudgets only)

Group shop/Deployment/web: 3 desired, 2 placed, 2 available
  available per zone: a=1 b=1
  available per host: h4=1 h5=1
  available per node: w-a=1 w-b=1
  shop/web-0 on w-a: available
  shop/web-1 on w-b: available
  shop/web-2 on w-c: bound to a node that no longer exists (this pod)

Protection from preemption:
  priority 0: only pods of a higher priority can preempt it
  user workload: any pod of a higher priority may preempt it
  it is not available now: taking it costs its group and budgets nothing
  no disruption-controlled group
  PodDisruptionBudget shop/web (minAvailable 1): none may go now
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := explainPod(nil, tc.cluster, tc.namespace, tc.pod)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := writeExplainText(&b, e); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
		})
	}
}

// The JSON scripts read (-o json): field names, the group's row inline.
func TestExplainJSON(t *testing.T) {
	e, err := explainPod(nil, explainCluster(), "kube-system", "kube-scheduler-x")
	if err != nil {
		t.Fatal(err)
	}
	e.Nodes = e.Nodes[:1] // cp-a is enough to pin the shape
	got, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// The versioned object's apiVersion, kind and policy source are the
	// command's to fill in.
	want := `{
  "apiVersion": "",
  "kind": "",
  "policySource": "",
  "pod": "kube-system/kube-scheduler-x",
  "schedulerName": "",
  "state": "pending",
  "class": {
    "kind": "component",
    "component": "kube-scheduler",
    "trustedNamespace": true,
    "nodeRole": "ControlPlane",
    "allowedRoles": [
      "control-plane"
    ],
    "spread": "Required",
    "disruptionControlled": true,
    "minAvailable": 1
  },
  "group": {
    "group": "kube-system/kube-scheduler",
    "component": "kube-scheduler",
    "nodeRole": "ControlPlane",
    "spread": "Required",
    "disruptionControlled": true,
    "desired": 2,
    "replicas": 2,
    "placed": 1,
    "available": 1,
    "minAvailable": 1,
    "perZone": {
      "a": 1
    },
    "perHost": {
      "h1": 1
    },
    "perNode": {
      "cp-a": 1
    },
    "members": [
      {
        "pod": "kube-system/kube-scheduler-cp-a",
        "node": "cp-a",
        "state": "available"
      },
      {
        "pod": "kube-system/kube-scheduler-x",
        "state": "pending"
      }
    ]
  },
  "spread": [
    {
      "level": "topology.kubernetes.io/zone",
      "replicas": {
        "a": 1
      }
    },
    {
      "level": "topology.scs.community/host-id",
      "replicas": {
        "h1": 1
      },
      "required": true,
      "emptiest": {
        "domain": "h2",
        "replicas": 0
      }
    },
    {
      "level": "kubernetes.io/hostname",
      "replicas": {
        "cp-a": 1
      }
    }
  ],
  "nodes": [
    {
      "node": "cp-a",
      "role": "control-plane",
      "zone": "a",
      "host": "h1",
      "rejections": [
        {
          "rule": "FailureDomainSpread",
          "reason": "topology.scs.community/host-id h1 holds 1 replica of kube-system/kube-scheduler, more than the emptiest eligible one (h2 holds 0)"
        }
      ]
    }
  ],
  "protection": {
    "priority": 0,
    "preemptibleBy": "components",
    "group": {
      "group": "kube-system/kube-scheduler",
      "desired": 2,
      "minAvailable": 1,
      "available": 1,
      "mayGo": 0
    }
  }
}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}
