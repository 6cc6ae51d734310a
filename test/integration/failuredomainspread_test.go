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
	"strings"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// placeAll creates the pods one after the other, waits for each to be bound
// and returns pod name -> node.
func placeAll(t *testing.T, pods ...*v1.Pod) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, p := range pods {
		cluster.CreatePod(t, p)
		got[p.Name] = cluster.WaitScheduled(t, p.Namespace, p.Name)
	}
	return got
}

// countBy counts the placements per domain of the given node label.
func countBy(t *testing.T, placements map[string]string, level string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, nodeName := range placements {
		node, err := cluster.Client.CoreV1().Nodes().Get(context.Background(), nodeName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		counts[policy.DomainOf(node.Name, node.Labels, level)]++
	}
	return counts
}

func replicas(n int, name string, labels map[string]string) []*v1.Pod {
	var out []*v1.Pod
	for i := 0; i < n; i++ {
		out = append(out, componentPod(fmt.Sprintf("%s-%d", name, i), labels))
	}
	return out
}

func TestControlPlaneReplicasSpreadOverZones(t *testing.T) {
	startSecondary(t,
		controlPlaneNode("cp-a", "zone-a", "host-a"),
		controlPlaneNode("cp-b", "zone-b", "host-b"),
		controlPlaneNode("cp-c", "zone-c", "host-c"),
		workerNode("worker-1", "zone-a", "host-w"))

	sched := placeAll(t, replicas(3, "kube-scheduler", map[string]string{"component": "kube-scheduler"})...)
	if zones := countBy(t, sched, policy.LabelZone); len(zones) != 3 {
		t.Errorf("kube-scheduler replicas per zone = %v, want one in each of 3 zones", zones)
	}
	etcd := placeAll(t, replicas(5, "etcd", map[string]string{"component": "etcd"})...)
	zones := countBy(t, etcd, policy.LabelZone)
	var sizes []int
	for _, z := range []string{"zone-a", "zone-b", "zone-c"} {
		sizes = append(sizes, zones[z])
	}
	twos, ones := 0, 0
	for _, n := range sizes {
		switch n {
		case 2:
			twos++
		case 1:
			ones++
		}
	}
	if twos != 2 || ones != 1 {
		t.Errorf("5 etcd members per zone = %v, want 2/2/1", zones)
	}
}

// Four control-plane VMs on two hypervisors: two VMs of one hypervisor are
// one failure domain.
func fourVMsOnTwoHosts() []harness.NodeSpec {
	return []harness.NodeSpec{
		controlPlaneNode("vm-a1", "zone-a", "hyper-a"),
		controlPlaneNode("vm-a2", "zone-a", "hyper-a"),
		controlPlaneNode("vm-b1", "zone-a", "hyper-b"),
		controlPlaneNode("vm-b2", "zone-a", "hyper-b"),
	}
}

func TestRequiredGroupNeverTwoReplicasOnOneHypervisor(t *testing.T) {
	startSecondary(t, fourVMsOnTwoHosts()...)
	got := placeAll(t, replicas(2, "kube-controller-manager", map[string]string{"component": "kube-controller-manager"})...)
	if hosts := countBy(t, got, policy.LabelHostID); len(hosts) != 2 {
		t.Errorf("kube-controller-manager replicas per host-id = %v (nodes %v), want one on each hypervisor", hosts, got)
	}
}

// secondReplicaWaitsForHyperB starts the scheduler on four VMs over two
// hypervisors whose host hyper-b is full (another workload, placed by
// spec.nodeName), places one kube-scheduler replica (on hyper-a, the only
// room) and creates a second, which waits for hyper-b, the emptiest host.
// It returns the second replica's condition message.
func secondReplicaWaitsForHyperB(t *testing.T) string {
	t.Helper()
	nodes := fourVMsOnTwoHosts()
	for i := range nodes {
		nodes[i].CPU = "1"
	}
	startSecondary(t, nodes...)
	for _, n := range []string{"vm-b1", "vm-b2"} {
		filler := pod("kube-system", "filler-"+n, map[string]string{"app": "filler"})
		filler.Spec.NodeName = n
		filler.Spec.Containers = []v1.Container{{Name: "main", Resources: v1.ResourceRequirements{
			Requests: v1.ResourceList{v1.ResourceCPU: *resourceQuantity("1")}}}}
		cluster.CreatePod(t, filler)
	}
	first := placeAll(t, componentPod("kube-scheduler-0", map[string]string{"component": "kube-scheduler"}))
	if !strings.HasPrefix(first["kube-scheduler-0"], "vm-a") {
		t.Fatalf("first replica on %s, want a VM of hyper-a (hyper-b is full)", first["kube-scheduler-0"])
	}
	cluster.CreatePod(t, componentPod("kube-scheduler-1", map[string]string{"component": "kube-scheduler"}))
	return cluster.WaitUnschedulable(t, "kube-system", "kube-scheduler-1")
}

func TestRequiredGroupWaitsForRoomOnTheEmptierHost(t *testing.T) {
	msg := secondReplicaWaitsForHyperB(t)
	// The reason names the group and the emptiest host it waits for.
	for _, want := range []string{"kube-system/kube-scheduler", "host-id=hyper-b"} {
		if !strings.Contains(msg, want) {
			t.Errorf("condition message %q does not name %q", msg, want)
		}
	}
	// Room appears on hyper-b: the replica goes there, not next to its sibling.
	if err := cluster.Client.CoreV1().Pods("kube-system").Delete(context.Background(), "filler-vm-b2",
		metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}); err != nil {
		t.Fatal(err)
	}
	if node := cluster.WaitScheduled(t, "kube-system", "kube-scheduler-1"); node != "vm-b2" {
		t.Errorf("second replica on %s, want vm-b2 (the room that appeared on hyper-b)", node)
	}
}

func TestUserReplicasSpreadOverZonesThenHosts(t *testing.T) {
	var workers []harness.NodeSpec
	for z := 0; z < 3; z++ {
		for h := 0; h < 2; h++ {
			for vm := 0; vm < 2; vm++ {
				workers = append(workers, workerNode(fmt.Sprintf("w-z%d-h%d-%d", z, h, vm), fmt.Sprintf("zone-%d", z), fmt.Sprintf("host-%d-%d", z, h)))
			}
		}
	}
	startSecondary(t, workers...)
	var pods []*v1.Pod
	for i := 0; i < 6; i++ {
		// As a Deployment's pods are labelled; grouped by app.kubernetes.io/name.
		pods = append(pods, pod("shop", fmt.Sprintf("web-%d", i), map[string]string{"app.kubernetes.io/name": "web", "pod-template-hash": "abc"}))
	}
	got := placeAll(t, pods...)
	for zone, n := range countBy(t, got, policy.LabelZone) {
		if n != 2 {
			t.Errorf("zone %s has %d replicas, want 2 (placements %v)", zone, n, got)
		}
	}
	for host, n := range countBy(t, got, policy.LabelHostID) {
		if n != 1 {
			t.Errorf("host %s has %d replicas, want 1 (placements %v)", host, n, got)
		}
	}
}

func TestNodesWithoutTopologyLabelsSpreadByNode(t *testing.T) {
	startSecondary(t,
		harness.NodeSpec{Name: "plain-1"}, harness.NodeSpec{Name: "plain-2"}, harness.NodeSpec{Name: "plain-3"})
	var pods []*v1.Pod
	for i := 0; i < 3; i++ {
		pods = append(pods, pod("shop", fmt.Sprintf("api-%d", i), map[string]string{"app": "api"}))
	}
	got := placeAll(t, pods...)
	if nodes := countBy(t, got, policy.LabelHostname); len(nodes) != 3 {
		t.Errorf("replicas per node = %v, want one on each of 3 unlabelled nodes", nodes)
	}
}

func TestDaemonSetPodsAreNotSpreadAndNodeNamePodsCount(t *testing.T) {
	startSecondary(t, fourVMsOnTwoHosts()...)
	// An etcd member placed by spec.nodeName on hyper-a counts: the next
	// member goes to hyper-b.
	pinned := componentPod("etcd-pinned", map[string]string{"component": "etcd"})
	pinned.Spec.NodeName = "vm-a1"
	cluster.CreatePod(t, pinned)
	got := placeAll(t, componentPod("etcd-1", map[string]string{"component": "etcd"}))
	if !strings.HasPrefix(got["etcd-1"], "vm-b") {
		t.Errorf("etcd-1 on %s, want hyper-b (a member already runs on hyper-a, placed by spec.nodeName)", got["etcd-1"])
	}
	// DaemonSet pods of the same Required group go where the DaemonSet
	// controller pins them, even two on one hypervisor.
	for _, n := range []string{"vm-a1", "vm-a2"} {
		p := componentPod("etcd-ds-"+n, map[string]string{"component": "etcd"})
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "etcd-ds", UID: "ds-uid", Controller: ptr.To(true)}}
		p.Spec.Affinity = &v1.Affinity{NodeAffinity: &v1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &v1.NodeSelector{
			NodeSelectorTerms: []v1.NodeSelectorTerm{{MatchFields: []v1.NodeSelectorRequirement{{Key: "metadata.name", Operator: v1.NodeSelectorOpIn, Values: []string{n}}}}},
		}}}
		cluster.CreatePod(t, p)
		if node := cluster.WaitScheduled(t, "kube-system", p.Name); node != n {
			t.Errorf("DaemonSet pod %s on %s, want %s", p.Name, node, n)
		}
	}
}
