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

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/klog/v2"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
)

func TestEligibility(t *testing.T) {
	noSchedule := func(key, value string) v1.Taint {
		return v1.Taint{Key: key, Value: value, Effect: v1.TaintEffectNoSchedule}
	}
	notReady := v1.Taint{Key: v1.TaintNodeNotReady, Effect: v1.TaintEffectNoExecute}
	cordon := noSchedule(v1.TaintNodeUnschedulable, "")
	tolerateAll := []v1.Toleration{{Operator: v1.TolerationOpExists}}
	tolerateCordon := []v1.Toleration{{Key: v1.TaintNodeUnschedulable, Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoSchedule}}

	worker := func(name string) *st.NodeWrapper { return st.MakeNode().Name(name) }
	master := func(name string) *st.NodeWrapper { return st.MakeNode().Name(name).Label(LabelControlPlane, "") }
	pod := func() *st.PodWrapper { return st.MakePod().Namespace("kube-system").Name("p") }

	tests := []struct {
		name     string
		pod      *v1.Pod
		roles    RoleSet
		node     *v1.Node
		cordoned sets.Set[string]
		// wantRole: RoleAllows; wantUsable: Usable; wantEligible: Eligible.
		wantRole, wantUsable, wantEligible bool
		wantCordoned, wantTainted          bool
		wantUnusable                       []string
	}{
		{name: "plain worker", pod: pod().Obj(), roles: AllRoles, node: worker("n").Obj(),
			wantRole: true, wantUsable: true, wantEligible: true},
		{name: "role not allowed", pod: pod().Obj(), roles: RolesOf(PlaceWorker), node: master("m").Obj()},
		{name: "control-plane pod on master", pod: pod().Obj(), roles: RolesOf(PlaceControlPlane), node: master("m").Obj(),
			wantRole: true, wantUsable: true, wantEligible: true},
		{name: "node selector does not match", pod: pod().NodeSelector(map[string]string{"disk": "ssd"}).Obj(), roles: AllRoles,
			node: worker("n").Label("disk", "hdd").Obj(), wantRole: true},
		{name: "node selector matches", pod: pod().NodeSelector(map[string]string{"disk": "ssd"}).Obj(), roles: AllRoles,
			node: worker("n").Label("disk", "ssd").Obj(), wantRole: true, wantUsable: true, wantEligible: true},
		{name: "required affinity does not match", pod: pod().NodeAffinityIn(LabelZone, []string{"a"}, st.NodeSelectorTypeMatchExpressions).Obj(), roles: AllRoles,
			node: worker("n").Label(LabelZone, "b").Obj(), wantRole: true},
		{name: "not Ready", pod: pod().Obj(), roles: AllRoles,
			node:     worker("n").Condition(v1.NodeReady, v1.ConditionFalse, "", "").Obj(),
			wantRole: true, wantUsable: true, wantTainted: true, wantUnusable: []string{"node is not Ready"}},
		{name: "not-ready taint, tolerated: still dead", pod: pod().Tolerations(tolerateAll).Obj(), roles: AllRoles,
			node:     worker("n").Taints([]v1.Taint{notReady}).Obj(),
			wantRole: true, wantUsable: true, wantTainted: true, wantUnusable: []string{"node is not Ready"}},
		{name: "cordoned", pod: pod().Obj(), roles: AllRoles,
			node:     worker("n").Unschedulable(true).Taints([]v1.Taint{cordon}).Obj(),
			wantRole: true, wantUsable: true, wantCordoned: true, wantTainted: true, wantUnusable: []string{"node is cordoned (spec.unschedulable)"}},
		{name: "cordoned, tolerated", pod: pod().Tolerations(tolerateCordon).Obj(), roles: AllRoles,
			node:     worker("n").Unschedulable(true).Taints([]v1.Taint{cordon}).Obj(),
			wantRole: true, wantUsable: true, wantEligible: true},
		{name: "cordoned by the informer before the snapshot shows it", pod: pod().Obj(), roles: AllRoles,
			node: worker("n").Obj(), cordoned: sets.New("n"),
			wantRole: true, wantUsable: true, wantCordoned: true, wantUnusable: []string{"node is cordoned (spec.unschedulable)"}},
		{name: "unschedulable taint without spec.unschedulable", pod: pod().Obj(), roles: AllRoles,
			node:     worker("n").Taints([]v1.Taint{cordon}).Obj(),
			wantRole: true, wantUsable: true, wantTainted: true, wantUnusable: []string{"taint node.kubernetes.io/unschedulable:NoSchedule is not tolerated"}},
		{name: "untolerated NoSchedule taint", pod: pod().Obj(), roles: AllRoles,
			node:     worker("n").Taints([]v1.Taint{noSchedule("dedicated", "db")}).Obj(),
			wantRole: true, wantUsable: true, wantTainted: true, wantUnusable: []string{"taint dedicated=db:NoSchedule is not tolerated"}},
		{name: "tolerated NoSchedule taint", pod: pod().Toleration("dedicated").Obj(), roles: AllRoles,
			node:     worker("n").Taints([]v1.Taint{noSchedule("dedicated", "db")}).Obj(),
			wantRole: true, wantUsable: true, wantEligible: true},
		{name: "PreferNoSchedule taint does not count", pod: pod().Obj(), roles: AllRoles,
			node:     worker("n").Taints([]v1.Taint{{Key: "soft", Effect: v1.TaintEffectPreferNoSchedule}}).Obj(),
			wantRole: true, wantUsable: true, wantEligible: true},
		{name: "every reason at once", pod: pod().Obj(), roles: AllRoles,
			node: worker("n").Unschedulable(true).Condition(v1.NodeReady, v1.ConditionUnknown, "", "").
				Taints([]v1.Taint{notReady, cordon, {Key: "gpu", Effect: v1.TaintEffectNoExecute}}).Obj(),
			wantRole: true, wantUsable: true, wantCordoned: true, wantTainted: true,
			wantUnusable: []string{"node is not Ready", "node is cordoned (spec.unschedulable)", "taint gpu:NoExecute is not tolerated"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEligibility(klog.Background(), tt.pod, tt.roles, false)
			e.Cordoned = tt.cordoned
			got := map[string]any{
				"RoleAllows": e.RoleAllows(tt.node), "Usable": e.Usable(tt.node), "Eligible": e.Eligible(tt.node),
				"CordonedFor": e.CordonedFor(tt.node), "Tainted": e.Tainted(tt.node), "Unusable": e.Unusable(tt.node),
			}
			want := map[string]any{
				"RoleAllows": tt.wantRole, "Usable": tt.wantUsable, "Eligible": tt.wantEligible,
				"CordonedFor": tt.wantCordoned, "Tainted": tt.wantTainted, "Unusable": tt.wantUnusable,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// The rule the plugin filters with and the reasons the
			// checker gives must agree.
			if e.Eligible(tt.node) != (e.Usable(tt.node) && len(e.Unusable(tt.node)) == 0) {
				t.Errorf("Eligible %v, but Usable %v and Unusable %q", e.Eligible(tt.node), e.Usable(tt.node), e.Unusable(tt.node))
			}
		})
	}
	if (&Eligibility{}).Usable(nil) {
		t.Error("a nil node is usable")
	}
}
