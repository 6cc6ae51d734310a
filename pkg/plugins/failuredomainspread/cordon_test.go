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
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
)

// A cordon reaches no queueing hint (the scheduler reports no event for
// it): the plugin's own node handler activates, through the framework
// handle, the replicas Filter rejected nodes for, when the cordon changes
// their verdict.
func TestCordonActivatesWaitingReplicas(t *testing.T) {
	// Host a holds a replica, host b none: a new replica waits for b.
	nodes := []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z1", "b").Obj(), vm("w1", "z1", "w").Obj()}
	bound := schedulers("a1")
	waiting, placed := scheduler("waiting").Obj(), scheduler("placed").Obj()
	// The API server has the pending replicas too; the scheduler's
	// snapshot has the bound pods only, and keeps the nodes as they were.
	c := startCluster(t, nil, cache.NewSnapshot(bound, nodes), nodes, append([]*v1.Pod{waiting, placed}, bound...))
	infos, err := c.pl.lister.NodeInfos().List()
	require.NoError(t, err)
	aFull := map[string]*fwk.Status{"a1": rejected(hostIDKey, "kube-system/kube-scheduler", "b", 0)}
	for _, pod := range []*v1.Pod{waiting, placed} {
		if diff := cmp.Diff(aFull, filterAll(t, c.ctx, c.pl, framework.NewCycleState(), pod, infos)); diff != "" {
			t.Fatalf("%s: rejected nodes (-want +got):\n%s", pod.Name, diff)
		}
	}
	// placed is reserved on b1: it waits no more.
	require.True(t, c.pl.Reserve(c.ctx, framework.NewCycleState(), placed, "b1").IsSuccess())

	update := func(n *v1.Node) {
		t.Helper()
		_, err := c.client.CoreV1().Nodes().Update(c.ctx, n, metav1.UpdateOptions{})
		require.NoError(t, err)
	}
	// Neither cordoning a worker the replica cannot use nor a label change
	// activates anything; the cordon of the emptiest host's node does. The
	// handler sees the updates in order, so the first activation is the
	// last update's.
	update(vm("w1", "z1", "w").Unschedulable(true).Obj())
	update(cpVM("b1", "z1", "b").Label("x", "y").Obj())
	update(cpVM("b1", "z1", "b").Label("x", "y").Unschedulable(true).Obj())
	select {
	case got := <-c.activated:
		if diff := cmp.Diff([]string{"kube-system/waiting"}, got); diff != "" {
			t.Errorf("activated (-want +got):\n%s", diff)
		}
	case <-time.After(testutil.Wait):
		t.Fatal("the cordon of b1 activated no pod")
	}

	// Until the informer shows the cordon to the scheduler's snapshot too,
	// PreFilter takes it from the watch: host b is not eligible.
	if got := filterAll(t, c.ctx, c.pl, framework.NewCycleState(), waiting, infos); len(got) != 0 {
		t.Errorf("rejected %v after b1 was cordoned, want none", sets.List(sets.KeySet(got)))
	}

	// The binding of the waiting pod ends its wait: a cordon no longer
	// activates it.
	boundNow := waiting.DeepCopy()
	boundNow.Spec.NodeName = "a1"
	_, err = c.client.CoreV1().Pods(boundNow.Namespace).Update(c.ctx, boundNow, metav1.UpdateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(c.pl.cordons.waiters()) == 0 }, testutil.Wait, testutil.Tick, "the bound pod stops waiting")
	update(cpVM("a1", "z1", "a").Unschedulable(true).Obj())
	select {
	case got := <-c.activated:
		t.Errorf("activated %v after the pod was bound, want nothing", got)
	case <-time.After(100 * time.Millisecond):
	}
}

// One cordon watch serves every profile: a replica that waits in the second
// profile is requeued through that profile's handle, by the one node
// handler, and not through the first profile's.
func TestCordonWatchIsSharedByProfiles(t *testing.T) {
	nodes := []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z1", "b").Obj()}
	bound := schedulers("a1")
	waiting := scheduler("waiting").Obj()
	snap := cache.NewSnapshot(bound, nodes)
	c := startCluster(t, nil, snap, nodes, append([]*v1.Pod{waiting}, bound...))
	secondActivated := make(activations, 16)
	second := c.addProfile(t, c.factory, "second", nil, snap, secondActivated)
	require.Same(t, c.pl.cordons, second.cordons, "the profiles share one cordon watch")

	infos, err := second.lister.NodeInfos().List()
	require.NoError(t, err)
	want := map[string]*fwk.Status{"a1": rejected(hostIDKey, "kube-system/kube-scheduler", "b", 0)}
	if diff := cmp.Diff(want, filterAll(t, c.ctx, second, framework.NewCycleState(), waiting, infos)); diff != "" {
		t.Fatalf("rejected nodes in the second profile (-want +got):\n%s", diff)
	}

	_, err = c.client.CoreV1().Nodes().Update(c.ctx, cpVM("b1", "z1", "b").Unschedulable(true).Obj(), metav1.UpdateOptions{})
	require.NoError(t, err)
	select {
	case got := <-secondActivated:
		if diff := cmp.Diff([]string{"kube-system/waiting"}, got); diff != "" {
			t.Errorf("activated by the second profile (-want +got):\n%s", diff)
		}
	case <-time.After(testutil.Wait):
		t.Fatal("the cordon of b1 activated no pod in the second profile")
	}
	select {
	case got := <-c.activated:
		t.Errorf("the first profile activated %v, want nothing: the pod waits in the second", got)
	case <-time.After(100 * time.Millisecond):
	}
}
