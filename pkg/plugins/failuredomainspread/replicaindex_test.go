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
	"fmt"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/types"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The replica index must count exactly what the walk over every pod
// counts, for every group, after the informer events of a busy cluster:
// bound pods, terminating pods, DaemonSet pods, components, assumed pods.
func TestReplicaIndexAgreesWithWalk(t *testing.T) {
	nodes, pods := benchCluster(60)
	pods = append(pods,
		scheduler("sched-0").Node("node-00001").Obj(),
		scheduler("sched-1").Node("node-00005").Obj(),
		scheduler("sched-gone").Node("node-00009").Terminating().Obj(),
		web("web-ds").Node("node-00002").OwnerReference("agent", daemonSetGVK).Obj(),
		web("web-rs").Node("node-00003").OwnerReference("web-abc", replicaSetGVK).Obj(),
	)
	for _, p := range pods {
		if p.UID == "" {
			p.UID = types.UID(p.Namespace + "/" + p.Name)
		}
	}
	ctx, pl, infos := setup(t, nil, nodes, pods)
	ix := newReplicaIndex(pl.policy)
	ix.synced = func() bool { return true }
	// Informer events: every pod added; one later deleted; one updated to
	// terminating; one pending pod reserved on a node.
	for _, p := range pods {
		ix.observe(p)
	}
	pending := web("web-pending").UID("web-pending").Obj()
	ix.observe(pending) // unbound: not counted
	ix.assume(pending, "node-00004")
	gone := web("web-deleted").UID("web-deleted").Node("node-00010").Obj()
	ix.observe(gone)
	ix.set(gone.UID, placement{})
	pl.replicas = ix

	walkPods := append(slices.Clone(pods), st.MakePod().Namespace("shop").Name("web-pending").UID("web-pending").Label("app", "web").Node("node-00004").Obj())
	_, walkPl, walkInfos := setup(t, nil, nodes, walkPods)

	// Probe every group the cluster has, and one it does not.
	probed := map[string]bool{}
	for _, probe := range append(walkPods, web("probe").Label("app", "nothing-here").Obj()) {
		c, _ := pl.classify(probe)
		m := newGroupMatcher(pl.policy, probe, c)
		group := policy.GroupOf(probe, c)
		if probed[group] {
			continue
		}
		probed[group] = true
		gotCounts, gotTotal := pl.countGroup(ctx, m, group, infos)
		wantCounts, wantTotal := walkPl.countReplicas(ctx, m, walkInfos)
		if gotTotal != wantTotal || fmt.Sprint(gotCounts) != fmt.Sprint(wantCounts) {
			t.Errorf("group %s: index %d %v, walk %d %v", group, gotTotal, gotCounts, wantTotal, wantCounts)
		}
	}

	// Unreserve forgets the assumed pod; a tombstone delete forgets a bound one.
	ix.forget(pending)
	deleted := scheduler("sched-0").Node("node-00001").Obj()
	ix.set(deleted.UID, placement{}) // what DeleteFunc does
	c, _ := pl.classify(scheduler("probe").Obj())
	if _, total := pl.countFromIndex(policy.GroupOf(scheduler("probe").Obj(), c)); total != 1 {
		t.Errorf("kube-scheduler replicas after delete = %d, want 1", total)
	}
}
