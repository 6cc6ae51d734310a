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
	"context"
	"encoding/json"
	"fmt"
	"github.com/google/go-cmp/cmp"
	"slices"
	"strings"
	"testing"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	plugintesting "k8s.io/kubernetes/pkg/scheduler/framework/plugins/testing"
	"k8s.io/kubernetes/pkg/scheduler/metrics"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The framework's parallelizer reports to the scheduler's metrics, which a
// test binary must register, as upstream's plugin tests do.
func init() { metrics.Register() }

var (
	daemonSetGVK  = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DaemonSet"}
	replicaSetGVK = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"}
	notReady      = v1.Taint{Key: v1.TaintNodeNotReady, Effect: v1.TaintEffectNoSchedule}
	unreachable   = v1.Taint{Key: v1.TaintNodeUnreachable, Effect: v1.TaintEffectNoExecute}
)

const (
	hostIDKey = policy.LabelHostID
	zoneKey   = policy.LabelZone
)

// vm is a node on a physical host in a zone; "" leaves a label off.
func vm(name, zone, host string) *st.NodeWrapper {
	n := st.MakeNode().Name(name).Label(policy.LabelHostname, name)
	if zone != "" {
		n.Label(zoneKey, zone)
	}
	if host != "" {
		n.Label(hostIDKey, host)
	}
	return n
}

func cpVM(name, zone, host string) *st.NodeWrapper {
	return vm(name, zone, host).Label(policy.LabelControlPlane, "")
}

func scheduler(name string) *st.PodWrapper {
	return st.MakePod().Namespace("kube-system").Name(name).UID(name).Label("component", "kube-scheduler")
}

func web(name string) *st.PodWrapper {
	return st.MakePod().Namespace("shop").Name(name).UID(name).Label("app", "web")
}

func rawArgs(t testing.TB, args any) runtime.Object {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	return &runtime.Unknown{Raw: raw, ContentType: runtime.ContentTypeJSON}
}

// setup builds the plugin inside a real framework handle whose snapshot
// holds the nodes and pods (pods are placed by spec.nodeName).
func setup(t testing.TB, args runtime.Object, nodes []*v1.Node, pods []*v1.Pod) (context.Context, *FailureDomainSpread, []fwk.NodeInfo) {
	t.Helper()
	_, ctx := ktesting.NewTestContext(t)
	snap := cache.NewSnapshot(pods, nodes)
	pl := plugintesting.SetupPlugin(ctx, t, New, args, snap).(*FailureDomainSpread)
	infos, err := snap.NodeInfos().List()
	if err != nil {
		t.Fatal(err)
	}
	return ctx, pl, infos
}

// filterAll runs PreFilter, then Filter on every node, as the framework
// would. A skipped PreFilter passes every node.
func filterAll(t testing.TB, ctx context.Context, pl *FailureDomainSpread, state fwk.CycleState, pod *v1.Pod, infos []fwk.NodeInfo) map[string]*fwk.Status {
	t.Helper()
	_, s := pl.PreFilter(ctx, state, pod, infos)
	out := map[string]*fwk.Status{}
	if s.IsSkip() {
		return out
	}
	if !s.IsSuccess() {
		t.Fatalf("PreFilter: %v", s)
	}
	for _, ni := range infos {
		if st := pl.Filter(ctx, state, pod, ni); !st.IsSuccess() {
			out[ni.Node().Name] = st
		}
	}
	return out
}

// scoreAll runs PreFilter, PreScore and Score on every node; a skipped
// PreScore gives every node 0.
func scoreAll(t testing.TB, ctx context.Context, pl *FailureDomainSpread, pod *v1.Pod, infos []fwk.NodeInfo) map[string]int64 {
	t.Helper()
	state := framework.NewCycleState()
	pl.PreFilter(ctx, state, pod, infos)
	out := map[string]int64{}
	if s := pl.PreScore(ctx, state, pod, infos); s.IsSkip() {
		for _, ni := range infos {
			out[ni.Node().Name] = 0
		}
		return out
	} else if !s.IsSuccess() {
		t.Fatalf("PreScore: %v", s)
	}
	for _, ni := range infos {
		sc, s := pl.Score(ctx, state, pod, ni)
		if !s.IsSuccess() {
			t.Fatalf("Score(%s): %v", ni.Node().Name, s)
		}
		if sc < 0 || sc > fwk.MaxScore {
			t.Fatalf("Score(%s) = %d, out of range", ni.Node().Name, sc)
		}
		out[ni.Node().Name] = sc
	}
	return out
}

func TestScore(t *testing.T) {
	// Zone z1: host a (a1, a2), host b (b1). Zone z2: host c (c1, c2),
	// host d (d1). Zone z3: host e (e1).
	topo := []*v1.Node{
		vm("a1", "z1", "a").Obj(), vm("a2", "z1", "a").Obj(), vm("b1", "z1", "b").Obj(),
		vm("c1", "z2", "c").Obj(), vm("c2", "z2", "c").Obj(), vm("d1", "z2", "d").Obj(),
	}
	withZ3 := append(slices.Clone(topo), vm("e1", "z3", "e").Obj())
	unlabelled := []*v1.Node{vm("u1", "", "").Obj(), vm("u2", "", "").Obj(), vm("u3", "", "").Obj()}
	tests := []struct {
		name  string
		args  runtime.Object
		pod   *v1.Pod
		nodes []*v1.Node
		pods  []*v1.Pod
		// order: node names from best to worst; nodes in one inner slice
		// tie.
		order [][]string
	}{
		{
			name:  "zone first, then host, then node",
			pod:   web("new").Obj(),
			nodes: topo,
			// z1 has 1 (on a1), z2 has 2 (both on c1).
			pods: []*v1.Pod{web("r1").Node("a1").Obj(), web("r2").Node("c1").Obj(), web("r3").Node("c1").Obj()},
			// b1 (1,0,0) > a2 (1,1,0) > a1 (1,1,1) > d1 (2,0,0) > c2 (2,2,0) > c1 (2,2,2):
			// a2 beats d1 although its host has a replica and d1's has none.
			order: [][]string{{"b1"}, {"a2"}, {"a1"}, {"d1"}, {"c2"}, {"c1"}},
		},
		{
			name:  "a node in an empty zone beats every node of a zone with a replica",
			pod:   web("new").Obj(),
			nodes: withZ3,
			pods:  []*v1.Pod{web("r1").Node("a1").Obj(), web("r2").Node("c1").Obj()},
			order: [][]string{{"e1"}, {"d1", "b1"}, {"a2", "c2"}, {"a1", "c1"}},
		},
		{
			name:  "nodes without zone and host-id labels spread by node",
			pod:   web("new").Obj(),
			nodes: unlabelled,
			pods:  []*v1.Pod{web("r1").Node("u1").Obj()},
			order: [][]string{{"u2", "u3"}, {"u1"}},
		},
		{
			name:  "terminating replicas, other groups and other namespaces are not counted",
			pod:   web("new").Obj(),
			nodes: unlabelled,
			pods: []*v1.Pod{
				web("r1").Node("u1").Obj(),
				web("gone").Node("u2").Terminating().Obj(),
				web("other-ns").Namespace("default").Node("u2").Obj(),
				st.MakePod().Namespace("shop").Name("db").Label("app", "db").Node("u2").Obj(),
			},
			order: [][]string{{"u2", "u3"}, {"u1"}},
		},
		{
			name:  "pods are grouped by their controller when they have no group label",
			pod:   st.MakePod().Namespace("shop").Name("new").OwnerReference("rs", replicaSetGVK).Obj(),
			nodes: unlabelled,
			pods: []*v1.Pod{
				st.MakePod().Namespace("shop").Name("r1").OwnerReference("rs", replicaSetGVK).Node("u1").Obj(),
				st.MakePod().Namespace("shop").Name("r2").OwnerReference("other", replicaSetGVK).Node("u2").Obj(),
			},
			order: [][]string{{"u2", "u3"}, {"u1"}},
		},
		{
			name:  "DaemonSet pods of the group are not counted",
			pod:   web("new").Obj(),
			nodes: unlabelled,
			pods:  []*v1.Pod{web("r1").Node("u1").Obj(), web("ds").OwnerReference("web", daemonSetGVK).Node("u2").Obj()},
			order: [][]string{{"u2", "u3"}, {"u1"}},
		},
		{
			name:  "a DaemonSet pod is not scored",
			pod:   web("new").OwnerReference("web", daemonSetGVK).Obj(),
			nodes: unlabelled,
			pods:  []*v1.Pod{web("r1").Node("u1").Obj()},
			order: [][]string{{"u1", "u2", "u3"}},
		},
		{
			name:  "a component with spread None is not scored",
			pod:   st.MakePod().Namespace("kube-system").Name("kp").Label("k8s-app", "kube-proxy").Obj(),
			nodes: unlabelled,
			pods:  []*v1.Pod{st.MakePod().Namespace("kube-system").Name("kp1").Label("k8s-app", "kube-proxy").Node("u1").Obj()},
			order: [][]string{{"u1", "u2", "u3"}},
		},
		{
			name: "a Required group is scored from PreFilter's counts",
			pod:  scheduler("new").Obj(),
			nodes: []*v1.Node{
				cpVM("a1", "z1", "a").Obj(), cpVM("a2", "z1", "a").Obj(), cpVM("b1", "z1", "b").Obj(), cpVM("c1", "z2", "c").Obj(),
			},
			pods:  []*v1.Pod{scheduler("s1").Node("a1").Obj(), scheduler("s2").Node("c1").Obj()},
			order: [][]string{{"b1"}, {"a2"}, {"a1", "c1"}},
		},
		{
			name:  "custom levels: host only",
			args:  rawArgs(t, config.FailureDomainSpreadArgs{Levels: []string{hostIDKey}, RequiredLevels: []string{hostIDKey}}),
			pod:   web("new").Obj(),
			nodes: topo,
			pods:  []*v1.Pod{web("r1").Node("a1").Obj(), web("r2").Node("c1").Obj(), web("r3").Node("c1").Obj()},
			order: [][]string{{"b1", "d1"}, {"a1", "a2"}, {"c1", "c2"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, pl, infos := setup(t, tt.args, tt.nodes, tt.pods)
			got := scoreAll(t, ctx, pl, tt.pod, infos)
			prev := fwk.MaxScore + 1
			for i, tie := range tt.order {
				s := got[tie[0]]
				for _, n := range tie {
					if got[n] != s {
						t.Errorf("score(%s) = %d, want the same as %s (%d); scores %v", n, got[n], tie[0], s, got)
					}
				}
				if s >= prev {
					t.Errorf("score(%s) = %d, want less than the group before (%d); scores %v", tie[0], s, prev, got)
				}
				if i == 0 && len(tt.order) > 1 && s != fwk.MaxScore {
					t.Errorf("best node %s scores %d, want %d", tie[0], s, fwk.MaxScore)
				}
				if i == len(tt.order)-1 && len(tt.order) > 1 && s != 0 {
					t.Errorf("worst node %s scores %d, want 0", tie[0], s)
				}
				prev = s
			}
		})
	}
}

// With more distinct tuples than scores, neighbours may tie but a better
// tuple never scores lower.
func TestScoreMonotoneWithManyTuples(t *testing.T) {
	var nodes []*v1.Node
	var pods []*v1.Pod
	const n = 150
	for i := range n {
		name := fmt.Sprintf("n%03d", i)
		nodes = append(nodes, vm(name, "z"+name, "h"+name).Obj())
		for j := range i {
			pods = append(pods, web(fmt.Sprintf("%s-r%d", name, j)).Node(name).Obj())
		}
	}
	ctx, pl, infos := setup(t, nil, nodes, pods)
	got := scoreAll(t, ctx, pl, web("new").Obj(), infos)
	for i := 1; i < n; i++ {
		better, worse := fmt.Sprintf("n%03d", i-1), fmt.Sprintf("n%03d", i)
		if got[better] < got[worse] {
			t.Fatalf("score(%s) = %d < score(%s) = %d", better, got[better], worse, got[worse])
		}
	}
	if got["n000"] != fwk.MaxScore || got[fmt.Sprintf("n%03d", n-1)] != 0 {
		t.Errorf("best = %d, worst = %d; want %d and 0", got["n000"], got[fmt.Sprintf("n%03d", n-1)], fwk.MaxScore)
	}
}

func TestTupleSaturates(t *testing.T) {
	pl := &FailureDomainSpread{levels: policy.DefaultLevels}
	s := &preScoreState{bits: 2, counts: domainCounts{
		{"z1": 3, "z2": 5}, {"a": 0, "b": 2}, {"n1": 1},
	}}
	n := func(zone, host, name string) *v1.Node { return vm(name, zone, host).Obj() }
	// z1 and z2 both saturate at the zone level: they tie whatever the
	// narrower levels say, rather than invert.
	if a, b := pl.tuple(s, n("z1", "b", "n1")), pl.tuple(s, n("z2", "a", "n2")); a != b {
		t.Errorf("saturated tuples differ: %x vs %x", a, b)
	}
}

func TestFilterRequired(t *testing.T) {
	a1, a2 := cpVM("cp-a1", "z1", "a"), cpVM("cp-a2", "z1", "a")
	b1, b2 := cpVM("cp-b1", "z1", "b"), cpVM("cp-b2", "z1", "b")
	fourVMs := []*v1.Node{a1.Obj(), a2.Obj(), b1.Obj(), b2.Obj()}
	oneOnA := []*v1.Pod{scheduler("s1").Node("cp-a1").Obj()}
	const aFull = "node(s) whose topology.scs.community/host-id domain holds more replicas of kube-system/kube-scheduler than the emptiest eligible one (topology.scs.community/host-id=b holds 0)"
	hostA := map[string]string{hostIDKey: "a"}
	rejectA := map[string]string{"cp-a1": aFull, "cp-a2": aFull}
	tests := []struct {
		name  string
		args  runtime.Object
		pod   *v1.Pod
		nodes []*v1.Node
		pods  []*v1.Pod
		// want: rejected node → reason; every other node passes.
		want map[string]string
	}{
		{
			name:  "two VMs on one hypervisor: the other host first",
			pod:   scheduler("new").Obj(),
			nodes: fourVMs,
			pods:  oneOnA,
			want:  rejectA,
		},
		{
			name:  "no replica yet: every node",
			pod:   scheduler("new").Obj(),
			nodes: fourVMs,
		},
		{
			name:  "one replica per host: every node",
			pod:   scheduler("new").Obj(),
			nodes: fourVMs,
			pods:  append(slices.Clone(oneOnA), scheduler("s2").Node("cp-b2").Obj()),
		},
		{
			name:  "replica placed by spec.nodeName counts like any other",
			pod:   st.MakePod().Namespace("kube-system").Name("new").Label("component", "kube-controller-manager").Obj(),
			nodes: fourVMs,
			pods:  []*v1.Pod{st.MakePod().Namespace("kube-system").Name("kcm-cp-b1").Label("component", "kube-controller-manager").Node("cp-b1").Obj()},
			want: map[string]string{
				"cp-b1": "node(s) whose topology.scs.community/host-id domain holds more replicas of kube-system/kube-controller-manager than the emptiest eligible one (topology.scs.community/host-id=a holds 0)",
				"cp-b2": "node(s) whose topology.scs.community/host-id domain holds more replicas of kube-system/kube-controller-manager than the emptiest eligible one (topology.scs.community/host-id=a holds 0)",
			},
		},
		{
			name:  "emptier host fully cordoned is not eligible",
			pod:   scheduler("new").Obj(),
			nodes: []*v1.Node{a1.Obj(), a2.Obj(), cpVM("cp-b1", "z1", "b").Unschedulable(true).Obj(), cpVM("cp-b2", "z1", "b").Unschedulable(true).Obj()},
			pods:  oneOnA,
		},
		{
			name:  "emptier host with one VM left is still eligible",
			pod:   scheduler("new").Obj(),
			nodes: []*v1.Node{a1.Obj(), a2.Obj(), cpVM("cp-b1", "z1", "b").Unschedulable(true).Obj(), b2.Obj()},
			pods:  oneOnA,
			want:  rejectA,
		},
		{
			name:  "emptier host not ready or unreachable is not eligible",
			pod:   scheduler("new").Obj(),
			nodes: []*v1.Node{a1.Obj(), a2.Obj(), cpVM("cp-b1", "z1", "b").Taints([]v1.Taint{notReady}).Obj(), cpVM("cp-b2", "z1", "b").Taints([]v1.Taint{unreachable}).Obj()},
			pods:  oneOnA,
		},
		{
			name: "a PreferNoSchedule not-ready taint does not make a host ineligible",
			pod:  scheduler("new").Obj(),
			nodes: []*v1.Node{a1.Obj(), a2.Obj(),
				cpVM("cp-b1", "z1", "b").Taints([]v1.Taint{{Key: v1.TaintNodeNotReady, Effect: v1.TaintEffectPreferNoSchedule}}).Obj(),
				cpVM("cp-b2", "z1", "b").Taints([]v1.Taint{{Key: "dedicated", Effect: v1.TaintEffectNoSchedule}}).Obj()},
			pods: oneOnA,
			want: rejectA,
		},
		{
			name:  "nodeSelector restricted to host a: host b is not eligible",
			pod:   scheduler("new").NodeSelector(hostA).Obj(),
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
			pod:   scheduler("new").Obj(),
			nodes: []*v1.Node{a1.Obj(), a2.Obj(), vm("w-c1", "z1", "c").Obj()},
			pods:  oneOnA,
		},
		{
			name:  "terminating replica is not counted",
			pod:   scheduler("new").Obj(),
			nodes: fourVMs,
			pods:  []*v1.Pod{scheduler("s1").Node("cp-a1").Terminating().Obj()},
		},
		{
			name:  "a pod of another namespace with the component's labels is not a replica",
			pod:   scheduler("new").Obj(),
			nodes: fourVMs,
			pods:  []*v1.Pod{scheduler("fake").Namespace("default").Node("cp-a1").Obj()},
		},
		{
			name:  "another component is another group",
			pod:   scheduler("new").Obj(),
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
			pod:   scheduler("new").Obj(),
			nodes: []*v1.Node{cpVM("cp-1", "", "").Obj(), cpVM("cp-2", "", "").Obj(), cpVM("cp-3", "", "").Obj()},
			pods:  []*v1.Pod{scheduler("s1").Node("cp-1").Obj(), scheduler("s2").Node("cp-2").Obj()},
			want: map[string]string{
				"cp-1": "node(s) whose topology.scs.community/host-id domain holds more replicas of kube-system/kube-scheduler than the emptiest eligible one (topology.scs.community/host-id=cp-3 holds 0)",
				"cp-2": "node(s) whose topology.scs.community/host-id domain holds more replicas of kube-system/kube-scheduler than the emptiest eligible one (topology.scs.community/host-id=cp-3 holds 0)",
			},
		},
		{
			name: "zone as an extra required level",
			args: rawArgs(t, config.FailureDomainSpreadArgs{RequiredLevels: []string{zoneKey, hostIDKey}}),
			pod:  scheduler("new").Obj(),
			nodes: []*v1.Node{
				cpVM("cp-a1", "z1", "a").Obj(), cpVM("cp-b1", "z1", "b").Obj(), cpVM("cp-c1", "z2", "c").Obj(),
			},
			pods: oneOnA,
			want: map[string]string{
				"cp-a1": "node(s) whose topology.kubernetes.io/zone domain holds more replicas of kube-system/kube-scheduler than the emptiest eligible one (topology.kubernetes.io/zone=z2 holds 0)",
				"cp-b1": "node(s) whose topology.kubernetes.io/zone domain holds more replicas of kube-system/kube-scheduler than the emptiest eligible one (topology.kubernetes.io/zone=z2 holds 0)",
			},
		},
		{
			name:  "no required level: Required groups are only scored",
			args:  &runtime.Unknown{Raw: []byte(`{"requiredLevels":[]}`), ContentType: runtime.ContentTypeJSON},
			pod:   scheduler("new").Obj(),
			nodes: fourVMs,
			pods:  oneOnA,
		},
		{
			name: "user workloads configured Required",
			args: rawArgs(t, map[string]any{"userWorkloads": map[string]any{"nodeRole": "Worker", "spread": "Required"}}),
			pod:  web("new").Obj(),
			nodes: []*v1.Node{
				vm("w-a1", "z1", "a").Obj(), vm("w-a2", "z1", "a").Obj(), vm("w-b1", "z1", "b").Obj(), cpVM("cp-c1", "z1", "c").Obj(),
			},
			pods: []*v1.Pod{web("r1").Node("w-a1").Obj(), web("r2").Node("w-b1").Obj(), web("r3").Node("w-b1").Obj()},
			want: map[string]string{
				"w-b1": "node(s) whose topology.scs.community/host-id domain holds more replicas of shop/app=web than the emptiest eligible one (topology.scs.community/host-id=a holds 1)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, pl, infos := setup(t, tt.args, tt.nodes, tt.pods)
			got := filterAll(t, ctx, pl, framework.NewCycleState(), tt.pod, infos)
			for name, st := range got {
				want, ok := tt.want[name]
				if !ok {
					t.Errorf("%s rejected: %v, want accepted", name, st)
					continue
				}
				if st.Code() != fwk.Unschedulable {
					t.Errorf("%s: code %v, want Unschedulable", name, st.Code())
				}
				if r := st.Reasons(); len(r) != 1 || r[0] != want {
					t.Errorf("%s: reasons %q, want %q", name, r, want)
				}
			}
			for name := range tt.want {
				if _, ok := got[name]; !ok {
					t.Errorf("%s accepted, want rejected", name)
				}
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
	if _, s := pl.PreFilter(ctx, state, pod, infos); !s.IsSuccess() {
		t.Fatal(s)
	}
	rejected := func(state fwk.CycleState) []string {
		var out []string
		for _, ni := range infos {
			if !pl.Filter(ctx, state, pod, ni).IsSuccess() {
				out = append(out, ni.Node().Name)
			}
		}
		slices.Sort(out)
		return out
	}
	podInfo := func(p *v1.Pod) fwk.PodInfo {
		pi, err := framework.NewPodInfo(p)
		if err != nil {
			t.Fatal(err)
		}
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
		if !s.IsSuccess() {
			t.Fatal(s)
		}
	}
	want := func(state fwk.CycleState, nodes ...string) {
		t.Helper()
		if got := rejected(state); !slices.Equal(got, nodes) {
			t.Fatalf("rejected %v, want %v", got, nodes)
		}
	}

	want(state, "cp-a1", "cp-a2")

	// Preempting the replica on host a frees it.
	victim := state.Clone()
	step(victim, false, onA, "cp-a1")
	want(victim, nil...)
	want(state, "cp-a1", "cp-a2")

	// A nominated replica on host b evens the hosts out, a second one tips
	// them the other way.
	nominated := state.Clone()
	step(nominated, true, scheduler("s2").Obj(), "cp-b1")
	want(nominated, nil...)
	step(nominated, true, scheduler("s3").Obj(), "cp-b2")
	want(nominated, "cp-b1", "cp-b2")
	step(nominated, false, onA, "cp-a1")
	want(nominated, "cp-b1", "cp-b2")
	wantStatus := fwk.NewStatus(fwk.Unschedulable, "node(s) whose topology.scs.community/host-id domain holds more replicas of kube-system/kube-scheduler than the emptiest eligible one (topology.scs.community/host-id=a holds 0)")
	if diff := cmp.Diff(wantStatus, pl.Filter(ctx, nominated, pod, info["cp-b1"])); diff != "" {
		t.Errorf("Filter on cp-b1 (-want +got):\n%s", diff)
	}

	// Pods of other groups, terminating replicas and DaemonSet pods change
	// nothing.
	other := state.Clone()
	step(other, true, st.MakePod().Namespace("kube-system").Name("etcd").Label("component", "etcd").Obj(), "cp-b1")
	step(other, true, scheduler("dying").Terminating().Obj(), "cp-b1")
	step(other, true, scheduler("ds").OwnerReference("ds", daemonSetGVK).Obj(), "cp-b1")
	want(other, "cp-a1", "cp-a2")
}

// groupMatcher must agree with policy.GroupOf, the one definition of a
// group.
func TestGroupMatcherAgreesWithGroupOf(t *testing.T) {
	p := policy.Default()
	pods := []*v1.Pod{
		scheduler("s1").Obj(),
		scheduler("s2").Label("app", "x").Obj(),
		scheduler("spoof").Namespace("default").Obj(),
		st.MakePod().Namespace("kube-system").Name("etcd-1").Label("component", "etcd").Obj(),
		st.MakePod().Namespace("kube-system").Name("etcd-2").Label("app", "etcd").Obj(),
		st.MakePod().Namespace("kube-system").Name("misc").Label("app", "misc").Obj(),
		st.MakePod().Namespace("kube-system").Name("misc2").Label("app.kubernetes.io/name", "misc").Obj(),
		st.MakePod().Namespace("kube-system").Name("lonely").Obj(),
		web("w1").Obj(),
		web("w2").Label("app.kubernetes.io/name", "shop").Obj(),
		st.MakePod().Namespace("shop").Name("s-app").Label("app.kubernetes.io/name", "shop").Obj(),
		st.MakePod().Namespace("shop").Name("k").Label("k8s-app", "web").Obj(),
		st.MakePod().Namespace("shop").Name("c").Label("component", "web").Obj(),
		st.MakePod().Namespace("shop").Name("rs1").OwnerReference("rs", replicaSetGVK).Obj(),
		st.MakePod().Namespace("shop").Name("rs2").OwnerReference("rs", replicaSetGVK).Obj(),
		st.MakePod().Namespace("shop").Name("rs3").OwnerReference("rs", schema.GroupVersionKind{Version: "v1", Kind: "StatefulSet"}).Obj(),
		st.MakePod().Namespace("shop").Name("rs-labelled").Label("app", "web").OwnerReference("rs", replicaSetGVK).Obj(),
		st.MakePod().Namespace("shop").Name("alone").Obj(),
		st.MakePod().Namespace("shop").Name("alone").UID("other").Obj(),
		st.MakePod().Namespace("shop").Name("rs").Obj(),
	}
	for _, target := range pods {
		tc := p.Classify(target)
		m := newGroupMatcher(p, target, tc)
		for _, other := range pods {
			want := policy.GroupOf(target, tc) == policy.GroupOf(other, p.Classify(other))
			if got := m.sameGroup(other); got != want {
				t.Errorf("sameGroup(%s/%s, %s/%s) = %v, want %v", target.Namespace, target.Name, other.Namespace, other.Name, got, want)
			}
		}
	}
}

func TestQueueingHints(t *testing.T) {
	logger, _ := ktesting.NewTestContext(t)
	_, ctx := ktesting.NewTestContext(t)
	plugin, err := New(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pl := plugin.(*FailureDomainSpread)
	pod := scheduler("new").Obj()
	replica := scheduler("s1").Node("cp-a1").Obj()
	relabelled := scheduler("s1").Node("cp-a1").Label("tier", "x").Obj()
	regrouped := st.MakePod().Namespace("kube-system").Name("s1").Label("component", "etcd").Node("cp-a1").Obj()
	terminating := scheduler("s1").Node("cp-a1").Terminating().Obj()
	stranger := web("w").Node("cp-a1").Obj()
	t.Run("assigned pods", func(t *testing.T) {
		for _, tt := range []struct {
			name     string
			old, new *v1.Pod
			want     fwk.QueueingHint
		}{
			{name: "replica added", new: replica, want: fwk.Queue},
			{name: "replica deleted", old: replica, want: fwk.Queue},
			{name: "replica starts terminating", old: replica, new: terminating, want: fwk.Queue},
			{name: "terminating replica deleted", old: terminating, want: fwk.QueueSkip},
			{name: "replica leaves the group", old: replica, new: regrouped, want: fwk.Queue},
			{name: "unrelated label on a replica", old: replica, new: relabelled, want: fwk.QueueSkip},
			{name: "pod of another group added", new: stranger, want: fwk.QueueSkip},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := pl.isSchedulableAfterAssignedPodChange(logger, pod, asAny(tt.old), asAny(tt.new))
				if err != nil || got != tt.want {
					t.Errorf("hint = %v, %v; want %v", got, err, tt.want)
				}
			})
		}
	})
	t.Run("target pod", func(t *testing.T) {
		for _, tt := range []struct {
			name     string
			old, new *v1.Pod
			want     fwk.QueueingHint
		}{
			{name: "unrelated label", old: pod, new: scheduler("new").Label("tier", "x").Obj(), want: fwk.QueueSkip},
			{name: "other component", old: pod, new: st.MakePod().Namespace("kube-system").Name("new").Label("component", "kube-dns").Obj(), want: fwk.Queue},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := pl.isSchedulableAfterTargetPodChange(logger, tt.old, tt.old, tt.new)
				if err != nil || got != tt.want {
					t.Errorf("hint = %v, %v; want %v", got, err, tt.want)
				}
			})
		}
	})
	t.Run("nodes", func(t *testing.T) {
		cp := cpVM("cp-b1", "z1", "b").Obj()
		for _, tt := range []struct {
			name     string
			pod      *v1.Pod
			old, new *v1.Node
			want     fwk.QueueingHint
		}{
			{name: "control-plane node added", new: cp, want: fwk.Queue},
			{name: "control-plane node deleted", old: cp, want: fwk.Queue},
			{name: "worker added", new: vm("w", "z1", "c").Obj(), want: fwk.QueueSkip},
			{name: "node added outside the pod's node selector", pod: scheduler("new").NodeSelector(map[string]string{hostIDKey: "a"}).Obj(), new: cp, want: fwk.QueueSkip},
			{name: "host-id changed", old: cp, new: cpVM("cp-b1", "z1", "c").Obj(), want: fwk.Queue},
			{name: "unrelated label", old: cp, new: cpVM("cp-b1", "z1", "b").Label("x", "y").Obj(), want: fwk.QueueSkip},
			{name: "node became not ready", old: cp, new: cpVM("cp-b1", "z1", "b").Taints([]v1.Taint{notReady}).Obj(), want: fwk.Queue},
			{name: "node uncordoned", old: cpVM("cp-b1", "z1", "b").Unschedulable(true).Obj(), new: cp, want: fwk.Queue},
			// Any NoSchedule taint the pod does not tolerate makes the node
			// ineligible (TestQueueingHintNodeOutage has the tolerated ones).
			{name: "untolerated taint", old: cp, new: cpVM("cp-b1", "z1", "b").Taints([]v1.Taint{{Key: "x", Effect: v1.TaintEffectNoSchedule}}).Obj(), want: fwk.Queue},
			{name: "worker promoted to control-plane", old: vm("cp-b1", "z1", "b").Obj(), new: cp, want: fwk.Queue},
		} {
			t.Run(tt.name, func(t *testing.T) {
				p := pod
				if tt.pod != nil {
					p = tt.pod
				}
				got, err := pl.isSchedulableAfterNodeChange(logger, p, asAny(tt.old), asAny(tt.new))
				if err != nil || got != tt.want {
					t.Errorf("hint = %v, %v; want %v", got, err, tt.want)
				}
			})
		}
	})
}

// asAny keeps a nil pointer a nil interface, as the queue passes them.
func asAny[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

func TestEventsToRegister(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	pl, err := New(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	events, err := pl.(*FailureDomainSpread).EventsToRegister(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		if e.QueueingHintFn == nil {
			t.Errorf("%v has no queueing hint", e.Event)
		}
		got = append(got, fmt.Sprintf("%s/%d", e.Event.Resource, e.Event.ActionType))
	}
	for _, want := range []fwk.ClusterEvent{
		{Resource: fwk.AssignedPod, ActionType: fwk.Add | fwk.Update | fwk.Delete},
		{Resource: fwk.Node, ActionType: fwk.Add | fwk.Delete | fwk.UpdateNodeLabel | fwk.UpdateNodeTaint | fwk.UpdateNodeCondition},
	} {
		if !slices.Contains(got, fmt.Sprintf("%s/%d", want.Resource, want.ActionType)) {
			t.Errorf("events %v lack %v", got, want)
		}
	}
}

func TestSignPod(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	plugin, err := New(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pl := plugin.(*FailureDomainSpread)
	for _, tt := range []struct {
		name     string
		pod      *v1.Pod
		signable bool
	}{
		{name: "spread user pod", pod: web("w").Obj()},
		{name: "Required component", pod: scheduler("s").Obj()},
		{name: "spread None component", pod: st.MakePod().Namespace("kube-system").Label("k8s-app", "kube-proxy").Obj(), signable: true},
		{name: "DaemonSet pod", pod: web("w").OwnerReference("w", daemonSetGVK).Obj(), signable: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			frags, s := pl.SignPod(ctx, tt.pod)
			if tt.signable != s.IsSuccess() || len(frags) != 0 {
				t.Errorf("SignPod = %v, %v; signable want %v", frags, s, tt.signable)
			}
			if !tt.signable && s.Code() != fwk.Unschedulable {
				t.Errorf("code %v, want Unschedulable", s.Code())
			}
		})
	}
}

func TestNewRejectsBadArgs(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	_, err := New(ctx, &runtime.Unknown{Raw: []byte(`{"levels":["topology.kubernetes.io/zone"],"requiredLevels":["topology.scs.community/host-id"]}`)}, nil)
	if err == nil || !strings.Contains(err.Error(), "FailureDomainSpread.args.requiredLevels[0]") {
		t.Fatalf("err = %v, want one naming FailureDomainSpread.args.requiredLevels[0]", err)
	}
}

// Score runs once per feasible node: it must not allocate.
func TestScoreDoesNotAllocate(t *testing.T) {
	nodes, pods := benchCluster(100)
	ctx, pl, infos := setup(t, nil, nodes, pods)
	pod := web("new").Obj()
	state := framework.NewCycleState()
	if s := pl.PreScore(ctx, state, pod, infos); !s.IsSuccess() {
		t.Fatal(s)
	}
	if allocs := testing.AllocsPerRun(100, func() { _, _ = pl.Score(ctx, state, pod, infos[7]) }); allocs != 0 {
		t.Errorf("Score allocates %v times per call", allocs)
	}
}
