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
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

func TestFilterRequired(t *testing.T) {
	a1, a2 := cpVM("cp-a1", "z1", "a"), cpVM("cp-a2", "z1", "a")
	b1, b2 := cpVM("cp-b1", "z1", "b"), cpVM("cp-b2", "z1", "b")
	fourVMs := []*v1.Node{a1.Obj(), a2.Obj(), b1.Obj(), b2.Obj()}
	oneOnA := []*v1.Pod{scheduler("s1").Node("cp-a1").Obj()}
	const kubeScheduler = "kube-system/kube-scheduler"
	aFull := rejected(hostIDKey, kubeScheduler, "b", 0)
	rejectA := map[string]*fwk.Status{"cp-a1": aFull, "cp-a2": aFull}
	runFilterCases(t, []filterCase{
		{
			name:  "two VMs on one hypervisor: the other host first",
			nodes: fourVMs,
			pods:  oneOnA,
			want:  rejectA,
		},
		{
			name:  "no replica yet: every node",
			nodes: fourVMs,
		},
		{
			name:  "one replica per host: every node",
			nodes: fourVMs,
			pods:  append(slices.Clone(oneOnA), scheduler("s2").Node("cp-b2").Obj()),
		},
		{
			name:  "replica placed by spec.nodeName counts like any other",
			pod:   st.MakePod().Namespace("kube-system").Name("new").Label("component", "kube-controller-manager").Obj(),
			nodes: fourVMs,
			pods:  []*v1.Pod{st.MakePod().Namespace("kube-system").Name("kcm-cp-b1").Label("component", "kube-controller-manager").Node("cp-b1").Obj()},
			want: map[string]*fwk.Status{
				"cp-b1": rejected(hostIDKey, "kube-system/kube-controller-manager", "a", 0),
				"cp-b2": rejected(hostIDKey, "kube-system/kube-controller-manager", "a", 0),
			},
		},
		{
			name:  "emptier host fully cordoned is not eligible",
			nodes: []*v1.Node{a1.Obj(), a2.Obj(), cpVM("cp-b1", "z1", "b").Unschedulable(true).Obj(), cpVM("cp-b2", "z1", "b").Unschedulable(true).Obj()},
			pods:  oneOnA,
		},
		{
			name:  "emptier host with one VM left is still eligible",
			nodes: []*v1.Node{a1.Obj(), a2.Obj(), cpVM("cp-b1", "z1", "b").Unschedulable(true).Obj(), b2.Obj()},
			pods:  oneOnA,
			want:  rejectA,
		},
		{
			name:  "emptier host not ready or unreachable is not eligible",
			nodes: []*v1.Node{a1.Obj(), a2.Obj(), cpVM("cp-b1", "z1", "b").Taints([]v1.Taint{notReady}).Obj(), cpVM("cp-b2", "z1", "b").Taints([]v1.Taint{unreachable}).Obj()},
			pods:  oneOnA,
			// Host a is not measured against b; b's nodes are refused as dead.
			want: map[string]*fwk.Status{"cp-b1": down, "cp-b2": down},
		},
		{
			name: "a PreferNoSchedule not-ready taint does not make a host ineligible",
			nodes: []*v1.Node{a1.Obj(), a2.Obj(),
				cpVM("cp-b1", "z1", "b").Taints([]v1.Taint{{Key: v1.TaintNodeNotReady, Effect: v1.TaintEffectPreferNoSchedule}}).Obj(),
				cpVM("cp-b2", "z1", "b").Taints([]v1.Taint{{Key: "dedicated", Effect: v1.TaintEffectNoSchedule}}).Obj()},
			pods: oneOnA,
			want: rejectA,
		},
		{
			name:  "nodeSelector restricted to host a: host b is not eligible",
			pod:   scheduler("new").NodeSelector(map[string]string{hostIDKey: "a"}).Obj(),
			nodes: fourVMs,
			pods:  oneOnA,
		},
		{
			name:  "required node affinity excluding host b: host b is not eligible",
			pod:   scheduler("new").NodeAffinityNotIn(hostIDKey, []string{"b"}).Obj(),
			nodes: fourVMs,
			pods:  oneOnA,
		},
		{
			name:  "worker hosts are not eligible for a control-plane component",
			nodes: []*v1.Node{a1.Obj(), a2.Obj(), vm("w-c1", "z1", "c").Obj()},
			pods:  oneOnA,
		},
		{
			name:  "terminating replica is not counted",
			nodes: fourVMs,
			pods:  []*v1.Pod{scheduler("s1").Node("cp-a1").Terminating().Obj()},
		},
		{
			name:  "a pod of another namespace with the component's labels is not a replica",
			nodes: fourVMs,
			pods:  []*v1.Pod{scheduler("fake").Namespace("default").Node("cp-a1").Obj()},
		},
		{
			name:  "another component is another group",
			nodes: fourVMs,
			pods:  []*v1.Pod{st.MakePod().Namespace("kube-system").Name("etcd-a1").Label("component", "etcd").Node("cp-a1").Obj()},
		},
		{
			name:  "a Preferred group is never filtered",
			pod:   st.MakePod().Namespace("kube-system").Name("dns").Label("k8s-app", "kube-dns").Obj(),
			nodes: fourVMs,
			pods:  []*v1.Pod{st.MakePod().Namespace("kube-system").Name("dns-1").Label("k8s-app", "kube-dns").Node("cp-a1").Obj()},
		},
		{
			name:  "a DaemonSet pod of a Required component skips",
			pod:   scheduler("new").OwnerReference("sched", daemonSetGVK).Obj(),
			nodes: fourVMs,
			pods:  oneOnA,
		},
		{
			name:  "nodes without host-id are their own host",
			nodes: []*v1.Node{cpVM("cp-1", "", "").Obj(), cpVM("cp-2", "", "").Obj(), cpVM("cp-3", "", "").Obj()},
			pods:  []*v1.Pod{scheduler("s1").Node("cp-1").Obj(), scheduler("s2").Node("cp-2").Obj()},
			want: map[string]*fwk.Status{
				"cp-1": rejected(hostIDKey, kubeScheduler, "cp-3", 0),
				"cp-2": rejected(hostIDKey, kubeScheduler, "cp-3", 0),
			},
		},
		{
			name:   "zone as an extra required level",
			policy: zoneAndHost(),
			nodes: []*v1.Node{
				cpVM("cp-a1", "z1", "a").Obj(), cpVM("cp-b1", "z1", "b").Obj(), cpVM("cp-c1", "z2", "c").Obj(),
			},
			pods: oneOnA,
			want: map[string]*fwk.Status{
				"cp-a1": rejected(zoneKey, kubeScheduler, "z2", 0),
				"cp-b1": rejected(zoneKey, kubeScheduler, "z2", 0),
			},
		},
		{
			name:   "no required level: Required groups are only scored",
			policy: &config.PolicyArgs{RequiredLevels: []string{}},
			nodes:  fourVMs,
			pods:   oneOnA,
		},
		{
			name:   "user workloads configured Required",
			policy: userWorkloadsRequired(),
			pod:    web("new").Obj(),
			nodes: []*v1.Node{
				vm("w-a1", "z1", "a").Obj(), vm("w-a2", "z1", "a").Obj(), vm("w-b1", "z1", "b").Obj(), cpVM("cp-c1", "z1", "c").Obj(),
			},
			pods: []*v1.Pod{web("r1").Node("w-a1").Obj(), web("r2").Node("w-b1").Obj(), web("r3").Node("w-b1").Obj()},
			want: map[string]*fwk.Status{
				"w-b1": rejected(hostIDKey, "shop/app=web", "a", 1),
			},
		},
	})
}

// Several required levels are one lexicographic constraint: the emptiest
// host is sought within the emptiest zones, so some eligible node always
// passes.
func TestFilterRequiredLevelsAreOneLexicographicConstraint(t *testing.T) {
	zoneFull := func(emptiest string, n int) *fwk.Status {
		return rejected(zoneKey, "kube-system/kube-scheduler", emptiest, n)
	}
	hostFull := func(emptiest string, n int) *fwk.Status {
		return rejected(hostIDKey, "kube-system/kube-scheduler", emptiest, n)
	}
	// z1 = host a (1 replica); z2 = hosts b (2 replicas) and c (none).
	issue := []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z2", "b").Obj(), cpVM("c1", "z2", "c").Obj()}
	issuePods := schedulers("a1", "b1", "b1")
	runFilterCases(t, []filterCase{
		{
			name:   "the emptiest zone's host passes although another zone has an emptier host",
			policy: zoneAndHost(),
			nodes:  issue,
			pods:   issuePods,
			want:   map[string]*fwk.Status{"b1": zoneFull("z1", 1), "c1": zoneFull("z1", 1)},
		},
		{
			name:   "required levels listed narrowest first chain widest first",
			policy: &config.PolicyArgs{RequiredLevels: []string{hostIDKey, zoneKey}},
			nodes:  issue,
			pods:   issuePods,
			want:   map[string]*fwk.Status{"b1": zoneFull("z1", 1), "c1": zoneFull("z1", 1)},
		},
		{
			name:   "zones tie: the emptiest host of either",
			policy: zoneAndHost(),
			nodes: []*v1.Node{
				cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z1", "b").Obj(),
				cpVM("c1", "z2", "c").Obj(), cpVM("e1", "z2", "e").Obj(),
				cpVM("f1", "z3", "f").Obj(),
			},
			pods: schedulers("a1", "c1", "f1", "f1"),
			want: map[string]*fwk.Status{"a1": hostFull("b", 0), "c1": hostFull("b", 0), "f1": zoneFull("z1", 1)},
		},
		{
			name:   "the emptiest zone is dead: the emptiest host among the live zones",
			policy: zoneAndHost(),
			nodes: []*v1.Node{
				cpVM("a1", "z1", "a").Taints([]v1.Taint{unreachable}).Obj(),
				cpVM("b1", "z2", "b").Obj(), cpVM("c1", "z2", "c").Obj(),
				cpVM("d1", "z3", "d").Obj(),
			},
			pods: schedulers("b1", "d1", "d1"),
			want: map[string]*fwk.Status{"a1": down, "b1": hostFull("c", 0), "d1": zoneFull("z2", 1)},
		},
		{
			name:  "host only (the default): unchanged",
			nodes: issue,
			pods:  issuePods,
			want:  map[string]*fwk.Status{"a1": hostFull("c", 0), "b1": hostFull("c", 0)},
		},
	})
}

// A dead node is never eligible, so its domains hold no replica and would
// be the best scored: Filter keeps every spread group off it, whatever the
// pod tolerates and whether or not kube-controller-manager has tainted it
// yet (review 2026-12-06: with weight 1600 the replica went to the dead
// node). The live nodes keep their verdicts; with only dead nodes left the
// pod waits with a reason that says so.
func TestFilterKeepsSpreadGroupsOffDeadNodes(t *testing.T) {
	unreachableNoSchedule := v1.Taint{Key: v1.TaintNodeUnreachable, Effect: v1.TaintEffectNoSchedule}
	unknown := func(w *st.NodeWrapper) *st.NodeWrapper {
		return w.Condition(v1.NodeReady, v1.ConditionUnknown, "Kubelet stopped posting node status.", "NodeStatusUnknown")
	}
	notReadyCondition := func(w *st.NodeWrapper) *st.NodeWrapper {
		return w.Condition(v1.NodeReady, v1.ConditionFalse, "container runtime is down", "KubeletNotReady")
	}
	webOn := func(nodes ...string) []*v1.Pod {
		var out []*v1.Pod
		for i, n := range nodes {
			out = append(out, web(fmt.Sprintf("r%d", i)).Node(n).Obj())
		}
		return out
	}
	runFilterCases(t, []filterCase{
		{
			name: "Required replica tolerating every taint, host c unreachable (tainted, Ready Unknown)",
			pod:  scheduler("new").Toleration("").Obj(),
			nodes: []*v1.Node{
				cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z2", "b").Obj(),
				unknown(cpVM("c1", "z3", "c")).Taints([]v1.Taint{unreachable, unreachableNoSchedule}).Obj(),
			},
			pods: schedulers("a1", "b1"),
			want: map[string]*fwk.Status{"c1": down},
		},
		{
			name:  "Required replica, host c NotReady and no taint yet (kube-controller-manager down)",
			nodes: []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z2", "b").Obj(), notReadyCondition(cpVM("c1", "z3", "c")).Obj()},
			pods:  schedulers("a1", "b1"),
			want:  map[string]*fwk.Status{"c1": down},
		},
		{
			name:  "Preferred user replica, worker w3 NotReady and no taint yet",
			pod:   web("new").Obj(),
			nodes: []*v1.Node{vm("w1", "z1", "h1").Obj(), vm("w2", "z2", "h2").Obj(), notReadyCondition(vm("w3", "z3", "h3")).Obj()},
			pods:  webOn("w1", "w2"),
			want:  map[string]*fwk.Status{"w3": down},
		},
		{
			name:  "Preferred user replica tolerating every taint, worker w2 unreachable",
			pod:   web("new").Toleration("").Obj(),
			nodes: []*v1.Node{vm("w1", "z1", "h1").Obj(), unknown(vm("w2", "z2", "h2")).Taints([]v1.Taint{unreachable}).Obj()},
			pods:  webOn("w1"),
			want:  map[string]*fwk.Status{"w2": down},
		},
		{
			name:  "first replica of a group: no replica anywhere, the dead node is still refused",
			pod:   web("new").Obj(),
			nodes: []*v1.Node{vm("w1", "z1", "h1").Obj(), notReadyCondition(vm("w2", "z2", "h2")).Obj()},
			want:  map[string]*fwk.Status{"w2": down},
		},
		{
			name:  "every node dead: the pod waits, each node says why",
			nodes: []*v1.Node{unknown(cpVM("a1", "z1", "a")).Obj(), notReadyCondition(cpVM("b1", "z2", "b")).Obj()},
			want:  map[string]*fwk.Status{"a1": down, "b1": down},
		},
		{
			name:  "a PreferNoSchedule not-ready taint is not death",
			pod:   web("new").Obj(),
			nodes: []*v1.Node{vm("w1", "z1", "h1").Obj(), vm("w2", "z2", "h2").Taints([]v1.Taint{{Key: v1.TaintNodeNotReady, Effect: v1.TaintEffectPreferNoSchedule}}).Obj()},
		},
		{
			// Not spread: one per node by construction, DaemonSets pick their nodes.
			name:  "DaemonSet pods are not the plugin's to place",
			pod:   st.MakePod().Namespace("kube-system").Name("proxy-x").Label("k8s-app", "kube-proxy").OwnerReference("proxy", daemonSetGVK).Toleration("").Obj(),
			nodes: []*v1.Node{vm("w1", "z1", "h1").Obj(), notReadyCondition(vm("w2", "z2", "h2")).Obj()},
		},
	})
}

// Filter's reasons are bounded: one per required level and cycle, naming
// the group and the emptiest admitted domain, however many domains it
// rejects; the scheduler then aggregates each over its nodes ("12 node(s)
// whose ..."). A reason naming the node's own domain would be one per
// domain, thousands in a large cluster.
func TestFilterReasonsAreBounded(t *testing.T) {
	// Zones z1 (hosts a: 3 replicas, b: 1, c: 0), z2 (d: 2, e: 2) and
	// z3 (f: 1, g: 2), two VMs per host: z3 is the emptiest zone (3), f
	// its emptiest host (1).
	hosts := []struct {
		zone, host string
		replicas   int
	}{
		{"z1", "a", 3}, {"z1", "b", 1}, {"z1", "c", 0},
		{"z2", "d", 2}, {"z2", "e", 2},
		{"z3", "f", 1}, {"z3", "g", 2},
	}
	var nodes []*v1.Node
	var pods []*v1.Pod
	for _, h := range hosts {
		for i := range 2 {
			nodes = append(nodes, cpVM(h.host+string(rune('1'+i)), h.zone, h.host).Obj())
		}
		for r := range h.replicas {
			pods = append(pods, scheduler(h.host+"-s"+string(rune('0'+r))).Node(h.host+"1").Obj())
		}
	}
	const group = "kube-system/kube-scheduler"
	for _, tt := range []struct {
		name   string
		policy *config.PolicyArgs
		// wantRejected is the number of rejected nodes; wantReasons every
		// distinct status they get.
		wantRejected int
		wantReasons  []*fwk.Status
	}{
		{
			name: "host only (the default): one reason for six fuller hosts",
			// Every host but c holds more than c's 0.
			wantRejected: 12,
			wantReasons:  []*fwk.Status{rejected(hostIDKey, group, "c", 0)},
		},
		{
			name:   "zone and host: one reason per level for two fuller zones and a fuller host",
			policy: zoneAndHost(),
			// z1 and z2 (10 nodes) at the zone level, g (2) at the host level.
			wantRejected: 12,
			wantReasons:  []*fwk.Status{rejected(zoneKey, group, "z3", 3), rejected(hostIDKey, group, "f", 1)},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, pl, infos := setup(t, tt.policy, nodes, pods)
			got := filterAll(t, ctx, pl, framework.NewCycleState(), scheduler("new").Obj(), infos)
			if diff := cmp.Diff(tt.wantRejected, len(got)); diff != "" {
				t.Errorf("rejected nodes (-want +got):\n%s\n%v", diff, got)
			}
			var reasons []*fwk.Status
			for _, s := range got {
				if !slices.ContainsFunc(reasons, s.Equal) {
					reasons = append(reasons, s)
				}
			}
			byMessage := cmpopts.SortSlices(func(a, b *fwk.Status) bool { return a.Message() < b.Message() })
			if diff := cmp.Diff(tt.wantReasons, reasons, byMessage); diff != "" {
				t.Errorf("distinct reasons (-want +got):\n%s", diff)
			}
		})
	}
}

// AddPod and RemovePod (preemption dry runs, nominated pods) change the
// verdict, on a clone, without touching the cycle's state.
func TestAddRemovePod(t *testing.T) {
	nodes := []*v1.Node{cpVM("cp-a1", "z1", "a").Obj(), cpVM("cp-a2", "z1", "a").Obj(), cpVM("cp-b1", "z1", "b").Obj(), cpVM("cp-b2", "z1", "b").Obj()}
	onA := scheduler("s1").Node("cp-a1").Obj()
	ctx, pl, infos := setup(t, nil, nodes, []*v1.Pod{onA})
	info := map[string]fwk.NodeInfo{}
	for _, ni := range infos {
		info[ni.Node().Name] = ni
	}
	pod := scheduler("new").Obj()
	state := framework.NewCycleState()
	_, s := pl.PreFilter(ctx, state, pod, infos)
	require.True(t, s.IsSuccess(), "PreFilter: %v", s)
	// filter runs Filter on every node, as PreFilter left it or as a dry
	// run changed it.
	filter := func(state fwk.CycleState) map[string]*fwk.Status {
		out := map[string]*fwk.Status{}
		for _, ni := range infos {
			if s := pl.Filter(ctx, state, pod, ni); !s.IsSuccess() {
				out[ni.Node().Name] = s
			}
		}
		return out
	}
	podInfo := func(p *v1.Pod) fwk.PodInfo {
		pi, err := framework.NewPodInfo(p)
		require.NoError(t, err)
		return pi
	}
	step := func(state fwk.CycleState, add bool, p *v1.Pod, node string) {
		t.Helper()
		var s *fwk.Status
		if add {
			s = pl.AddPod(ctx, state, pod, podInfo(p), info[node])
		} else {
			s = pl.RemovePod(ctx, state, pod, podInfo(p), info[node])
		}
		require.True(t, s.IsSuccess(), "dry run: %v", s)
	}
	want := func(state fwk.CycleState, what string, want map[string]*fwk.Status) {
		t.Helper()
		if diff := cmp.Diff(want, filter(state)); diff != "" {
			t.Errorf("%s: rejected nodes (-want +got):\n%s", what, diff)
		}
	}
	const group = "kube-system/kube-scheduler"
	bEmpty := rejected(hostIDKey, group, "b", 0)
	aFull := map[string]*fwk.Status{"cp-a1": bEmpty, "cp-a2": bEmpty}
	none := map[string]*fwk.Status{}

	want(state, "the cycle's state", aFull)

	// Preempting the replica on host a frees it.
	victim := state.Clone()
	step(victim, false, onA, "cp-a1")
	want(victim, "victim on host a", none)
	want(state, "the cycle's state after a dry run", aFull)

	// A nominated replica on host b evens the hosts out, a second one tips
	// them the other way.
	nominated := state.Clone()
	step(nominated, true, scheduler("s2").Obj(), "cp-b1")
	want(nominated, "one nominated replica on host b", none)
	step(nominated, true, scheduler("s3").Obj(), "cp-b2")
	aHoldsOne := rejected(hostIDKey, group, "a", 1)
	want(nominated, "two nominated replicas on host b", map[string]*fwk.Status{"cp-b1": aHoldsOne, "cp-b2": aHoldsOne})
	step(nominated, false, onA, "cp-a1")
	aEmpty := rejected(hostIDKey, group, "a", 0)
	want(nominated, "and the victim on host a", map[string]*fwk.Status{"cp-b1": aEmpty, "cp-b2": aEmpty})

	// Pods of other groups, terminating replicas and DaemonSet pods change
	// nothing.
	other := state.Clone()
	step(other, true, st.MakePod().Namespace("kube-system").Name("etcd").Label("component", "etcd").Obj(), "cp-b1")
	step(other, true, scheduler("dying").Terminating().Obj(), "cp-b1")
	step(other, true, scheduler("ds").OwnerReference("ds", daemonSetGVK).Obj(), "cp-b1")
	want(other, "pods that are no replicas", aFull)
}

// Preemption dry runs and nominated pods change the counts on a clone of
// the cycle's state: the chained minima follow.
func TestAddRemovePodKeepsRequiredLevelsChained(t *testing.T) {
	// z1 = host a (1 replica); z2 = hosts b (1 replica) and c (none).
	nodes := []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z2", "b").Obj(), cpVM("c1", "z2", "c").Obj()}
	existing := schedulers("a1", "b1")
	ctx, pl, infos := setup(t, zoneAndHost(), nodes, existing)
	info := map[string]fwk.NodeInfo{}
	for _, ni := range infos {
		info[ni.Node().Name] = ni
	}
	pod := scheduler("new").Obj()
	state := framework.NewCycleState()
	if _, s := pl.PreFilter(ctx, state, pod, infos); !s.IsSuccess() {
		t.Fatalf("PreFilter: %v", s)
	}
	podInfo := func(p *v1.Pod) fwk.PodInfo {
		pi, err := framework.NewPodInfo(p)
		require.NoError(t, err)
		return pi
	}
	type step struct {
		add  bool
		pod  *v1.Pod
		node string
	}
	const group = "kube-system/kube-scheduler"
	extra := scheduler("extra").Obj()
	for _, tt := range []struct {
		name  string
		steps []step
		want  map[string]*fwk.Status
	}{
		{
			name: "no change: the empty host c",
			want: map[string]*fwk.Status{"a1": rejected(hostIDKey, group, "c", 0), "b1": rejected(hostIDKey, group, "c", 0)},
		},
		{
			name:  "a nominated replica on b fills z2: host a of z1, not c",
			steps: []step{{add: true, pod: extra, node: "b1"}},
			want:  map[string]*fwk.Status{"b1": rejected(zoneKey, group, "z1", 1), "c1": rejected(zoneKey, group, "z1", 1)},
		},
		{
			name:  "and removed again",
			steps: []step{{add: true, pod: extra, node: "b1"}, {pod: extra, node: "b1"}},
			want:  map[string]*fwk.Status{"a1": rejected(hostIDKey, group, "c", 0), "b1": rejected(hostIDKey, group, "c", 0)},
		},
		{
			name:  "a victim on a empties z1",
			steps: []step{{pod: existing[0], node: "a1"}},
			want:  map[string]*fwk.Status{"b1": rejected(zoneKey, group, "z1", 0), "c1": rejected(zoneKey, group, "z1", 0)},
		},
		{
			name:  "a nominated replica on c: every host holds one, z1 is emptier",
			steps: []step{{add: true, pod: extra, node: "c1"}},
			want:  map[string]*fwk.Status{"b1": rejected(zoneKey, group, "z1", 1), "c1": rejected(zoneKey, group, "z1", 1)},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clone := state.Clone()
			for _, s := range tt.steps {
				var st *fwk.Status
				if s.add {
					st = pl.AddPod(ctx, clone, pod, podInfo(s.pod), info[s.node])
				} else {
					st = pl.RemovePod(ctx, clone, pod, podInfo(s.pod), info[s.node])
				}
				if !st.IsSuccess() {
					t.Fatalf("dry run: %v", st)
				}
			}
			got := map[string]*fwk.Status{}
			for _, ni := range infos {
				if s := pl.Filter(ctx, clone, pod, ni); !s.IsSuccess() {
					got[ni.Node().Name] = s
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rejected nodes (-want +got):\n%s", diff)
			}
		})
	}
	// The cycle's own state is untouched by the dry runs.
	got := map[string]*fwk.Status{}
	for _, ni := range infos {
		if s := pl.Filter(ctx, state, pod, ni); !s.IsSuccess() {
			got[ni.Node().Name] = s
		}
	}
	if diff := cmp.Diff(map[string]*fwk.Status{"a1": rejected(hostIDKey, group, "c", 0), "b1": rejected(hostIDKey, group, "c", 0)}, got); diff != "" {
		t.Errorf("cycle state changed by dry runs (-want +got):\n%s", diff)
	}
}
