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

package integration

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// Each workload spreads on its own, as the default profile's system-default
// spreading (off in the shipped profile) would spread it: the pods a
// Service selects, with no controller and none of the group labels
// (upstream's e2e "spread the pods of a service across zones"), and two
// workloads that share app.kubernetes.io/name (two releases of one chart).
// The resource scores prefer zone a by far (its nodes are sixteen times
// larger): only the spread keeps the replicas out of it.
func TestEachWorkloadSpreadsOnItsOwn(t *testing.T) {
	cluster.Reset(t)
	for _, n := range []harness.NodeSpec{
		{Name: "w-a1", CPU: "64", Labels: map[string]string{policy.LabelZone: "zone-a", policy.LabelHostID: "hyper-a1"}},
		{Name: "w-a2", CPU: "64", Labels: map[string]string{policy.LabelZone: "zone-a", policy.LabelHostID: "hyper-a2"}},
		{Name: "w-b", CPU: "4", Labels: map[string]string{policy.LabelZone: "zone-b", policy.LabelHostID: "hyper-b"}},
		{Name: "w-c", CPU: "4", Labels: map[string]string{policy.LabelZone: "zone-c", policy.LabelHostID: "hyper-c"}},
	} {
		cluster.CreateNode(t, n)
	}
	cluster.EnsureNamespace(t, "shop")
	svc := &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "frontend"},
		Spec:       v1.ServiceSpec{ClusterIP: v1.ClusterIPNone, Selector: map[string]string{"name": "frontend"}, Ports: []v1.ServicePort{{Port: 80}}},
	}
	if _, err := cluster.Client.CoreV1().Services("shop").Create(context.Background(), svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cluster.Client.CoreV1().Services("shop").Delete(context.Background(), "frontend", metav1.DeleteOptions{})
	})
	cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml"), "--leader-elect=false")

	t.Run("the pods of a Service", func(t *testing.T) {
		var pods []*v1.Pod
		for i := range 6 {
			pods = append(pods, pod("shop", fmt.Sprintf("frontend-%d", i), map[string]string{"name": "frontend"}))
		}
		got := countBy(t, placeAll(t, pods...), policy.LabelZone)
		if diff := cmp.Diff(map[string]int{"zone-a": 2, "zone-b": 2, "zone-c": 2}, got); diff != "" {
			t.Errorf("frontend replicas per zone (-want +got):\n%s", diff)
		}
	})

	t.Run("two releases of one chart", func(t *testing.T) {
		// Release a runs a replica in zone a, release b one in zone b and
		// one in zone c (placed by nodeName: they count like any other).
		// Taken as one group every zone holds one and the resource scores
		// pick zone a; release a on its own must avoid zone a.
		release := func(name, r, node string) *v1.Pod {
			p := pod("shop", name, map[string]string{"app.kubernetes.io/name": "postgresql", "app.kubernetes.io/instance": r, "pod-template-hash": "5d"})
			p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "db-" + r + "-5d", UID: types.UID("db-" + r), Controller: ptr.To(true)}}
			p.Spec.NodeName = node
			return p
		}
		cluster.CreatePod(t, release("db-a-1", "a", "w-a1"))
		cluster.CreatePod(t, release("db-b-1", "b", "w-b"))
		cluster.CreatePod(t, release("db-b-2", "b", "w-c"))
		got := countBy(t, placeAll(t, release("db-a-2", "a", "")), policy.LabelZone)
		if got["zone-a"] != 0 {
			t.Errorf("release a's second replica in zone-a, where its first runs (zones %v)", got)
		}
	})
}
