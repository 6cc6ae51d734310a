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

package roleindex

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/sets"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

var (
	worker = st.MakeNode().Name("worker-1").Label("node-role.kubernetes.io/node", "").Obj()
	infra  = st.MakeNode().Name("infra-1").Label(policy.LabelInfra, "").Obj()
)

func TestRoleIndexFollowsLabelChanges(t *testing.T) {
	ix := New()
	ix.Upsert(worker)
	if got := ix.Names(policy.RoleControlPlane); got.Len() != 0 {
		t.Fatalf("control-plane = %v, want none", sets.List(got))
	}
	promoted := worker.DeepCopy()
	promoted.Labels[policy.LabelControlPlane] = ""
	ix.Upsert(promoted)
	if got := ix.Names(policy.RoleControlPlane); !got.Equal(sets.New(worker.Name)) {
		t.Fatalf("control-plane = %v, want %s", sets.List(got), worker.Name)
	}
	ix.Upsert(worker)
	if got := ix.Names(policy.RoleControlPlane); got.Len() != 0 {
		t.Fatalf("after demotion control-plane = %v, want none", sets.List(got))
	}
	ix.Upsert(infra)
	ix.Remove(infra)
	if got := ix.Names(policy.RoleInfra); got.Len() != 0 {
		t.Fatalf("after delete infra = %v, want none", sets.List(got))
	}
}
