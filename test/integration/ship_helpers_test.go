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

// Helpers of the shipping tests (ship_*_test.go): what the shipped manifests
// do on a real API server with the real binary.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// The secondary scheduler's lease (manifests/secondary/config.yaml) and the
// default scheduler's (manifests/replacement/config.yaml).
const (
	shipSecondaryLease   = "ha-scheduler"
	shipReplacementLease = "kube-scheduler"
)

func shipWorker(name, zone, host, cpu string) harness.NodeSpec {
	return harness.NodeSpec{Name: name, CPU: cpu, Labels: map[string]string{
		policy.LabelZone: zone, policy.LabelHostID: host,
	}}
}

func shipControlPlane(name, zone, host string) harness.NodeSpec {
	return harness.NodeSpec{Name: name, Labels: map[string]string{
		policy.LabelControlPlane: "", policy.LabelZone: zone, policy.LabelHostID: host,
	}, Taints: []v1.Taint{{Key: policy.LabelControlPlane, Effect: v1.TaintEffectNoSchedule}}}
}

// shipPod is a pod for schedulerName ("" leaves the API default,
// default-scheduler) requesting cpu ("" for the harness default).
func shipPod(ns, name, schedulerName, cpu string, labels map[string]string) *v1.Pod {
	p := &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
		Spec: v1.PodSpec{SchedulerName: schedulerName, Containers: []v1.Container{{
			Name: "main", Image: "registry.k8s.io/pause:3.10",
		}}},
	}
	if cpu != "" {
		p.Spec.Containers[0].Resources.Requests = v1.ResourceList{v1.ResourceCPU: resource.MustParse(cpu)}
	}
	return p
}

// shipControlPlanePod is a kube-system control-plane component as kubeadm
// labels it, tolerating the control-plane taint.
func shipControlPlanePod(name, schedulerName, component string) *v1.Pod {
	p := shipPod("kube-system", name, schedulerName, "", map[string]string{"component": component, "tier": "control-plane"})
	p.Spec.Tolerations = []v1.Toleration{{Key: policy.LabelControlPlane, Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoSchedule}}
	return p
}

// shipPriorityClass creates a PriorityClass for the test and deletes it at
// the end.
func shipPriorityClass(t *testing.T, name string, value int32) {
	t.Helper()
	ctx := context.Background()
	_, err := cluster.Client.SchedulingV1().PriorityClasses().Create(ctx, &schedulingv1.PriorityClass{
		ObjectMeta: metav1.ObjectMeta{Name: name}, Value: value,
	}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatalf("creating PriorityClass %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cluster.Client.SchedulingV1().PriorityClasses().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
}

// shipLeaseHolder returns the lease's holder identity ("" when there is no
// lease or no holder).
func shipLeaseHolder(t *testing.T, name string) string {
	t.Helper()
	l, err := cluster.Lease(context.Background(), "kube-system", name)
	if err != nil {
		t.Fatal(err)
	}
	if l == nil || l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

// shipWaitLeader waits until an instance holds the lease and says so in its
// log, and returns it and the holder identity.
func shipWaitLeader(t *testing.T, lease string, instances ...*harness.Scheduler) (*harness.Scheduler, string) {
	t.Helper()
	var leader *harness.Scheduler
	var holder string
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, harness.Timeout, true, func(context.Context) (bool, error) {
		holder = shipLeaseHolder(t, lease)
		leader = nil
		for _, s := range instances {
			if exited, err := s.Exited(); exited {
				return false, fmt.Errorf("an instance exited: %v\n%s", err, s.LogTail(30))
			}
			if shipAcquiredLease(s) {
				if leader != nil {
					return false, fmt.Errorf("two instances acquired the lease")
				}
				leader = s
			}
		}
		return holder != "" && leader != nil, nil
	})
	if err != nil {
		t.Fatalf("no leader for lease kube-system/%s: %v (holder %q)", lease, err, holder)
	}
	return leader, holder
}

// shipAcquiredLease reports whether the instance logged that it became the
// leader (client-go leaderelection: "successfully acquired lease").
func shipAcquiredLease(s *harness.Scheduler) bool {
	return strings.Contains(strings.ToLower(s.Log()), "successfully acquired lease")
}

// shipExpectNoForbidden fails when the scheduler logged an authorization
// failure: a watch, list, update or create the identity may not do.
func shipExpectNoForbidden(t *testing.T, s *harness.Scheduler) {
	t.Helper()
	var bad []string
	for _, line := range strings.Split(s.Log(), "\n") {
		if strings.Contains(strings.ToLower(line), "forbidden") {
			bad = append(bad, line)
		}
	}
	if len(bad) > 0 {
		t.Errorf("the scheduler was refused %d time(s) by the API server:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// shipMetric returns the value of the sample of metric name whose labels
// include the given ones, and whether there is one. Text exposition format.
func shipMetric(body, name string, labels map[string]string) (float64, bool) {
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		var labelPart, value string
		switch {
		case strings.HasPrefix(line, name+"{"):
			end := strings.LastIndex(line, "}")
			if end < 0 {
				continue
			}
			labelPart, value = line[len(name)+1:end], strings.TrimSpace(line[end+1:])
		case strings.HasPrefix(line, name+" "):
			value = strings.TrimSpace(line[len(name):])
		default:
			continue
		}
		match := true
		for k, v := range labels {
			if !strings.Contains(","+labelPart+",", ","+k+"="+strconv.Quote(v)+",") {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		f, err := strconv.ParseFloat(strings.Fields(value)[0], 64)
		if err != nil {
			continue
		}
		return f, true
	}
	return 0, false
}

// shipRenderedObjects renders a kustomization with the pinned kubectl and
// returns its objects.
func shipRenderedObjects(t *testing.T, dir string) []map[string]any {
	t.Helper()
	out, err := cluster.Kubectl(t, "kustomize", dir)
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v\n%s", dir, err, out)
	}
	var objs []map[string]any
	for _, doc := range strings.Split(out, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("parsing rendered %s: %v\n%s", dir, err, doc)
		}
		objs = append(objs, obj)
	}
	return objs
}

func shipKind(obj map[string]any) string { return fmt.Sprint(obj["kind"]) }

func shipName(obj map[string]any) string {
	md, _ := obj["metadata"].(map[string]any)
	return fmt.Sprint(md["name"])
}

// shipWriteObjects writes objects as a multi-document YAML file.
func shipWriteObjects(t *testing.T, objs []map[string]any) string {
	t.Helper()
	var docs []string
	for _, o := range objs {
		b, err := yaml.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	path := filepath.Join(t.TempDir(), "objects.yaml")
	if err := os.WriteFile(path, []byte(strings.Join(docs, "---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// shipStartSecondary resets the cluster, creates the nodes and runs the
// shipped secondary configuration without leader election.
func shipStartSecondary(t *testing.T, nodes ...harness.NodeSpec) *harness.Scheduler {
	t.Helper()
	cluster.Reset(t)
	for _, n := range nodes {
		cluster.CreateNode(t, n)
	}
	return cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml"), "--leader-elect=false")
}
