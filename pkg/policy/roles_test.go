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
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
)

func TestRoleOf(t *testing.T) {
	tests := []struct {
		name string
		node *v1.Node
		want NodeRole
	}{
		{name: "control-plane label, kubeadm's empty value", node: st.MakeNode().Name("cp-1").Label(LabelControlPlane, "").Obj(), want: RoleControlPlane},
		{name: "control-plane label, any value", node: st.MakeNode().Name("cp-1").Label(LabelControlPlane, "false").Obj(), want: RoleControlPlane},
		{name: "legacy master label", node: st.MakeNode().Name("m-1").Label(LabelMaster, "").Obj(), want: RoleControlPlane},
		{name: "both control-plane labels", node: st.MakeNode().Name("cp-1").Label(LabelControlPlane, "").Label(LabelMaster, "").Obj(), want: RoleControlPlane},
		{name: "infra label", node: st.MakeNode().Name("infra-1").Label(LabelInfra, "").Obj(), want: RoleInfra},
		{name: "infra label with a value", node: st.MakeNode().Name("infra-1").Label(LabelInfra, "true").Obj(), want: RoleInfra},
		{name: "control-plane and infra: control-plane", node: st.MakeNode().Name("cp-1").Label(LabelInfra, "").Label(LabelControlPlane, "").Obj(), want: RoleControlPlane},
		{name: "master and infra: control-plane", node: st.MakeNode().Name("m-1").Label(LabelInfra, "").Label(LabelMaster, "").Obj(), want: RoleControlPlane},
		{name: "no role label: worker", node: st.MakeNode().Name("w-1").Label(LabelHostname, "w-1").Obj(), want: RoleWorker},
		{name: "worker role label: worker", node: st.MakeNode().Name("w-1").Label("node-role.kubernetes.io/worker", "").Obj(), want: RoleWorker},
		{name: "another role label: worker", node: st.MakeNode().Name("w-1").Label("node-role.kubernetes.io/ingress", "").Obj(), want: RoleWorker},
		{name: "a look-alike key is not the label", node: st.MakeNode().Name("w-1").Label("node-role.kubernetes.io/control-plane-x", "").Label("example.com/master", "").Obj(), want: RoleWorker},
		{name: "no labels at all", node: st.MakeNode().Name("w-1").Obj(), want: RoleWorker},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RoleOf(tt.node.Labels); got != tt.want {
				t.Errorf("RoleOf = %s, want %s", got, tt.want)
			}
		})
	}
	if got := RoleOf(nil); got != RoleWorker {
		t.Errorf("RoleOf(nil) = %s, want %s", got, RoleWorker)
	}
}

func TestNodeRoleString(t *testing.T) {
	tests := []struct {
		role NodeRole
		want string
	}{
		{RoleControlPlane, "control-plane"},
		{RoleInfra, "infra"},
		{RoleWorker, "worker"},
	}
	for _, tt := range tests {
		if got := tt.role.String(); got != tt.want {
			t.Errorf("%q.String() = %q, want %q", string(tt.role), got, tt.want)
		}
	}
}

// TestRolesOf: the roles each nodeRole allows, as Allows sees them.
func TestRolesOf(t *testing.T) {
	type allows struct{ ControlPlane, Infra, Worker bool }
	tests := []struct {
		placement Placement
		want      allows
	}{
		{PlaceControlPlane, allows{ControlPlane: true}},
		{PlaceInfra, allows{Infra: true}},
		{PlaceWorker, allows{Worker: true}},
		{PlaceAny, allows{ControlPlane: true, Infra: true, Worker: true}},
	}
	for _, tt := range tests {
		t.Run(string(tt.placement), func(t *testing.T) {
			s := RolesOf(tt.placement)
			got := allows{ControlPlane: s.Allows(RoleControlPlane), Infra: s.Allows(RoleInfra), Worker: s.Allows(RoleWorker)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RolesOf(%s) allows (-want +got):\n%s", tt.placement, diff)
			}
		})
	}
	if RolesOf(PlaceAny) != AllRoles {
		t.Errorf("RolesOf(Any) = %b, want AllRoles %b", RolesOf(PlaceAny), AllRoles)
	}
}

// TestRoleSet: With, Allows and Only over sets built from bits.
func TestRoleSet(t *testing.T) {
	type result struct {
		ControlPlane, Infra, Worker bool
		Only                        NodeRole
		IsSingle                    bool
	}
	eval := func(s RoleSet) result {
		r := result{ControlPlane: s.Allows(RoleControlPlane), Infra: s.Allows(RoleInfra), Worker: s.Allows(RoleWorker)}
		r.Only, r.IsSingle = s.Only()
		return r
	}
	tests := []struct {
		name string
		set  RoleSet
		want result
	}{
		{name: "empty", set: 0, want: result{}},
		{name: "control-plane", set: roleBitControlPlane, want: result{ControlPlane: true, Only: RoleControlPlane, IsSingle: true}},
		{name: "infra", set: roleBitInfra, want: result{Infra: true, Only: RoleInfra, IsSingle: true}},
		{name: "worker", set: roleBitWorker, want: result{Worker: true, Only: RoleWorker, IsSingle: true}},
		{name: "empty with control-plane", set: RoleSet(0).With(RoleControlPlane), want: result{ControlPlane: true, Only: RoleControlPlane, IsSingle: true}},
		{name: "worker with control-plane (compact mode)", set: roleBitWorker.With(RoleControlPlane), want: result{ControlPlane: true, Worker: true}},
		{name: "infra with worker", set: roleBitInfra.With(RoleWorker), want: result{Infra: true, Worker: true}},
		{name: "with is idempotent", set: roleBitInfra.With(RoleInfra).With(RoleInfra), want: result{Infra: true, Only: RoleInfra, IsSingle: true}},
		{name: "every role, step by step", set: RoleSet(0).With(RoleWorker).With(RoleInfra).With(RoleControlPlane), want: result{ControlPlane: true, Infra: true, Worker: true}},
		{name: "AllRoles", set: AllRoles, want: result{ControlPlane: true, Infra: true, Worker: true}},
		{name: "AllRoles with control-plane stays AllRoles", set: AllRoles.With(RoleControlPlane), want: result{ControlPlane: true, Infra: true, Worker: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, eval(tt.set)); diff != "" {
				t.Errorf("set %03b (-want +got):\n%s", tt.set, diff)
			}
		})
	}
	// With does not change the set it is called on.
	s := roleBitWorker
	_ = s.With(RoleControlPlane)
	require.Equal(t, roleBitWorker, s, "With changed its receiver")
}

func TestPlacementValid(t *testing.T) {
	tests := []struct {
		in   Placement
		want bool
	}{
		{in: "ControlPlane", want: true},
		{in: "Infra", want: true},
		{in: "Worker", want: true},
		{in: "Any", want: true},
		{in: ""},
		{in: "controlplane"},
		{in: "control-plane"},
		{in: "Master"},
		{in: "any"},
		{in: " Any"},
		{in: "Worker,Infra"},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			require.Equal(t, tt.want, tt.in.Valid())
		})
	}
}
