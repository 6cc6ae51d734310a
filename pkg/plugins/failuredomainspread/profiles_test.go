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
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
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
)

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
		"first": policies(t, &config.PolicyArgs{})[""],
		"other": policies(t, userWorkloadsRequired())[""],
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
