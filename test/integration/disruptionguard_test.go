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
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// Profiles of the preemption tests, all served by one ha-scheduler binary:
// the shipped profile (DisruptionGuard, Strict), the same in BestEffort mode,
// and upstream's default profile (DefaultPreemption) to compare against on
// the same cluster in the same test.
const (
	strictProfile     = haScheduler
	bestEffortProfile = "ha-besteffort"
	upstreamProfile   = "upstream-default"
)

func withComparisonProfiles(cfg map[string]any) {
	profiles := cfg["profiles"].([]any)
	var bestEffort map[string]any
	raw, _ := json.Marshal(profiles[0])
	_ = json.Unmarshal(raw, &bestEffort)
	bestEffort["schedulerName"] = bestEffortProfile
	for _, pc := range bestEffort["pluginConfig"].([]any) {
		entry := pc.(map[string]any)
		if entry["name"] == "DisruptionGuard" {
			entry["args"].(map[string]any)["mode"] = "BestEffort"
		}
	}
	cfg["profiles"] = append(profiles, bestEffort, map[string]any{"schedulerName": upstreamProfile})
}

// preemptionCluster resets the cluster, creates the nodes and priority
// classes, and runs the scheduler with the three profiles.
func preemptionCluster(t *testing.T, nodes ...harness.NodeSpec) {
	t.Helper()
	cluster.Reset(t)
	cluster.EnsurePriorityClass(t, "low", 100)
	cluster.EnsurePriorityClass(t, "high", 1000000)
	for _, n := range nodes {
		n.CPU = "1"
		cluster.CreateNode(t, n)
	}
	cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml", withComparisonProfiles), "--leader-elect=false")
}

// occupant is a pod that fills its node (1 CPU), placed by spec.nodeName,
// Ready as given.
func occupant(t *testing.T, p *v1.Pod, node string, ready bool) {
	t.Helper()
	p.Spec.NodeName = node
	p.Spec.PriorityClassName = "low"
	fillNode(p)
	cluster.CreatePod(t, p)
	cluster.SetReady(t, p.Namespace, p.Name, ready)
}

func fillNode(p *v1.Pod) {
	p.Spec.Containers = []v1.Container{{Name: "main", Resources: v1.ResourceRequirements{
		Requests: v1.ResourceList{v1.ResourceCPU: *resourceQuantity("1")}}}}
}

// preemptor is a high-priority pod that needs a whole node, for a profile.
func preemptor(p *v1.Pod, profile string) *v1.Pod {
	p.Spec.SchedulerName = profile
	p.Spec.PriorityClassName = "high"
	fillNode(p)
	return p
}

// expectProtected waits until the scheduler gives up on the pod and
// compares the condition's whole message, the filter's reasons and the
// preemption's: a reason too many (another rule refusing, a node that
// should not have been a candidate) fails as surely as one missing.
func expectProtected(t *testing.T, ns, name, want string) {
	t.Helper()
	got := cluster.WaitUnschedulable(t, ns, name)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s/%s: condition message (-want +got):\n%s", ns, name, diff)
	}
}

// Rule 2: the only Ready replica of a disruption-controlled component is
// never a victim, whoever preempts (here a trusted, higher-priority pod).
func TestGuardKeepsLastAvailableReplica(t *testing.T) {
	preemptionCluster(t, controlPlaneNode("cp-1", "zone-a", "host-a"))
	occupant(t, componentPod("kube-scheduler-0", map[string]string{"component": "kube-scheduler"}), "cp-1", true)

	cluster.CreatePod(t, preemptor(componentPod("kube-dns-0", map[string]string{"k8s-app": "kube-dns"}), strictProfile))
	expectProtected(t, "kube-system", "kube-dns-0",
		"0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 protected: last available replica of kube-system/kube-scheduler.")
	if !cluster.PodExists(t, "kube-system", "kube-scheduler-0") {
		t.Fatal("DisruptionGuard evicted the last available kube-scheduler replica")
	}

	// Upstream DefaultPreemption, same cluster: it takes the last replica.
	cluster.CreatePod(t, preemptor(componentPod("kube-dns-upstream", map[string]string{"k8s-app": "kube-dns"}), upstreamProfile))
	if node := cluster.WaitScheduled(t, "kube-system", "kube-dns-upstream"); node != "cp-1" {
		t.Fatalf("upstream preemptor on %s, want cp-1", node)
	}
	if cluster.PodExists(t, "kube-system", "kube-scheduler-0") {
		t.Error("upstream DefaultPreemption was expected to evict the last kube-scheduler replica (the difference this plugin makes)")
	}
}

// Rule 2 with two replicas, one not Ready: the Ready one is protected; the
// one that is not Ready may go.
func TestGuardProtectsTheReadyReplica(t *testing.T) {
	preemptionCluster(t, controlPlaneNode("cp-1", "zone-a", "host-a"), controlPlaneNode("cp-2", "zone-b", "host-b"))
	occupant(t, componentPod("kube-scheduler-ready", map[string]string{"component": "kube-scheduler"}), "cp-1", true)
	occupant(t, componentPod("kube-scheduler-unready", map[string]string{"component": "kube-scheduler"}), "cp-2", false)

	cluster.CreatePod(t, preemptor(componentPod("kube-dns-0", map[string]string{"k8s-app": "kube-dns"}), strictProfile))
	if node := cluster.WaitScheduled(t, "kube-system", "kube-dns-0"); node != "cp-2" {
		t.Errorf("preemptor on %s, want cp-2 (in place of the replica that is not Ready)", node)
	}
	if !cluster.PodExists(t, "kube-system", "kube-scheduler-ready") {
		t.Error("the Ready kube-scheduler replica was evicted")
	}
	if cluster.PodExists(t, "kube-system", "kube-scheduler-unready") {
		t.Error("the replica that is not Ready was not the victim")
	}
}

// Rule 3: a user workload never preempts a pod of a trusted namespace; it
// takes a lower-priority user pod elsewhere if there is one.
func TestGuardUserWorkloadNeverPreemptsTrusted(t *testing.T) {
	preemptionCluster(t, workerNode("worker-1", "zone-a", "host-1"), workerNode("worker-2", "zone-b", "host-2"))
	occupant(t, pod("kube-system", "metrics-agent", map[string]string{"app": "metrics-agent"}), "worker-1", true)
	occupant(t, pod("kube-system", "log-shipper", map[string]string{"app": "log-shipper"}), "worker-2", true)

	cluster.CreatePod(t, preemptor(pod("shop", "vip", map[string]string{"app": "vip"}), strictProfile))
	expectProtected(t, "shop", "vip",
		"0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 protected: pods of trusted namespace kube-system are not preempted by pods of untrusted namespaces.")

	// A low-priority user pod appears on worker-2 in place of the trusted
	// one: that one may go.
	cluster.Reset(t)
	for _, n := range []harness.NodeSpec{workerNode("worker-1", "zone-a", "host-1"), workerNode("worker-2", "zone-b", "host-2")} {
		n.CPU = "1"
		cluster.CreateNode(t, n)
	}
	occupant(t, pod("kube-system", "metrics-agent", map[string]string{"app": "metrics-agent"}), "worker-1", true)
	occupant(t, pod("shop", "batch-job", map[string]string{"app": "batch"}), "worker-2", true)
	cluster.CreatePod(t, preemptor(pod("shop", "vip", map[string]string{"app": "vip"}), strictProfile))
	if node := cluster.WaitScheduled(t, "shop", "vip"); node != "worker-2" {
		t.Errorf("vip on %s, want worker-2 (in place of the user batch job)", node)
	}
	if !cluster.PodExists(t, "kube-system", "metrics-agent") {
		t.Error("a user workload preempted a pod of kube-system")
	}

	// Upstream: a higher-priority user pod evicts the trusted pod.
	cluster.CreatePod(t, preemptor(pod("shop", "vip-upstream", map[string]string{"app": "vip"}), upstreamProfile))
	if node := cluster.WaitScheduled(t, "shop", "vip-upstream"); node != "worker-1" {
		t.Fatalf("upstream preemptor on %s, want worker-1", node)
	}
	if cluster.PodExists(t, "kube-system", "metrics-agent") {
		t.Error("upstream DefaultPreemption was expected to evict the kube-system pod (the difference this plugin makes)")
	}
}

// Rule 1: a PodDisruptionBudget with no disruption allowed is never broken
// in Strict mode; BestEffort and upstream break it when nothing else helps.
func TestGuardPodDisruptionBudgetStrictAndBestEffort(t *testing.T) {
	for _, tt := range []struct {
		profile   string
		protected bool
	}{
		{profile: strictProfile, protected: true},
		{profile: bestEffortProfile, protected: false},
		{profile: upstreamProfile, protected: false},
	} {
		t.Run(tt.profile, func(t *testing.T) {
			preemptionCluster(t, workerNode("worker-1", "zone-a", "host-1"))
			occupant(t, pod("shop", "web-0", map[string]string{"app": "web"}), "worker-1", true)
			cluster.CreatePDB(t, "shop", "web", map[string]string{"app": "web"}, 0, 1, 0)

			cluster.CreatePod(t, preemptor(pod("shop", "vip", map[string]string{"app": "vip"}), tt.profile))
			if tt.protected {
				expectProtected(t, "shop", "vip",
					"0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 protected by PodDisruptionBudget shop/web.")
				if !cluster.PodExists(t, "shop", "web-0") {
					t.Error("Strict mode broke the PodDisruptionBudget")
				}
				return
			}
			if node := cluster.WaitScheduled(t, "shop", "vip"); node != "worker-1" {
				t.Errorf("vip on %s, want worker-1", node)
			}
			if cluster.PodExists(t, "shop", "web-0") {
				t.Errorf("%s: web-0 was expected to be preempted (best-effort PDB handling)", tt.profile)
			}
		})
	}
}
