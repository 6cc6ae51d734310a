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
	"flag"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/events"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	internalcache "k8s.io/kubernetes/pkg/scheduler/backend/cache"
	internalqueue "k8s.io/kubernetes/pkg/scheduler/backend/queue"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/defaultbinder"
	plfeature "k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/noderesources"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/queuesort"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	tf "k8s.io/kubernetes/pkg/scheduler/testing/framework"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/internal/clustergen"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	hccluster "github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	hcexplain "github.com/ha-scheduler/ha-scheduler/pkg/checker/explain"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/failuredomainspread"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/workloadseparation"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

var agreementClusters = flag.Int("agreement-clusters", 1000, "generated clusters TestPluginsAgreeWithExplain checks")

// TestPluginsAgreeWithExplain: on generated clusters (internal/clustergen:
// roles, zones and hosts, taints, cordons, dead and gone nodes, groups of
// every class with owners, Services and budgets), what the plugins decide
// and what `ha-check explain` says they decide agree, for every pod and
// node:
//
//   - for a new replica of each group, on every node: whether
//     WorkloadSeparation rejects it (PreFilter's node set and Filter), and
//     where it lets the pod, whether FailureDomainSpread rejects it (the
//     node down, or which required level and emptiest domain);
//   - for a preemptor of the control plane and one of a tenant that need
//     each node whole: whether DisruptionGuard frees the node, against
//     what explain says protects each pod there (who may preempt it, its
//     group's and budgets' allowances).
//
// Each cluster is seeded: a disagreement names its seed and the smallest
// cluster, shrunk from it, that still shows one.
func TestPluginsAgreeWithExplain(t *testing.T) {
	n := *agreementClusters
	if testing.Short() {
		n = min(n, 100)
	}
	var total agreementStats
	for seed := uint64(1); seed <= uint64(n); seed++ {
		c := clustergen.Generate(seed, clustergen.Options{MaxNodes: 8})
		pa := agreementPolicy(t, seed)
		if msg := disagreement(t, c, pa, &total); msg != "" {
			small := shrink(t, c, pa)
			t.Fatalf("seed %d (policy %s): %s\nthe smallest cluster that shows a disagreement (%s):\n%s",
				seed, policyName(seed), msg, disagreement(t, small, pa, nil), dump(small))
		}
	}
	t.Logf("%d clusters agree: %+v", n, total)
	// The clusters exercise every outcome.
	require.Positive(t, total.WSRejects)
	require.Positive(t, total.FDSLevel)
	require.Positive(t, total.FDSDown)
	require.Positive(t, total.Freed)
	require.Positive(t, total.Protected)
}

// agreementStats counts what the comparisons saw.
type agreementStats struct {
	Probes, Nodes, WSRejects, FDSLevel, FDSDown, Attempts, Freed, Protected int
}

// agreementPolicy varies the policy with the seed: the default, zone and
// host required, a namespace trusted for its DaemonSet, a compact cluster.
func agreementPolicy(t testing.TB, seed uint64) *config.PolicyArgs {
	switch seed % 4 {
	case 1:
		return testutil.LoadedPolicy(t, config.PolicyArgs{RequiredLevels: []string{policy.LabelZone, policy.LabelHostID}})
	case 2:
		return testutil.LoadedPolicy(t, config.PolicyArgs{TrustedNamespaces: []string{"kube-system", "logging"}})
	case 3:
		return testutil.LoadedPolicy(t, config.PolicyArgs{AllowUserWorkloadsOnControlPlane: true})
	}
	return testutil.LoadedPolicy(t, config.PolicyArgs{})
}

func policyName(seed uint64) string {
	return [...]string{"default", "zone and host required", "logging trusted", "compact"}[seed%4]
}

// world is the plugins over one generated cluster, in a framework of the
// profile with NodeResourcesFit, and what ha-check reads of it.
type world struct {
	ctx    context.Context
	pol    *policy.Policy
	fw     framework.Framework
	ws     *workloadseparation.WorkloadSeparation
	fds    *failuredomainspread.FailureDomainSpread
	guard  *DisruptionGuard
	infos  []fwk.NodeInfo
	nodes  map[string]*v1.Node
	c      *clustergen.Cluster
	cc     hccluster.Cluster
	svcs   *policy.ServiceIndex
	cancel context.CancelFunc
}

func newWorld(t testing.TB, c *clustergen.Cluster, pa *config.PolicyArgs) *world {
	t.Helper()
	logger, ctx := ktesting.NewTestContext(t)
	logger = logger.V(1) // the plugins' V(2)+ lines would drown a failure
	ctx = klog.NewContext(ctx, logger)
	ctx, cancel := context.WithCancel(ctx)
	w := &world{ctx: ctx, c: c, nodes: map[string]*v1.Node{}, cancel: cancel}
	var objs []runtime.Object
	var bound []*v1.Pod
	for _, n := range c.Nodes {
		objs = append(objs, n)
		w.nodes[n.Name] = n
	}
	for _, p := range c.Pods {
		objs = append(objs, p)
		if w.nodes[p.Spec.NodeName] != nil {
			bound = append(bound, p)
		}
	}
	for _, o := range c.PDBs {
		objs = append(objs, o)
	}
	for _, o := range c.ReplicaSets {
		objs = append(objs, o)
	}
	for _, o := range c.StatefulSets {
		objs = append(objs, o)
	}
	for _, o := range c.Services {
		objs = append(objs, o)
	}
	// The preemptors exist (preemption looks them up), pending.
	for _, p := range agreementPreemptors {
		objs = append(objs, p)
	}
	cs := clientsetfake.NewClientset(objs...)
	// Preemption deletes its victims and marks them: keep the cluster as
	// it is for the next attempt.
	cs.PrependReactor("*", "pods", func(a clienttesting.Action) (bool, runtime.Object, error) {
		return a.GetVerb() == "delete" || a.GetVerb() == "patch" || a.GetVerb() == "update", nil, nil
	})
	factory := informers.NewSharedInformerFactory(cs, 0)
	snap := internalcache.NewSnapshot(bound, c.Nodes)
	policies := config.Policies{testProfile: pa}
	var err error
	w.pol, err = pa.Policy()
	require.NoError(t, err)
	w.fw, err = tf.NewFramework(ctx, []tf.RegisterPluginFunc{
		tf.RegisterQueueSortPlugin(queuesort.Name, queuesort.New),
		tf.RegisterPluginAsExtensions(noderesources.Name, frameworkruntime.FactoryAdapter(plfeature.Features{}, noderesources.NewFit), "Filter", "PreFilter"),
		tf.RegisterPluginAsExtensions(workloadseparation.Name, workloadseparation.New(policies), "Filter", "PreFilter"),
		tf.RegisterPluginAsExtensions(failuredomainspread.Name, failuredomainspread.New(policies), "Filter", "PreFilter"),
		tf.RegisterBindPlugin(defaultbinder.Name, defaultbinder.New),
	}, testProfile,
		frameworkruntime.WithClientSet(cs),
		frameworkruntime.WithEventRecorder(&events.FakeRecorder{}),
		frameworkruntime.WithInformerFactory(factory),
		frameworkruntime.WithPodNominator(internalqueue.NewSchedulingQueue(nil, factory)),
		frameworkruntime.WithSnapshotSharedLister(snap),
		frameworkruntime.WithMutableSnapshotLister(snap),
		frameworkruntime.WithWaitingPods(frameworkruntime.NewWaitingPodsMap()),
		frameworkruntime.WithPodsInPreBind(frameworkruntime.NewPodsInPreBindMap()),
		frameworkruntime.WithPodActivator(podActivator{}),
		frameworkruntime.WithLogger(logger),
	)
	require.NoError(t, err)
	ws, err := workloadseparation.New(policies)(ctx, nil, w.fw)
	require.NoError(t, err)
	fds, err := failuredomainspread.New(policies)(ctx, nil, w.fw)
	require.NoError(t, err)
	w.ws, w.fds = ws.(*workloadseparation.WorkloadSeparation), fds.(*failuredomainspread.FailureDomainSpread)
	w.guard, err = newWithFeatures(ctx, policies, nil, w.fw, plfeature.Features{})
	require.NoError(t, err)
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	w.infos, err = snap.NodeInfos().List()
	require.NoError(t, err)
	w.cc = hccluster.Cluster{Nodes: c.Nodes, Pods: c.Pods, PDBs: c.PDBs, StatefulSets: c.StatefulSets, ReplicaSets: c.ReplicaSets, Services: c.Services}
	w.svcs = policy.NewServiceIndex()
	for _, s := range c.Services {
		w.svcs.Upsert(s)
	}
	return w
}

// disagreement returns the first disagreement on the cluster, "" when
// there is none.
func disagreement(t testing.TB, c *clustergen.Cluster, pa *config.PolicyArgs, stats *agreementStats) string {
	t.Helper()
	w := newWorld(t, c, pa)
	defer w.cancel()
	if stats == nil {
		stats = &agreementStats{}
	}
	if msg := w.filtersAgree(t, stats); msg != "" {
		return msg
	}
	return w.preemptionAgrees(t, stats)
}

// probe is a new replica of pod's group, pending: what the scheduler would
// see next. A static pod's replica is a plain pod (no kubelet creates a
// pending mirror).
func probe(pod *v1.Pod) *v1.Pod {
	p := pod.DeepCopy()
	p.Name, p.UID = "probe-"+pod.Name, types.UID("probe-"+string(pod.UID))
	p.Spec.NodeName = ""
	p.DeletionTimestamp, p.DeletionGracePeriodSeconds = nil, nil
	p.Status = v1.PodStatus{Phase: v1.PodPending}
	if _, ok := p.Annotations[policy.MirrorPodAnnotation]; ok {
		p.Annotations, p.OwnerReferences = nil, nil
	}
	return p
}

var (
	pluginSpreadReason  = regexp.MustCompile(`^node\(s\) whose (\S+) domain holds more replicas of .* than the emptiest eligible one \((\S+)=(\S+) holds (\d+)\)$`)
	explainSpreadReason = regexp.MustCompile(`^(\S+) \S+ holds .* more than the emptiest eligible one \((\S+) holds (\d+)\)$`)
)

// filtersAgree compares, for a new replica of each group, WorkloadSeparation
// and FailureDomainSpread on every node with explain's verdicts.
func (w *world) filtersAgree(t testing.TB, stats *agreementStats) string {
	seen := map[policy.Group]bool{}
	for _, pod := range w.c.Pods {
		g := policy.GroupOf(pod, w.pol.Classify(pod), w.svcs)
		if seen[g] {
			continue
		}
		seen[g] = true
		stats.Probes++
		p := probe(pod)
		cc := w.cc
		cc.Pods = append(slices.Clone(cc.Pods), p)
		e, err := hcexplain.Explain(model.New(w.pol, cc), p.Namespace, p.Name)
		require.NoError(t, err)
		explained := map[string][]v1alpha1.Rejection{}
		for _, v := range e.Nodes {
			explained[v.Node] = v.Rejections
		}
		state := framework.NewCycleState()
		wsResult, wsStatus := w.ws.PreFilter(w.ctx, state, p, w.infos)
		_, fdsStatus := w.fds.PreFilter(w.ctx, state, p, w.infos)
		for _, ni := range w.infos {
			node := ni.Node()
			ws := !wsStatus.IsSkip() && (!wsStatus.IsSuccess() || (wsResult != nil && !wsResult.NodeNames.Has(node.Name)) ||
				!w.ws.Filter(w.ctx, state, p, ni).IsSuccess())
			if want := hasRule(explained[node.Name], v1alpha1.RuleWorkloadSeparation); ws != want {
				return fmt.Sprintf("new replica %s of group %s on node %s: WorkloadSeparation rejects it: %t; explain says %t (%v)", p.Name, g, node.Name, ws, want, explained[node.Name])
			}
			stats.Nodes++
			if ws {
				stats.WSRejects++
				continue
			}
			got := "passes"
			if !fdsStatus.IsSkip() {
				if s := w.fds.Filter(w.ctx, state, p, ni); !s.IsSuccess() {
					got = spreadVerdictOf(s.Reasons()[0], pluginSpreadReason)
				}
			}
			want := "passes"
			for _, r := range explained[node.Name] {
				if r.Rule == v1alpha1.RuleFailureDomainSpread {
					want = spreadVerdictOf(r.Reason, explainSpreadReason)
				}
			}
			if got != want {
				return fmt.Sprintf("new replica %s of group %s on node %s: FailureDomainSpread %s; explain says %s (%v)", p.Name, g, node.Name, got, want, explained[node.Name])
			}
			switch {
			case strings.Contains(got, "down"):
				stats.FDSDown++
			case strings.Contains(got, "level"):
				stats.FDSLevel++
			}
		}
	}
	return ""
}

// spreadVerdictOf reads a FailureDomainSpread rejection, the plugin's or
// explain's: "down", or the level and the emptiest domain with its count.
func spreadVerdictOf(reason string, re *regexp.Regexp) string {
	if reason == failuredomainspread.ErrReasonNodeDown || strings.HasPrefix(reason, "node is down") {
		return "rejects it: the node is down"
	}
	m := re.FindStringSubmatch(reason)
	if m == nil {
		return "rejects it: " + reason
	}
	if re == pluginSpreadReason {
		return fmt.Sprintf("rejects it at level %s, the emptiest domain being %s with %s", m[1], m[3], m[4])
	}
	return fmt.Sprintf("rejects it at level %s, the emptiest domain being %s with %s", m[1], m[2], m[3])
}

func hasRule(rs []v1alpha1.Rejection, rule string) bool {
	return slices.ContainsFunc(rs, func(r v1alpha1.Rejection) bool { return r.Rule == rule })
}

// preemptionAgrees runs DisruptionGuard for a preemptor of the control
// plane and one of a tenant that each need one node whole (every pod of
// lower priority there must go), node by node, and compares whether it
// frees the node with what explain says of the pods there.
func (w *world) preemptionAgrees(t testing.TB, stats *agreementStats) string {
	explained := map[*v1.Pod]*v1alpha1.Explanation{}
	explain := func(p *v1.Pod) *v1alpha1.Explanation {
		if e := explained[p]; e != nil {
			return e
		}
		e, err := hcexplain.Explain(model.New(w.pol, w.cc), p.Namespace, p.Name)
		require.NoError(t, err)
		explained[p] = e
		return e
	}
	for _, base := range agreementPreemptors {
		for _, ni := range w.infos {
			node := ni.Node()
			var victims []*v1.Pod
			keep := resource.Quantity{}
			for _, pi := range ni.GetPods() {
				pod := pi.GetPod()
				if corev1helpers.PodPriority(pod) < *base.Spec.Priority {
					victims = append(victims, pod)
				} else {
					keep.Add(*pod.Spec.Containers[0].Resources.Requests.Cpu())
				}
			}
			need := node.Status.Allocatable.Cpu().DeepCopy()
			need.Sub(keep)
			if len(victims) == 0 || need.Sign() <= 0 {
				continue
			}
			p := base.DeepCopy()
			p.Spec.Tolerations = []v1.Toleration{{Operator: v1.TolerationOpExists}}
			p.Spec.Containers = []v1.Container{{Name: "main", Resources: v1.ResourceRequirements{Requests: v1.ResourceList{v1.ResourceCPU: need}}}}
			p.Spec.PreemptionPolicy = ptr.To(v1.PreemptLowerPriority)
			state := framework.NewCycleState()
			if _, s, _ := w.fw.RunPreFilterPlugins(w.ctx, state, p); !s.IsSuccess() {
				continue
			}
			statuses := framework.NewDefaultNodeToStatus()
			for _, other := range w.infos {
				code := fwk.UnschedulableAndUnresolvable
				if other.Node().Name == node.Name {
					code = fwk.Unschedulable
				}
				statuses.Set(other.Node().Name, fwk.NewStatus(code))
			}
			res, status := w.guard.PostFilter(w.ctx, state, p, statuses)
			w.guard.inFlight = newInFlight() // each attempt on the cluster as it is
			got := res != nil && res.NominatingInfo != nil && res.NominatedNodeName == node.Name

			pc := w.pol.Classify(p)
			want, why := true, "nothing protects its pods"
			if !policy.Separation(pc, false, policy.RoleOf(node.Labels)).Allowed() || !policy.NodeCanRunPods(node) {
				want, why = false, "the preemptor may not run there"
			}
			groups, pdbs := map[string]int{}, map[string]int{}
			for _, v := range victims {
				e := explain(v)
				if by := preemptorsOf[e.Protection.PreemptibleBy]; by.Protects(pc) != 0 {
					want, why = false, fmt.Sprintf("explain says %s is preemptible by %s", v.Name, e.Protection.PreemptibleBy)
				}
				if e.State != v1alpha1.PodAvailable {
					continue
				}
				if b := e.Protection.Group; b != nil {
					if groups[b.Group]++; groups[b.Group] > b.MayGo {
						want, why = false, fmt.Sprintf("explain says %d of group %s may go", b.MayGo, b.Group)
					}
				}
				for _, b := range e.Protection.PDBs {
					ns, _, _ := strings.Cut(b.Name, "/")
					if !w.pol.BudgetBinds(ns, p.Namespace) {
						continue
					}
					if pdbs[b.Name]++; pdbs[b.Name] > int(b.MayGo) {
						want, why = false, fmt.Sprintf("explain says %d of the pods of budget %s may go", b.MayGo, b.Name)
					}
				}
			}
			stats.Attempts++
			if got {
				stats.Freed++
			} else {
				stats.Protected++
			}
			if got != want {
				return fmt.Sprintf("preemptor %s needing node %s whole (victims %v): DisruptionGuard frees it: %t (%v); expected %t: %s",
					p.Name, node.Name, podNames(victims), got, status, want, why)
			}
		}
	}
	return ""
}

// agreementPreemptors are a pod of the control plane (a component, above
// every priority of the generated clusters) and a tenant's, below the
// system priorities.
var agreementPreemptors = []*v1.Pod{
	{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "heapster-new", UID: "heapster-new", Labels: map[string]string{"k8s-app": "heapster"}},
		Spec: v1.PodSpec{Priority: ptr.To[int32](2000001000), Containers: []v1.Container{{Name: "main"}}}},
	{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant", Name: "batch-new", UID: "batch-new"},
		Spec: v1.PodSpec{Priority: ptr.To[int32](1000000000), Containers: []v1.Container{{Name: "main"}}}},
}

// preemptorsOf reads explain's words back into the policy's Preemptors.
var preemptorsOf = map[string]policy.Preemptors{
	v1alpha1.PreemptibleByAny:        policy.PreemptibleByAnyone,
	v1alpha1.PreemptibleByTrusted:    policy.PreemptibleByTrustedNamespaces,
	v1alpha1.PreemptibleByComponents: policy.PreemptibleByComponents,
	v1alpha1.PreemptibleByNobody:     policy.PreemptibleByNobody,
}

func podNames(pods []*v1.Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Namespace+"/"+p.Name)
	}
	return out
}

// shrink removes pods, then nodes (with their pods), one at a time, as long
// as the cluster still shows a disagreement.
func shrink(t testing.TB, c *clustergen.Cluster, pa *config.PolicyArgs) *clustergen.Cluster {
	t.Helper()
	cur := c
	for changed := true; changed; {
		changed = false
		for i := range cur.Pods {
			next := *cur
			next.Pods = slices.Delete(slices.Clone(cur.Pods), i, i+1)
			if disagreement(t, &next, pa, nil) != "" {
				cur, changed = &next, true
				break
			}
		}
		if changed {
			continue
		}
		for i := range cur.Nodes {
			next := *cur
			gone := cur.Nodes[i].Name
			next.Nodes = slices.Delete(slices.Clone(cur.Nodes), i, i+1)
			next.Pods = slices.DeleteFunc(slices.Clone(cur.Pods), func(p *v1.Pod) bool { return p.Spec.NodeName == gone })
			if len(next.Nodes) > 0 && disagreement(t, &next, pa, nil) != "" {
				cur, changed = &next, true
				break
			}
		}
	}
	return cur
}

// dump writes the cluster's objects as YAML.
func dump(c *clustergen.Cluster) string {
	out, err := yaml.Marshal(c)
	if err != nil {
		return err.Error()
	}
	return string(out)
}
