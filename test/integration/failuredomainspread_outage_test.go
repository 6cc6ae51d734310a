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
	"fmt"
	"strings"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/failuredomainspread"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// Outages: a Required group keeps placing replicas when hosts die, are
// deleted, cordoned or tainted, and no test here may wait for the
// scheduler's periodic flush of unschedulable pods (5 minutes by default,
// longer than harness.Timeout): a pod scheduled in time was requeued by an
// event.

// requireLevels sets FailureDomainSpread's requiredLevels (a plugin arg of
// its own, not part of the shared policy).
func requireLevels(levels ...string) harness.ConfigEdit {
	out := make([]any, len(levels))
	for i, l := range levels {
		out[i] = l
	}
	return harness.SetPolicyArg("requiredLevels", out)
}

// updateNode changes a node (retrying on conflicts), as kubectl or the node
// lifecycle controller would.
func updateNode(t *testing.T, name string, change func(*v1.Node)) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := cluster.Client.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		change(n)
		_, err = cluster.Client.CoreV1().Nodes().Update(context.Background(), n, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("updating node %s: %v", name, err)
	}
}

func taint(taints ...v1.Taint) func(*v1.Node) {
	return func(n *v1.Node) { n.Spec.Taints = append(n.Spec.Taints, taints...) }
}

func cordon(n *v1.Node) { n.Spec.Unschedulable = true }

func deletePod(t *testing.T, ns, name string) {
	t.Helper()
	if err := cluster.Client.CoreV1().Pods(ns).Delete(context.Background(), name,
		metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
}

func pinned(name, node string) *v1.Pod {
	p := componentPod(name, map[string]string{"component": "kube-scheduler"})
	p.Spec.NodeName = node
	return p
}

// With zone and host both required, one constraint: zone first, then the
// emptiest host within the emptiest zones. Before, each level took its
// minimum over the whole cluster, and when a host died the emptiest zone
// and the emptiest host could be in different zones: no node passed, ever.
func TestZoneAndHostRequiredDuringAHostOutage(t *testing.T) {
	for _, tt := range []struct {
		name string
		// outage takes host hyper-b (cp-b1, zone-a) away.
		outage func(t *testing.T)
	}{
		{
			name: "node not ready",
			outage: func(t *testing.T) {
				// What the node lifecycle controller does, and the
				// eviction of the replica it held.
				updateNode(t, "cp-b1", taint(
					v1.Taint{Key: v1.TaintNodeNotReady, Effect: v1.TaintEffectNoSchedule},
					v1.Taint{Key: v1.TaintNodeNotReady, Effect: v1.TaintEffectNoExecute, TimeAdded: ptr.To(metav1.Now())}))
				deletePod(t, "kube-system", "kube-scheduler-b")
			},
		},
		{
			name: "node deleted",
			outage: func(t *testing.T) {
				if err := cluster.Client.CoreV1().Nodes().Delete(context.Background(), "cp-b1", metav1.DeleteOptions{}); err != nil {
					t.Fatal(err)
				}
				deletePod(t, "kube-system", "kube-scheduler-b")
			},
		},
		{
			name: "disk pressure",
			outage: func(t *testing.T) {
				updateNode(t, "cp-b1", taint(v1.Taint{Key: v1.TaintNodeDiskPressure, Effect: v1.TaintEffectNoSchedule}))
				deletePod(t, "kube-system", "kube-scheduler-b")
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cluster.Reset(t)
			// zone-a: hyper-a, hyper-b; zone-b: hyper-c, hyper-d, hyper-e.
			for _, n := range []harness.NodeSpec{
				controlPlaneNode("cp-a1", "zone-a", "hyper-a"),
				controlPlaneNode("cp-b1", "zone-a", "hyper-b"),
				controlPlaneNode("cp-c1", "zone-b", "hyper-c"),
				controlPlaneNode("cp-d1", "zone-b", "hyper-d"),
				controlPlaneNode("cp-e1", "zone-b", "hyper-e"),
			} {
				cluster.CreateNode(t, n)
			}
			// One replica on each of hyper-a..d (placed by spec.nodeName:
			// they count like any other).
			for _, host := range []string{"a", "b", "c", "d"} {
				cluster.CreatePod(t, pinned("kube-scheduler-"+host, "cp-"+host+"1"))
			}
			cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml",
				requireLevels(policy.LabelZone, policy.LabelHostID)), "--leader-elect=false")
			tt.outage(t)
			// zone-a holds 1 (on hyper-a), zone-b 2: the replica goes to
			// zone-a, whose only live host is hyper-a, although hyper-e
			// in zone-b holds none.
			got := placeAll(t, componentPod("kube-scheduler-new", map[string]string{"component": "kube-scheduler"}))
			if node := got["kube-scheduler-new"]; node != "cp-a1" {
				t.Errorf("new replica on %s, want cp-a1 (the live host of the emptier zone)", node)
			}
		})
	}
}

// A Required replica waiting because a host is the emptiest is retried as
// soon as that host is cordoned or tainted, not at the periodic flush.
func TestWaitingReplicaRequeuedWhenTheEmptiestHostGoes(t *testing.T) {
	for _, tt := range []struct {
		name string
		// changes are made in turn, each to both nodes of hyper-b.
		changes []func(*v1.Node)
	}{
		// No kube-controller-manager runs here, so no unschedulable taint
		// follows the cordon: as when the controller manager is down.
		{name: "cordoned", changes: []func(*v1.Node){cordon}},
		{name: "disk pressure", changes: []func(*v1.Node){taint(v1.Taint{Key: v1.TaintNodeDiskPressure, Effect: v1.TaintEffectNoSchedule})}},
		{name: "cordoned, then the lifecycle controller's taint", changes: []func(*v1.Node){
			cordon, taint(v1.Taint{Key: v1.TaintNodeUnschedulable, Effect: v1.TaintEffectNoSchedule}),
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The second replica waits for hyper-b, the emptiest host.
			msg := secondReplicaWaitsForHyperB(t)
			if !strings.Contains(msg, "host-id=hyper-b") {
				t.Fatalf("condition message %q does not name host-id=hyper-b", msg)
			}
			// hyper-b goes: the replica takes the other VM of hyper-a.
			for _, change := range tt.changes {
				for _, n := range []string{"vm-b1", "vm-b2"} {
					updateNode(t, n, change)
				}
			}
			if node := cluster.WaitScheduled(t, "kube-system", "kube-scheduler-1"); !strings.HasPrefix(node, "vm-a") {
				t.Errorf("second replica on %s, want a VM of hyper-a", node)
			}
		})
	}
}

// A node that is down is never given a replica of a spread group while a
// live node fits, even when the replica tolerates every taint and when no
// taint is there yet (kube-controller-manager, which adds it, does not run
// here, as when it is down itself); when every node the pod may use is
// down it waits, and the first node whose Ready condition turns True takes
// it, requeued by that change.
func TestDeadNodeNeverReceivesAReplica(t *testing.T) {
	tolerateAll := func(p *v1.Pod) *v1.Pod {
		p.Spec.Tolerations = []v1.Toleration{{Operator: v1.TolerationOpExists}}
		return p
	}
	for _, tt := range []struct {
		name string
		// nodes, the nodes already holding a replica, and the dead node.
		nodes   []harness.NodeSpec
		holding []string
		dead    string
		replica func(name string) *v1.Pod
	}{
		{
			name:    "Required component tolerating every taint",
			nodes:   []harness.NodeSpec{controlPlaneNode("cp-a", "zone-a", "hyper-a"), controlPlaneNode("cp-b", "zone-b", "hyper-b"), controlPlaneNode("cp-c", "zone-c", "hyper-c")},
			holding: []string{"cp-a", "cp-b"},
			dead:    "cp-c",
			replica: func(name string) *v1.Pod {
				return tolerateAll(componentPod(name, map[string]string{"component": "kube-scheduler"}))
			},
		},
		{
			name:    "Preferred user workload",
			nodes:   []harness.NodeSpec{workerNode("w-a", "zone-a", "hyper-a"), workerNode("w-b", "zone-b", "hyper-b"), workerNode("w-c", "zone-c", "hyper-c")},
			holding: []string{"w-a", "w-b"},
			dead:    "w-c",
			replica: func(name string) *v1.Pod { return pod("shop", name, map[string]string{"app": "web"}) },
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cluster.Reset(t)
			for _, n := range tt.nodes {
				cluster.CreateNode(t, n)
			}
			for i, n := range tt.holding {
				p := tt.replica(fmt.Sprintf("replica-%d", i))
				p.Spec.NodeName = n
				cluster.CreatePod(t, p)
			}
			cluster.SetNodeReadyCondition(t, tt.dead, v1.ConditionFalse, "KubeletNotReady")
			cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml"), "--leader-elect=false")

			// Its zone and host hold no replica: without the rule it is
			// the best scored node by far.
			for i := range 2 {
				name := fmt.Sprintf("new-%d", i)
				cluster.CreatePod(t, tt.replica(name))
				if node := cluster.WaitScheduled(t, tt.replica(name).Namespace, name); node == tt.dead {
					t.Fatalf("%s placed on %s, which is down", name, node)
				}
			}

			// Every node down: the next replica waits and says why.
			for _, n := range tt.nodes {
				cluster.SetNodeReadyCondition(t, n.Name, v1.ConditionUnknown, "NodeStatusUnknown")
			}
			waiting := tt.replica("waiting")
			cluster.CreatePod(t, waiting)
			msg := cluster.WaitUnschedulable(t, waiting.Namespace, waiting.Name)
			if !strings.Contains(msg, failuredomainspread.ErrReasonNodeDown) {
				t.Errorf("condition message %q does not say the nodes are down (%q)", msg, failuredomainspread.ErrReasonNodeDown)
			}
			// The dead node comes back first: the replica goes there.
			cluster.SetNodeReadyCondition(t, tt.dead, v1.ConditionTrue, "KubeletReady")
			if node := cluster.WaitScheduled(t, waiting.Namespace, waiting.Name); node != tt.dead {
				t.Errorf("waiting replica on %s, want %s, the only node up", node, tt.dead)
			}
		})
	}
}
