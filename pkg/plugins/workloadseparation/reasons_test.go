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
	v1 "k8s.io/api/core/v1"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// TestReasonOf: each rejection of policy.Separation has its constant
// reason; a DaemonSet pod of an untrusted namespace is also told which
// setting would let it there.
func TestReasonOf(t *testing.T) {
	pod := st.MakePod().Namespace("calico-system").Name("calico-node-x").Obj()
	hint := `; DaemonSet pods of untrusted namespace "calico-system" are kept off it (add the namespace to trustedNamespaces in the HAPolicy args to allow them)`
	for _, tt := range []struct {
		name    string
		verdict policy.SeparationVerdict
		want    string
	}{
		{name: "reserved for control-plane", verdict: policy.SeparationVerdict{Reason: policy.ReservedForControlPlane}, want: "node(s) are reserved for control-plane components"},
		{name: "reserved for infra", verdict: policy.SeparationVerdict{Reason: policy.ReservedForInfra}, want: "node(s) are reserved for infra components"},
		{name: "not control-plane", verdict: policy.SeparationVerdict{Reason: policy.NotControlPlane}, want: "node(s) are not control-plane nodes, which the pod's component requires"},
		{name: "not infra", verdict: policy.SeparationVerdict{Reason: policy.NotInfra}, want: "node(s) are not infra nodes, which the pod's component requires"},
		{name: "worker reserved", verdict: policy.SeparationVerdict{Reason: policy.WorkerReserved}, want: "node(s) are workers, which the pod's policy keeps it off"},
		{name: "untrusted DaemonSet on control-plane", verdict: policy.SeparationVerdict{Reason: policy.ReservedForControlPlane, UntrustedDaemonSet: true}, want: "node(s) are reserved for control-plane components" + hint},
		{name: "untrusted DaemonSet on infra", verdict: policy.SeparationVerdict{Reason: policy.ReservedForInfra, UntrustedDaemonSet: true}, want: "node(s) are reserved for infra components" + hint},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, reasonOf(pod, tt.verdict)); diff != "" {
				t.Errorf("reason (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNoneOfRoleMessage: PreFilter's reason when no node of the pod's only
// role exists names the component (or the pod when it is none) and the
// role.
func TestNoneOfRoleMessage(t *testing.T) {
	for _, tt := range []struct {
		name  string
		pod   *v1.Pod
		class policy.Class
		role  policy.NodeRole
		want  string
	}{
		{
			name:  "a component, control-plane",
			pod:   st.MakePod().Namespace("kube-system").Name("kube-scheduler-cp-1").Obj(),
			class: policy.Class{Component: "kube-scheduler"},
			role:  policy.RoleControlPlane,
			want:  "kube-system/kube-scheduler must run on a control-plane node; there is none",
		},
		{
			name: "a pod that is no component, infra",
			pod:  st.MakePod().Namespace("kube-system").Name("misc").Obj(),
			role: policy.RoleInfra,
			want: "kube-system/misc must run on an infra node; there is none",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, noneOfRoleMessage(tt.pod, tt.class, tt.role)); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}
