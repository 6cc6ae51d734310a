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

package model

import (
	"sort"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// PlacementTable is where the cluster's pods run, by the model's groups
// (the groups of the replica table, and the groups policy.GroupOf makes of
// the pods that are no component): a row per pod, and, for the pods of a
// DaemonSet (one per node by design), a line per DaemonSet with its pods
// per node role. `ha-check -o wide` prints it; it is no part of the
// versioned report.
type PlacementTable struct {
	Groups     []PlacementGroup     `json:"groups"`
	DaemonSets []DaemonSetPlacement `json:"daemonSets"`
}

// PlacementGroup is one group's pods, DaemonSet pods left out.
type PlacementGroup struct {
	// Group is the group's key, as the replica table names it.
	Group string `json:"group"`
	// Component is the policy component; empty for other pods.
	Component string `json:"component,omitempty"`
	// Pods are by node name (pending ones, without a node, first), then
	// by pod name.
	Pods []PlacedPod `json:"pods"`
}

// PlacedPod is one pod and the node it is bound to.
type PlacedPod struct {
	// Pod is namespace/name.
	Pod string `json:"pod"`
	// Node is empty while the pod is pending; Role, Zone and Host are
	// empty too then, and when the node does not exist.
	Node string `json:"node,omitempty"`
	// Role is the node's role (policy.RoleOf) as operators write it:
	// "control-plane", "infra" or "worker".
	Role string `json:"role,omitempty"`
	// Zone and Host are the node's topology.kubernetes.io/zone and
	// topology.scs.community/host-id labels, empty when it has none.
	Zone string `json:"zone,omitempty"`
	Host string `json:"host,omitempty"`
}

// DaemonSetPlacement is the pods of one DaemonSet.
type DaemonSetPlacement struct {
	// DaemonSet is namespace/name.
	DaemonSet string `json:"daemonSet"`
	// Pods counts its unfinished pods; PerRole those bound to a node that
	// exists, by the node's role ("control-plane", "infra", "worker").
	Pods    int            `json:"pods"`
	PerRole map[string]int `json:"perRole"`
}

// Placement returns where the cluster's unfinished pods run, by group.
// Terminating pods count: they still occupy their node.
func (m *Model) Placement() *PlacementTable {
	nodes := m.Nodes
	t := &PlacementTable{Groups: []PlacementGroup{}, DaemonSets: []DaemonSetPlacement{}}
	daemonSets := map[string]*DaemonSetPlacement{}
	for _, g := range m.Groups {
		pg := PlacementGroup{Group: g.Key, Component: g.Class.Component}
		for _, pod := range g.Members {
			if policy.IsDaemonSetPod(pod) {
				key := pod.Namespace + "/" + metav1.GetControllerOfNoCopy(pod).Name
				ds := daemonSets[key]
				if ds == nil {
					ds = &DaemonSetPlacement{DaemonSet: key, PerRole: map[string]int{}}
					daemonSets[key] = ds
				}
				ds.Pods++
				if n := nodes[pod.Spec.NodeName]; n != nil {
					ds.PerRole[policy.RoleOf(n.Labels).String()]++
				}
				continue
			}
			pg.Pods = append(pg.Pods, placedPod(pod, nodes[pod.Spec.NodeName]))
		}
		if len(pg.Pods) == 0 {
			continue
		}
		sort.SliceStable(pg.Pods, func(i, j int) bool { return pg.Pods[i].Node < pg.Pods[j].Node })
		t.Groups = append(t.Groups, pg)
	}
	for _, ds := range daemonSets {
		t.DaemonSets = append(t.DaemonSets, *ds)
	}
	sort.Slice(t.DaemonSets, func(i, j int) bool { return t.DaemonSets[i].DaemonSet < t.DaemonSets[j].DaemonSet })
	return t
}

// placedPod is the pod on its node (nil: pending, or its node is gone).
func placedPod(pod *v1.Pod, n *v1.Node) PlacedPod {
	pp := PlacedPod{Pod: pod.Namespace + "/" + pod.Name, Node: pod.Spec.NodeName}
	if n != nil {
		pp.Role = policy.RoleOf(n.Labels).String()
		pp.Zone = n.Labels[policy.LabelZone]
		pp.Host = n.Labels[policy.LabelHostID]
	}
	return pp
}
