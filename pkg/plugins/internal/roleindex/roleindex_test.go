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
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

var (
	worker = st.MakeNode().Name("worker-1").Label("node-role.kubernetes.io/node", "").Obj()
	infra  = st.MakeNode().Name("infra-1").Label(policy.LabelInfra, "").Obj()
	master = st.MakeNode().Name("master-1").Label(policy.LabelMaster, "true").Obj()
)

// indexed is what an index holds: the names of its nodes by role.
type indexed map[policy.NodeRole][]string

func contents(ix *Index) indexed {
	out := indexed{}
	for _, role := range []policy.NodeRole{policy.RoleControlPlane, policy.RoleInfra} {
		if names := ix.Names(role); names.Len() > 0 {
			out[role] = sets.List(names)
		}
	}
	return out
}

func promoted(n *v1.Node) *v1.Node {
	p := n.DeepCopy()
	p.Labels[policy.LabelControlPlane] = ""
	return p
}

func TestRoleIndexFollowsLabelChanges(t *testing.T) {
	ix := New()
	for _, step := range []struct {
		name   string
		change func()
		want   indexed
	}{
		{name: "a worker is not indexed", change: func() { ix.Upsert(worker) }, want: indexed{}},
		{name: "promoted to control-plane", change: func() { ix.Upsert(promoted(worker)) }, want: indexed{policy.RoleControlPlane: {"worker-1"}}},
		{name: "demoted again", change: func() { ix.Upsert(worker) }, want: indexed{}},
		{name: "an infra node and a legacy master", change: func() { ix.Upsert(infra); ix.Upsert(master) }, want: indexed{policy.RoleControlPlane: {"master-1"}, policy.RoleInfra: {"infra-1"}}},
		{name: "infra node deleted", change: func() { ix.Remove(infra) }, want: indexed{policy.RoleControlPlane: {"master-1"}}},
		{name: "master deleted, seen as a tombstone", change: func() { ix.Remove(cache.DeletedFinalStateUnknown{Key: "master-1", Obj: master}) }, want: indexed{}},
		{name: "not a node", change: func() { ix.Upsert(&v1.Pod{}); ix.Remove("x") }, want: indexed{}},
	} {
		step.change()
		if diff := cmp.Diff(step.want, contents(ix)); diff != "" {
			t.Errorf("%s: index (-want +got):\n%s", step.name, diff)
		}
	}
}

// Names returns a copy: the caller may hand it on and change it.
func TestNamesIsACopy(t *testing.T) {
	ix := New()
	ix.Upsert(infra)
	ix.Names(policy.RoleInfra).Insert("other")
	if diff := cmp.Diff(indexed{policy.RoleInfra: {"infra-1"}}, contents(ix)); diff != "" {
		t.Errorf("index (-want +got):\n%s", diff)
	}
}

// Shared gives every plugin of a scheduler (one informer factory) the one
// index, fed by the factory's node informer.
func TestSharedFollowsTheNodeInformer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := clientsetfake.NewClientset(worker, infra)
	factory := informers.NewSharedInformerFactory(client, 0)
	ix, err := Shared(ctx, factory)
	require.NoError(t, err)
	again, err := Shared(ctx, factory)
	require.NoError(t, err)
	require.Same(t, ix, again, "one index per informer factory")
	other, err := Shared(ctx, informers.NewSharedInformerFactory(clientsetfake.NewClientset(), 0))
	require.NoError(t, err)
	require.NotSame(t, ix, other, "another factory, another index")

	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	eventually := func(want indexed, msg string) {
		t.Helper()
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			assert.Equal(c, want, contents(ix))
		}, 10*time.Second, 10*time.Millisecond, msg)
	}
	eventually(indexed{policy.RoleInfra: {"infra-1"}}, "the initial list")
	_, err = client.CoreV1().Nodes().Update(ctx, promoted(worker), metav1.UpdateOptions{})
	require.NoError(t, err)
	eventually(indexed{policy.RoleControlPlane: {"worker-1"}, policy.RoleInfra: {"infra-1"}}, "a worker promoted")
	require.NoError(t, client.CoreV1().Nodes().Delete(ctx, infra.Name, metav1.DeleteOptions{}))
	eventually(indexed{policy.RoleControlPlane: {"worker-1"}}, "an infra node deleted")
}
