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

package disruptionguard

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/klog/v2/ktesting"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

// groupCount is a group as an attempt counts it.
type groupCount struct {
	Members, Size, Available int
}

// counted is what an attempt's guard state says of the groups: each
// group's counts by key, and the group of each pod of the snapshot that has
// one.
type counted struct {
	Groups  map[string]groupCount
	GroupOf map[string]string
}

// TestGroupMembers: the members of a group are the pods of the trusted
// namespaces the pod informer lists (bound or pending) that the policy
// makes disruption-controlled; the informer's labels decide for the pods
// it has, the snapshot's copy for the pods it lost.
func TestGroupMembers(t *testing.T) {
	cp1, cp2 := node("cp-1", "4"), node("cp-2", "4")
	pending := func(w interface{ Obj() *v1.Pod }) *v1.Pod {
		p := w.Obj()
		p.Spec.NodeName = ""
		return p
	}
	userControlled := &config.PolicyArgs{UserWorkloads: &config.RuleArgs{
		Placement:  "Worker",
		Disruption: &config.DisruptionArgs{MinAvailable: ptr.To[int32](1)},
	}}
	tests := []struct {
		name   string
		policy *config.PolicyArgs
		pods   []*v1.Pod
		// deleted are pods the informer lost after the snapshot was taken.
		deleted []string
		// relabelled are pods whose labels changed in the informer after
		// the snapshot was taken: name -> the informer's labels.
		relabelled map[string]map[string]string
		want       counted
	}{
		{
			name: "members are the controlled pods, bound or pending; DaemonSet, plain trusted and user pods are none",
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				pending(kubeScheduler("ks-2", "cp-1", system)),
				ownedBy(running("kube-system", "proxy-1", "cp-1", system, "0", 1).Label("k8s-app", "kube-proxy"), "kube-proxy", "DaemonSet").Obj(),
				running("kube-system", "helper", "cp-2", system, "0", 1).Label("app", "helper").Obj(),
				running("default", "web", "cp-2", userLow, "1", 1).Label("app", "web").Obj(),
			},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 2, Size: 2, Available: 1}},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler"},
			},
		},
		{
			// Still Ready in the snapshot's copy, but deleted: counting it
			// available would let preemption take the last replica that is.
			name: "a member the informer lost since the snapshot is gone: no member, not available",
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				kubeScheduler("ks-2", "cp-2", system).Obj(),
			},
			deleted: []string{"ks-2"},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 1, Size: 1, Available: 1}},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler"},
			},
		},
		{
			name: "relabelled out of the group since the snapshot: the informer's labels decide",
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				kubeScheduler("ks-2", "cp-2", system).Obj(),
			},
			relabelled: map[string]map[string]string{"ks-2": {"app": "debug"}},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 1, Size: 1, Available: 1}},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler"},
			},
		},
		{
			name: "relabelled into the group since the snapshot: the informer's labels decide",
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				running("kube-system", "helper", "cp-2", system, "1", 1).Label("app", "helper").Obj(),
			},
			relabelled: map[string]map[string]string{"helper": {"component": "kube-scheduler"}},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 2, Size: 2, Available: 2}},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler", "helper": "kube-system/kube-scheduler"},
			},
		},
		{
			name: "mirror pods are no members, whether the informer has them or not",
			pods: []*v1.Pod{
				mirrorOf(kubeScheduler("kube-scheduler-cp-1", "cp-1", system)).Obj(),
				mirrorOf(kubeScheduler("kube-scheduler-cp-2", "cp-2", system)).Obj(),
				kubeScheduler("ks-extra", "cp-2", system).Obj(),
			},
			deleted: []string{"kube-scheduler-cp-2"},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 1, Size: 1, Available: 1}},
				GroupOf: map[string]string{"ks-extra": "kube-system/kube-scheduler"},
			},
		},
		{
			name:   "user workloads disruption-controlled: their groups are indexed too",
			policy: userControlled,
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				running("default", "web-1", "cp-1", userLow, "1", 1).Label("app", "web").Obj(),
				running("default", "web-2", "cp-2", userLow, "1", 1).Label("app", "web").Obj(),
				pending(running("default", "web-3", "cp-2", userLow, "1", 1).Label("app", "web")),
				ownedBy(running("kube-system", "proxy-1", "cp-1", system, "0", 1).Label("k8s-app", "kube-proxy"), "kube-proxy", "DaemonSet").Obj(),
			},
			want: counted{
				Groups: map[string]groupCount{
					"kube-system/kube-scheduler": {Members: 1, Size: 1, Available: 1},
					"default/app=web":            {Members: 3, Size: 3, Available: 2},
				},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler", "web-1": "default/app=web", "web-2": "default/app=web"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			pa := policyArgs(t, config.PolicyArgs{})
			if tt.policy != nil {
				pa = policyArgs(t, *tt.policy)
			}
			e := newEnv(t, ctx, pa, nil, false, []*v1.Node{cp1, cp2}, tt.pods, nil, nil)
			byName := map[string]*v1.Pod{}
			for _, p := range tt.pods {
				byName[p.Name] = p
			}
			// What the informer sees since the snapshot was taken.
			for _, name := range tt.deleted {
				require.NoError(t, e.cs.CoreV1().Pods(byName[name].Namespace).Delete(ctx, name, metav1.DeleteOptions{}))
			}
			for name, labels := range tt.relabelled {
				p := byName[name].DeepCopy()
				p.Labels = labels
				_, err := e.cs.CoreV1().Pods(p.Namespace).Update(ctx, p, metav1.UpdateOptions{})
				require.NoError(t, err)
			}

			count := func() counted {
				s := e.pl.newGuardState(addon("addon", systemHigher, "1"))
				require.NoError(t, s.init(ctx))
				got := counted{Groups: map[string]groupCount{}, GroupOf: map[string]string{}}
				for _, n := range []string{"cp-1", "cp-2"} {
					ni, err := e.snapshot.NodeInfos().Get(n)
					require.NoError(t, err)
					for _, pi := range ni.GetPods() {
						g := s.groupOf(pi.GetPod())
						if g == nil {
							continue
						}
						got.GroupOf[pi.GetPod().Name] = g.Key
						got.Groups[g.Key] = groupCount{Members: g.Members, Size: g.Size(), Available: g.available}
					}
				}
				return got
			}
			// The informer's handlers run on their own goroutines.
			var got counted
			_ = wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, wait.ForeverTestTimeout, true, func(context.Context) (bool, error) {
				got = count()
				return cmp.Equal(tt.want, got), nil
			})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}
