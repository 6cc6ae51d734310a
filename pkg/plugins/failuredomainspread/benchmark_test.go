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
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	fwk "k8s.io/kube-scheduler/framework"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/podtopologyspread"
	plugintesting "k8s.io/kubernetes/pkg/scheduler/framework/plugins/testing"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// equivalentPTSPod is the spread pod with the per-pod constraints that ask
// PodTopologySpread for the same spreading: zone, host-id and hostname,
// maxSkew 1; hostWhen says whether the host-id level is a filter.
func equivalentPTSPod(hostWhen v1.UnsatisfiableConstraintAction) *v1.Pod {
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	return web("new").
		SpreadConstraint(1, policy.LabelZone, v1.ScheduleAnyway, sel, nil, nil, nil, nil).
		SpreadConstraint(1, policy.LabelHostID, hostWhen, sel, nil, nil, nil, nil).
		SpreadConstraint(1, policy.LabelHostname, v1.ScheduleAnyway, sel, nil, nil, nil, nil).
		Obj()
}

// runCycle runs what one scheduling cycle runs of a spreading plugin:
// PreFilter, Filter on every node, PreScore, Score and NormalizeScore on
// the nodes that passed. Sequentially, for both plugins alike; the
// framework would run Filter and Score in parallel.
func runCycle(b *testing.B, ctx context.Context, pl fwk.Plugin, pod *v1.Pod, nodes []fwk.NodeInfo) {
	state := framework.NewCycleState()
	feasible := nodes
	_, s := pl.(fwk.PreFilterPlugin).PreFilter(ctx, state, pod, nodes)
	switch {
	case s.IsSkip():
	case !s.IsSuccess():
		b.Fatalf("PreFilter: %v", s)
	default:
		feasible = make([]fwk.NodeInfo, 0, len(nodes))
		for _, ni := range nodes {
			if pl.(fwk.FilterPlugin).Filter(ctx, state, pod, ni).IsSuccess() {
				feasible = append(feasible, ni)
			}
		}
	}
	if len(feasible) == 0 {
		b.Fatal("no feasible node")
	}
	scorer := pl.(fwk.ScorePlugin)
	if s := pl.(fwk.PreScorePlugin).PreScore(ctx, state, pod, feasible); s.IsSkip() {
		return
	} else if !s.IsSuccess() {
		b.Fatalf("PreScore: %v", s)
	}
	scores := make(fwk.NodeScoreList, len(feasible))
	for i, ni := range feasible {
		sc, s := scorer.Score(ctx, state, pod, ni)
		if !s.IsSuccess() {
			b.Fatalf("Score: %v", s)
		}
		scores[i] = fwk.NodeScore{Name: ni.Node().Name, Score: sc}
	}
	if ext := scorer.ScoreExtensions(); ext != nil {
		if s := ext.NormalizeScore(ctx, state, pod, scores); !s.IsSuccess() {
			b.Fatalf("NormalizeScore: %v", s)
		}
	}
}

// BenchmarkFailureDomainSpread compares one scheduling cycle of the plugin
// with upstream PodTopologySpread given the equivalent constraints, on the
// same nodes and pods, each built in a real framework handle over a
// snapshot; ours counts from its replica index, fed by its informers as in
// a scheduler. spread=Preferred: user workload, score only;
// spread=Required: the user workloads' rule set to Required (host-id
// filtered).
func BenchmarkFailureDomainSpread(b *testing.B) {
	pts := frameworkruntime.FactoryAdapter(feature.NewSchedulerFeaturesFromGates(utilfeature.DefaultFeatureGate), podtopologyspread.New)
	for _, n := range []int{500, 5000} {
		nodes, pods := benchCluster(n)
		pods = withUIDs(pods)
		objs := objects(nodes, pods)
		for _, spread := range []struct {
			name   string
			policy *config.PolicyArgs
			when   v1.UnsatisfiableConstraintAction
		}{
			{name: "Preferred", when: v1.ScheduleAnyway},
			{name: "Required", policy: userWorkloadsRequired(), when: v1.DoNotSchedule},
		} {
			for _, plugin := range []struct {
				name string
				make func(context.Context, *cache.Snapshot) fwk.Plugin
				pod  *v1.Pod
			}{
				{name: Name, pod: web("new").Obj(), make: func(ctx context.Context, snap *cache.Snapshot) fwk.Plugin {
					pl := plugintesting.SetupPluginWithInformers(ctx, b, New(testutil.Policies(b, spread.policy)), nil, snap, objs).(*FailureDomainSpread)
					waitForHandlers(b, pl, nodes)
					return pl
				}},
				{name: podtopologyspread.Name, pod: equivalentPTSPod(spread.when), make: func(ctx context.Context, snap *cache.Snapshot) fwk.Plugin {
					return plugintesting.SetupPlugin(ctx, b, pts, &schedconfig.PodTopologySpreadArgs{DefaultingType: schedconfig.ListDefaulting}, snap)
				}},
			} {
				b.Run(fmt.Sprintf("nodes=%d/spread=%s/plugin=%s", n, spread.name, plugin.name), func(b *testing.B) {
					// klog's global logger at its default verbosity, as in a
					// scheduler run without -v: ktesting's would log every
					// rejected node and measure the logging.
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					snap := cache.NewSnapshot(pods, nodes)
					pl := plugin.make(ctx, snap)
					infos, err := snap.NodeInfos().List()
					require.NoError(b, err)
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						runCycle(b, ctx, pl, plugin.pod, infos)
					}
				})
			}
		}
	}
}
