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

package policy

import (
	"testing"

	v1 "k8s.io/api/core/v1"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
)

func TestIsAvailable(t *testing.T) {
	tests := []struct {
		name string
		pod  *v1.Pod
		want bool
	}{
		{name: "Ready", pod: st.MakePod().Name("p").Condition(v1.PodReady, v1.ConditionTrue, "").Obj(), want: true},
		{name: "Ready among other conditions", pod: st.MakePod().Name("p").
			Condition(v1.PodScheduled, v1.ConditionTrue, "").
			Condition(v1.ContainersReady, v1.ConditionTrue, "").
			Condition(v1.PodReady, v1.ConditionTrue, "").Obj(), want: true},
		{name: "not Ready", pod: st.MakePod().Name("p").Condition(v1.PodReady, v1.ConditionFalse, "ContainersNotReady").Obj()},
		{name: "Ready Unknown", pod: st.MakePod().Name("p").Condition(v1.PodReady, v1.ConditionUnknown, "").Obj()},
		{name: "no Ready condition", pod: st.MakePod().Name("p").Condition(v1.PodScheduled, v1.ConditionTrue, "").Obj()},
		{name: "no conditions at all (pending)", pod: st.MakePod().Name("p").Obj()},
		{name: "running but no Ready condition", pod: st.MakePod().Name("p").Phase(v1.PodRunning).Obj()},
		{name: "containers ready but the pod not", pod: st.MakePod().Name("p").
			Condition(v1.ContainersReady, v1.ConditionTrue, "").
			Condition(v1.PodReady, v1.ConditionFalse, "ReadinessGatesNotReady").Obj()},
		{name: "Ready and terminating", pod: st.MakePod().Name("p").Condition(v1.PodReady, v1.ConditionTrue, "").Terminating().Obj()},
		{name: "not Ready and terminating", pod: st.MakePod().Name("p").Condition(v1.PodReady, v1.ConditionFalse, "").Terminating().Obj()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsAvailable(tt.pod); got != tt.want {
				t.Errorf("IsAvailable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestIsTerminating(t *testing.T) {
	if IsTerminating(st.MakePod().Name("p").Obj()) {
		t.Error("a pod without deletionTimestamp is terminating")
	}
	if !IsTerminating(st.MakePod().Name("p").Terminating().Obj()) {
		t.Error("a pod with deletionTimestamp is not terminating")
	}
}

func TestNodeCanRunPods(t *testing.T) {
	taint := func(key string, effect v1.TaintEffect) []v1.Taint {
		return []v1.Taint{{Key: key, Effect: effect}}
	}
	ready := func(s v1.ConditionStatus) *st.NodeWrapper {
		return st.MakeNode().Name("n").Condition(v1.NodeReady, s, "", "")
	}
	tests := []struct {
		name string
		node *v1.Node
		want bool
	}{
		{name: "Ready True", node: ready(v1.ConditionTrue).Obj(), want: true},
		{name: "Ready False", node: ready(v1.ConditionFalse).Obj()},
		{name: "Ready Unknown (kubelet stopped posting)", node: ready(v1.ConditionUnknown).Obj()},
		{name: "no Ready condition: taken at its word", node: st.MakeNode().Name("n").Obj(), want: true},
		{name: "other conditions only", node: st.MakeNode().Name("n").Condition(v1.NodeMemoryPressure, v1.ConditionFalse, "", "").Obj(), want: true},
		{name: "Ready True among pressure conditions", node: st.MakeNode().Name("n").
			Condition(v1.NodeDiskPressure, v1.ConditionTrue, "", "").
			Condition(v1.NodeReady, v1.ConditionTrue, "", "").Obj(), want: true},

		{name: "unreachable NoExecute", node: ready(v1.ConditionTrue).Taints(taint(v1.TaintNodeUnreachable, v1.TaintEffectNoExecute)).Obj()},
		{name: "unreachable NoSchedule", node: ready(v1.ConditionTrue).Taints(taint(v1.TaintNodeUnreachable, v1.TaintEffectNoSchedule)).Obj()},
		{name: "unreachable PreferNoSchedule", node: ready(v1.ConditionTrue).Taints(taint(v1.TaintNodeUnreachable, v1.TaintEffectPreferNoSchedule)).Obj(), want: true},
		{name: "not-ready NoExecute", node: ready(v1.ConditionTrue).Taints(taint(v1.TaintNodeNotReady, v1.TaintEffectNoExecute)).Obj()},
		{name: "not-ready NoSchedule", node: ready(v1.ConditionTrue).Taints(taint(v1.TaintNodeNotReady, v1.TaintEffectNoSchedule)).Obj()},
		{name: "not-ready PreferNoSchedule", node: ready(v1.ConditionTrue).Taints(taint(v1.TaintNodeNotReady, v1.TaintEffectPreferNoSchedule)).Obj(), want: true},
		{name: "unreachable NoExecute without a Ready condition", node: st.MakeNode().Name("n").Taints(taint(v1.TaintNodeUnreachable, v1.TaintEffectNoExecute)).Obj()},
		{name: "unreachable NoSchedule without a Ready condition", node: st.MakeNode().Name("n").Taints(taint(v1.TaintNodeUnreachable, v1.TaintEffectNoSchedule)).Obj()},

		{name: "other taints do not matter: unschedulable", node: ready(v1.ConditionTrue).Taints(taint(v1.TaintNodeUnschedulable, v1.TaintEffectNoSchedule)).Obj(), want: true},
		{name: "other taints do not matter: disk pressure", node: ready(v1.ConditionTrue).Taints(taint(v1.TaintNodeDiskPressure, v1.TaintEffectNoSchedule)).Obj(), want: true},
		{name: "other taints do not matter: control-plane", node: ready(v1.ConditionTrue).Taints(taint(LabelControlPlane, v1.TaintEffectNoSchedule)).Obj(), want: true},
		{name: "the down taint among others", node: ready(v1.ConditionTrue).Taints([]v1.Taint{
			{Key: LabelControlPlane, Effect: v1.TaintEffectNoSchedule},
			{Key: v1.TaintNodeUnreachable, Effect: v1.TaintEffectNoExecute},
		}).Obj()},
		{name: "Ready False and a PreferNoSchedule taint", node: ready(v1.ConditionFalse).Taints(taint(v1.TaintNodeNotReady, v1.TaintEffectPreferNoSchedule)).Obj()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NodeCanRunPods(tt.node); got != tt.want {
				t.Errorf("NodeCanRunPods = %v, want %v", got, tt.want)
			}
		})
	}
}
