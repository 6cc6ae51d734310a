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

package hacheck

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/internal/fakeapi"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// TestRebalancePlanOutput: ha-check rebalance prints the plan of a cluster
// whose zone c came back after an outage, for people and as a versioned
// object, and exits 0.
func TestRebalancePlanOutput(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "absent"))
	t.Setenv("HOME", t.TempDir())
	node := func(name, zone, host string) *v1.Node {
		return st.MakeNode().Name(name).Label(policy.LabelZone, zone).Label(policy.LabelHostID, host).Label(policy.LabelHostname, name).Obj()
	}
	web := func(name, node string) *v1.Pod {
		return st.MakePod().Namespace("shop").Name(name).Node(node).Label("app", "web").Label("pod-template-hash", "7f").
			OwnerReference("web-7f", appsv1.SchemeGroupVersion.WithKind("ReplicaSet")).Condition(v1.PodReady, v1.ConditionTrue, "").Obj()
	}
	url := fakeapi.Serve(t, fakeapi.Objects{
		Nodes: []*v1.Node{node("w-a", "a", "h1"), node("w-b", "b", "h2"), node("w-c", "c", "h3")},
		Pods:  []*v1.Pod{web("web-0", "w-a"), web("web-1", "w-b"), web("web-3", "w-a"), web("web-4", "w-a"), web("web-5", "w-b"), web("web-6", "w-b")},
	})
	kubeconfig := kubeconfigFor(t, url)

	got := runOutput("rebalance", "--kubeconfig", kubeconfig)
	want := output{Stdout: `Policy: default policy (no ha-scheduler configuration found in namespace kube-system)
Rebalance: 2 moves in 1 group, one eviction at a time, each replacement placed by the scheduler.

shop/Deployment/web (spread Preferred)
  1. evict shop/web-0 on w-a: zone a 3 → 2, zone c 0 → 1 (to w-c, or as good a node)
  2. evict shop/web-1 on w-b: zone b 3 → 2, zone c 1 → 2 (to w-c, or as good a node)

ha-check rebalance --apply makes the moves, one at a time, each after the last replacement is Ready.
`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rebalance (-want +got):\n%s", diff)
	}

	got = runOutput("rebalance", "--kubeconfig", kubeconfig, "-o", "jsonpath={.kind} {.moves} {.groups[0].moves[*].pod}")
	if diff := cmp.Diff(output{Stdout: "RebalancePlan 2 shop/web-0 shop/web-1"}, got); diff != "" {
		t.Errorf("rebalance -o jsonpath (-want +got):\n%s", diff)
	}
}
