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
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// TestMeasureSchedulerMemory measures what the ha-scheduler binary, with
// the shipped secondary configuration, keeps in memory on a cluster of
// HA_MEASURE_MEMORY nodes (unset: skipped; docs/performance.md "Memory of
// the binary" has the run the shipped requests and limits come from): 3
// bound pods per node, then 1,000 pods it schedules, then 100 tenant
// ReplicaSets of zero replicas and a 1 MB template. It logs the resident
// set and the heap in use (the binary's own /metrics) after each step.
//
//	HA_MEASURE_MEMORY=5000 go test ./test/integration -run TestMeasureSchedulerMemory -v -timeout 60m
func TestMeasureSchedulerMemory(t *testing.T) {
	nodes, err := strconv.Atoi(os.Getenv("HA_MEASURE_MEMORY"))
	if err != nil || nodes <= 0 {
		t.Skip("HA_MEASURE_MEMORY=<nodes> runs it")
	}
	cluster.Reset(t)
	ctx := context.Background()
	start := time.Now()
	parallel(t, nodes, func(i int) error {
		cluster.CreateNode(t, harness.NodeSpec{Name: fmt.Sprintf("w-%05d", i), CPU: "32", Pods: "110", Labels: map[string]string{
			policy.LabelZone: fmt.Sprintf("zone-%d", i%3), policy.LabelHostID: fmt.Sprintf("host-%05d", i/4)}})
		return nil
	})
	cluster.EnsureNamespace(t, "bound")
	parallel(t, 3*nodes, func(i int) error {
		p := pod("bound", fmt.Sprintf("bound-%05d", i), map[string]string{"app": fmt.Sprintf("app-%d", i%300)})
		p.Spec.NodeName = fmt.Sprintf("w-%05d", i%nodes)
		p.Spec.Containers = []v1.Container{{Name: "main", Image: "registry.k8s.io/pause:3.10", Resources: v1.ResourceRequirements{
			Requests: v1.ResourceList{v1.ResourceCPU: resource.MustParse("100m"), v1.ResourceMemory: resource.MustParse("128Mi")}}}}
		p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](0)
		_, err := cluster.Client.CoreV1().Pods("bound").Create(ctx, p, metav1.CreateOptions{})
		return err
	})
	t.Logf("cluster of %d nodes and %d bound pods created in %s", nodes, 3*nodes, time.Since(start).Round(time.Second))

	s := cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml"), "--leader-elect=false")
	probe := pod("shop", "probe", map[string]string{"app": "probe"})
	cluster.CreatePod(t, probe)
	cluster.WaitScheduled(t, "shop", "probe")
	logMemory(t, s, "synced")

	cluster.EnsureNamespace(t, "shop")
	parallel(t, 1000, func(i int) error {
		p := pod("shop", fmt.Sprintf("web-%04d", i), map[string]string{"app": fmt.Sprintf("web-%d", i/50)})
		p.Spec.Containers = []v1.Container{{Name: "main", Image: "registry.k8s.io/pause:3.10", Resources: v1.ResourceRequirements{
			Requests: v1.ResourceList{v1.ResourceCPU: resource.MustParse("100m")}}}}
		p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](0)
		_, err := cluster.Client.CoreV1().Pods("shop").Create(ctx, p, metav1.CreateOptions{})
		return err
	})
	err = cluster.Poll(func(ctx context.Context) (bool, error) {
		list, err := cluster.Client.CoreV1().Pods("shop").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName="})
		return err == nil && len(list.Items) == 0, err
	})
	if err != nil {
		t.Fatalf("1,000 pods not scheduled: %v", err)
	}
	logMemory(t, s, "after scheduling 1,000 pods")

	cluster.EnsureNamespace(t, "tenant")
	big := strings.Repeat("x", 1<<20-4096)
	parallel(t, 100, func(i int) error {
		rs := &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Namespace: "tenant", Name: fmt.Sprintf("big-%03d", i)},
			Spec: appsv1.ReplicaSetSpec{
				Replicas: ptr.To[int32](0),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "big"}},
				// 1 MB in the template (annotations are limited to
				// 256 kB): a container's environment.
				Template: v1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "big"}},
					Spec:       v1.PodSpec{Containers: []v1.Container{{Name: "c", Image: "x", Env: []v1.EnvVar{{Name: "BIG", Value: big}}}}},
				},
			},
		}
		_, err := cluster.Client.AppsV1().ReplicaSets("tenant").Create(ctx, rs, metav1.CreateOptions{})
		return err
	})
	time.Sleep(10 * time.Second) // what a watch would deliver, delivered
	logMemory(t, s, "after 100 tenant ReplicaSets of 1 MB")
}

// parallel runs f for 0..n-1 on 16 goroutines and fails the test on the
// first error.
func parallel(t *testing.T, n int, f func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	next := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// logMemory logs the scheduler's resident set and heap in use, from its
// /metrics, after a collection (/debug is not served: the heap is read
// as it is).
func logMemory(t *testing.T, s *harness.Scheduler, when string) {
	t.Helper()
	code, body, err := s.Get("/metrics")
	if err != nil || code != 200 {
		t.Fatalf("scheduler /metrics: %d %v", code, err)
	}
	metric := func(name string) float64 {
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(line, name+" ") {
				v, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, name)), 64)
				return v
			}
		}
		return -1
	}
	t.Logf("memory %s: resident %.0f MiB, heap in use %.0f MiB, heap objects %.0f",
		when, metric("process_resident_memory_bytes")/(1<<20), metric("go_memstats_heap_inuse_bytes")/(1<<20), metric("go_memstats_heap_objects"))
}
