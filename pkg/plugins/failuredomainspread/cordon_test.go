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

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

// A cordon reaches no queueing hint (the scheduler reports no event for
// it): the plugin's own node handler activates the replicas Filter rejected
// nodes for, when the cordon changes their verdict.
func TestCordonActivatesWaitingReplicas(t *testing.T) {
	// Host a holds a replica, host b none: the new replica waits for b.
	nodes := []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z1", "b").Obj(), vm("w1", "z1", "w").Obj()}
	ctx, pl, infos := setup(t, nil, nodes, schedulers("a1"))
	var activated []string
	pl.cordons = newCordonWatch(klog.FromContext(ctx), func(_ klog.Logger, pods map[string]*v1.Pod) {
		for k := range pods {
			activated = append(activated, k)
		}
	})
	waiting, placed := scheduler("waiting").Obj(), scheduler("placed").Obj()
	if len(filterAll(t, ctx, pl, framework.NewCycleState(), waiting, infos)) == 0 {
		t.Fatal("Filter rejected no node: the test needs a replica that waits")
	}
	filterAll(t, ctx, pl, framework.NewCycleState(), placed, infos)
	if s := pl.Reserve(ctx, framework.NewCycleState(), placed, "b1"); !s.IsSuccess() {
		t.Fatal(s)
	}
	cordon := func(n *v1.Node) *v1.Node {
		c := n.DeepCopy()
		c.Spec.Unschedulable = true
		return c
	}
	for _, tt := range []struct {
		name     string
		old, new *v1.Node
		want     []string
	}{
		{name: "a worker the replica cannot use", old: nodes[2], new: cordon(nodes[2])},
		{name: "a label change", old: nodes[1], new: cpVM("b1", "z1", "b").Label("x", "y").Obj()},
		{name: "the emptiest host's node", old: nodes[1], new: cordon(nodes[1]), want: []string{"kube-system/waiting"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			activated = nil
			pl.nodeUpdated(tt.old, tt.new)
			if diff := cmp.Diff(tt.want, activated); diff != "" {
				t.Errorf("activated (-want +got):\n%s", diff)
			}
		})
	}
	// Until the informer shows the cordon to the scheduler's snapshot too,
	// PreFilter takes it from the watch: host b is not eligible.
	if got := filterAll(t, ctx, pl, framework.NewCycleState(), waiting, infos); len(got) != 0 {
		t.Errorf("rejected %v after b1 was cordoned, want none", sets.List(sets.KeySet(got)))
	}
	// A bound pod stops waiting.
	bound := waiting.DeepCopy()
	bound.Spec.NodeName = "a1"
	pl.cordons.done(bound)
	activated = nil
	pl.nodeUpdated(nodes[0], cordon(nodes[0]))
	if diff := cmp.Diff([]string(nil), activated); diff != "" {
		t.Errorf("activated after the pod was bound (-want +got):\n%s", diff)
	}
}
