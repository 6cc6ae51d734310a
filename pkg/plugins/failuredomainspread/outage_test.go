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
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/roleindex"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Outages: dead, cordoned and tainted domains, several required levels.

var (
	diskPressure       = v1.Taint{Key: v1.TaintNodeDiskPressure, Effect: v1.TaintEffectNoSchedule}
	unschedulableTaint = v1.Taint{Key: v1.TaintNodeUnschedulable, Effect: v1.TaintEffectNoSchedule}
)

// zoneAndHost is a policy that balances Required groups over zones, then
// hosts within the emptiest zones.
func zoneAndHost() *config.PolicyArgs {
	return &config.PolicyArgs{RequiredLevels: []string{zoneKey, hostIDKey}}
}

// rejected is the status Filter gives a node of a domain fuller than the
// emptiest eligible one at a required level.
func rejected(level, group, emptiest string, replicas int) *fwk.Status {
	return fwk.NewStatus(fwk.Unschedulable, fmt.Sprintf(
		"node(s) whose %s domain holds more replicas of %s than the emptiest eligible one (%s=%s holds %d)",
		level, group, level, emptiest, replicas))
}

func schedulers(nodes ...string) []*v1.Pod {
	var out []*v1.Pod
	for i, n := range nodes {
		out = append(out, scheduler(fmt.Sprintf("s%d", i)).Node(n).Obj())
	}
	return out
}

// filterCase is one Filter run of a pod (nil: a new kube-scheduler
// replica): the statuses of the rejected nodes (every other node passes).
type filterCase struct {
	name string
	// policy is the profile's (nil: the default policy).
	policy *config.PolicyArgs
	pod    *v1.Pod
	nodes  []*v1.Node
	pods   []*v1.Pod
	want   map[string]*fwk.Status
}

func runFilterCases(t *testing.T, tests []filterCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := tt.pod
			if pod == nil {
				pod = scheduler("new").Obj()
			}
			ctx, pl, infos := setup(t, tt.policy, tt.nodes, tt.pods)
			got := filterAll(t, ctx, pl, framework.NewCycleState(), pod, infos)
			want := tt.want
			if want == nil {
				want = map[string]*fwk.Status{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rejected nodes (-want +got):\n%s", diff)
			}
		})
	}
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

// Eligible domains are those with a node the pod can actually use: a host
// whose only node carries a taint the pod does not tolerate must not keep
// every other host rejected.
func TestFilterEligibilityFollowsTaintsAndTolerations(t *testing.T) {
	hostFull := rejected(hostIDKey, "kube-system/kube-scheduler", "c", 0)
	aAndBFull := map[string]*fwk.Status{"a1": hostFull, "b1": hostFull}
	withC := func(c *st.NodeWrapper) []*v1.Node {
		return []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z1", "b").Obj(), c.Obj()}
	}
	onAB := schedulers("a1", "b1")
	c := func() *st.NodeWrapper { return cpVM("c1", "z1", "c") }
	tolerating := func(key string) *v1.Pod { return scheduler("new").Toleration(key).Obj() }
	runFilterCases(t, []filterCase{
		{name: "disk pressure", nodes: withC(c().Taints([]v1.Taint{diskPressure})), pods: onAB},
		{name: "network unavailable", nodes: withC(c().Taints([]v1.Taint{{Key: v1.TaintNodeNetworkUnavailable, Effect: v1.TaintEffectNoSchedule}})), pods: onAB},
		{name: "not yet initialized by the cloud provider", nodes: withC(c().Taints([]v1.Taint{{Key: "node.cloudprovider.kubernetes.io/uninitialized", Value: "true", Effect: v1.TaintEffectNoSchedule}})), pods: onAB},
		{name: "an operator's NoExecute taint", nodes: withC(c().Taints([]v1.Taint{{Key: "example.com/maintenance", Effect: v1.TaintEffectNoExecute}})), pods: onAB},
		{
			name:  "a taint the pod tolerates keeps the host eligible",
			pod:   tolerating(v1.TaintNodeDiskPressure),
			nodes: withC(c().Taints([]v1.Taint{diskPressure})),
			pods:  onAB,
			want:  aAndBFull,
		},
		{
			name:  "a PreferNoSchedule taint keeps the host eligible",
			nodes: withC(c().Taints([]v1.Taint{{Key: "example.com/soon", Effect: v1.TaintEffectPreferNoSchedule}})),
			pods:  onAB,
			want:  aAndBFull,
		},
		{name: "cordoned", nodes: withC(c().Unschedulable(true)), pods: onAB},
		{
			name:  "cordoned, but the pod tolerates cordons (as NodeUnschedulable lets it)",
			pod:   tolerating(v1.TaintNodeUnschedulable),
			nodes: withC(c().Unschedulable(true)),
			pods:  onAB,
			want:  aAndBFull,
		},
		{
			name:  "outside the pod's node selector",
			pod:   scheduler("new").NodeSelector(map[string]string{zoneKey: "z1", "disk": "ssd"}).Obj(),
			nodes: []*v1.Node{cpVM("a1", "z1", "a").Label("disk", "ssd").Obj(), cpVM("b1", "z1", "b").Label("disk", "ssd").Obj(), c().Obj()},
			pods:  onAB,
		},
		{
			// A dead node cannot run the replica whatever it tolerates.
			name:  "not ready, even for a pod that tolerates every taint",
			pod:   scheduler("new").Toleration("").Obj(),
			nodes: withC(c().Taints([]v1.Taint{notReady})),
			pods:  onAB,
			want:  map[string]*fwk.Status{"c1": down},
		},
		{
			// kube-controller-manager, which adds the not-ready taint, may
			// be down too: the condition alone makes the node dead.
			name:  "Ready condition Unknown and no taint yet (kube-controller-manager down)",
			pod:   scheduler("new").Toleration("").Obj(),
			nodes: withC(c().Condition(v1.NodeReady, v1.ConditionUnknown, "Kubelet stopped posting node status.", "NodeStatusUnknown")),
			pods:  onAB,
			want:  map[string]*fwk.Status{"c1": down},
		},
	})
}

// down is Filter's status for a node that cannot run pods.
var down = fwk.NewStatus(fwk.UnschedulableAndUnresolvable, ErrReasonNodeDown)

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

// With custom levels an unlabelled node is not a region of its own: the
// labelled region that has no replica comes first.
func TestScoreUnlabelledNodesShareACustomLevel(t *testing.T) {
	regions := &config.PolicyArgs{
		Levels:         []string{policy.LabelRegion, zoneKey, hostIDKey, policy.LabelHostname},
		RequiredLevels: []string{hostIDKey},
	}
	nodes := []*v1.Node{
		vm("eu-1", "z1", "h1").Label(policy.LabelRegion, "eu").Obj(),
		vm("plain-1", "z1", "h2").Obj(),
		vm("plain-2", "z2", "h3").Obj(),
	}
	ctx, pl, infos := setup(t, regions, nodes, []*v1.Pod{web("r1").Node("plain-1").Obj()})
	got := scoreAll(t, ctx, pl, web("new").Obj(), infos)
	// eu-1 (region 0) > plain-2 (region 1, zone 0) > plain-1 (1, 1).
	// eu-1's tuple (0, 1, 0, 0) is not one of the candidates the replica
	// on plain-1 gives (its zone z1 spans two regions): it ranks between
	// them, 1; plain-2 (1, 0, 0, 0) ranks 2, plain-1 (1, 1, 1, 1) 8 of
	// 0..8; NormalizeScore spreads 1..8 over 100..0.
	want := map[string]int64{"eu-1": fwk.MaxScore, "plain-2": fwk.MaxScore - fwk.MaxScore/7, "plain-1": 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}
}

// A Required replica waiting because a host is the emptiest must be retried
// when that host is cordoned or tainted.
func TestQueueingHintNodeOutage(t *testing.T) {
	logger, _ := ktesting.NewTestContext(t)
	_, pl, _ := setup(t, nil, nil, nil)
	node := func() *st.NodeWrapper { return cpVM("cp-c1", "z1", "c") }
	cordoned := node().Unschedulable(true)
	for _, tt := range []struct {
		name     string
		pod      *v1.Pod
		old, new *v1.Node
		want     fwk.QueueingHint
	}{
		{name: "cordon", old: node().Obj(), new: cordoned.Obj(), want: fwk.Queue},
		{name: "uncordon", old: cordoned.Obj(), new: node().Obj(), want: fwk.Queue},
		{
			// The cordon itself sends the queue no event; the node
			// lifecycle controller's taint that follows does.
			name: "unschedulable taint added to a cordoned node",
			old:  cordoned.Obj(), new: node().Unschedulable(true).Taints([]v1.Taint{unschedulableTaint}).Obj(),
			want: fwk.Queue,
		},
		{name: "disk-pressure taint added", old: node().Obj(), new: node().Taints([]v1.Taint{diskPressure}).Obj(), want: fwk.Queue},
		{name: "disk-pressure taint removed", old: node().Taints([]v1.Taint{diskPressure}).Obj(), new: node().Obj(), want: fwk.Queue},
		{name: "operator NoExecute taint added", old: node().Obj(), new: node().Taints([]v1.Taint{{Key: "example.com/maintenance", Effect: v1.TaintEffectNoExecute}}).Obj(), want: fwk.Queue},
		{
			name: "tolerated taint added",
			pod:  scheduler("new").Toleration(v1.TaintNodeDiskPressure).Obj(),
			old:  node().Obj(), new: node().Taints([]v1.Taint{diskPressure}).Obj(),
			want: fwk.QueueSkip,
		},
		{name: "PreferNoSchedule taint added", old: node().Obj(), new: node().Taints([]v1.Taint{{Key: "x", Effect: v1.TaintEffectPreferNoSchedule}}).Obj(), want: fwk.QueueSkip},
		{
			name: "Ready condition turns Unknown (no taint: kube-controller-manager down)",
			old:  node().Condition(v1.NodeReady, v1.ConditionTrue, "", "KubeletReady").Obj(),
			new:  node().Condition(v1.NodeReady, v1.ConditionUnknown, "", "NodeStatusUnknown").Obj(),
			want: fwk.Queue,
		},
		{
			name: "Ready again",
			old:  node().Condition(v1.NodeReady, v1.ConditionFalse, "", "KubeletNotReady").Obj(),
			new:  node().Condition(v1.NodeReady, v1.ConditionTrue, "", "KubeletReady").Obj(),
			want: fwk.Queue,
		},
		{name: "unrelated node cordoned (a worker)", old: vm("w1", "z1", "w").Obj(), new: vm("w1", "z1", "w").Unschedulable(true).Obj(), want: fwk.QueueSkip},
		{name: "unrelated node tainted (a worker)", old: vm("w1", "z1", "w").Obj(), new: vm("w1", "z1", "w").Taints([]v1.Taint{diskPressure}).Obj(), want: fwk.QueueSkip},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pod := tt.pod
			if pod == nil {
				pod = scheduler("new").Obj()
			}
			got, err := pl.isSchedulableAfterNodeChange(logger, pod, asAny(tt.old), asAny(tt.new))
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hint (-want +got):\n%s", diff)
			}
		})
	}
}

// The scheduler may requeue a pod for a new control-plane node before the
// plugin's own informer handler has indexed it: the hint indexes it, so the
// next PreFilter counts the new host as eligible.
func TestQueueingHintIndexesTheNode(t *testing.T) {
	logger, _ := ktesting.NewTestContext(t)
	// The informers hold no node: only the hint can index it.
	_, pl, _ := setup(t, nil, nil, nil)
	newNode := cpVM("cp-new", "z1", "new").Obj()
	_, err := pl.isSchedulableAfterNodeChange(logger, scheduler("new").Obj(), nil, newNode)
	require.NoError(t, err)
	if diff := cmp.Diff([]string{"cp-new"}, sortedNames(pl.roles, policy.RoleControlPlane)); diff != "" {
		t.Errorf("indexed control-plane nodes (-want +got):\n%s", diff)
	}
	_, err = pl.isSchedulableAfterNodeChange(logger, scheduler("new").Obj(), newNode, nil)
	require.NoError(t, err)
	if diff := cmp.Diff([]string(nil), sortedNames(pl.roles, policy.RoleControlPlane)); diff != "" {
		t.Errorf("indexed control-plane nodes after deletion (-want +got):\n%s", diff)
	}
}

func sortedNames(ix *roleindex.Index, role policy.NodeRole) []string {
	names := ix.Names(role)
	if names.Len() == 0 {
		return nil
	}
	return sets.List(names)
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
