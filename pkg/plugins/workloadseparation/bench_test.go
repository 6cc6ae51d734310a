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
	"context"
	"fmt"
	"testing"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	fwk "k8s.io/kube-scheduler/framework"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/nodeaffinity"
	plugintesting "k8s.io/kubernetes/pkg/scheduler/framework/plugins/testing"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// benchNodes returns n nodes: 3 control-plane, 3 infra, the rest workers.
func benchNodes(n int) []fwk.NodeInfo {
	infos := make([]fwk.NodeInfo, 0, n)
	for i := 0; i < n; i++ {
		w := st.MakeNode().Name(fmt.Sprintf("node-%d", i)).
			Label(policy.LabelZone, fmt.Sprintf("zone-%d", i%3)).
			Label(policy.LabelHostID, fmt.Sprintf("host-%d", i/4))
		switch {
		case i < 3:
			w = w.Label(policy.LabelControlPlane, "")
		case i < 6:
			w = w.Label(policy.LabelInfra, "")
		}
		ni := framework.NewNodeInfo()
		ni.SetNode(w.Obj())
		infos = append(infos, ni)
	}
	return infos
}

type filterPlugin interface {
	fwk.PreFilterPlugin
	fwk.FilterPlugin
}

// benchCluster is the nodes as a list and by name, as the scheduler's
// snapshot holds them.
type benchCluster struct {
	nodes  []fwk.NodeInfo
	byName map[string]fwk.NodeInfo
}

func newBenchCluster(n int) benchCluster {
	c := benchCluster{nodes: benchNodes(n), byName: map[string]fwk.NodeInfo{}}
	for _, ni := range c.nodes {
		c.byName[ni.Node().Name] = ni
	}
	return c
}

// schedulePod runs PreFilter, then Filter over the nodes PreFilter leaves
// (looked up by name, as schedule_one.go does for a PreFilterResult), and
// returns the feasible count.
func schedulePod(ctx context.Context, pl filterPlugin, pod *v1.Pod, c benchCluster) int {
	state := framework.NewCycleState()
	res, s := pl.PreFilter(ctx, state, pod, c.nodes)
	if s.IsSkip() {
		return len(c.nodes)
	}
	nodes := c.nodes
	if !res.AllNodes() {
		nodes = make([]fwk.NodeInfo, 0, len(res.NodeNames))
		for name := range res.NodeNames {
			if ni, ok := c.byName[name]; ok {
				nodes = append(nodes, ni)
			}
		}
	}
	feasible := 0
	for _, ni := range nodes {
		if pl.Filter(ctx, state, pod, ni).IsSuccess() {
			feasible++
		}
	}
	return feasible
}

// BenchmarkWorkloadSeparation reports the per-pod cost of the plugin for a
// control-plane pod and a user pod, beside upstream NodeAffinity given the
// equivalent required node affinity, on the same nodes in the same run. Each
// plugin is built in a real framework handle; ours indexes the nodes from
// its informer, as in a scheduler.
func BenchmarkWorkloadSeparation(b *testing.B) {
	pods := map[string]struct {
		ours, upstream *v1.Pod
		feasible       func(n int) int
	}{
		"control-plane": {
			ours:     st.MakePod().Namespace("kube-system").Name("kube-scheduler").Label("component", "kube-scheduler").Obj(),
			upstream: st.MakePod().Namespace("kube-system").Name("kube-scheduler").NodeAffinityIn(policy.LabelControlPlane, []string{""}, st.NodeSelectorTypeMatchExpressions).Obj(),
			feasible: func(int) int { return 3 },
		},
		"user": {
			ours: st.MakePod().Namespace("default").Name("web").Obj(),
			upstream: st.MakePod().Namespace("default").Name("web").NodeAffinity(&v1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: &v1.NodeSelector{NodeSelectorTerms: []v1.NodeSelectorTerm{{
					MatchExpressions: []v1.NodeSelectorRequirement{
						{Key: policy.LabelControlPlane, Operator: v1.NodeSelectorOpDoesNotExist},
						{Key: policy.LabelMaster, Operator: v1.NodeSelectorOpDoesNotExist},
						{Key: policy.LabelInfra, Operator: v1.NodeSelectorOpDoesNotExist},
					},
				}}},
			}).Obj(),
			feasible: func(n int) int { return n - 6 },
		},
	}
	na := frameworkruntime.FactoryAdapter(feature.Features{}, nodeaffinity.New)
	for _, n := range []int{100, 1000, 5000} {
		// klog's global logger at its default verbosity, as in a scheduler
		// run without -v.
		ctx, cancel := context.WithCancel(context.Background())
		nodes := newBenchCluster(n)
		objs := make([]runtime.Object, 0, n)
		var all []*v1.Node
		for _, ni := range nodes.nodes {
			objs = append(objs, ni.Node())
			all = append(all, ni.Node())
		}
		snap := cache.NewSnapshot(nil, all)
		ws := plugintesting.SetupPluginWithInformers(ctx, b, New(nil), nil, snap, objs).(*WorkloadSeparation)
		testutil.WaitForRoleIndex(b, ws.roles, all)
		testutil.WaitForNodes(b, "the topology index", ws.topo.Holds, all)
		upstream := plugintesting.SetupPlugin(ctx, b, na, &schedconfig.NodeAffinityArgs{}, snap)
		for _, kind := range []string{"control-plane", "user"} {
			p := pods[kind]
			for _, impl := range []struct {
				name string
				pl   filterPlugin
				pod  *v1.Pod
			}{
				{"WorkloadSeparation", ws, p.ours},
				{"NodeAffinity", upstream.(filterPlugin), p.upstream},
			} {
				b.Run(fmt.Sprintf("nodes=%d/pod=%s/plugin=%s", n, kind, impl.name), func(b *testing.B) {
					if got, want := schedulePod(ctx, impl.pl, impl.pod, nodes), p.feasible(n); got != want {
						b.Fatalf("feasible nodes = %d, want %d", got, want)
					}
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						schedulePod(ctx, impl.pl, impl.pod, nodes)
					}
				})
			}
		}
		cancel()
	}
}
