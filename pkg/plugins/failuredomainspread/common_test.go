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
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	plfeature "k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/podtopologyspread"
	plugintesting "k8s.io/kubernetes/pkg/scheduler/framework/plugins/testing"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	"k8s.io/utils/ptr"
)

// Each workload spreads on its own, at least as well as the default
// profile's system-default spreading (PodTopologySpread, which the ha
// profile turns off) would spread it: two releases of one chart (one
// app.kubernetes.io/name, two Deployments), pods only a Service selects,
// a Job's pods. Zone z1 holds n1 and n2, zone z2 n3 and n4; one replica of
// the workload runs on n1, a pod of the other workload (or of nothing) on
// n3. The next replica must prefer zone z2: FailureDomainSpread scores n4
// above n2, as the system defaults do (checked in the same case).
func TestEachWorkloadSpreadsOnItsOwn(t *testing.T) {
	nodes := []*v1.Node{vm("n1", "z1", "h1").Obj(), vm("n2", "z1", "h2").Obj(), vm("n3", "z2", "h3").Obj(), vm("n4", "z2", "h4").Obj()}
	rsGVK := appsv1.SchemeGroupVersion.WithKind("ReplicaSet")
	release := func(name, r string) *st.PodWrapper {
		return st.MakePod().Namespace("shop").Name(name).UID(name).Label("app.kubernetes.io/name", "postgresql").
			Label("app.kubernetes.io/instance", r).Label("pod-template-hash", "5d").OwnerReference("db-"+r+"-5d", rsGVK)
	}
	replicaSet := func(r string) *appsv1.ReplicaSet {
		return &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db-" + r + "-5d", UID: types.UID("db-" + r)},
			Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{
				"app.kubernetes.io/name": "postgresql", "app.kubernetes.io/instance": r, "pod-template-hash": "5d"}}},
		}
	}
	frontend := &v1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "frontend", UID: "frontend"}, Spec: v1.ServiceSpec{Selector: map[string]string{"run": "fe"}}}
	bare := func(name, run string) *st.PodWrapper {
		return st.MakePod().Namespace("shop").Name(name).UID(name).Label("run", run)
	}
	job := func(name, j string) *st.PodWrapper {
		return st.MakePod().Namespace("shop").Name(name).UID(name).Label("batch.kubernetes.io/job-name", j).OwnerReference(j, batchv1.SchemeGroupVersion.WithKind("Job"))
	}
	tests := []struct {
		name    string
		pods    []*v1.Pod
		objects []runtime.Object
		next    *v1.Pod
		// defaultsSpread: the system defaults spread the workload too
		// (not a Job's pods: they select Services and the replication
		// controllers, ReplicaSets and StatefulSets only).
		defaultsSpread bool
	}{
		{
			name:           "two releases of one chart (review 2026-12-06)",
			pods:           []*v1.Pod{release("db-a-1", "a").Node("n1").Obj(), release("db-b-1", "b").Node("n3").Obj()},
			objects:        []runtime.Object{replicaSet("a"), replicaSet("b")},
			next:           release("db-a-2", "a").Obj(),
			defaultsSpread: true,
		},
		{
			name:           "pods without a controller or group label that a Service selects",
			pods:           []*v1.Pod{bare("fe-1", "fe").Node("n1").Obj(), bare("other", "other").Node("n3").Obj()},
			objects:        []runtime.Object{frontend},
			next:           bare("fe-2", "fe").Obj(),
			defaultsSpread: true,
		},
		{
			name: "a Job's pods",
			pods: []*v1.Pod{job("backup-1", "backup").Node("n1").Obj(), job("report-1", "report").Node("n3").Obj()},
			next: job("backup-2", "backup").Obj(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.defaultsSpread {
				// The default profile's PodTopologySpread with its system
				// defaults: it prefers zone z2.
				_, ctx := ktesting.NewTestContext(t)
				ctx, cancel := context.WithCancel(ctx)
				t.Cleanup(cancel)
				snap := cache.NewSnapshot(tt.pods, nodes)
				pts := plugintesting.SetupPluginWithInformers(ctx, t, frameworkruntime.FactoryAdapter(plfeature.Features{}, podtopologyspread.New),
					&schedconfig.PodTopologySpreadArgs{DefaultingType: schedconfig.SystemDefaulting}, snap, append(objects(nodes, tt.pods), tt.objects...))
				infos, err := snap.NodeInfos().List()
				require.NoError(t, err)
				ptsScores := runScorer(t, ctx, pts.(fwk.ScorePlugin), pts.(fwk.PreScorePlugin), tt.next, infos)
				require.Greater(t, ptsScores["n4"], ptsScores["n2"], "precondition: the system defaults prefer n4 (z2) to n2 (z1): %v", ptsScores)
			}

			// FailureDomainSpread alone, with the cluster's Services.
			c := startCluster(t, nil, cache.NewSnapshot(tt.pods, nodes), nodes, tt.pods)
			for _, obj := range tt.objects {
				if svc, ok := obj.(*v1.Service); ok {
					_, err := c.client.CoreV1().Services(svc.Namespace).Create(c.ctx, svc, metav1.CreateOptions{})
					require.NoError(t, err)
					require.Eventually(t, func() bool { return c.pl.services.ServiceFor(svc.Namespace, tt.next.Labels) == svc.Name }, testutil.Wait, testutil.Tick)
				}
			}
			fdsInfos, err := c.pl.lister.NodeInfos().List()
			require.NoError(t, err)
			got := scoreAll(t, c.ctx, c.pl, tt.next, fdsInfos)
			// Zone z2 holds no replica of the workload (n3 runs the other
			// one's): n3 and n4 best, then n2 (z1, an empty host), n1 last.
			want := map[string]int64{"n4": fwk.MaxScore, "n3": fwk.MaxScore, "n2": got["n2"], "n1": 0}
			if diff := cmp.Diff(want, got); diff != "" || got["n2"] <= 0 || got["n2"] >= fwk.MaxScore {
				t.Errorf("scores (-want +got), want z2's nodes best, n2 between, n1 last:\n%s\n%v", diff, got)
			}
		})
	}
}

// runScorer runs PreScore, Score on every node and NormalizeScore of a
// score plugin, as the framework does.
func runScorer(t *testing.T, ctx context.Context, sp fwk.ScorePlugin, pre fwk.PreScorePlugin, pod *v1.Pod, infos []fwk.NodeInfo) map[string]int64 {
	t.Helper()
	state := framework.NewCycleState()
	require.True(t, pre.PreScore(ctx, state, pod, infos).IsSuccess(), "PreScore")
	scores := make(fwk.NodeScoreList, 0, len(infos))
	for _, ni := range infos {
		sc, s := sp.Score(ctx, state, pod, ni)
		require.True(t, s.IsSuccess(), "Score(%s): %v", ni.Node().Name, s)
		scores = append(scores, fwk.NodeScore{Name: ni.Node().Name, Score: sc})
	}
	if ext := sp.ScoreExtensions(); ext != nil {
		require.True(t, ext.NormalizeScore(ctx, state, pod, scores).IsSuccess(), "NormalizeScore")
	}
	out := map[string]int64{}
	for _, s := range scores {
		out[s.Name] = s.Score
	}
	return out
}
