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

package model_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
)

// Placement lists every unfinished pod under the group Analyze puts it in
// (components by policy component, the others by policy.GroupOf), pending
// pods first and the others by node, with the node's role, zone and host;
// a DaemonSet's pods are one line with their count per node role.
func TestPlacement(t *testing.T) {
	c := fixture.HACluster()
	c.Nodes = append(c.Nodes, fixture.Node("infra-a", fixture.Infra, "r1", "a", ""))
	c = c.With(
		fixture.Pod("kube-system", "kube-proxy-infra-a", "infra-a", fixture.Lbl("k8s-app", "kube-proxy"), fixture.OwnedBy("DaemonSet", "kube-proxy")),
		// A DaemonSet pod not yet bound counts, on no role.
		fixture.Pod("kube-system", "kube-proxy-new", "", fixture.Lbl("k8s-app", "kube-proxy"), fixture.OwnedBy("DaemonSet", "kube-proxy")),
		fixture.Pod("shop", "sneaky", "", fixture.Lbl("app", "sneaky")),
		fixture.Pod("shop", "web-gone", "w-gone", fixture.Lbl("app", "web", "pod-template-hash", "7f"), fixture.OwnedBy("ReplicaSet", "web-7f")),
		fixture.Pod("shop", "web-done", "w-a", fixture.Lbl("app", "web", "pod-template-hash", "7f"), fixture.OwnedBy("ReplicaSet", "web-7f"), fixture.Phase("Succeeded")),
		fixture.Pod("shop", "batch", "infra-a", nil),
	)
	cpPod := func(name, n, zone, host string) model.PlacedPod {
		return model.PlacedPod{Pod: "kube-system/" + name + "-" + n, Node: n, Role: "control-plane", Zone: zone, Host: host}
	}
	static := func(component string) model.PlacementGroup {
		return model.PlacementGroup{Group: "kube-system/" + component, Component: component, Pods: []model.PlacedPod{
			cpPod(component, "cp-a", "a", "h1"), cpPod(component, "cp-b", "b", "h2"), cpPod(component, "cp-c", "c", "h3"),
		}}
	}
	want := &model.PlacementTable{
		Groups: []model.PlacementGroup{
			static("etcd"),
			static("kube-apiserver"),
			static("kube-controller-manager"),
			{Group: "kube-system/kube-dns", Component: "kube-dns", Pods: []model.PlacedPod{
				{Pod: "kube-system/coredns-1", Node: "cp-a", Role: "control-plane", Zone: "a", Host: "h1"},
				{Pod: "kube-system/coredns-2", Node: "cp-b", Role: "control-plane", Zone: "b", Host: "h2"},
			}},
			static("kube-scheduler"),
			// A controller's pods are its group; a pod without one is
			// grouped by its label.
			{Group: "shop/Deployment/web", Pods: []model.PlacedPod{
				{Pod: "shop/web-0", Node: "w-a", Role: "worker", Zone: "a", Host: "h4"},
				{Pod: "shop/web-1", Node: "w-b", Role: "worker", Zone: "b", Host: "h5"},
				{Pod: "shop/web-2", Node: "w-c", Role: "worker", Zone: "c", Host: "h6"},
				{Pod: "shop/web-gone", Node: "w-gone"},
			}},
			{Group: "shop/app=sneaky", Pods: []model.PlacedPod{{Pod: "shop/sneaky"}}},
			// Without a label or owner, a pod is its own group.
			{Group: "shop/pod/batch", Pods: []model.PlacedPod{
				{Pod: "shop/batch", Node: "infra-a", Role: "infra", Zone: "a"},
			}},
		},
		DaemonSets: []model.DaemonSetPlacement{
			{DaemonSet: "kube-system/kube-proxy", Pods: 8, PerRole: map[string]int{"control-plane": 3, "infra": 1, "worker": 3}},
		},
	}
	if diff := cmp.Diff(want, placement(nil, c)); diff != "" {
		t.Errorf("Placement (-want +got):\n%s", diff)
	}
}

// An empty cluster has an empty placement, not a nil one.
func TestPlacementEmpty(t *testing.T) {
	want := &model.PlacementTable{Groups: []model.PlacementGroup{}, DaemonSets: []model.DaemonSetPlacement{}}
	if diff := cmp.Diff(want, placement(nil, fixture.Cluster{})); diff != "" {
		t.Errorf("Placement (-want +got):\n%s", diff)
	}
}
