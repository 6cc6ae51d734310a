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
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/defaultbinder"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/queuesort"
	plugintesting "k8s.io/kubernetes/pkg/scheduler/framework/plugins/testing"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	"k8s.io/kubernetes/pkg/scheduler/metrics"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	tf "k8s.io/kubernetes/pkg/scheduler/testing/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/cyclestate"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
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

	// wait and tick bound the waits for informer handlers.
	wait = 10 * time.Second
	tick = 10 * time.Millisecond
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

// userWorkloadsRequired is a policy whose user workloads are Required
// groups, filtered like the control-plane components.
func userWorkloadsRequired() *config.PolicyArgs {
	return &config.PolicyArgs{UserWorkloads: &config.RuleArgs{Placement: policy.PlaceWorker, Spread: policy.SpreadRequired}}
}

// policies returns the policies of a configuration whose profile "" (the
// one plugintesting's framework runs) has the policy a, defaulted and
// validated as the scheduler loads it; nil a: no HAPolicy entry, the
// default policy.
func policies(t testing.TB, a *config.PolicyArgs) config.Policies {
	t.Helper()
	if a == nil {
		return config.Policies{}
	}
	c := *a
	config.SetDefaultsPolicyArgs(&c)
	require.Empty(t, validation.ValidatePolicyArgs(field.NewPath(config.PolicyName, "args"), &c), "the test's policy")
	return config.Policies{"": &c}
}

// withUIDs returns the pods, each with a UID (its namespace/name when it
// has none): the replica index follows pods by UID, as the API server
// gives each one.
func withUIDs(pods []*v1.Pod) []*v1.Pod {
	out := make([]*v1.Pod, len(pods))
	for i, p := range pods {
		if p.UID == "" {
			p = p.DeepCopy()
			p.UID = types.UID(p.Namespace + "/" + p.Name)
		}
		out[i] = p
	}
	return out
}

func objects(nodes []*v1.Node, pods []*v1.Pod) []runtime.Object {
	objs := make([]runtime.Object, 0, len(nodes)+len(pods))
	for _, n := range nodes {
		objs = append(objs, n)
	}
	for _, p := range pods {
		objs = append(objs, p)
	}
	return objs
}

// setup builds the plugin with the policy a (nil: the default) inside a real
// framework handle whose snapshot and informers hold the nodes and pods
// (pods are placed by spec.nodeName), and waits until its informer handlers
// have seen them.
func setup(t testing.TB, a *config.PolicyArgs, nodes []*v1.Node, pods []*v1.Pod) (context.Context, *FailureDomainSpread, []fwk.NodeInfo) {
	t.Helper()
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	pods = withUIDs(pods)
	snap := cache.NewSnapshot(pods, nodes)
	pl := plugintesting.SetupPluginWithInformers(ctx, t, New(policies(t, a)), nil, snap, objects(nodes, pods)).(*FailureDomainSpread)
	waitForHandlers(t, pl, nodes)
	infos, err := snap.NodeInfos().List()
	require.NoError(t, err)
	return ctx, pl, infos
}

// waitForHandlers waits until the plugin's informer handlers have seen the
// informers' initial lists: the replica index every pod, the role index
// every control-plane and infra node of nodes. The informers' caches sync
// before their handlers are done, and the handlers run on goroutines of
// their own.
func waitForHandlers(t testing.TB, pl *FailureDomainSpread, nodes []*v1.Node) {
	t.Helper()
	require.Eventually(t, pl.replicas.ready, wait, tick, "the replica index has seen every pod")
	testutil.WaitForRoleIndex(t, pl.roles, nodes)
}

// activations records the pods the plugin activates through its handle
// (the scheduling queue's Activate), each call as its sorted keys.
type activations chan []string

func (a activations) Activate(_ klog.Logger, pods map[string]*v1.Pod) {
	a <- slices.Sorted(maps.Keys(pods))
}

// liveCluster is the plugin in a framework handle whose informers follow a
// fake API server, for the tests that change the cluster under it.
type liveCluster struct {
	ctx       context.Context
	pl        *FailureDomainSpread
	client    *clientsetfake.Clientset
	factory   informers.SharedInformerFactory
	activated activations
}

// startCluster builds the plugin with the policy a (nil: the default) in a
// handle whose snapshot is snap and whose API server holds the nodes and
// pods, and waits until its informer handlers have seen them.
func startCluster(t *testing.T, a *config.PolicyArgs, snap *cache.Snapshot, nodes []*v1.Node, pods []*v1.Pod) *liveCluster {
	t.Helper()
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	c := &liveCluster{ctx: ctx, client: clientsetfake.NewClientset(objects(nodes, withUIDs(pods))...), activated: make(activations, 16)}
	c.factory = informers.NewSharedInformerFactory(c.client, 0)
	c.pl = c.addProfile(t, c.factory, "", a, snap, c.activated)
	c.factory.Start(ctx.Done())
	c.factory.WaitForCacheSync(ctx.Done())
	waitForHandlers(t, c.pl, nodes)
	return c
}

// addProfile builds the plugin of one more profile over the same informer
// factory, with its own pod activator.
func (c *liveCluster) addProfile(t *testing.T, factory informers.SharedInformerFactory, profile string, a *config.PolicyArgs, snap *cache.Snapshot, activator activations) *FailureDomainSpread {
	t.Helper()
	fh, err := frameworkruntime.NewFramework(c.ctx, nil, &schedconfig.KubeSchedulerProfile{SchedulerName: profile},
		frameworkruntime.WithInformerFactory(factory),
		frameworkruntime.WithSnapshotSharedLister(snap),
		frameworkruntime.WithPodActivator(activator))
	require.NoError(t, err)
	p, err := New(config.Policies{profile: policies(t, a).For(profile)})(c.ctx, nil, fh)
	require.NoError(t, err)
	return p.(*FailureDomainSpread)
}

// filterAll runs PreFilter, then Filter on every node, as the framework
// would, and returns the statuses of the rejected nodes. A skipped PreFilter
// passes every node.
func filterAll(t testing.TB, ctx context.Context, pl *FailureDomainSpread, state fwk.CycleState, pod *v1.Pod, infos []fwk.NodeInfo) map[string]*fwk.Status {
	t.Helper()
	_, s := pl.PreFilter(ctx, state, pod, infos)
	out := map[string]*fwk.Status{}
	if s.IsSkip() {
		return out
	}
	require.True(t, s.IsSuccess(), "PreFilter: %v", s)
	for _, ni := range infos {
		if st := pl.Filter(ctx, state, pod, ni); !st.IsSuccess() {
			out[ni.Node().Name] = st
		}
	}
	return out
}

// scoreAll runs PreFilter, PreScore, Score on every node and NormalizeScore,
// as the framework does; a skipped PreScore gives every node 0.
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
	scores := make(fwk.NodeScoreList, 0, len(infos))
	for _, ni := range infos {
		sc, s := pl.Score(ctx, state, pod, ni)
		require.True(t, s.IsSuccess(), "Score(%s): %v", ni.Node().Name, s)
		scores = append(scores, fwk.NodeScore{Name: ni.Node().Name, Score: sc})
	}
	require.True(t, pl.ScoreExtensions().NormalizeScore(ctx, state, pod, scores).IsSuccess())
	for _, sc := range scores {
		require.True(t, sc.Score >= 0 && sc.Score <= fwk.MaxScore, "Score(%s) = %d, out of range", sc.Name, sc.Score)
		out[sc.Name] = sc.Score
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
		name string
		// policy is the profile's (nil: the default policy).
		policy *config.PolicyArgs
		pod    *v1.Pod
		nodes  []*v1.Node
		pods   []*v1.Pod
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
			name:   "custom levels: host only",
			policy: &config.PolicyArgs{Levels: []string{hostIDKey}, RequiredLevels: []string{hostIDKey}},
			pod:    web("new").Obj(),
			nodes:  topo,
			pods:   []*v1.Pod{web("r1").Node("a1").Obj(), web("r2").Node("c1").Obj(), web("r3").Node("c1").Obj()},
			order:  [][]string{{"b1", "d1"}, {"a1", "a2"}, {"c1", "c2"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, pl, infos := setup(t, tt.policy, tt.nodes, tt.pods)
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
	_, pl, _ := setup(t, nil, nil, nil)
	counts := policy.ReplicaCounts{{"z1": 3, "z2": 5, "z3": 1}, {"a": 1, "b": 2}, {"n1": 1}}
	s := &preScoreState{bits: 2, levels: 3, counts: make([]map[uint32]int, 3)}
	for l, domains := range counts {
		s.counts[l] = map[uint32]int{}
		for d, c := range domains {
			s.counts[l][pl.topo.ID(l, d)] = c
		}
	}
	n := func(zone, host, name string) *v1.Node { return vm(name, zone, host).Obj() }
	// z1 and z2 both saturate at the zone level (2 bits: 3 is the limit):
	// they tie whatever the narrower levels say, rather than invert.
	if a, b := pl.tuple(s, n("z1", "b", "n1")), pl.tuple(s, n("z2", "a", "n2")); a != b {
		t.Errorf("saturated tuples differ: %x vs %x", a, b)
	}
	// Below the limit the narrower levels count: z3 holds 1, host b 2.
	if a, b := pl.tuple(s, n("z3", "b", "n3")), pl.tuple(s, n("z3", "a", "n4")); a <= b {
		t.Errorf("tuple on host b %x, not above host a's %x", a, b)
	}
}

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

func TestQueueingHints(t *testing.T) {
	logger, _ := ktesting.NewTestContext(t)
	_, pl, _ := setup(t, nil, nil, nil)
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
				require.NoError(t, err)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("hint (-want +got):\n%s", diff)
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
				require.NoError(t, err)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("hint (-want +got):\n%s", diff)
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
				require.NoError(t, err)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("hint (-want +got):\n%s", diff)
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

// clusterEventCmpOpts compare the events and whether each has a queueing
// hint (functions cannot be compared).
var clusterEventCmpOpts = []cmp.Option{
	cmpopts.EquateComparable(fwk.ClusterEvent{}),
	cmp.Comparer(func(a, b fwk.QueueingHintFn) bool { return (a == nil) == (b == nil) }),
}

// hinted stands for a queueing hint in the events a test wants.
func hinted(klog.Logger, *v1.Pod, any, any) (fwk.QueueingHint, error) { return fwk.Queue, nil }

func TestEventsToRegister(t *testing.T) {
	ctx, pl, _ := setup(t, nil, nil, nil)
	got, err := pl.EventsToRegister(ctx)
	require.NoError(t, err)
	want := []fwk.ClusterEventWithHint{
		{Event: fwk.ClusterEvent{Resource: fwk.AssignedPod, ActionType: fwk.Add | fwk.Update | fwk.Delete}, QueueingHintFn: hinted},
		{Event: fwk.ClusterEvent{Resource: fwk.TargetPod, ActionType: fwk.UpdatePodLabel}, QueueingHintFn: hinted},
		{Event: fwk.ClusterEvent{Resource: fwk.Node, ActionType: fwk.Add | fwk.Delete | fwk.UpdateNodeLabel | fwk.UpdateNodeTaint | fwk.UpdateNodeCondition}, QueueingHintFn: hinted},
	}
	if diff := cmp.Diff(want, got, clusterEventCmpOpts...); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestSignPod(t *testing.T) {
	ctx, pl, _ := setup(t, nil, nil, nil)
	notSignable := fwk.NewStatus(fwk.Unschedulable, "pods spread by FailureDomainSpread are not signable")
	for _, tt := range []struct {
		name string
		pod  *v1.Pod
		want *fwk.Status
	}{
		{name: "spread user pod", pod: web("w").Obj(), want: notSignable},
		{name: "Required component", pod: scheduler("s").Obj(), want: notSignable},
		{name: "spread None component", pod: st.MakePod().Namespace("kube-system").Label("k8s-app", "kube-proxy").Obj()},
		{name: "DaemonSet pod", pod: web("w").OwnerReference("w", daemonSetGVK).Obj()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			frags, s := pl.SignPod(ctx, tt.pod)
			if diff := cmp.Diff([]fwk.SignFragment(nil), frags); diff != "" {
				t.Errorf("fragments (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, s); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
}

// The plugin takes no args: its levels are its profile's policy's. An
// args object with a field makes New fail with an error on the args (what
// the error says is pkg/apis/config/validation's to test).
func TestNewRejectsArgs(t *testing.T) {
	type fieldError struct {
		Type  field.ErrorType
		Field string
	}
	_, ctx := ktesting.NewTestContext(t)
	fh, err := frameworkruntime.NewFramework(ctx, nil, nil,
		frameworkruntime.WithInformerFactory(informers.NewSharedInformerFactory(clientsetfake.NewClientset(), 0)))
	require.NoError(t, err)
	for _, tt := range []struct {
		name string
		args string
		want []fieldError
	}{
		{
			name: "levels, now the policy's",
			args: `{"levels":["topology.kubernetes.io/zone"],"requiredLevels":["topology.kubernetes.io/zone"]}`,
			want: []fieldError{{Type: field.ErrorTypeForbidden, Field: "FailureDomainSpread.args"}, {Type: field.ErrorTypeForbidden, Field: "FailureDomainSpread.args"}},
		},
		{
			name: "an unknown field",
			args: `{"bogus":true}`,
			want: []fieldError{{Type: field.ErrorTypeForbidden, Field: "FailureDomainSpread.args"}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(nil)(ctx, &runtime.Unknown{Raw: []byte(tt.args), ContentType: runtime.ContentTypeJSON}, fh)
			var agg utilerrors.Aggregate
			require.ErrorAs(t, err, &agg)
			var got []fieldError
			for _, e := range agg.Errors() {
				var fe *field.Error
				require.ErrorAs(t, e, &fe)
				got = append(got, fieldError{Type: fe.Type, Field: fe.Field})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("field errors (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
	for name, args := range map[string]runtime.Object{
		"no args":               nil,
		"an empty object":       &runtime.Unknown{Raw: []byte(`{}`), ContentType: runtime.ContentTypeJSON},
		"only apiVersion, kind": &runtime.Unknown{Raw: []byte(`{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"FailureDomainSpreadArgs"}`), ContentType: runtime.ContentTypeJSON},
	} {
		t.Run(name+" is fine", func(t *testing.T) {
			_, err := New(nil)(ctx, args, fh)
			require.NoError(t, err)
		})
	}
}

// New fails on a profile policy the policy package cannot compile (the
// scheduler loads policies defaulted and validated, so this is a bug).
func TestNewRejectsAnUnloadedPolicy(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	fh, err := frameworkruntime.NewFramework(ctx, nil, nil,
		frameworkruntime.WithInformerFactory(informers.NewSharedInformerFactory(clientsetfake.NewClientset(), 0)))
	require.NoError(t, err)
	_, err = New(config.Policies{"": &config.PolicyArgs{}})(ctx, nil, fh)
	require.Error(t, err)
	if diff := cmp.Diff(`FailureDomainSpread: profile "": otherTrustedPods: rule is not set`, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// Each profile's plugin spreads over its own policy's levels; a profile
// without a policy has the default ones.
func TestNewTakesTheProfilesLevels(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// z1 = host a (1 replica); z2 = hosts b (2 replicas) and c (none).
	nodes := []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z2", "b").Obj(), cpVM("c1", "z2", "c").Obj()}
	pods := schedulers("a1", "b1", "b1")
	factory := informers.NewSharedInformerFactory(clientsetfake.NewClientset(objects(nodes, pods)...), 0)
	snap := cache.NewSnapshot(pods, nodes)
	infos, err := snap.NodeInfos().List()
	require.NoError(t, err)
	ps := config.Policies{
		"zones":      policies(t, zoneAndHost())[""],
		"unfiltered": policies(t, &config.PolicyArgs{RequiredLevels: []string{}})[""],
	}
	const group = "kube-system/kube-scheduler"
	for _, tt := range []struct {
		profile string
		want    map[string]*fwk.Status
	}{
		{profile: "zones", want: map[string]*fwk.Status{"b1": rejected(zoneKey, group, "z1", 1), "c1": rejected(zoneKey, group, "z1", 1)}},
		{profile: "unfiltered", want: map[string]*fwk.Status{}},
		{profile: "default-scheduler", want: map[string]*fwk.Status{"a1": rejected(hostIDKey, group, "c", 0), "b1": rejected(hostIDKey, group, "c", 0)}},
	} {
		t.Run(tt.profile, func(t *testing.T) {
			fh, err := tf.NewFramework(ctx, []tf.RegisterPluginFunc{
				tf.RegisterQueueSortPlugin(queuesort.Name, queuesort.New),
				tf.RegisterBindPlugin(defaultbinder.Name, defaultbinder.New),
			}, tt.profile,
				frameworkruntime.WithInformerFactory(factory),
				frameworkruntime.WithSnapshotSharedLister(snap))
			require.NoError(t, err)
			p, err := New(ps)(ctx, nil, fh)
			require.NoError(t, err)
			got := filterAll(t, ctx, p.(*FailureDomainSpread), framework.NewCycleState(), scheduler("new").Obj(), infos)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rejected nodes (-want +got):\n%s", diff)
			}
		})
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
	if diff := cmp.Diff(0.0, testing.AllocsPerRun(100, func() { _, _ = pl.Score(ctx, state, pod, infos[7]) })); diff != "" {
		t.Errorf("allocations per Score (-want +got):\n%s", diff)
	}
}

// PreScore ranks the tuples the group's nodes give, not the candidate
// nodes' (it costs the group, not the cluster), and on nested levels (each
// host in one zone) every node's tuple is one of them: every node gets an
// even rank from Score.
func TestPreScoreCandidatesComeFromTheGroup(t *testing.T) {
	nodes, pods := benchCluster(1000)
	ctx, pl, infos := setup(t, nil, nodes, pods)
	pod := web("new").Obj()
	state := framework.NewCycleState()
	require.True(t, pl.PreScore(ctx, state, pod, infos).IsSuccess())
	s, err := cyclestate.Read[*preScoreState](state, preScoreStateKey)
	require.NoError(t, err)
	holders := pl.countFromIndex(policy.GroupOf(pod, pl.policy.Classify(pod), pl.services)).holders
	require.NotEmpty(t, holders)
	if got, limit := len(s.tuples), 1+len(holders)*len(pl.levels); got > limit {
		t.Errorf("%d candidate tuples for %d nodes holding replicas, want at most %d", got, len(holders), limit)
	}
	var odd []string
	for _, ni := range infos {
		rank, st := pl.Score(ctx, state, pod, ni)
		require.True(t, st.IsSuccess())
		if rank%2 != 0 {
			odd = append(odd, ni.Node().Name)
		}
	}
	if diff := cmp.Diff([]string(nil), odd); diff != "" {
		t.Errorf("nodes whose tuple is not a candidate (-want +got):\n%s", diff)
	}
}
