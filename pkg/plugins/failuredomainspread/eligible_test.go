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

package failuredomainspread

import (
	"testing"

	v1 "k8s.io/api/core/v1"
	fwk "k8s.io/kube-scheduler/framework"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
)

// Eligible domains are those with a node the pod can actually use: a host
// whose only node carries a taint the pod does not tolerate must not keep
// every other host rejected.
func TestFilterEligibilityFollowsTaintsAndTolerations(t *testing.T) {
	hostFull := rejected(hostIDKey, "kube-system/kube-scheduler", "c", 0)
	aAndBFull := map[string]*fwk.Status{"a1": hostFull, "b1": hostFull}
	withC := func(c *st.NodeWrapper) []*v1.Node {
		return []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z1", "b").Obj(), c.Obj()}
	}
	onAB := schedulers("a1", "b1")
	c := func() *st.NodeWrapper { return cpVM("c1", "z1", "c") }
	tolerating := func(key string) *v1.Pod { return scheduler("new").Toleration(key).Obj() }
	runFilterCases(t, []filterCase{
		{name: "disk pressure", nodes: withC(c().Taints([]v1.Taint{diskPressure})), pods: onAB},
		{name: "network unavailable", nodes: withC(c().Taints([]v1.Taint{{Key: v1.TaintNodeNetworkUnavailable, Effect: v1.TaintEffectNoSchedule}})), pods: onAB},
		{name: "not yet initialized by the cloud provider", nodes: withC(c().Taints([]v1.Taint{{Key: "node.cloudprovider.kubernetes.io/uninitialized", Value: "true", Effect: v1.TaintEffectNoSchedule}})), pods: onAB},
		{name: "an operator's NoExecute taint", nodes: withC(c().Taints([]v1.Taint{{Key: "example.com/maintenance", Effect: v1.TaintEffectNoExecute}})), pods: onAB},
		{
			name:  "a taint the pod tolerates keeps the host eligible",
			pod:   tolerating(v1.TaintNodeDiskPressure),
			nodes: withC(c().Taints([]v1.Taint{diskPressure})),
			pods:  onAB,
			want:  aAndBFull,
		},
		{
			name:  "a PreferNoSchedule taint keeps the host eligible",
			nodes: withC(c().Taints([]v1.Taint{{Key: "example.com/soon", Effect: v1.TaintEffectPreferNoSchedule}})),
			pods:  onAB,
			want:  aAndBFull,
		},
		{name: "cordoned", nodes: withC(c().Unschedulable(true)), pods: onAB},
		{
			name:  "cordoned, but the pod tolerates cordons (as NodeUnschedulable lets it)",
			pod:   tolerating(v1.TaintNodeUnschedulable),
			nodes: withC(c().Unschedulable(true)),
			pods:  onAB,
			want:  aAndBFull,
		},
		{
			name:  "outside the pod's node selector",
			pod:   scheduler("new").NodeSelector(map[string]string{zoneKey: "z1", "disk": "ssd"}).Obj(),
			nodes: []*v1.Node{cpVM("a1", "z1", "a").Label("disk", "ssd").Obj(), cpVM("b1", "z1", "b").Label("disk", "ssd").Obj(), c().Obj()},
			pods:  onAB,
		},
		{
			// A dead node cannot run the replica whatever it tolerates.
			name:  "not ready, even for a pod that tolerates every taint",
			pod:   scheduler("new").Toleration("").Obj(),
			nodes: withC(c().Taints([]v1.Taint{notReady})),
			pods:  onAB,
			want:  map[string]*fwk.Status{"c1": down},
		},
		{
			// kube-controller-manager, which adds the not-ready taint, may
			// be down too: the condition alone makes the node dead.
			name:  "Ready condition Unknown and no taint yet (kube-controller-manager down)",
			pod:   scheduler("new").Toleration("").Obj(),
			nodes: withC(c().Condition(v1.NodeReady, v1.ConditionUnknown, "Kubelet stopped posting node status.", "NodeStatusUnknown")),
			pods:  onAB,
			want:  map[string]*fwk.Status{"c1": down},
		},
	})
}
