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
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/roleindex"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

func TestEventsToRegister(t *testing.T) {
	ctx, pl, _ := setup(t, nil, nil, nil)
	got, err := pl.EventsToRegister(ctx)
	require.NoError(t, err)
	want := []fwk.ClusterEventWithHint{
		{Event: fwk.ClusterEvent{Resource: fwk.AssignedPod, ActionType: fwk.Add | fwk.Update | fwk.Delete}, QueueingHintFn: hinted},
		{Event: fwk.ClusterEvent{Resource: fwk.TargetPod, ActionType: fwk.UpdatePodLabel}, QueueingHintFn: hinted},
		{Event: fwk.ClusterEvent{Resource: fwk.Node, ActionType: fwk.Add | fwk.Delete | fwk.UpdateNodeLabel | fwk.UpdateNodeTaint | fwk.UpdateNodeCondition}, QueueingHintFn: hinted},
	}
	if diff := cmp.Diff(want, got, clusterEventCmpOpts...); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestQueueingHints(t *testing.T) {
	logger, _ := ktesting.NewTestContext(t)
	_, pl, _ := setup(t, nil, nil, nil)
	pod := scheduler("new").Obj()
	replica := scheduler("s1").Node("cp-a1").Obj()
	relabelled := scheduler("s1").Node("cp-a1").Label("tier", "x").Obj()
	regrouped := st.MakePod().Namespace("kube-system").Name("s1").Label("component", "etcd").Node("cp-a1").Obj()
	terminating := scheduler("s1").Node("cp-a1").Terminating().Obj()
	stranger := web("w").Node("cp-a1").Obj()
	t.Run("assigned pods", func(t *testing.T) {
		for _, tt := range []struct {
			name     string
			old, new *v1.Pod
			want     fwk.QueueingHint
		}{
			{name: "replica added", new: replica, want: fwk.Queue},
			{name: "replica deleted", old: replica, want: fwk.Queue},
			{name: "replica starts terminating", old: replica, new: terminating, want: fwk.Queue},
			{name: "terminating replica deleted", old: terminating, want: fwk.QueueSkip},
			{name: "replica leaves the group", old: replica, new: regrouped, want: fwk.Queue},
			{name: "unrelated label on a replica", old: replica, new: relabelled, want: fwk.QueueSkip},
			{name: "pod of another group added", new: stranger, want: fwk.QueueSkip},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := pl.isSchedulableAfterAssignedPodChange(logger, pod, asAny(tt.old), asAny(tt.new))
				require.NoError(t, err)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("hint (-want +got):\n%s", diff)
				}
			})
		}
	})
	t.Run("target pod", func(t *testing.T) {
		for _, tt := range []struct {
			name     string
			old, new *v1.Pod
			want     fwk.QueueingHint
		}{
			{name: "unrelated label", old: pod, new: scheduler("new").Label("tier", "x").Obj(), want: fwk.QueueSkip},
			{name: "other component", old: pod, new: st.MakePod().Namespace("kube-system").Name("new").Label("component", "kube-dns").Obj(), want: fwk.Queue},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := pl.isSchedulableAfterTargetPodChange(logger, tt.old, tt.old, tt.new)
				require.NoError(t, err)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("hint (-want +got):\n%s", diff)
				}
			})
		}
	})
	t.Run("nodes", func(t *testing.T) {
		cp := cpVM("cp-b1", "z1", "b").Obj()
		for _, tt := range []struct {
			name     string
			pod      *v1.Pod
			old, new *v1.Node
			want     fwk.QueueingHint
		}{
			{name: "control-plane node added", new: cp, want: fwk.Queue},
			{name: "control-plane node deleted", old: cp, want: fwk.Queue},
			{name: "worker added", new: vm("w", "z1", "c").Obj(), want: fwk.QueueSkip},
			{name: "node added outside the pod's node selector", pod: scheduler("new").NodeSelector(map[string]string{hostIDKey: "a"}).Obj(), new: cp, want: fwk.QueueSkip},
			{name: "host-id changed", old: cp, new: cpVM("cp-b1", "z1", "c").Obj(), want: fwk.Queue},
			{name: "unrelated label", old: cp, new: cpVM("cp-b1", "z1", "b").Label("x", "y").Obj(), want: fwk.QueueSkip},
			{name: "node became not ready", old: cp, new: cpVM("cp-b1", "z1", "b").Taints([]v1.Taint{notReady}).Obj(), want: fwk.Queue},
			{name: "node uncordoned", old: cpVM("cp-b1", "z1", "b").Unschedulable(true).Obj(), new: cp, want: fwk.Queue},
			// Any NoSchedule taint the pod does not tolerate makes the node
			// ineligible (TestQueueingHintNodeOutage has the tolerated ones).
			{name: "untolerated taint", old: cp, new: cpVM("cp-b1", "z1", "b").Taints([]v1.Taint{{Key: "x", Effect: v1.TaintEffectNoSchedule}}).Obj(), want: fwk.Queue},
			{name: "worker promoted to control-plane", old: vm("cp-b1", "z1", "b").Obj(), new: cp, want: fwk.Queue},
		} {
			t.Run(tt.name, func(t *testing.T) {
				p := pod
				if tt.pod != nil {
					p = tt.pod
				}
				got, err := pl.isSchedulableAfterNodeChange(logger, p, asAny(tt.old), asAny(tt.new))
				require.NoError(t, err)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("hint (-want +got):\n%s", diff)
				}
			})
		}
	})
}

// A Required replica waiting because a host is the emptiest must be retried
// when that host is cordoned or tainted.
func TestQueueingHintNodeOutage(t *testing.T) {
	logger, _ := ktesting.NewTestContext(t)
	_, pl, _ := setup(t, nil, nil, nil)
	node := func() *st.NodeWrapper { return cpVM("cp-c1", "z1", "c") }
	cordoned := node().Unschedulable(true)
	for _, tt := range []struct {
		name     string
		pod      *v1.Pod
		old, new *v1.Node
		want     fwk.QueueingHint
	}{
		{name: "cordon", old: node().Obj(), new: cordoned.Obj(), want: fwk.Queue},
		{name: "uncordon", old: cordoned.Obj(), new: node().Obj(), want: fwk.Queue},
		{
			// The cordon itself sends the queue no event; the node
			// lifecycle controller's taint that follows does.
			name: "unschedulable taint added to a cordoned node",
			old:  cordoned.Obj(), new: node().Unschedulable(true).Taints([]v1.Taint{unschedulableTaint}).Obj(),
			want: fwk.Queue,
		},
		{name: "disk-pressure taint added", old: node().Obj(), new: node().Taints([]v1.Taint{diskPressure}).Obj(), want: fwk.Queue},
		{name: "disk-pressure taint removed", old: node().Taints([]v1.Taint{diskPressure}).Obj(), new: node().Obj(), want: fwk.Queue},
		{name: "operator NoExecute taint added", old: node().Obj(), new: node().Taints([]v1.Taint{{Key: "example.com/maintenance", Effect: v1.TaintEffectNoExecute}}).Obj(), want: fwk.Queue},
		{
			name: "tolerated taint added",
			pod:  scheduler("new").Toleration(v1.TaintNodeDiskPressure).Obj(),
			old:  node().Obj(), new: node().Taints([]v1.Taint{diskPressure}).Obj(),
			want: fwk.QueueSkip,
		},
		{name: "PreferNoSchedule taint added", old: node().Obj(), new: node().Taints([]v1.Taint{{Key: "x", Effect: v1.TaintEffectPreferNoSchedule}}).Obj(), want: fwk.QueueSkip},
		{
			name: "Ready condition turns Unknown (no taint: kube-controller-manager down)",
			old:  node().Condition(v1.NodeReady, v1.ConditionTrue, "", "KubeletReady").Obj(),
			new:  node().Condition(v1.NodeReady, v1.ConditionUnknown, "", "NodeStatusUnknown").Obj(),
			want: fwk.Queue,
		},
		{
			name: "Ready again",
			old:  node().Condition(v1.NodeReady, v1.ConditionFalse, "", "KubeletNotReady").Obj(),
			new:  node().Condition(v1.NodeReady, v1.ConditionTrue, "", "KubeletReady").Obj(),
			want: fwk.Queue,
		},
		{name: "unrelated node cordoned (a worker)", old: vm("w1", "z1", "w").Obj(), new: vm("w1", "z1", "w").Unschedulable(true).Obj(), want: fwk.QueueSkip},
		{name: "unrelated node tainted (a worker)", old: vm("w1", "z1", "w").Obj(), new: vm("w1", "z1", "w").Taints([]v1.Taint{diskPressure}).Obj(), want: fwk.QueueSkip},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pod := tt.pod
			if pod == nil {
				pod = scheduler("new").Obj()
			}
			got, err := pl.isSchedulableAfterNodeChange(logger, pod, asAny(tt.old), asAny(tt.new))
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hint (-want +got):\n%s", diff)
			}
		})
	}
}

// The scheduler may requeue a pod for a new control-plane node before the
// plugin's own informer handler has indexed it: the hint indexes it, so the
// next PreFilter counts the new host as eligible.
func TestQueueingHintIndexesTheNode(t *testing.T) {
	logger, _ := ktesting.NewTestContext(t)
	// The informers hold no node: only the hint can index it.
	_, pl, _ := setup(t, nil, nil, nil)
	newNode := cpVM("cp-new", "z1", "new").Obj()
	_, err := pl.isSchedulableAfterNodeChange(logger, scheduler("new").Obj(), nil, newNode)
	require.NoError(t, err)
	if diff := cmp.Diff([]string{"cp-new"}, sortedNames(pl.roles, policy.RoleControlPlane)); diff != "" {
		t.Errorf("indexed control-plane nodes (-want +got):\n%s", diff)
	}
	_, err = pl.isSchedulableAfterNodeChange(logger, scheduler("new").Obj(), newNode, nil)
	require.NoError(t, err)
	if diff := cmp.Diff([]string(nil), sortedNames(pl.roles, policy.RoleControlPlane)); diff != "" {
		t.Errorf("indexed control-plane nodes after deletion (-want +got):\n%s", diff)
	}
}

// asAny keeps a nil pointer a nil interface, as the queue passes them.
func asAny[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

// clusterEventCmpOpts compare the events and whether each has a queueing
// hint (functions cannot be compared).
var clusterEventCmpOpts = []cmp.Option{
	cmpopts.EquateComparable(fwk.ClusterEvent{}),
	cmp.Comparer(func(a, b fwk.QueueingHintFn) bool { return (a == nil) == (b == nil) }),
}

// hinted stands for a queueing hint in the events a test wants.
func hinted(klog.Logger, *v1.Pod, any, any) (fwk.QueueingHint, error) { return fwk.Queue, nil }

func sortedNames(ix *roleindex.Index, role policy.NodeRole) []string {
	names := ix.Names(role)
	if names.Len() == 0 {
		return nil
	}
	return sets.List(names)
}
