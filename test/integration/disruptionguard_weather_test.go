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

// DisruptionGuard in bad weather: members on nodes that went down, and
// members whose owner the scheduler does not know.

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// guardCluster resets the cluster, creates the nodes (1 CPU each) and the
// priority classes, runs setup (node conditions, occupants), and only then
// starts ha-scheduler with the shipped configuration, unchanged: its first
// list holds the whole scene, so no watch event of the setup can reach it
// after the preemptor does.
func guardCluster(t *testing.T, nodes []harness.NodeSpec, setup func()) *harness.Scheduler {
	t.Helper()
	cluster.Reset(t)
	cluster.EnsurePriorityClass(t, "low", 100)
	cluster.EnsurePriorityClass(t, "high", 1000000)
	for _, n := range nodes {
		n.CPU = "1"
		cluster.CreateNode(t, n)
	}
	setup()
	return cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml"), "--leader-elect=false")
}

// controlPlaneNodes are cp-0 … cp-<n-1>, each in its own host, over three
// zones.
func controlPlaneNodes(n int) []harness.NodeSpec {
	var out []harness.NodeSpec
	for i := 0; i < n; i++ {
		out = append(out, controlPlaneNode(fmt.Sprintf("cp-%d", i), fmt.Sprintf("zone-%d", i%3), fmt.Sprintf("host-%d", i)))
	}
	return out
}

// addon is a high-priority kube-system component (heapster) that needs a
// whole node: rule 3 does not apply to its victims, only the budgets do.
func addon(name string) *v1.Pod {
	return preemptor(componentPod(name, map[string]string{"k8s-app": "heapster"}), strictProfile)
}

// podsLeft returns which of the named pods of ns still exist (and are not
// terminating), as a set to compare whole.
func podsLeft(t *testing.T, ns string, names ...string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, n := range names {
		out[n] = cluster.PodExists(t, ns, n)
	}
	return out
}

// pendingOutcome is what a refused preemptor leaves behind: still unbound,
// nominated nowhere.
type pendingOutcome struct {
	NodeName, NominatedNodeName string
}

func expectNotNominated(t *testing.T, ns, name string) {
	t.Helper()
	p, err := cluster.Client.CoreV1().Pods(ns).Get(context.Background(), name, metav1.GetOptions{})
	require.NoError(t, err)
	if diff := cmp.Diff(pendingOutcome{}, pendingOutcome{NodeName: p.Spec.NodeName, NominatedNodeName: p.Status.NominatedNodeName}); diff != "" {
		t.Errorf("%s/%s after the refusal (-want +got):\n%s", ns, name, diff)
	}
}

// expectAlive checks that the scheduler is still running and logged no
// panic.
func expectAlive(t *testing.T, s *harness.Scheduler) {
	t.Helper()
	exited, err := s.Exited()
	require.False(t, exited, "ha-scheduler exited: %v", err)
	require.False(t, s.LogContains("panic"), "ha-scheduler logged a panic")
}

// A member whose node went NotReady, and one whose node is unreachable,
// still say Ready (the node lifecycle controller marks their pods only
// later, the kubelet never): the guard counts them as unavailable
// (policy.NodeCanRunPods). An etcd group of 5 with those two down has
// exactly its quorum of 3 left, so no preemption may take one more. Mirrors
// the unit cases "etcd quorum: none of 2 available members of 3 may go" and
// "a replica on a node that stopped reporting is not available, whatever its
// stale Ready condition says".
func TestGuardMembersOnNodesThatWentDownAreUnavailable(t *testing.T) {
	etcd := []string{"etcd-0", "etcd-1", "etcd-2", "etcd-3", "etcd-4"}
	s := guardCluster(t, controlPlaneNodes(5), func() {
		cluster.MarkNodeNotReady(t, "cp-3")
		cluster.MarkNodeUnreachable(t, "cp-4")
		for i, name := range etcd {
			occupant(t, componentPod(name, map[string]string{"component": "etcd"}), fmt.Sprintf("cp-%d", i), true)
		}
	})

	cluster.CreatePod(t, addon("addon-0"))
	expectProtected(t, "kube-system", "addon-0",
		"0/5 nodes are available: 2 node(s) had untolerated taint(s), 3 Insufficient cpu. "+
			"preemption: 0/5 nodes are available: 2 Preemption is not helpful for scheduling, "+
			"3 protected: kube-system/etcd must keep 3 of 5 replicas available.")
	expectNotNominated(t, "kube-system", "addon-0")
	want := map[string]bool{"etcd-0": true, "etcd-1": true, "etcd-2": true, "etcd-3": true, "etcd-4": true}
	if diff := cmp.Diff(want, podsLeft(t, "kube-system", etcd...)); diff != "" {
		t.Errorf("etcd members after the refusal (-want +got):\n%s", diff)
	}
	expectAlive(t, s)
}

// A kube-scheduler replica on an unreachable node does not pay for
// preemptions elsewhere: of the two replicas on nodes that are up, one may
// go (the minimum of 1 holds), the last may not.
func TestGuardReplicaOnUnreachableNodeDoesNotPayForPreemption(t *testing.T) {
	replicas := []string{"kube-scheduler-0", "kube-scheduler-1", "kube-scheduler-2"}
	s := guardCluster(t, controlPlaneNodes(3), func() {
		cluster.MarkNodeUnreachable(t, "cp-0")
		for i, name := range replicas {
			occupant(t, componentPod(name, map[string]string{"component": "kube-scheduler"}), fmt.Sprintf("cp-%d", i), true)
		}
	})

	// One of the two replicas on cp-1 and cp-2 may go: which one is
	// upstream's choice, the outcome follows from it exactly.
	cluster.CreatePod(t, addon("addon-0"))
	node := cluster.WaitScheduled(t, "kube-system", "addon-0")
	require.Contains(t, []string{"cp-1", "cp-2"}, node, "addon-0 must take the place of a replica on a node that is up")
	want := map[string]bool{"kube-scheduler-0": true, "kube-scheduler-1": node != "cp-1", "kube-scheduler-2": node != "cp-2"}
	if diff := cmp.Diff(want, podsLeft(t, "kube-system", replicas...)); diff != "" {
		t.Errorf("kube-scheduler replicas after the first preemption (-want +got):\n%s", diff)
	}

	// The one left on a node that is up is the last available replica; the
	// one on the unreachable node still says Ready and does not count.
	cluster.CreatePod(t, addon("addon-1"))
	expectProtected(t, "kube-system", "addon-1",
		"0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. "+
			"preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "+
			"1 Preemption is not helpful for scheduling, 1 protected: last available replica of kube-system/kube-scheduler.")
	expectNotNominated(t, "kube-system", "addon-1")
	if diff := cmp.Diff(want, podsLeft(t, "kube-system", replicas...)); diff != "" {
		t.Errorf("kube-scheduler replicas after the refusal (-want +got):\n%s", diff)
	}
	expectAlive(t, s)
}

// controlledBy makes a controller the pod's owner by reference only: no
// such object exists in the API, so it is in no informer cache (deleted
// with its pods orphaned later, not yet synced, or not readable).
func controlledBy(p *v1.Pod, kind, name string) *v1.Pod {
	p.OwnerReferences = []metav1.OwnerReference{{
		APIVersion: "apps/v1", Kind: kind, Name: name,
		UID: types.UID("not-in-the-api-" + name), Controller: ptr.To(true),
	}}
	return p
}

// An etcd StatefulSet the scheduler does not know: the group is still one
// budget per owner, sized by its pods, a pending one included (4 members,
// quorum 3). Its 3 bound members are exactly the quorum: none may go, and
// the scheduler does not crash looking the owner up.
func TestGuardStatefulSetNotInCacheIsSizedByItsPods(t *testing.T) {
	etcd := []string{"etcd-0", "etcd-1", "etcd-2", "etcd-3"}
	s := guardCluster(t, controlPlaneNodes(3), func() {
		for i, name := range etcd[:3] {
			occupant(t, controlledBy(componentPod(name, map[string]string{"component": "etcd"}), "StatefulSet", "etcd"), fmt.Sprintf("cp-%d", i), true)
		}
		// The fourth member waits for the default scheduler (none runs
		// here): a member all the same.
		pending := controlledBy(componentPod("etcd-3", map[string]string{"component": "etcd"}), "StatefulSet", "etcd")
		pending.Spec.SchedulerName = v1.DefaultSchedulerName
		cluster.CreatePod(t, pending)
	})

	cluster.CreatePod(t, addon("addon-0"))
	expectProtected(t, "kube-system", "addon-0",
		"0/3 nodes are available: 3 Insufficient cpu. "+
			"preemption: 0/3 nodes are available: 3 protected: kube-system/etcd (StatefulSet etcd) must keep 3 of 4 replicas available.")
	expectNotNominated(t, "kube-system", "addon-0")
	want := map[string]bool{"etcd-0": true, "etcd-1": true, "etcd-2": true, "etcd-3": true}
	if diff := cmp.Diff(want, podsLeft(t, "kube-system", etcd...)); diff != "" {
		t.Errorf("etcd members after the refusal (-want +got):\n%s", diff)
	}
	expectAlive(t, s)
}

// A kube-scheduler Deployment whose ReplicaSet the scheduler does not know:
// the group is the ReplicaSet's (it cannot be resolved to its Deployment),
// sized by its pods. One of two replicas may go, the last may not.
func TestGuardReplicaSetNotInCacheKeepsItsLastReplica(t *testing.T) {
	replicas := []string{"kube-scheduler-5d8-a", "kube-scheduler-5d8-b"}
	s := guardCluster(t, controlPlaneNodes(2), func() {
		for i, name := range replicas {
			occupant(t, controlledBy(componentPod(name, map[string]string{"component": "kube-scheduler"}), "ReplicaSet", "kube-scheduler-5d8"), fmt.Sprintf("cp-%d", i), true)
		}
	})

	cluster.CreatePod(t, addon("addon-0"))
	node := cluster.WaitScheduled(t, "kube-system", "addon-0")
	require.Contains(t, []string{"cp-0", "cp-1"}, node)
	want := map[string]bool{"kube-scheduler-5d8-a": node != "cp-0", "kube-scheduler-5d8-b": node != "cp-1"}
	if diff := cmp.Diff(want, podsLeft(t, "kube-system", replicas...)); diff != "" {
		t.Errorf("kube-scheduler replicas after the first preemption (-want +got):\n%s", diff)
	}

	cluster.CreatePod(t, addon("addon-1"))
	expectProtected(t, "kube-system", "addon-1",
		"0/2 nodes are available: 2 Insufficient cpu. "+
			"preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "+
			"1 protected: last available replica of kube-system/kube-scheduler (ReplicaSet kube-scheduler-5d8).")
	expectNotNominated(t, "kube-system", "addon-1")
	if diff := cmp.Diff(want, podsLeft(t, "kube-system", replicas...)); diff != "" {
		t.Errorf("kube-scheduler replicas after the refusal (-want +got):\n%s", diff)
	}
	expectAlive(t, s)
}
