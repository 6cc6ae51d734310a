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

package workloadseparation

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
	"k8s.io/kubernetes/pkg/scheduler/framework"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

func TestEventsToRegister(t *testing.T) {
	ctx, pl := newPlugin(t, nil)
	got, err := pl.EventsToRegister(ctx)
	require.NoError(t, err)
	want := []fwk.ClusterEventWithHint{
		{Event: fwk.ClusterEvent{Resource: fwk.Node, ActionType: fwk.Add | fwk.UpdateNodeLabel}, QueueingHintFn: hinted},
	}
	if diff := cmp.Diff(want, got, clusterEventCmpOpts...); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// clusterEventCmpOpts compare the events and whether each has a queueing
// hint (functions cannot be compared).
var clusterEventCmpOpts = []cmp.Option{
	cmpopts.EquateComparable(fwk.ClusterEvent{}),
	cmp.Comparer(func(a, b fwk.QueueingHintFn) bool { return (a == nil) == (b == nil) }),
}

// hinted stands for a queueing hint in the events a test wants.
func hinted(klog.Logger, *v1.Pod, any, any) (fwk.QueueingHint, error) { return fwk.Queue, nil }

func TestQueueingHint(t *testing.T) {
	cpPod := st.MakePod().Namespace("kube-system").Label("component", "kube-scheduler").Obj()
	userPod := st.MakePod().Namespace("default").Obj()
	promoted := worker.DeepCopy()
	promoted.Labels[policy.LabelControlPlane] = ""
	relabelled := controlPlane.DeepCopy()
	relabelled.Labels["other"] = "x"
	tests := []struct {
		name     string
		pod      *v1.Pod
		old, new *v1.Node
		want     fwk.QueueingHint
	}{
		{name: "worker labelled control-plane requeues control-plane pod", pod: cpPod, old: worker, new: promoted, want: fwk.Queue},
		{name: "new control-plane node requeues control-plane pod", pod: cpPod, new: controlPlane, want: fwk.Queue},
		{name: "new worker does not requeue control-plane pod", pod: cpPod, new: worker, want: fwk.QueueSkip},
		{name: "unrelated label on control-plane node", pod: cpPod, old: controlPlane, new: relabelled, want: fwk.QueueSkip},
		{name: "control-plane label removed requeues user pod", pod: userPod, old: promoted, new: worker, want: fwk.Queue},
		{name: "new control-plane node does not requeue user pod", pod: userPod, new: controlPlane, want: fwk.QueueSkip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, pl := newPlugin(t, nil)
			logger, _ := ktesting.NewTestContext(t)
			var oldObj any
			if tt.old != nil {
				oldObj = tt.old
			}
			got, err := pl.isSchedulableAfterNodeChange(logger, tt.pod, oldObj, tt.new)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hint (-want +got):\n%s", diff)
			}
		})
	}
}

// The hint feeds the role index, so a pod requeued by a node change finds
// the node even before the plugin's own informer handler has run.
func TestQueueingHintFeedsRoleIndex(t *testing.T) {
	ctx, pl := newPlugin(t, nil)
	logger, _ := ktesting.NewTestContext(t)
	promoted := worker.DeepCopy()
	promoted.Labels[policy.LabelControlPlane] = ""
	pod := st.MakePod().Namespace("kube-system").Label("component", "kube-scheduler").Obj()
	_, err := pl.isSchedulableAfterNodeChange(logger, pod, worker, promoted)
	require.NoError(t, err)
	// PreFilter is given no node: only the index can know the new master.
	got, status := pl.PreFilter(ctx, framework.NewCycleState(), pod, nil)
	if diff := cmp.Diff((*fwk.Status)(nil), status); diff != "" {
		t.Errorf("PreFilter status (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&fwk.PreFilterResult{NodeNames: sets.New(worker.Name)}, got); diff != "" {
		t.Errorf("PreFilterResult (-want +got):\n%s", diff)
	}
}
