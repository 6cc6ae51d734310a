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
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/defaultbinder"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/queuesort"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	tf "k8s.io/kubernetes/pkg/scheduler/testing/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The replica index must count exactly what the walk over every pod
// counts, for every group, after the informer events of a busy cluster:
// bound pods, terminating pods, DaemonSet pods, components, pods deleted,
// pods that start terminating, pods reserved and unreserved.
func TestReplicaIndexAgreesWithWalk(t *testing.T) {
	nodes, pods := benchCluster(60)
	pods = withUIDs(append(pods,
		scheduler("sched-0").Node("node-00001").Obj(),
		scheduler("sched-1").Node("node-00005").Obj(),
		scheduler("sched-gone").Node("node-00009").Terminating().Obj(),
		web("web-ds").Node("node-00002").OwnerReference("agent", daemonSetGVK).Obj(),
		web("web-rs").Node("node-00003").OwnerReference("web-abc", replicaSetGVK).Obj(),
	))
	deleted := web("web-deleted").Node("node-00010").Obj()
	stopping := web("web-stopping").Node("node-00011").Obj()
	pending := web("web-pending").Obj()
	c := startCluster(t, nil, cache.NewSnapshot(nil, nodes), nodes, append(slices.Clone(pods), deleted, stopping, pending))
	pl := c.pl

	// Informer events: one pod deleted, one starts terminating; and the
	// pending pod reserved on a node.
	require.NoError(t, c.client.CoreV1().Pods(deleted.Namespace).Delete(c.ctx, deleted.Name, metav1.DeleteOptions{}))
	now := metav1.Now()
	stopped := stopping.DeepCopy()
	stopped.DeletionTimestamp = &now
	_, err := c.client.CoreV1().Pods(stopped.Namespace).Update(c.ctx, stopped, metav1.UpdateOptions{})
	require.NoError(t, err)
	require.True(t, pl.Reserve(c.ctx, framework.NewCycleState(), pending, "node-00004").IsSuccess())

	// The walk counts the cluster as it is now, with the reserved pod
	// assumed on its node as the scheduler's snapshot has it.
	assumed := pending.DeepCopy()
	assumed.Spec.NodeName = "node-00004"
	afterEvents := append(slices.Clone(pods), stopped, assumed)
	probes := append(slices.Clone(afterEvents), web("probe").Label("app", "nothing-here").Obj())
	// agrees compares, for the group of each probe, the index's counts with
	// a walk over the pods of the cluster.
	agrees := func(probes, cluster []*v1.Pod) func(c *assert.CollectT) {
		walkInfos, err := cache.NewSnapshot(cluster, nodes).NodeInfos().List()
		require.NoError(t, err)
		return func(c *assert.CollectT) {
			probed := map[policy.Group]bool{}
			for _, probe := range probes {
				class, _ := pl.classify(probe)
				m := pl.replicaOf(probe, class)
				group := m.group
				if probed[group] {
					continue
				}
				probed[group] = true
				got := pl.countFromIndex(group)
				want := pl.countReplicas(t.Context(), m, walkInfos)
				assert.Equal(c, want.total, got.total, "group %s: replicas", group)
				assert.Equal(c, want.counts, got.counts, "group %s: replicas per domain", group)
				assert.ElementsMatch(c, nodeNames(want.holders), nodeNames(got.holders), "group %s: nodes holding replicas", group)
			}
		}
	}
	require.EventuallyWithT(t, agrees(probes, afterEvents), testutil.Wait, testutil.Tick, "the index agrees with the walk")

	// Unreserve forgets the assumed pod; a deleted replica is forgotten.
	pl.Unreserve(c.ctx, framework.NewCycleState(), pending, "node-00004")
	sched0 := pods[slices.IndexFunc(pods, func(p *v1.Pod) bool { return p.Name == "sched-0" })]
	require.NoError(t, c.client.CoreV1().Pods(sched0.Namespace).Delete(c.ctx, sched0.Name, metav1.DeleteOptions{}))
	afterUnreserve := slices.DeleteFunc(slices.Clone(afterEvents), func(p *v1.Pod) bool { return p == assumed || p == sched0 })
	require.EventuallyWithT(t, agrees([]*v1.Pod{scheduler("probe").Obj(), web("probe").Obj()}, afterUnreserve), testutil.Wait, testutil.Tick, "the index agrees with the walk after Unreserve and a delete")
	if diff := cmp.Diff(1, pl.countFromIndex(policy.Group{Namespace: "kube-system", By: policy.GroupByComponent, Name: "kube-scheduler"}).total); diff != "" {
		t.Errorf("kube-scheduler replicas, sched-1 alone (-want +got):\n%s", diff)
	}

	// A Service that selects the web pods (they have no controller)
	// regroups them; changing its selector or deleting it regroups them
	// again. The index follows without any pod event.
	webPods := func(cluster []*v1.Pod) (n int) {
		for _, p := range cluster {
			if p.Labels["app"] == "web" && p.Namespace == "shop" && p.Spec.NodeName != "" && p.DeletionTimestamp == nil && p.OwnerReferences == nil {
				n++
			}
		}
		return n
	}
	frontend := policy.Group{Namespace: "shop", By: policy.GroupByService, Name: "frontend"}
	byLabel := policy.Group{Namespace: "shop", By: policy.GroupByLabel, Name: "app", Value: "web"}
	svc := &v1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "frontend", UID: "frontend"}, Spec: v1.ServiceSpec{Selector: map[string]string{"app": "web"}}}
	svc, err = c.client.CoreV1().Services("shop").Create(c.ctx, svc, metav1.CreateOptions{})
	require.NoError(t, err)
	want := webPods(afterUnreserve)
	require.Positive(t, want)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, want, pl.countFromIndex(frontend).total, "replicas of %s", frontend)
		assert.Zero(c, pl.countFromIndex(byLabel).total, "replicas left in %s", byLabel)
	}, testutil.Wait, testutil.Tick, "the index regroups the pods the new Service selects")
	require.EventuallyWithT(t, agrees([]*v1.Pod{web("probe").Obj()}, afterUnreserve), testutil.Wait, testutil.Tick, "the index agrees with the walk with the Service")

	svc.Spec.Selector = map[string]string{"app": "api"}
	_, err = c.client.CoreV1().Services("shop").Update(c.ctx, svc, metav1.UpdateOptions{})
	require.NoError(t, err)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, want, pl.countFromIndex(byLabel).total, "replicas of %s", byLabel)
		assert.Zero(c, pl.countFromIndex(frontend).total, "replicas left in %s", frontend)
	}, testutil.Wait, testutil.Tick, "the index regroups the pods the Service no longer selects")

	svc.Spec.Selector = map[string]string{"app": "web"}
	_, err = c.client.CoreV1().Services("shop").Update(c.ctx, svc, metav1.UpdateOptions{})
	require.NoError(t, err)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, want, pl.countFromIndex(frontend).total)
	}, testutil.Wait, testutil.Tick, "the Service selects them again")
	require.NoError(t, c.client.CoreV1().Services("shop").Delete(c.ctx, "frontend", metav1.DeleteOptions{}))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, want, pl.countFromIndex(byLabel).total, "replicas of %s", byLabel)
		assert.Zero(c, pl.countFromIndex(frontend).total, "replicas left in %s", frontend)
	}, testutil.Wait, testutil.Tick, "the index regroups the pods of a deleted Service")
}

// Two profiles of one scheduler with the same policy share the replica
// index: a replica that one profile reserved, and that is not bound yet,
// counts at once for the next replica the other profile schedules. With an
// index per profile the second profile would put the next replica on the
// same host. A profile with another policy, whose groups may be other
// groups, has an index of its own.
func TestProfilesShareAssumedReplicas(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nodes := []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z1", "b").Obj()}
	// One replica runs on host a; none on host b yet.
	bound := scheduler("bound").UID("bound").Node("a1").Obj()
	var objs []runtime.Object
	for _, n := range nodes {
		objs = append(objs, n)
	}
	objs = append(objs, bound)
	factory := informers.NewSharedInformerFactory(clientsetfake.NewClientset(objs...), 0)
	snap := cache.NewSnapshot([]*v1.Pod{bound}, nodes)

	// "first" writes the default policy out, "second" has no HAPolicy
	// entry: the same policy.
	ps := config.Policies{
		"first": testutil.Policies(t, &config.PolicyArgs{})[""],
		"other": testutil.Policies(t, userWorkloadsRequired())[""],
	}
	plugin := func(profile string) *FailureDomainSpread {
		fw, err := tf.NewFramework(ctx, []tf.RegisterPluginFunc{
			tf.RegisterQueueSortPlugin(queuesort.Name, queuesort.New),
			tf.RegisterBindPlugin(defaultbinder.Name, defaultbinder.New),
		}, profile,
			frameworkruntime.WithInformerFactory(factory),
			frameworkruntime.WithSnapshotSharedLister(snap))
		require.NoError(t, err)
		pl, err := New(ps)(ctx, nil, fw)
		require.NoError(t, err)
		return pl.(*FailureDomainSpread)
	}
	first, second, other := plugin("first"), plugin("second"), plugin("other")
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	waitForHandlers(t, first, nodes)
	require.Same(t, first.replicas, second.replicas, "one replica index for both profiles of one policy")
	require.NotSame(t, first.replicas, other.replicas, "one replica index per policy")

	// The first profile reserves a replica on host b (assumed, not bound).
	reserved := scheduler("reserved").UID("reserved").Obj()
	require.True(t, first.Reserve(ctx, framework.NewCycleState(), reserved, "b1").IsSuccess())

	// The second profile sees one replica on each host: no host is
	// fuller than the other, so no node is rejected.
	infos, err := snap.NodeInfos().List()
	require.NoError(t, err)
	next := scheduler("next").UID("next").Obj()
	if diff := cmp.Diff(map[string]*fwk.Status{}, filterAll(t, ctx, second, framework.NewCycleState(), next, infos)); diff != "" {
		t.Errorf("second profile's Filter (-want +got):\n%s", diff)
	}
}

func nodeNames(nodes []*v1.Node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.Name)
	}
	return out
}
