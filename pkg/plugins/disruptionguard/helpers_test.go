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

package disruptionguard

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	internalcache "k8s.io/kubernetes/pkg/scheduler/backend/cache"
	internalqueue "k8s.io/kubernetes/pkg/scheduler/backend/queue"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/defaultbinder"
	plfeature "k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/noderesources"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/queuesort"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	schedmetrics "k8s.io/kubernetes/pkg/scheduler/metrics"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	tf "k8s.io/kubernetes/pkg/scheduler/testing/framework"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

const (
	userLow      int32 = 0
	userHigh     int32 = 1000
	system       int32 = 2000
	systemHigher int32 = 3000
)

var epoch = time.Unix(0, 0)

func init() {
	// The scheduling queue and the preemption executor record upstream
	// metrics, which must exist.
	schedmetrics.Register()
}

// node is a node with room for cpu CPUs of pods, with the UID its static
// pods' mirrors name (mirrorOf).
func node(name, cpu string) *v1.Node {
	n := st.MakeNode().Name(name).Capacity(map[v1.ResourceName]string{v1.ResourceCPU: cpu, v1.ResourcePods: "100"}).Obj()
	n.UID = nodeUID(name)
	return n
}

func nodeUID(name string) types.UID { return types.UID("node-uid-" + name) }

// running is a Ready pod using cpu CPUs on a node, started at second start.
func running(ns, name, nodeName string, prio int32, cpu string, start int64) *st.PodWrapper {
	return st.MakePod().Namespace(ns).Name(name).UID(ns+"/"+name).Node(nodeName).Priority(prio).
		Req(map[v1.ResourceName]string{v1.ResourceCPU: cpu}).StartTime(metav1.NewTime(epoch.Add(time.Duration(start)*time.Second))).
		Condition(v1.PodReady, v1.ConditionTrue, "")
}

// notReady is a pod whose containers are not Ready.
func notReady(ns, name, nodeName string, prio int32, cpu string, start int64) *st.PodWrapper {
	w := running(ns, name, nodeName, prio, cpu, start)
	w.Status.Conditions = []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionFalse}}
	return w
}

func preemptor(ns, name string, prio int32, cpu string) *v1.Pod {
	return st.MakePod().Namespace(ns).Name(name).UID(ns + "/" + name).Priority(prio).
		Req(map[v1.ResourceName]string{v1.ResourceCPU: cpu}).PreemptionPolicy(v1.PreemptLowerPriority).Obj()
}

// addon is a preemptor that is a component of the default policy
// (heapster), so that rule 3 does not apply to its victims.
func addon(name string, prio int32, cpu string) *v1.Pod {
	p := preemptor("kube-system", name, prio, cpu)
	p.Labels = map[string]string{"k8s-app": "heapster"}
	return p
}

func kubeScheduler(name, nodeName string, prio int32) *st.PodWrapper {
	return running("kube-system", name, nodeName, prio, "1", 1).Label("component", "kube-scheduler")
}

// etcdMembers are n Ready etcd members of the StatefulSet sts on the nodes.
func etcdMembers(sts string, n int, nodes ...string) []*v1.Pod {
	var out []*v1.Pod
	for i := 0; i < n; i++ {
		out = append(out, ownedBy(running("kube-system", fmt.Sprintf("%s-%d", sts, i), nodes[i%len(nodes)], system, "1", 1).
			Label("component", "etcd"), sts, "StatefulSet").Obj())
	}
	return out
}

// pendingEtcdMember is member i of the StatefulSet, not bound to a node.
func pendingEtcdMember(sts string, i int) *v1.Pod {
	return ownedBy(st.MakePod().Namespace("kube-system").Name(fmt.Sprintf("%s-%d", sts, i)).UID(fmt.Sprintf("kube-system/%s-%d", sts, i)).
		Priority(system).Label("component", "etcd"), sts, "StatefulSet").Obj()
}

func ownedBy(w *st.PodWrapper, name, kind string) *st.PodWrapper {
	return w.OwnerReference(name, appsv1.SchemeGroupVersion.WithKind(kind))
}

// mirrorOf makes the pod what the kubelet creates for a static pod: the
// annotation and its Node, by UID, as controller.
func mirrorOf(w *st.PodWrapper) *st.PodWrapper {
	w.Annotation(policy.MirrorPodAnnotation, "x").OwnerReference(w.Spec.NodeName, v1.SchemeGroupVersion.WithKind("Node"))
	w.OwnerReferences[0].UID = nodeUID(w.Spec.NodeName)
	return w
}

func statefulSet(ns, name string, replicas int32) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: appsv1.StatefulSetSpec{Replicas: ptr.To(replicas)}}
}

// deploymentReplicaSet is a ReplicaSet of the Deployment deployment, which
// wants desired replicas in all.
func deploymentReplicaSet(ns, name, deployment string, replicas, desired int32) *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ns, Name: name,
			Annotations:     map[string]string{policy.DesiredReplicasAnnotation: fmt.Sprint(desired)},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: deployment, Controller: ptr.To(true)}},
		},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(replicas)},
	}
}

func pdb(ns, name string, allowed int32, matchLabels ...string) *policyv1.PodDisruptionBudget {
	w := st.MakePDB().Namespace(ns).Name(name).DisruptionsAllowed(allowed)
	for i := 0; i+1 < len(matchLabels); i += 2 {
		w = w.MatchLabel(matchLabels[i], matchLabels[i+1])
	}
	return w.Obj()
}

// namespacePDB covers every pod of its namespace (`selector: {}`).
func namespacePDB(ns, name string, allowed int32) *policyv1.PodDisruptionBudget {
	p := pdb(ns, name, allowed)
	p.Spec.Selector = &metav1.LabelSelector{}
	return p
}

func disruptionTarget(w *st.PodWrapper) *st.PodWrapper {
	return w.Condition(v1.DisruptionTarget, v1.ConditionTrue, v1.PodReasonPreemptionByScheduler)
}

func cacheTombstone(p *v1.Pod) any {
	return cache.DeletedFinalStateUnknown{Key: "ns/name", Obj: p}
}

func rawArgs(t testing.TB, args any) runtime.Object {
	t.Helper()
	if args == nil {
		return nil
	}
	raw, err := json.Marshal(args)
	require.NoError(t, err)
	return &runtime.Unknown{Raw: raw, ContentType: runtime.ContentTypeJSON}
}

var bestEffort = map[string]any{"mode": string(config.ModeBestEffort)}

type podActivator struct{}

func (podActivator) Activate(klog.Logger, map[string]*v1.Pod) {}

// testProfile is the schedulerName of the profile the tests build, the key
// of its policy in config.Policies.
const testProfile = "ha-scheduler"

// cluster is what the profiles of one scheduler share: a fake clientset
// that records deletions, one informer factory over the given pods, PDBs and
// controllers, and the snapshot of the nodes and bound pods.
type cluster struct {
	cs              *clientsetfake.Clientset
	informerFactory informers.SharedInformerFactory
	snapshot        *internalcache.Snapshot

	mu      sync.Mutex
	deleted []string
	// keepDeleted: pod deletions are recorded, not done (keepDeletedPods).
	keepDeleted bool
	// watching are the resources the informers watch.
	watching map[string]bool
}

// keepDeletedPods makes the API server record pod deletions without doing
// them: the informers keep the victims Ready, as between a preemption and
// the deletion's watch event, however late the deletion comes.
func (c *cluster) keepDeletedPods() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keepDeleted = true
}

// newCluster: pods without a node are pending, in the informer and not in
// the snapshot; controllers are ReplicaSets and StatefulSets for the
// informers.
func newCluster(t testing.TB, nodes []*v1.Node, pods []*v1.Pod, pdbs []*policyv1.PodDisruptionBudget, controllers []runtime.Object, preemptors ...*v1.Pod) *cluster {
	t.Helper()
	var objs []runtime.Object
	for _, p := range append(slices.Clone(pods), preemptors...) {
		objs = append(objs, p)
	}
	for _, p := range pdbs {
		objs = append(objs, p)
	}
	for _, obj := range controllers {
		switch obj.(type) {
		case *appsv1.ReplicaSet, *appsv1.StatefulSet:
		default:
			t.Fatalf("unsupported controller %T", obj)
		}
	}
	// The informers (the framework's, started with the plugin, and the
	// guard's own for the controllers) list them from the API.
	objs = append(objs, controllers...)
	c := &cluster{cs: clientsetfake.NewClientset(objs...)}
	c.cs.PrependReactor("delete", "pods", func(a clienttesting.Action) (bool, runtime.Object, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.deleted = append(c.deleted, a.(clienttesting.DeleteAction).GetName())
		return c.keepDeleted, nil, nil
	})
	// The fake clientset does not replay to a watch what changed since the
	// list: a change made between an informer's list and its watch is lost
	// to it. The clientset's own watch, recording that it started, so that
	// guard returns only once the informers watch.
	c.watching = map[string]bool{}
	c.cs.PrependWatchReactor("*", func(a clienttesting.Action) (bool, watch.Interface, error) {
		var opts metav1.ListOptions
		if wa, ok := a.(clienttesting.WatchActionImpl); ok {
			opts = wa.ListOptions
		}
		w, err := c.cs.Tracker().Watch(a.GetResource(), a.GetNamespace(), opts)
		if err != nil {
			return false, nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.watching[a.GetResource().Resource] = true
		return true, w, nil
	})
	c.informerFactory = informers.NewSharedInformerFactory(c.cs, 0)
	var bound []*v1.Pod
	for _, p := range pods {
		if p.Spec.NodeName != "" {
			bound = append(bound, p)
		}
	}
	c.snapshot = internalcache.NewSnapshot(bound, nodes)
	return c
}

// newFramework builds a framework of the profile with NodeResourcesFit over
// the cluster, as the scheduler builds one per profile from its one
// informer factory.
func (c *cluster) newFramework(t testing.TB, ctx context.Context, profile string) framework.Framework {
	t.Helper()
	fw, err := tf.NewFramework(ctx, []tf.RegisterPluginFunc{
		tf.RegisterQueueSortPlugin(queuesort.Name, queuesort.New),
		tf.RegisterPluginAsExtensions(noderesources.Name, frameworkruntime.FactoryAdapter(plfeature.Features{}, noderesources.NewFit), "Filter", "PreFilter"),
		tf.RegisterBindPlugin(defaultbinder.Name, defaultbinder.New),
	}, profile,
		frameworkruntime.WithClientSet(c.cs),
		frameworkruntime.WithEventRecorder(&events.FakeRecorder{}),
		frameworkruntime.WithInformerFactory(c.informerFactory),
		frameworkruntime.WithPodNominator(internalqueue.NewSchedulingQueue(nil, c.informerFactory)),
		frameworkruntime.WithSnapshotSharedLister(c.snapshot),
		frameworkruntime.WithMutableSnapshotLister(c.snapshot),
		frameworkruntime.WithWaitingPods(frameworkruntime.NewWaitingPodsMap()),
		frameworkruntime.WithPodsInPreBind(frameworkruntime.NewPodsInPreBindMap()),
		frameworkruntime.WithPodActivator(podActivator{}),
		frameworkruntime.WithLogger(klog.FromContext(ctx)),
	)
	require.NoError(t, err)
	return fw
}

// env is the plugin of one profile, built with that profile's framework as
// its handle.
type env struct {
	*cluster
	pl *DisruptionGuard
	fw framework.Framework
}

// guard builds the plugin of the profile, whose policy is taken from
// policies as the scheduler's registry does.
func (c *cluster) guard(t testing.TB, ctx context.Context, profile string, policies config.Policies, args any, async bool) *env {
	t.Helper()
	fw := c.newFramework(t, ctx, profile)
	pl, err := newWithFeatures(ctx, policies, rawArgs(t, args), fw, plfeature.Features{EnableAsyncPreemption: async})
	require.NoError(t, err)
	// Started once its handlers are registered (a second profile's plugin
	// registers on the running informers).
	c.informerFactory.Start(ctx.Done())
	c.informerFactory.WaitForCacheSync(ctx.Done())
	// Tests change pods and budgets once the plugin is running: the
	// informers must see it (newCluster says why).
	require.NoError(t, wait.PollUntilContextTimeout(ctx, time.Millisecond, wait.ForeverTestTimeout, true, func(context.Context) (bool, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.watching["pods"] && c.watching["poddisruptionbudgets"], nil
	}), "waiting for the informers to watch pods and PodDisruptionBudgets")
	return &env{cluster: c, pl: pl, fw: fw}
}

// newEnv is the plugin of a scheduler with one profile, whose policy is pa
// (nil: the default policy).
func newEnv(t *testing.T, ctx context.Context, pa *config.PolicyArgs, args any, async bool, nodes []*v1.Node, pods []*v1.Pod, pdbs []*policyv1.PodDisruptionBudget, controllers []runtime.Object, preemptors ...*v1.Pod) *env {
	t.Helper()
	if pa == nil {
		pa = testutil.LoadedPolicy(t, config.PolicyArgs{})
	}
	return newCluster(t, nodes, pods, pdbs, controllers, preemptors...).guard(t, ctx, testProfile, config.Policies{testProfile: pa}, args, async)
}

// postFilter runs PreFilter and PostFilter for the pod as the scheduler
// would after every node failed Filter; the nodes in unresolvable failed for
// a reason preemption cannot fix.
func (e *env) postFilter(t testing.TB, ctx context.Context, pod *v1.Pod, nodes []*v1.Node, unresolvable ...string) (*fwk.PostFilterResult, *fwk.Status) {
	t.Helper()
	state := framework.NewCycleState()
	_, s, _ := e.fw.RunPreFilterPlugins(ctx, state, pod)
	require.True(t, s.IsSuccess(), "PreFilter: %v", s)
	m := framework.NewDefaultNodeToStatus()
	for _, n := range nodes {
		code := fwk.Unschedulable
		if slices.Contains(unresolvable, n.Name) {
			code = fwk.UnschedulableAndUnresolvable
		}
		m.Set(n.Name, fwk.NewStatus(code))
	}
	return e.pl.PostFilter(ctx, state, pod, m)
}

func (c *cluster) deletedPods() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := slices.Clone(c.deleted)
	sort.Strings(out)
	return out
}

// waitForDeletions waits until n pods were deleted: at once with
// synchronous preemption, by the executor's goroutine with asynchronous.
func waitForDeletions(t *testing.T, ctx context.Context, c *cluster, n int) {
	t.Helper()
	require.NoError(t, wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, wait.ForeverTestTimeout, true, func(context.Context) (bool, error) {
		return len(c.deletedPods()) == n, nil
	}), "waiting for %d deleted pods", n)
}

// outcome is one acceptable result of a preemption attempt.
type outcome struct {
	// node is the nominated node; "" when preemption fails.
	node string
	// msg is the whole message of the status.
	msg string
	// deleted are the pods deleted through the API.
	deleted []string
}

// placed is upstream's success: the preemptor nominated on node, with n
// victims there, of which the given ones deleted (a victim already
// terminating is not deleted again).
func placed(node string, n int, deleted ...string) outcome {
	return outcome{node: node, msg: fmt.Sprintf("preemption: found a potential placement for pod on node %s, preempting %d victims", node, n), deleted: deleted}
}

// refused is a failed attempt, with the whole message of its status.
func refused(msg string) outcome { return outcome{msg: msg} }

func (o outcome) status() *fwk.Status {
	if o.node == "" {
		return fwk.NewStatus(fwk.Unschedulable, o.msg)
	}
	return fwk.NewStatus(fwk.Success, o.msg)
}

// checkOutcome compares an attempt with the outcome of want that nominates
// the node it nominated (the first one when none does): the whole result,
// the whole status and the deleted pods.
func (c *cluster) checkOutcome(t *testing.T, res *fwk.PostFilterResult, status *fwk.Status, want ...outcome) {
	t.Helper()
	got := ""
	if res != nil && res.NominatingInfo != nil {
		got = res.NominatedNodeName
	}
	o := want[0]
	if i := slices.IndexFunc(want, func(o outcome) bool { return o.node == got }); i >= 0 {
		o = want[i]
	}
	if diff := cmp.Diff(framework.NewPostFilterResultWithNominatedNode(o.node), res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(o.status(), status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(o.deleted, c.deletedPods(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("deleted pods (-want +got):\n%s", diff)
	}
}
