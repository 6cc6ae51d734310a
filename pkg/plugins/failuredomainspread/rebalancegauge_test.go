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
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	metricstestutil "k8s.io/component-base/metrics/testutil"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	"k8s.io/utils/ptr"
)

// The gauge counts the groups ha-check rebalance would move replicas of
// (policy.RebalanceGroup.Plan), on the scheduler's informers: a group
// whose zone came back empty counts; one spread as the scheduler would
// place it, one whose replicas cannot move (no controller, hostPath), one
// still recovering (a replica not Ready) and a DaemonSet do not. The
// groups that look movable are looked at again with their controllers,
// read from the API server: a template that pins the replicas, or replicas
// not created yet, take the group out.
func TestRebalanceGaugeCountsGroupsThatCouldBeSpreadBetter(t *testing.T) {
	nodes := []*v1.Node{
		vm("a1", "a", "ha1").Obj(), vm("a2", "a", "ha2").Obj(),
		vm("b1", "b", "hb1").Obj(), vm("b2", "b", "hb2").Obj(),
		vm("c1", "c", "hc1").Obj(), vm("c2", "c", "hc2").Obj(),
	}
	rs := appsv1.SchemeGroupVersion.WithKind("ReplicaSet")
	ready := func(w *st.PodWrapper) *v1.Pod { return w.Condition(v1.PodReady, v1.ConditionTrue, "").Obj() }
	// app's replicas of a ReplicaSet of Deployment app on the nodes.
	replicas := func(app string, on ...string) []*v1.Pod {
		var out []*v1.Pod
		for i, n := range on {
			out = append(out, ready(st.MakePod().Namespace("shop").Name(app+"-5d-"+string(rune('a'+i))).
				Label("app", app).OwnerReference(app+"-5d", rs).Node(n)))
		}
		return out
	}
	// replicaSet is app's ReplicaSet of Deployment app, wanting replicas,
	// its template on node (none: "").
	replicaSet := func(app string, replicas int32, node string) *appsv1.ReplicaSet {
		return &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: app + "-5d", OwnerReferences: []metav1.OwnerReference{
				{APIVersion: "apps/v1", Kind: "Deployment", Name: app, UID: types.UID("uid-" + app), Controller: ptr.To(true)}}},
			Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(replicas), Template: v1.PodTemplateSpec{Spec: v1.PodSpec{NodeName: node}}},
		}
	}
	tests := []struct {
		name string
		pods []*v1.Pod
		// controllers are what the API server has; readErr fails every
		// read of them.
		controllers []runtime.Object
		readErr     error
		want        int
		wantErr     bool
	}{
		{name: "one replica per zone", pods: replicas("web", "a1", "b1", "c1"), want: 0},
		{name: "zone c came back empty", pods: replicas("web", "a1", "a2", "b1"), want: 1},
		{
			name: "two groups after the outage",
			pods: append(replicas("web", "a1", "a2", "b1", "b2"), replicas("api", "b1", "b2")...),
			want: 2,
		},
		{
			name: "no controller would recreate them",
			pods: []*v1.Pod{
				ready(st.MakePod().Namespace("shop").Name("bare-1").Label("app", "bare").Node("a1")),
				ready(st.MakePod().Namespace("shop").Name("bare-2").Label("app", "bare").Node("a2")),
			},
			want: 0,
		},
		{
			name: "hostPath keeps them on their nodes",
			pods: func() []*v1.Pod {
				pods := replicas("cache", "a1", "a2")
				for _, p := range pods {
					p.Spec.Volumes = []v1.Volume{{Name: "data", VolumeSource: v1.VolumeSource{HostPath: &v1.HostPathVolumeSource{Path: "/data"}}}}
				}
				return pods
			}(),
			want: 0,
		},
		{
			name: "a replica not Ready: the group has not recovered",
			pods: append(replicas("web", "a1", "a2"),
				st.MakePod().Namespace("shop").Name("web-5d-z").Label("app", "web").OwnerReference("web-5d", rs).Node("b1").Obj()),
			want: 0,
		},
		{
			name:        "zone c came back empty, the ReplicaSet read",
			pods:        replicas("web", "a1", "a2", "b1"),
			controllers: []runtime.Object{replicaSet("web", 3, "")},
			want:        1,
		},
		{
			name:        "the template pins the replicas to a node",
			pods:        replicas("pinned", "a1", "a2", "b1"),
			controllers: []runtime.Object{replicaSet("pinned", 3, "a1")},
			want:        0,
		},
		{
			name:        "a replica not created yet: the group has not recovered",
			pods:        replicas("web", "a1", "a2", "b1"),
			controllers: []runtime.Object{replicaSet("web", 4, "")},
			want:        0,
		},
		{
			name:    "the controllers cannot be read: no count",
			pods:    replicas("web", "a1", "a2", "b1"),
			readErr: errors.New("the API server is down"),
			wantErr: true,
		},
		{
			name: "DaemonSet pods are never spread",
			pods: []*v1.Pod{
				ready(st.MakePod().Namespace("shop").Name("agent-1").Label("app", "agent").OwnerReference("agent", daemonSetGVK).Node("a1")),
				ready(st.MakePod().Namespace("shop").Name("agent-2").Label("app", "agent").OwnerReference("agent", daemonSetGVK).Node("a2")),
			},
			want: 0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, pl, _ := setup(t, nil, nodes, tc.pods)
			client := clientsetfake.NewClientset(tc.controllers...)
			if tc.readErr != nil {
				client.PrependReactor("get", "*", func(clienttesting.Action) (bool, runtime.Object, error) { return true, nil, tc.readErr })
			}
			pl.rebalanceGauge.client = client
			rebalancePossible.WithLabelValues(pl.rebalanceGauge.profile).Set(-1) // what a failed count leaves
			got, err := pl.rebalanceGauge.count(ctx)
			if tc.wantErr {
				require.ErrorIs(t, err, tc.readErr)
				pl.rebalanceGauge.update(ctx)
				value, err := metricstestutil.GetGaugeMetricValue(rebalancePossible.WithLabelValues(pl.rebalanceGauge.profile))
				require.NoError(t, err)
				if value != -1 {
					t.Errorf("%s after a failed count = %v, want it unchanged", MetricRebalancePossibleGroups, value)
				}
				return
			}
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("groups that could be spread better (-want +got):\n%s", diff)
			}
			// The profile's series is what update counts.
			pl.rebalanceGauge.update(ctx)
			value, err := metricstestutil.GetGaugeMetricValue(rebalancePossible.WithLabelValues(pl.rebalanceGauge.profile))
			require.NoError(t, err)
			if diff := cmp.Diff(float64(tc.want), value); diff != "" {
				t.Errorf("%s (-want +got):\n%s", MetricRebalancePossibleGroups, diff)
			}
		})
	}
}

// BenchmarkRebalanceGaugeCount is one count of the gauge (once a minute in
// a scheduler) over benchCluster's nodes and pods, each pod a replica of
// its group's ReplicaSet: the first look at every group, and the second,
// with their controllers, at those whose replicas land unevenly (the
// reads here come from a fake client; an API server's take a round trip
// each).
func BenchmarkRebalanceGaugeCount(b *testing.B) {
	rs := appsv1.SchemeGroupVersion.WithKind("ReplicaSet")
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			nodes, pods := benchCluster(n)
			var controllers []runtime.Object
			seen := map[string]bool{}
			for i, p := range pods {
				owned := st.MakePod().Namespace(p.Namespace).Name(p.Name).Labels(p.Labels).Node(p.Spec.NodeName).
					OwnerReference(p.Labels["app"]+"-5d", rs).Condition(v1.PodReady, v1.ConditionTrue, "").Obj()
				pods[i] = owned
				if key := p.Namespace + "/" + p.Labels["app"]; !seen[key] {
					seen[key] = true
					controllers = append(controllers, &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: p.Labels["app"] + "-5d"}})
				}
			}
			ctx, pl, _ := setup(b, nil, nodes, pods)
			pl.rebalanceGauge.client = clientsetfake.NewClientset(controllers...)
			b.ResetTimer()
			for b.Loop() {
				if _, err := pl.rebalanceGauge.count(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
