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
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2/ktesting"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
)

// TestInFlightVictims: with asynchronous preemption the victims of one
// preemptor are still Ready in the next cycles. They count as lost, so a
// second preemptor cannot take the other replica of the group.
func TestInFlightVictims(t *testing.T) {
	for _, async := range []bool{false, true} {
		t.Run(map[bool]string{false: "sync", true: "async"}[async], func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			nodes := []*v1.Node{node("cp-1", "1"), node("cp-2", "1")}
			pods := []*v1.Pod{kubeScheduler("ks-1", "cp-1", system).Obj(), kubeScheduler("ks-2", "cp-2", system).Obj()}
			first := addon("addon-1", systemHigher, "1")
			second := addon("addon-2", systemHigher, "1")
			e := newEnv(t, ctx, nil, nil, async, nodes, pods, nil, nil, first, second)
			// The victim stays in the informers: only the record of
			// victims in flight says it is lost.
			e.keepDeletedPods()

			res, status := e.postFilter(t, ctx, first, nodes)
			require.True(t, status.IsSuccess(), "first preemptor: %v", status)
			require.Equal(t, 1, e.pl.inFlight.len(), "victims in flight")
			waitForDeletions(t, ctx, e.cluster, 1)
			e.checkOutcome(t, res, status, placed("cp-1", 1, "ks-1"), placed("cp-2", 1, "ks-2"))
			taken := res.NominatedNodeName
			victim := e.deletedPods()

			// The snapshot still holds the victim: the second preemptor may
			// only use the other node, whose replica is now the last one.
			res, status = e.postFilter(t, ctx, second, nodes, taken)
			e.checkOutcome(t, res, status, outcome{
				msg: "preemption: 0/2 nodes are available: 1 Preemption is not helpful for scheduling, " +
					"1 protected: last available replica of kube-system/kube-scheduler.",
				deleted: victim,
			})

			// Once the victim is gone the record is dropped.
			for _, p := range pods {
				e.pl.inFlight.forget(p)
			}
			if got := e.pl.inFlight.len(); got != 0 {
				t.Errorf("in flight after deletion: %d victims, want 0", got)
			}
		})
	}
}

// Two profiles of one scheduler share the record of victims in flight: a
// victim that one profile's preemption chose, still Ready in the snapshot,
// is lost to the other profile's guard too. With a record per profile the
// second profile would take the last replica of the group.
func TestProfilesShareInFlightVictims(t *testing.T) {
	for _, async := range []bool{false, true} {
		t.Run(map[bool]string{false: "sync", true: "async"}[async], func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			nodes := []*v1.Node{node("cp-1", "1"), node("cp-2", "1")}
			pods := []*v1.Pod{kubeScheduler("ks-1", "cp-1", system).Obj(), kubeScheduler("ks-2", "cp-2", system).Obj()}
			first := addon("addon-1", systemHigher, "1")
			second := addon("addon-2", systemHigher, "1")
			// One scheduler: one clientset, one informer factory, one
			// snapshot; two profiles with policies of their own.
			c := newCluster(t, nodes, pods, nil, nil, first, second)
			c.keepDeletedPods()
			policies := config.Policies{
				"first":  testutil.LoadedPolicy(t, config.PolicyArgs{}),
				"second": testutil.LoadedPolicy(t, config.PolicyArgs{TrustedNamespaces: []string{"kube-system", "infra"}}),
			}
			a := c.guard(t, ctx, "first", policies, nil, async)
			b := c.guard(t, ctx, "second", policies, nil, async)
			// Each profile has its own policy.
			if diff := cmp.Diff([]bool{false, true}, []bool{a.pl.policy.IsTrustedNamespace("infra"), b.pl.policy.IsTrustedNamespace("infra")}); diff != "" {
				t.Errorf("infra trusted by the first and second profile's guard (-want +got):\n%s", diff)
			}

			// The first profile takes one of the two replicas.
			res, status := a.postFilter(t, ctx, first, nodes)
			require.True(t, status.IsSuccess(), "first profile's preemption: %v", status)
			taken := res.NominatedNodeName
			// With async preemption the victim is deleted in a goroutine;
			// either way the fake clientset's deletion does not reach the
			// informer (keepDeletedPods): the victim stays Ready in the
			// pod store and the snapshot, as between a preemption and the
			// kubelet's first status update.
			waitForDeletions(t, ctx, c, 1)
			c.checkOutcome(t, res, status, placed("cp-1", 1, "ks-1"), placed("cp-2", 1, "ks-2"))
			victim := c.deletedPods()

			// The second profile's guard sees the other replica as the last
			// available one and refuses it.
			res, status = b.postFilter(t, ctx, second, nodes, taken)
			c.checkOutcome(t, res, status, outcome{
				msg: "preemption: 0/2 nodes are available: 1 Preemption is not helpful for scheduling, " +
					"1 protected: last available replica of kube-system/kube-scheduler.",
				deleted: victim,
			})
			if a.pl.inFlight != b.pl.inFlight {
				t.Error("the profiles' guards have a record of victims in flight each")
			}
		})
	}
}

func TestInFlightTTL(t *testing.T) {
	f := newInFlight()
	now := epoch
	f.now = func() time.Time { return now }
	f.add([]*v1.Pod{{ObjectMeta: metav1.ObjectMeta{UID: "a"}}})
	if !f.snapshot().Has("a") {
		t.Fatal("victim not recorded")
	}
	now = now.Add(inFlightTTL + time.Second)
	if f.snapshot().Has("a") {
		t.Error("victim still in flight after the TTL")
	}
	f.add([]*v1.Pod{{ObjectMeta: metav1.ObjectMeta{UID: "b"}}})
	f.forget(cacheTombstone(&v1.Pod{ObjectMeta: metav1.ObjectMeta{UID: "b"}}))
	if f.snapshot().Has(types.UID("b")) {
		t.Error("victim still in flight after its deletion")
	}
}
