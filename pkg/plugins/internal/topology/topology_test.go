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

package topology

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// levels are the default policy's: zone, physical host, node.
var levels = []string{policy.LabelZone, policy.LabelHostID, policy.LabelHostname}

// vm is a node on host in zone; "" leaves the label off.
func vm(name, zone, host string) *st.NodeWrapper {
	n := st.MakeNode().Name(name).UID("uid-"+name).Label(policy.LabelHostname, name)
	if zone != "" {
		n.Label(policy.LabelZone, zone)
	}
	if host != "" {
		n.Label(policy.LabelHostID, host)
	}
	return n
}

// cmpRecord compares records by what the plugins read (not the object each
// was made of).
var cmpRecord = cmpopts.IgnoreUnexported(Node{})

// TestRecord: a node's record is its role, whether it can run pods, its
// domain at each level and the domains' numbers, interned per level in the
// order the index first sees them.
func TestRecord(t *testing.T) {
	tests := []struct {
		name   string
		levels []string
		// nodes are recorded in this order; want is each one's record.
		nodes []*v1.Node
		want  []Node
	}{
		{
			name:   "roles: control-plane (also the legacy master label), infra, worker",
			levels: levels,
			nodes: []*v1.Node{
				vm("cp", "z1", "a").Label(policy.LabelControlPlane, "").Obj(),
				vm("master", "z1", "a").Label(policy.LabelMaster, "true").Obj(),
				vm("infra", "z1", "a").Label(policy.LabelInfra, "").Obj(),
				vm("worker", "z1", "a").Label("node-role.kubernetes.io/node", "").Obj(),
			},
			want: []Node{
				{Role: policy.RoleControlPlane, Alive: true, Domains: []string{"z1", "a", "cp"}, IDs: []uint32{0, 0, 0}},
				{Role: policy.RoleControlPlane, Alive: true, Domains: []string{"z1", "a", "master"}, IDs: []uint32{0, 0, 1}},
				{Role: policy.RoleInfra, Alive: true, Domains: []string{"z1", "a", "infra"}, IDs: []uint32{0, 0, 2}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "a", "worker"}, IDs: []uint32{0, 0, 3}},
			},
		},
		{
			name:   "alive: Ready, no Ready condition at all; dead: Ready False or Unknown, the not-ready or unreachable taint",
			levels: levels,
			nodes: []*v1.Node{
				vm("ready", "z1", "a").Condition(v1.NodeReady, v1.ConditionTrue, "", "KubeletReady").Obj(),
				vm("unreported", "z1", "a").Obj(),
				vm("not-ready", "z1", "a").Condition(v1.NodeReady, v1.ConditionFalse, "", "KubeletNotReady").Obj(),
				vm("unknown", "z1", "a").Condition(v1.NodeReady, v1.ConditionUnknown, "", "NodeStatusUnknown").Obj(),
				vm("tainted", "z1", "a").Taints([]v1.Taint{{Key: v1.TaintNodeNotReady, Effect: v1.TaintEffectNoSchedule}}).Obj(),
				vm("unreachable", "z1", "a").Taints([]v1.Taint{{Key: v1.TaintNodeUnreachable, Effect: v1.TaintEffectNoExecute}}).
					Condition(v1.NodeReady, v1.ConditionTrue, "", "KubeletReady").Obj(),
				// A PreferNoSchedule not-ready taint is no verdict.
				vm("soon", "z1", "a").Taints([]v1.Taint{{Key: v1.TaintNodeNotReady, Effect: v1.TaintEffectPreferNoSchedule}}).Obj(),
			},
			want: []Node{
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "a", "ready"}, IDs: []uint32{0, 0, 0}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "a", "unreported"}, IDs: []uint32{0, 0, 1}},
				{Role: policy.RoleWorker, Alive: false, Domains: []string{"z1", "a", "not-ready"}, IDs: []uint32{0, 0, 2}},
				{Role: policy.RoleWorker, Alive: false, Domains: []string{"z1", "a", "unknown"}, IDs: []uint32{0, 0, 3}},
				{Role: policy.RoleWorker, Alive: false, Domains: []string{"z1", "a", "tainted"}, IDs: []uint32{0, 0, 4}},
				{Role: policy.RoleWorker, Alive: false, Domains: []string{"z1", "a", "unreachable"}, IDs: []uint32{0, 0, 5}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "a", "soon"}, IDs: []uint32{0, 0, 6}},
			},
		},
		{
			name:   "one number per domain and level, the same for every node of the domain",
			levels: levels,
			nodes: []*v1.Node{
				vm("a1", "z1", "a").Obj(), vm("a2", "z1", "a").Obj(), vm("b1", "z1", "b").Obj(),
				vm("c1", "z2", "c").Obj(), vm("b2", "z1", "b").Obj(),
			},
			want: []Node{
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "a", "a1"}, IDs: []uint32{0, 0, 0}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "a", "a2"}, IDs: []uint32{0, 0, 1}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "b", "b1"}, IDs: []uint32{0, 1, 2}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"z2", "c", "c1"}, IDs: []uint32{1, 2, 3}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "b", "b2"}, IDs: []uint32{0, 1, 4}},
			},
		},
		{
			// Numbers are per level: host "z1" is not zone "z1".
			name:   "a value that names domains at two levels gets a number at each",
			levels: levels,
			nodes:  []*v1.Node{vm("n1", "x", "y").Obj(), vm("n2", "y", "x").Obj()},
			want: []Node{
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"x", "y", "n1"}, IDs: []uint32{0, 0, 0}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"y", "x", "n2"}, IDs: []uint32{1, 1, 1}},
			},
		},
		{
			// policy.DomainOf: a node without host-id is its own host; one
			// without a zone label shares the one unlabelled zone.
			name:   "unlabelled nodes: their own host, one shared unlabelled zone",
			levels: levels,
			nodes:  []*v1.Node{vm("u1", "", "").Obj(), vm("u2", "", "").Obj(), vm("h1", "", "h").Label(policy.LabelZone, "").Obj()},
			want: []Node{
				{Role: policy.RoleWorker, Alive: true, Domains: []string{policy.Unlabelled, "u1", "u1"}, IDs: []uint32{0, 0, 0}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{policy.Unlabelled, "u2", "u2"}, IDs: []uint32{0, 1, 1}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{policy.Unlabelled, "h", "h1"}, IDs: []uint32{0, 2, 2}},
			},
		},
		{
			name:   "custom levels: region and rack",
			levels: []string{policy.LabelRegion, "example.com/rack"},
			nodes: []*v1.Node{
				vm("r1", "z1", "a").Label(policy.LabelRegion, "eu").Label("example.com/rack", "r1").Obj(),
				vm("r2", "z1", "a").Label(policy.LabelRegion, "eu").Obj(),
			},
			want: []Node{
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"eu", "r1"}, IDs: []uint32{0, 0}},
				{Role: policy.RoleWorker, Alive: true, Domains: []string{"eu", policy.Unlabelled}, IDs: []uint32{0, 1}},
			},
		},
		{
			name:  "no levels: role and liveness only",
			nodes: []*v1.Node{vm("cp", "z1", "a").Label(policy.LabelControlPlane, "").Obj()},
			want:  []Node{{Role: policy.RoleControlPlane, Alive: true, Domains: []string{}, IDs: []uint32{}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := New(tt.levels)
			got := make([]Node, 0, len(tt.nodes))
			for _, n := range tt.nodes {
				ix.upsert(n)
				got = append(got, *ix.Of(n))
			}
			if diff := cmp.Diff(tt.want, got, cmpRecord); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			// ID gives a domain seen before its number.
			for i, rec := range got {
				for l, d := range rec.Domains {
					if id := ix.ID(l, d); id != rec.IDs[l] {
						t.Errorf("ID(%d, %q) = %d, want node %d's %d", l, d, id, i, rec.IDs[l])
					}
				}
			}
		})
	}
}

// TestOf: the index's record serves a lookup only when it was made of the
// same node object or of the same version of the node (a copy: same UID and
// resourceVersion); any other object (the cycle's snapshot older or newer
// than the informer's handler, a node deleted and created again under its
// name, a node the index has not seen) gets a record made of that object.
func TestOf(t *testing.T) {
	indexed := withVersion(vm("n1", "z1", "a").Obj(), "2")
	// relabel is a copy of the indexed node with the given version and UID
	// and another host: a record made of it differs from the index's.
	relabel := func(uid, version string) *v1.Node {
		n := indexed.DeepCopy()
		n.UID = types.UID(uid)
		n.ResourceVersion = version
		n.Labels[policy.LabelHostID] = "b"
		return n
	}
	fromIndex := &Node{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "a", "n1"}, IDs: []uint32{0, 0, 0}}
	fromObject := &Node{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "b", "n1"}, IDs: []uint32{0, 1, 0}}
	tests := []struct {
		name string
		node *v1.Node
		want *Node
		// same: the lookup returns the index's record itself.
		same bool
	}{
		{name: "the object the record was made of", node: indexed, want: fromIndex, same: true},
		{name: "a copy of the same version", node: relabel("uid-n1", "2"), want: fromIndex, same: true},
		{name: "a newer version", node: relabel("uid-n1", "3"), want: fromObject},
		{name: "an older version", node: relabel("uid-n1", "1"), want: fromObject},
		{name: "another node of the same name and version (deleted, created again)", node: relabel("uid-other", "2"), want: fromObject},
		{name: "a node the index has not seen", node: withVersion(vm("n2", "z1", "b").Obj(), "2"),
			want: &Node{Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "b", "n2"}, IDs: []uint32{0, 1, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := New(levels)
			ix.upsert(indexed)
			ix.publish()
			held := ix.Of(indexed)
			got := ix.Of(tt.node)
			if diff := cmp.Diff(tt.want, got, cmpRecord); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.same, got == held); diff != "" {
				t.Errorf("the index's own record (-want +got):\n%s", diff)
			}
			// A lookup never changes what the index holds.
			if diff := cmp.Diff(map[string]Node{"n1": *fromIndex}, contents(ix), cmpRecord); diff != "" {
				t.Errorf("index after the lookup (-want +got):\n%s", diff)
			}
		})
	}
}

func withVersion(n *v1.Node, version string) *v1.Node {
	n.ResourceVersion = version
	return n
}

// contents is what the index holds, its pending changes published: each
// node's record, by name.
func contents(ix *Index) map[string]Node {
	ix.publish()
	out := map[string]Node{}
	for name, rec := range *ix.view.Load() {
		out[name] = *rec
	}
	return out
}

// TestIndexFollowsNodeChanges: the informer's handlers replace a node's
// record on every add and update and drop it on delete, tombstones
// included; objects that are no nodes are ignored.
func TestIndexFollowsNodeChanges(t *testing.T) {
	ix := New(levels)
	cp := vm("cp", "z1", "a").Label(policy.LabelControlPlane, "").Obj()
	moved := vm("cp", "z2", "b").Label(policy.LabelControlPlane, "").Obj()
	down := vm("cp", "z2", "b").Label(policy.LabelControlPlane, "").Condition(v1.NodeReady, v1.ConditionUnknown, "", "NodeStatusUnknown").Obj()
	worker := vm("w", "z1", "c").Obj()
	for _, step := range []struct {
		name   string
		change func()
		want   map[string]Node
	}{
		{name: "a control-plane node added", change: func() { ix.upsert(cp) }, want: map[string]Node{
			"cp": {Role: policy.RoleControlPlane, Alive: true, Domains: []string{"z1", "a", "cp"}, IDs: []uint32{0, 0, 0}},
		}},
		{name: "a worker added", change: func() { ix.upsert(worker) }, want: map[string]Node{
			"cp": {Role: policy.RoleControlPlane, Alive: true, Domains: []string{"z1", "a", "cp"}, IDs: []uint32{0, 0, 0}},
			"w":  {Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "c", "w"}, IDs: []uint32{0, 1, 1}},
		}},
		{name: "the control-plane node moved to another zone and host", change: func() { ix.upsert(moved) }, want: map[string]Node{
			"cp": {Role: policy.RoleControlPlane, Alive: true, Domains: []string{"z2", "b", "cp"}, IDs: []uint32{1, 2, 0}},
			"w":  {Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "c", "w"}, IDs: []uint32{0, 1, 1}},
		}},
		{name: "the control-plane node stopped reporting", change: func() { ix.upsert(down) }, want: map[string]Node{
			"cp": {Role: policy.RoleControlPlane, Alive: false, Domains: []string{"z2", "b", "cp"}, IDs: []uint32{1, 2, 0}},
			"w":  {Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "c", "w"}, IDs: []uint32{0, 1, 1}},
		}},
		{name: "objects that are no nodes", change: func() { ix.upsert(&v1.Pod{}); ix.remove("cp") }, want: map[string]Node{
			"cp": {Role: policy.RoleControlPlane, Alive: false, Domains: []string{"z2", "b", "cp"}, IDs: []uint32{1, 2, 0}},
			"w":  {Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "c", "w"}, IDs: []uint32{0, 1, 1}},
		}},
		{name: "the worker deleted", change: func() { ix.remove(worker) }, want: map[string]Node{
			"cp": {Role: policy.RoleControlPlane, Alive: false, Domains: []string{"z2", "b", "cp"}, IDs: []uint32{1, 2, 0}},
		}},
		{name: "the control-plane node deleted, seen as a tombstone", change: func() {
			ix.remove(cache.DeletedFinalStateUnknown{Key: "cp", Obj: down})
		}, want: map[string]Node{}},
		// Numbers stay for the index's lifetime: a domain seen again
		// keeps its number.
		{name: "a node of a domain seen before", change: func() { ix.upsert(cp) }, want: map[string]Node{
			"cp": {Role: policy.RoleControlPlane, Alive: true, Domains: []string{"z1", "a", "cp"}, IDs: []uint32{0, 0, 0}},
		}},
	} {
		step.change()
		if diff := cmp.Diff(step.want, contents(ix), cmpRecord); diff != "" {
			t.Errorf("%s: index (-want +got):\n%s", step.name, diff)
		}
	}
}

// TestSharedFollowsTheNodeInformer: Shared gives the plugins of one
// scheduler (one informer factory) one index per list of levels, fed by the
// factory's node informer.
func TestSharedFollowsTheNodeInformer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n1 := vm("n1", "z1", "a").Obj()
	client := clientsetfake.NewClientset(n1)
	factory := informers.NewSharedInformerFactory(client, 0)
	ix, err := Shared(ctx, factory, levels)
	require.NoError(t, err)
	again, err := Shared(ctx, factory, []string{policy.LabelZone, policy.LabelHostID, policy.LabelHostname})
	require.NoError(t, err)
	require.Same(t, ix, again, "one index per factory and levels")
	hosts, err := Shared(ctx, factory, []string{policy.LabelHostID})
	require.NoError(t, err)
	require.NotSame(t, ix, hosts, "other levels, another index")

	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	eventually := func(ix *Index, want map[string]Node, msg string) {
		t.Helper()
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			assert.Empty(c, cmp.Diff(want, contents(ix), cmpRecord))
		}, testutil.Wait, testutil.Tick, msg)
	}
	eventually(ix, map[string]Node{"n1": {Role: policy.RoleWorker, Alive: true, Domains: []string{"z1", "a", "n1"}, IDs: []uint32{0, 0, 0}}}, "the initial list")
	eventually(hosts, map[string]Node{"n1": {Role: policy.RoleWorker, Alive: true, Domains: []string{"a"}, IDs: []uint32{0}}}, "the initial list, by host")

	promoted := vm("n1", "z1", "b").Label(policy.LabelControlPlane, "").Obj()
	_, err = client.CoreV1().Nodes().Update(ctx, promoted, metav1.UpdateOptions{})
	require.NoError(t, err)
	eventually(ix, map[string]Node{"n1": {Role: policy.RoleControlPlane, Alive: true, Domains: []string{"z1", "b", "n1"}, IDs: []uint32{0, 1, 0}}}, "a node promoted and moved to host b")

	require.NoError(t, client.CoreV1().Nodes().Delete(ctx, n1.Name, metav1.DeleteOptions{}))
	eventually(ix, map[string]Node{}, "the node deleted")
	eventually(hosts, map[string]Node{}, "the node deleted, by host")
}

// TestOfWhileNodesChange: lookups by a cycle's parallel goroutines while
// the informer's handler replaces records (run with -race): each lookup
// returns a record of the object it was given, and once the changes stop,
// the index's own records.
func TestOfWhileNodesChange(t *testing.T) {
	ix := New(levels)
	var versions []*v1.Node
	for i := range 50 {
		versions = append(versions, withVersion(vm("n", fmt.Sprintf("z%d", i%3), "h").Obj(), fmt.Sprint(i)))
	}
	// Publications every millisecond, by the timer, while the lookups run.
	ix.publishAfter = time.Millisecond
	ix.upsert(versions[0])
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 1000 {
				n := versions[i%len(versions)]
				if rec := ix.Of(n); rec.node != n && rec.node.ResourceVersion != n.ResourceVersion {
					t.Errorf("Of(version %s) returned a record of version %s", n.ResourceVersion, rec.node.ResourceVersion)
					return
				}
			}
		})
	}
	for _, n := range versions[1:] {
		ix.upsert(n)
	}
	wg.Wait()
	last := versions[len(versions)-1]
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Empty(c, cmp.Diff(map[string]string{"n": last.ResourceVersion}, versionsOf(ix)))
	}, testutil.Wait, time.Millisecond, "the last version published")
	if rec := ix.Of(last); rec.node != last {
		t.Errorf("after the changes, Of(the last version) made a record instead of returning the index's")
	}
}

func versionsOf(ix *Index) map[string]string {
	out := map[string]string{}
	for name, rec := range *ix.view.Load() {
		out[name] = rec.node.ResourceVersion
	}
	return out
}

// TestChangesArePublishedTogether: changes reach the view together, once
// publishAfter has passed since the first of them, not with each change
// nor on a lookup; meanwhile a lookup of a changed node makes a record of
// the object it has.
func TestChangesArePublishedTogether(t *testing.T) {
	ix := New(levels)
	ix.publishAfter = time.Hour // published by hand below
	a1 := withVersion(vm("a", "z1", "h1").Obj(), "1")
	ix.upsert(a1)
	ix.publish()
	a2 := withVersion(vm("a", "z2", "h2").Obj(), "2")
	b := withVersion(vm("b", "z1", "h1").Obj(), "1")
	ix.upsert(a2)
	ix.upsert(b)
	ix.remove(a1) // and a deletion after the update of the same node
	ix.upsert(a2) // and the node again

	if diff := cmp.Diff(map[string]string{"a": "1"}, versionsOf(ix)); diff != "" {
		t.Errorf("before the publication, the view (-want +got):\n%s", diff)
	}
	if rec := ix.Of(a2); rec.node != a2 || rec.Domains[0] != "z2" {
		t.Errorf("before the publication, Of(the new version) = %+v, want a record of it", rec)
	}
	if diff := cmp.Diff(map[string]string{"a": "1"}, versionsOf(ix)); diff != "" {
		t.Errorf("a lookup changed the view (-want +got):\n%s", diff)
	}
	ix.publish()
	if diff := cmp.Diff(map[string]string{"a": "2", "b": "1"}, versionsOf(ix)); diff != "" {
		t.Errorf("after the publication, the view (-want +got):\n%s", diff)
	}
	if rec := ix.Of(a2); rec.node != a2 {
		t.Errorf("after the publication, Of(the new version) made a record instead of returning the index's")
	}
}

// TestChangesArePublishedByTheTimer: nothing but the timer the first change
// scheduled publishes the changes.
func TestChangesArePublishedByTheTimer(t *testing.T) {
	ix := New(levels)
	ix.publishAfter = 10 * time.Millisecond
	n := withVersion(vm("a", "z1", "h1").Obj(), "1")
	ix.upsert(n)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Empty(c, cmp.Diff(map[string]string{"a": "1"}, versionsOf(ix)))
	}, testutil.Wait, time.Millisecond, "the change published")
	ix.remove(n)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Empty(c, cmp.Diff(map[string]string{}, versionsOf(ix)))
	}, testutil.Wait, time.Millisecond, "the deletion published")
}
