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

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	plugintesting "k8s.io/kubernetes/pkg/scheduler/framework/plugins/testing"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	"k8s.io/kubernetes/pkg/scheduler/metrics"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
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

	diskPressure       = v1.Taint{Key: v1.TaintNodeDiskPressure, Effect: v1.TaintEffectNoSchedule}
	unschedulableTaint = v1.Taint{Key: v1.TaintNodeUnschedulable, Effect: v1.TaintEffectNoSchedule}
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

func schedulers(nodes ...string) []*v1.Pod {
	var out []*v1.Pod
	for i, n := range nodes {
		out = append(out, scheduler(fmt.Sprintf("s%d", i)).Node(n).Obj())
	}
	return out
}

// userWorkloadsRequired is a policy whose user workloads are Required
// groups, filtered like the control-plane components.
func userWorkloadsRequired() *config.PolicyArgs {
	return &config.PolicyArgs{UserWorkloads: &config.RuleArgs{Placement: policy.PlaceWorker, Spread: policy.SpreadRequired}}
}

// zoneAndHost is a policy that balances Required groups over zones, then
// hosts within the emptiest zones.
func zoneAndHost() *config.PolicyArgs {
	return &config.PolicyArgs{RequiredLevels: []string{zoneKey, hostIDKey}}
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

// benchCluster is nodes VMs, 4 per physical host, hosts over 3 zones, with
// 10 pods per node (half of them in the spread pod's namespace, in 50 other
// groups) and replicas of the spread group on a pseudo-random fifth of the
// nodes.
func benchCluster(nodes int) ([]*v1.Node, []*v1.Pod) {
	const vmsPerHost, zones, podsPerNode = 4, 3, 10
	var ns []*v1.Node
	var ps []*v1.Pod
	for i := range nodes {
		name := fmt.Sprintf("node-%05d", i)
		host := i / vmsPerHost
		ns = append(ns, st.MakeNode().Name(name).
			Label(policy.LabelHostname, name).
			Label(policy.LabelHostID, fmt.Sprintf("host-%05d", host)).
			Label(policy.LabelZone, fmt.Sprintf("zone-%d", host%zones)).Obj())
		for j := range podsPerNode {
			namespace := "shop"
			if j%2 == 1 {
				namespace = fmt.Sprintf("team-%d", (i+j)%7)
			}
			ps = append(ps, st.MakePod().Namespace(namespace).Name(fmt.Sprintf("%s-p%d", name, j)).
				Label("app", fmt.Sprintf("svc-%d", (i+j)%50)).Node(name).Obj())
		}
	}
	for r := range nodes / 5 {
		node := fmt.Sprintf("node-%05d", (r*7919)%nodes)
		ps = append(ps, web(fmt.Sprintf("web-%d", r)).Node(node).Obj())
	}
	return ns, ps
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
	pl := plugintesting.SetupPluginWithInformers(ctx, t, New(testutil.Policies(t, a)), nil, snap, objects(nodes, pods)).(*FailureDomainSpread)
	waitForHandlers(t, pl, nodes)
	infos, err := snap.NodeInfos().List()
	require.NoError(t, err)
	return ctx, pl, infos
}

// waitForHandlers waits until the plugin's informer handlers have seen the
// informers' initial lists: the replica index every pod, the role index
// every control-plane and infra node of nodes, the topology index a record
// of every node. The informers' caches sync
// before their handlers are done, and the handlers run on goroutines of
// their own.
func waitForHandlers(t testing.TB, pl *FailureDomainSpread, nodes []*v1.Node) {
	t.Helper()
	require.Eventually(t, pl.replicas.ready, testutil.Wait, testutil.Tick, "the replica index has seen every pod")
	testutil.WaitForRoleIndex(t, pl.roles, nodes)
	testutil.WaitForNodes(t, "the topology index", pl.topo.Holds, nodes)
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
	p, err := New(config.Policies{profile: testutil.Policies(t, a).For(profile)})(c.ctx, nil, fh)
	require.NoError(t, err)
	return p.(*FailureDomainSpread)
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

// rejected is the status Filter gives a node of a domain fuller than the
// emptiest eligible one at a required level.
func rejected(level, group, emptiest string, replicas int) *fwk.Status {
	return fwk.NewStatus(fwk.Unschedulable, fmt.Sprintf(
		"node(s) whose %s domain holds more replicas of %s than the emptiest eligible one (%s=%s holds %d)",
		level, group, level, emptiest, replicas))
}

// down is Filter's status for a node that cannot run pods.
var down = fwk.NewStatus(fwk.UnschedulableAndUnresolvable, ErrReasonNodeDown)

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
