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
	"fmt"
	"testing"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// The guard counts what a group should have, not what is left of it
// (issue 11): an etcd StatefulSet of 5 keeps a quorum of 3 however many
// preemptions come one after the other. Counting the members that happen to
// be on nodes instead shrinks the quorum with every victim: 5 → 3 → 2 of 5.
func TestGuardQuorumOfStatefulSetHoldsAcrossSuccessivePreemptions(t *testing.T) {
	var nodes []harness.NodeSpec
	for i := 0; i < 5; i++ {
		nodes = append(nodes, controlPlaneNode(fmt.Sprintf("cp-%d", i), fmt.Sprintf("zone-%d", i%3), fmt.Sprintf("host-%d", i)))
	}
	preemptionCluster(t, nodes...)
	etcdLabels := map[string]string{"component": "etcd"}
	sts := cluster.CreateStatefulSet(t, "kube-system", "etcd", 5, etcdLabels)
	for i := 0; i < 5; i++ {
		occupant(t, harness.OwnedBy(componentPod(fmt.Sprintf("etcd-%d", i), etcdLabels), sts), fmt.Sprintf("cp-%d", i), true)
	}

	// Two may go (5 available, quorum 3), one after the other: no
	// controller recreates them here, so each victim is gone for good.
	for i := 0; i < 2; i++ {
		name := fmt.Sprintf("addon-%d", i)
		cluster.CreatePod(t, preemptor(componentPod(name, map[string]string{"k8s-app": "heapster"}), strictProfile))
		cluster.WaitScheduled(t, "kube-system", name)
	}
	// The third would leave 2 of 5.
	cluster.CreatePod(t, preemptor(componentPod("addon-2", map[string]string{"k8s-app": "heapster"}), strictProfile))
	expectProtected(t, "kube-system", "addon-2",
		"0/5 nodes are available: 5 Insufficient cpu. preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 protected: kube-system/etcd (StatefulSet etcd) must keep 3 of 5 replicas available.")
	left := 0
	for i := 0; i < 5; i++ {
		if cluster.PodExists(t, "kube-system", fmt.Sprintf("etcd-%d", i)) {
			left++
		}
	}
	if left != 3 {
		t.Errorf("%d etcd members left, want 3 (the quorum of the StatefulSet's 5)", left)
	}
}

// A PodDisruptionBudget with `selector: {}` covers every pod of its
// namespace (policy/v1), as the eviction API treats it.
func TestGuardNamespaceWidePodDisruptionBudget(t *testing.T) {
	for _, tt := range []struct {
		profile   string
		protected bool
	}{
		{profile: strictProfile, protected: true},
		{profile: upstreamProfile, protected: false},
	} {
		t.Run(tt.profile, func(t *testing.T) {
			preemptionCluster(t, workerNode("worker-1", "zone-a", "host-1"))
			occupant(t, pod("shop", "batch-0", map[string]string{"app": "batch"}), "worker-1", true)
			cluster.CreatePDB(t, "shop", "everything", nil, 0, 1, 0)

			cluster.CreatePod(t, preemptor(pod("shop", "vip", map[string]string{"app": "vip"}), tt.profile))
			if tt.protected {
				expectProtected(t, "shop", "vip",
					"0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 protected by PodDisruptionBudget shop/everything.")
				if !cluster.PodExists(t, "shop", "batch-0") {
					t.Error("Strict mode broke the namespace-wide PodDisruptionBudget")
				}
				return
			}
			// Upstream reads the empty selector as matching nothing.
			if node := cluster.WaitScheduled(t, "shop", "vip"); node != "worker-1" {
				t.Errorf("vip on %s, want worker-1", node)
			}
		})
	}
}
