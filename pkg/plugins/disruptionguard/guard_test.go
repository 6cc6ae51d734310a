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
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/klog/v2/ktesting"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/preemption"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
)

// groupCount is a group as an attempt counts it.
type groupCount struct {
	Members, Size, Available int
}

// counted is what an attempt's guard state says of the groups: each
// group's counts by key, and the group of each pod of the snapshot that has
// one.
type counted struct {
	Groups  map[string]groupCount
	GroupOf map[string]string
}

// TestGroupMembers: the members of a group are the pods of the trusted
// namespaces the pod informer lists (bound or pending) that the policy
// makes disruption-controlled; the informer's labels decide for the pods
// it has, the snapshot's copy for the pods it lost.
func TestGroupMembers(t *testing.T) {
	cp1, cp2 := node("cp-1", "4"), node("cp-2", "4")
	pending := func(w interface{ Obj() *v1.Pod }) *v1.Pod {
		p := w.Obj()
		p.Spec.NodeName = ""
		return p
	}
	userControlled := &config.PolicyArgs{UserWorkloads: &config.RuleArgs{
		Placement:  "Worker",
		Disruption: &config.DisruptionArgs{MinAvailable: ptr.To[int32](1)},
	}}
	tests := []struct {
		name   string
		policy *config.PolicyArgs
		pods   []*v1.Pod
		// deleted are pods the informer lost after the snapshot was taken.
		deleted []string
		// relabelled are pods whose labels changed in the informer after
		// the snapshot was taken: name -> the informer's labels.
		relabelled map[string]map[string]string
		want       counted
	}{
		{
			name: "members are the controlled pods, bound or pending; DaemonSet, plain trusted and user pods are none",
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				pending(kubeScheduler("ks-2", "cp-1", system)),
				ownedBy(running("kube-system", "proxy-1", "cp-1", system, "0", 1).Label("k8s-app", "kube-proxy"), "kube-proxy", "DaemonSet").Obj(),
				running("kube-system", "helper", "cp-2", system, "0", 1).Label("app", "helper").Obj(),
				running("default", "web", "cp-2", userLow, "1", 1).Label("app", "web").Obj(),
			},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 2, Size: 2, Available: 1}},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler"},
			},
		},
		{
			// Still Ready in the snapshot's copy, but deleted: counting it
			// available would let preemption take the last replica that is.
			name: "a member the informer lost since the snapshot is gone: no member, not available",
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				kubeScheduler("ks-2", "cp-2", system).Obj(),
			},
			deleted: []string{"ks-2"},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 1, Size: 1, Available: 1}},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler"},
			},
		},
		{
			name: "relabelled out of the group since the snapshot: the informer's labels decide",
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				kubeScheduler("ks-2", "cp-2", system).Obj(),
			},
			relabelled: map[string]map[string]string{"ks-2": {"app": "debug"}},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 1, Size: 1, Available: 1}},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler"},
			},
		},
		{
			name: "relabelled into the group since the snapshot: the informer's labels decide",
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				running("kube-system", "helper", "cp-2", system, "1", 1).Label("app", "helper").Obj(),
			},
			relabelled: map[string]map[string]string{"helper": {"component": "kube-scheduler"}},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 2, Size: 2, Available: 2}},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler", "helper": "kube-system/kube-scheduler"},
			},
		},
		{
			name: "mirror pods are no members, whether the informer has them or not",
			pods: []*v1.Pod{
				mirrorOf(kubeScheduler("kube-scheduler-cp-1", "cp-1", system)).Obj(),
				mirrorOf(kubeScheduler("kube-scheduler-cp-2", "cp-2", system)).Obj(),
				kubeScheduler("ks-extra", "cp-2", system).Obj(),
			},
			deleted: []string{"kube-scheduler-cp-2"},
			want: counted{
				Groups:  map[string]groupCount{"kube-system/kube-scheduler": {Members: 1, Size: 1, Available: 1}},
				GroupOf: map[string]string{"ks-extra": "kube-system/kube-scheduler"},
			},
		},
		{
			name:   "user workloads disruption-controlled: their groups are indexed too",
			policy: userControlled,
			pods: []*v1.Pod{
				kubeScheduler("ks-1", "cp-1", system).Obj(),
				running("default", "web-1", "cp-1", userLow, "1", 1).Label("app", "web").Obj(),
				running("default", "web-2", "cp-2", userLow, "1", 1).Label("app", "web").Obj(),
				pending(running("default", "web-3", "cp-2", userLow, "1", 1).Label("app", "web")),
				ownedBy(running("kube-system", "proxy-1", "cp-1", system, "0", 1).Label("k8s-app", "kube-proxy"), "kube-proxy", "DaemonSet").Obj(),
			},
			want: counted{
				Groups: map[string]groupCount{
					"kube-system/kube-scheduler": {Members: 1, Size: 1, Available: 1},
					"default/app=web":            {Members: 3, Size: 3, Available: 2},
				},
				GroupOf: map[string]string{"ks-1": "kube-system/kube-scheduler", "web-1": "default/app=web", "web-2": "default/app=web"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			pa := testutil.LoadedPolicy(t, config.PolicyArgs{})
			if tt.policy != nil {
				pa = testutil.LoadedPolicy(t, *tt.policy)
			}
			e := newEnv(t, ctx, pa, nil, false, []*v1.Node{cp1, cp2}, tt.pods, nil, nil)
			byName := map[string]*v1.Pod{}
			for _, p := range tt.pods {
				byName[p.Name] = p
			}
			// What the informer sees since the snapshot was taken.
			for _, name := range tt.deleted {
				require.NoError(t, e.cs.CoreV1().Pods(byName[name].Namespace).Delete(ctx, name, metav1.DeleteOptions{}))
			}
			for name, labels := range tt.relabelled {
				p := byName[name].DeepCopy()
				p.Labels = labels
				_, err := e.cs.CoreV1().Pods(p.Namespace).Update(ctx, p, metav1.UpdateOptions{})
				require.NoError(t, err)
			}

			count := func() counted {
				s := e.pl.newGuardState(addon("addon", systemHigher, "1"))
				require.NoError(t, s.init(ctx))
				got := counted{Groups: map[string]groupCount{}, GroupOf: map[string]string{}}
				for _, n := range []string{"cp-1", "cp-2"} {
					ni, err := e.snapshot.NodeInfos().Get(n)
					require.NoError(t, err)
					for _, pi := range ni.GetPods() {
						g := s.groupOf(pi.GetPod())
						if g == nil {
							continue
						}
						got.GroupOf[pi.GetPod().Name] = g.Key
						got.Groups[g.Key] = groupCount{Members: g.Members, Size: g.Size(), Available: g.available}
					}
				}
				return got
			}
			// The informer's handlers run on their own goroutines.
			var got counted
			_ = wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, wait.ForeverTestTimeout, true, func(context.Context) (bool, error) {
				got = count()
				return cmp.Equal(tt.want, got), nil
			})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}

// The guard's inner functions, each on one preemption attempt over the
// cluster guardCluster builds (a new attempt per case: an attempt keeps
// what it computed).

// guardCluster is a cluster with a budget of every kind:
//   - etcd-0..2: a quorum group (3 Ready members, 2 must stay): budget 1;
//   - ks-1 (Ready), ks-2 (not Ready): kube-scheduler keeps one, ks-1 is
//     the last available replica: budget 0;
//   - kcm-1, kcm-2: kube-controller-manager keeps one: budget 1; and the
//     PDB kube-system/kcm allows 1 (a trusted namespace's budget: it binds
//     every preemptor);
//   - web-1..3 (Ready), web-sick (not Ready): the PDB default/web allows 1;
//   - db-1: the PDB shop/db allows 0; api-1, api-2: the PDBs shop/api-a
//     (allows 0) and shop/api-b (allows 1) both cover them;
//   - a mirror pod, a plain trusted pod (helper), a component no budget
//     keeps (coredns-1), a user pod in no budget (low).
//
// The system pods have priority system, the user pods userLow.
func guardCluster() ([]*v1.Node, []*v1.Pod, []*policyv1.PodDisruptionBudget) {
	nodes := []*v1.Node{node("cp-1", "10"), node("cp-2", "10"), node("cp-3", "10"), node("w-1", "10"), node("w-2", "10")}
	web := func(name, nodeName string, start int64) *st.PodWrapper {
		return running("default", name, nodeName, userLow, "1", start).Label("app", "web")
	}
	pods := append(etcdMembers("etcd", 3, "cp-1", "cp-2", "cp-3"),
		kubeScheduler("ks-1", "cp-1", system).Obj(),
		notReady("kube-system", "ks-2", "cp-2", system, "1", 1).Label("component", "kube-scheduler").Obj(),
		running("kube-system", "kcm-1", "cp-1", system, "1", 1).Label("component", "kube-controller-manager").Obj(),
		running("kube-system", "kcm-2", "cp-2", system, "1", 1).Label("component", "kube-controller-manager").Obj(),
		mirrorOf(running("kube-system", "kube-apiserver-cp-1", "cp-1", system, "1", 1).Label("component", "kube-apiserver")).Obj(),
		running("kube-system", "helper", "cp-3", system, "1", 1).Label("app", "helper").Obj(),
		running("kube-system", "coredns-1", "cp-3", system, "1", 1).Label("k8s-app", "kube-dns").Obj(),
		web("web-1", "w-1", 1).Obj(), web("web-2", "w-2", 2).Obj(), web("web-3", "w-1", 3).Obj(),
		notReady("default", "web-sick", "w-2", userLow, "1", 1).Label("app", "web").Obj(),
		running("shop", "db-1", "w-2", userLow, "1", 1).Label("app", "db").Obj(),
		running("shop", "api-1", "w-1", userLow, "1", 1).Label("app", "api").Label("tier", "front").Obj(),
		running("shop", "api-2", "w-2", userLow, "1", 2).Label("app", "api").Label("tier", "front").Obj(),
		running("default", "low", "w-2", userLow, "1", 1).Obj(),
	)
	pdbs := []*policyv1.PodDisruptionBudget{
		pdb("kube-system", "kcm", 1, "component", "kube-controller-manager"),
		pdb("default", "web", 1, "app", "web"),
		pdb("shop", "db", 0, "app", "db"),
		pdb("shop", "api-a", 0, "app", "api"),
		pdb("shop", "api-b", 1, "tier", "front"),
	}
	return nodes, pods, pdbs
}

// The preemptors of the guard tests.
var (
	// componentPreemptor is a component (heapster): rule 3 lets it take
	// any pod, and only the trusted namespaces' budgets bind it.
	componentPreemptor = addon("addon", systemHigher, "1")
	// peerPreemptor is a component of the system pods' own priority.
	peerPreemptor = addon("peer", system, "1")
	// userPreemptor is a tenant's pod: every budget binds it.
	userPreemptor = preemptor("default", "batch", userHigh, "1")
	// vipPreemptor is a tenant's pod of a priority above the system pods'.
	vipPreemptor = preemptor("default", "vip", systemHigher, "1")
	// plainTrustedPreemptor is a pod of a trusted namespace that is no
	// component (rule 3: it never takes a component).
	plainTrustedPreemptor = preemptor("kube-system", "debug", systemHigher, "1")
)

// guardEnvs are the plugin over guardCluster in each mode.
type guardEnvs struct {
	strict, bestEffort *env
	// pods are guardCluster's, by name.
	pods map[string]*v1.Pod
}

func newGuardEnvs(t *testing.T, ctx context.Context) *guardEnvs {
	t.Helper()
	nodes, pods, pdbs := guardCluster()
	g := &guardEnvs{
		strict:     newEnv(t, ctx, nil, nil, false, nodes, pods, pdbs, nil),
		bestEffort: newEnv(t, ctx, nil, bestEffort, false, nodes, pods, pdbs, nil),
		pods:       map[string]*v1.Pod{},
	}
	for _, p := range pods {
		g.pods[p.Name] = p
	}
	return g
}

// attempt starts a preemption attempt of the preemptor as PostFilter does:
// a guard state, its informers synced and the victims in flight read.
func (e *env) attempt(t *testing.T, ctx context.Context, preemptor *v1.Pod) *guardState {
	t.Helper()
	s := e.pl.newGuardState(preemptor)
	require.NoError(t, s.init(ctx))
	return s
}

// attempt starts an attempt in Strict or BestEffort mode.
func (g *guardEnvs) attempt(t *testing.T, ctx context.Context, preemptor *v1.Pod, bestEffort bool) *guardState {
	t.Helper()
	if bestEffort {
		return g.bestEffort.attempt(t, ctx, preemptor)
	}
	return g.strict.attempt(t, ctx, preemptor)
}

// victims are the named pods, in order.
func (g *guardEnvs) victims(t *testing.T, names ...string) []*v1.Pod {
	t.Helper()
	out := make([]*v1.Pod, 0, len(names))
	for _, n := range names {
		p, ok := g.pods[n]
		require.True(t, ok, "guardCluster has no pod %s", n)
		out = append(out, p)
	}
	return out
}

// domainVictims are the named pods as upstream's Evaluator hands them to
// SelectVictimsOnNode: one preemption unit per pod, of its priority.
func (g *guardEnvs) domainVictims(t *testing.T, names ...string) []*preemption.DomainVictim {
	t.Helper()
	var out []*preemption.DomainVictim
	for _, p := range g.victims(t, names...) {
		pi, err := framework.NewPodInfo(p)
		require.NoError(t, err)
		out = append(out, &preemption.DomainVictim{Victim: preemption.NewPodVictim(pi, nil, nil)})
	}
	return out
}

// spare is a victim the guard spares: the pod (by name), its rule and the
// reason.
func spare(name, rule, reason string) refusal {
	return refusal{pod: types.UID(namespaceOf(name) + "/" + name), rule: rule, reason: reason}
}

// namespaceOf is the namespace of a pod of guardCluster.
func namespaceOf(name string) string {
	switch {
	case strings.HasPrefix(name, "web-"), name == "low":
		return "default"
	case strings.HasPrefix(name, "db-"), strings.HasPrefix(name, "api-"):
		return "shop"
	}
	return "kube-system"
}

var cmpRefusal = cmp.AllowUnexported(refusal{})

// The reasons of guardCluster's budgets.
var (
	etcdQuorum    = reasonMinAvailable("kube-system/etcd (StatefulSet etcd)", 2, 3)
	ksLastReplica = reasonMinAvailable("kube-system/kube-scheduler", 1, 2)
	kcmKeepsOne   = reasonMinAvailable("kube-system/kube-controller-manager", 1, 2)
)

func TestExcess(t *testing.T) {
	for _, tt := range []struct {
		taken, budget, want int
	}{
		{taken: 0, budget: 0, want: 0},
		{taken: 1, budget: 0, want: 1},
		{taken: 1, budget: 1, want: 0},
		{taken: 3, budget: 1, want: 2},
		{taken: 1, budget: 3, want: 0},
		// A budget already overdrawn (members lost since) spares every
		// victim, no more.
		{taken: 2, budget: -1, want: 2},
		{taken: 0, budget: -1, want: 0},
	} {
		t.Run(fmt.Sprintf("%d taken, budget %d", tt.taken, tt.budget), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, excess(tt.taken, tt.budget)); diff != "" {
				t.Errorf("excess (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUpstreamPDB: upstream's victim selection gets each budget with the
// guard's corrected allowance, and an empty selector (every pod of the
// namespace, in policy/v1) written as one that selects every pod, which
// upstream's reading of an empty selector (nothing) would otherwise miss.
func TestUpstreamPDB(t *testing.T) {
	withSelector := func(p *policyv1.PodDisruptionBudget, sel *metav1.LabelSelector) *policyv1.PodDisruptionBudget {
		p = p.DeepCopy()
		p.Spec.Selector = sel
		return p
	}
	matchAll := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: matchAllKey, Operator: metav1.LabelSelectorOpDoesNotExist},
	}}
	tests := []struct {
		name    string
		pdb     *policyv1.PodDisruptionBudget
		allowed int
		want    *policyv1.PodDisruptionBudget
	}{
		{
			name:    "the corrected allowance replaces the status's",
			pdb:     pdb("default", "web", 3, "app", "web"),
			allowed: 1,
			want:    pdb("default", "web", 1, "app", "web"),
		},
		{
			name:    "no allowance left",
			pdb:     pdb("default", "web", 1, "app", "web"),
			allowed: 0,
			want:    pdb("default", "web", 0, "app", "web"),
		},
		{
			name:    "an empty selector selects every pod",
			pdb:     namespacePDB("default", "everything", 2),
			allowed: 2,
			want:    withSelector(pdb("default", "everything", 2), matchAll),
		},
		{
			name:    "a selector of expressions is kept",
			pdb:     withSelector(pdb("default", "web", 1), &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpExists}}}),
			allowed: 1,
			want:    withSelector(pdb("default", "web", 1), &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpExists}}}),
		},
		{
			// policy/v1: no selector selects nothing, as upstream reads it.
			name:    "no selector stays none",
			pdb:     withSelector(pdb("default", "nothing", 1), nil),
			allowed: 1,
			want:    withSelector(pdb("default", "nothing", 1), nil),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			given := tt.pdb.DeepCopy()
			got := upstreamPDB(tt.pdb, tt.allowed)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("upstream's PDB (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(given, tt.pdb); diff != "" {
				t.Errorf("the informer's PDB changed (-before +after):\n%s", diff)
			}
		})
	}
	// What the rewritten selector selects, as upstream reads a selector.
	sel, err := metav1.LabelSelectorAsSelector(upstreamPDB(namespacePDB("default", "everything", 0), 0).Spec.Selector)
	require.NoError(t, err)
	for _, l := range []labels.Set{nil, {}, {"app": "web"}, {"x": "y", "z": ""}} {
		if !sel.Matches(l) {
			t.Errorf("the namespace-wide budget's selector %s does not select a pod labelled %v", sel, l)
		}
	}
}

// TestViolations: a victim set (most important first) is checked against
// the budgets as a whole: for each group or binding PDB whose budget it
// exceeds, its most important victims beyond the budget are spared, the
// groups' first, each in the order its first victim comes. Unavailable
// victims cost nothing; BestEffort has no binding PDBs.
func TestViolations(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g := newGuardEnvs(t, ctx)
	webPDB, dbPDB, kcmPDB := reasonPDB("default", "web"), reasonPDB("shop", "db"), reasonPDB("kube-system", "kcm")
	tests := []struct {
		name       string
		bestEffort bool
		preemptor  *v1.Pod
		victims    []string
		want       []refusal
	}{
		{
			name:      "no victim in a budget",
			preemptor: componentPreemptor,
			victims:   []string{"low", "helper", "coredns-1"},
		},
		{
			name:      "within a group's budget",
			preemptor: componentPreemptor,
			victims:   []string{"etcd-0", "kcm-1"},
		},
		{
			name:      "a quorum group's budget exceeded: its most important victims beyond the budget are spared",
			preemptor: componentPreemptor,
			victims:   []string{"etcd-0", "etcd-1", "etcd-2"},
			want:      []refusal{spare("etcd-0", RuleMinAvailable, etcdQuorum), spare("etcd-1", RuleMinAvailable, etcdQuorum)},
		},
		{
			name:      "the victims' order is their importance: the first are spared",
			preemptor: componentPreemptor,
			victims:   []string{"etcd-2", "etcd-0"},
			want:      []refusal{spare("etcd-2", RuleMinAvailable, etcdQuorum)},
		},
		{
			name:      "a spent budget (the last available replica): the victim is spared",
			preemptor: componentPreemptor,
			victims:   []string{"ks-1"},
			want:      []refusal{spare("ks-1", RuleMinAvailable, ksLastReplica)},
		},
		{
			name:      "an unavailable member costs nothing",
			preemptor: componentPreemptor,
			victims:   []string{"ks-2", "etcd-0"},
		},
		{
			name:      "groups in the order of their first victim, then the PDBs",
			preemptor: componentPreemptor,
			victims:   []string{"kcm-2", "etcd-1", "kcm-1", "etcd-0", "etcd-2"},
			want: []refusal{
				spare("kcm-2", RuleMinAvailable, kcmKeepsOne),
				spare("etcd-1", RuleMinAvailable, etcdQuorum), spare("etcd-0", RuleMinAvailable, etcdQuorum),
				spare("kcm-2", RulePDB, kcmPDB),
			},
		},
		{
			name:      "Strict: a PDB's allowance exceeded",
			preemptor: userPreemptor,
			victims:   []string{"web-1", "web-2", "web-3"},
			want:      []refusal{spare("web-1", RulePDB, webPDB), spare("web-2", RulePDB, webPDB)},
		},
		{
			name:      "Strict: PDBs in the order of their first victim",
			preemptor: userPreemptor,
			victims:   []string{"db-1", "web-3", "web-1"},
			want:      []refusal{spare("db-1", RulePDB, dbPDB), spare("web-3", RulePDB, webPDB)},
		},
		{
			name:      "Strict: unavailable pods of a PDB cost nothing",
			preemptor: userPreemptor,
			victims:   []string{"web-sick", "web-1"},
		},
		{
			name:      "Strict: a tenant's PDB does not bind a component",
			preemptor: componentPreemptor,
			victims:   []string{"web-1", "web-2", "web-3", "db-1"},
		},
		{
			name:       "BestEffort: no PDB binds, the groups still do",
			bestEffort: true,
			preemptor:  userPreemptor,
			victims:    []string{"web-1", "web-2", "web-3", "db-1", "kcm-1", "kcm-2"},
			want:       []refusal{spare("kcm-1", RuleMinAvailable, kcmKeepsOne)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := g.attempt(t, ctx, tt.preemptor, tt.bestEffort)
			if diff := cmp.Diff(tt.want, s.violations(g.victims(t, tt.victims...)), cmpRefusal); diff != "" {
				t.Errorf("spared victims (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMayViolate: whether some subset of a node's candidates could break a
// budget, so that a retry may be needed: only victims of lower priority
// than the preemptor are candidates, only available ones cost anything.
func TestMayViolate(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g := newGuardEnvs(t, ctx)
	tests := []struct {
		name       string
		bestEffort bool
		preemptor  *v1.Pod
		candidates []string
		want       bool
	}{
		{name: "no candidate in a budget", preemptor: componentPreemptor, candidates: []string{"low", "helper"}},
		{name: "within a group's budget", preemptor: componentPreemptor, candidates: []string{"etcd-0", "kcm-1"}},
		{name: "beyond a group's budget", preemptor: componentPreemptor, candidates: []string{"etcd-0", "etcd-1"}, want: true},
		{name: "a spent budget's available member", preemptor: componentPreemptor, candidates: []string{"ks-1"}, want: true},
		{name: "an unavailable member", preemptor: componentPreemptor, candidates: []string{"ks-2"}},
		{name: "victims of the preemptor's priority are no candidates", preemptor: peerPreemptor, candidates: []string{"etcd-0", "etcd-1", "ks-1"}},
		{name: "Strict: within a PDB's allowance", preemptor: userPreemptor, candidates: []string{"web-1", "web-sick"}},
		{name: "Strict: beyond a PDB's allowance", preemptor: userPreemptor, candidates: []string{"web-1", "web-2"}, want: true},
		{name: "Strict: a PDB that does not bind the preemptor", preemptor: componentPreemptor, candidates: []string{"web-1", "web-2", "db-1"}},
		{name: "BestEffort: no PDB binds", bestEffort: true, preemptor: userPreemptor, candidates: []string{"web-1", "web-2", "db-1"}},
		{name: "BestEffort: the groups still do", bestEffort: true, preemptor: componentPreemptor, candidates: []string{"kcm-1", "kcm-2"}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := g.attempt(t, ctx, tt.preemptor, tt.bestEffort)
			if diff := cmp.Diff(tt.want, s.mayViolate(g.domainVictims(t, tt.candidates...))); diff != "" {
				t.Errorf("mayViolate (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSoftViolations: Strict mode counts, as upstream counts a set's PDB
// violations, the available victims beyond the allowance of the budgets that
// cover them without binding the preemptor: each such victim once.
func TestSoftViolations(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g := newGuardEnvs(t, ctx)
	tests := []struct {
		name      string
		preemptor *v1.Pod
		victims   []string
		want      int
	}{
		{name: "within the allowance", preemptor: componentPreemptor, victims: []string{"web-1"}},
		{name: "one beyond the allowance", preemptor: componentPreemptor, victims: []string{"web-1", "web-2"}, want: 1},
		{name: "two beyond the allowance", preemptor: componentPreemptor, victims: []string{"web-1", "web-2", "web-3"}, want: 2},
		{name: "a budget that allows nothing", preemptor: componentPreemptor, victims: []string{"db-1"}, want: 1},
		{name: "unavailable victims are not counted", preemptor: componentPreemptor, victims: []string{"web-sick", "web-1", "web-2"}, want: 1},
		// api-2 breaks both its budgets: one violating victim.
		{name: "a victim beyond two budgets counts once", preemptor: componentPreemptor, victims: []string{"api-1", "api-2"}, want: 2},
		{name: "binding budgets are not soft", preemptor: userPreemptor, victims: []string{"web-1", "web-2", "db-1"}},
		{name: "a trusted namespace's budget binds a component", preemptor: componentPreemptor, victims: []string{"kcm-1", "kcm-2"}},
		{name: "groups are no PDBs", preemptor: componentPreemptor, victims: []string{"etcd-0", "etcd-1", "etcd-2", "low"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := g.attempt(t, ctx, tt.preemptor, false)
			if diff := cmp.Diff(tt.want, s.softViolations(g.victims(t, tt.victims...))); diff != "" {
				t.Errorf("soft violations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPrefilter: the node's victims that can never be taken are dropped
// before upstream selects: only victims of lower priority than the
// preemptor are looked at (nothing is computed for the others, which
// upstream skips anyway), and only they are refused.
func TestPrefilter(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g := newGuardEnvs(t, ctx)
	// prefiltered is what prefilter did: the victims it kept, the reasons
	// and refusals it recorded, the pods it computed anything for.
	type prefiltered struct {
		Kept     []string
		Reasons  []string
		Refused  map[string]int
		Computed []string
	}
	tests := []struct {
		name       string
		bestEffort bool
		preemptor  *v1.Pod
		victims    []string
		want       prefiltered
	}{
		{
			name:      "victims of the preemptor's priority or higher are kept, nothing is computed for them",
			preemptor: userPreemptor,
			victims:   []string{"ks-1", "etcd-0", "kube-apiserver-cp-1", "helper", "low"},
			want: prefiltered{
				Kept:     []string{"ks-1", "etcd-0", "kube-apiserver-cp-1", "helper", "low"},
				Refused:  map[string]int{},
				Computed: []string{"low"},
			},
		},
		{
			name:      "victims of lower priority that can never be taken are dropped",
			preemptor: componentPreemptor,
			victims:   []string{"ks-1", "ks-2", "etcd-0", "kube-apiserver-cp-1", "low"},
			want: prefiltered{
				Kept:     []string{"ks-2", "etcd-0", "low"},
				Reasons:  []string{ksLastReplica, ReasonMirror},
				Refused:  map[string]int{RuleMinAvailable: 1, RuleMirror: 1},
				Computed: []string{"etcd-0", "ks-1", "ks-2", "kube-apiserver-cp-1", "low"},
			},
		},
		{
			name:      "rule 3: a tenant's pod never takes a trusted pod",
			preemptor: vipPreemptor,
			victims:   []string{"helper", "coredns-1", "low"},
			want: prefiltered{
				Kept:     []string{"low"},
				Reasons:  []string{reasonTrusted("kube-system")},
				Refused:  map[string]int{RuleTrusted: 2},
				Computed: []string{"coredns-1", "helper", "low"},
			},
		},
		{
			name:      "rule 3: a trusted pod that is no component never takes a component",
			preemptor: plainTrustedPreemptor,
			victims:   []string{"coredns-1", "helper"},
			want: prefiltered{
				Kept:     []string{"helper"},
				Reasons:  []string{reasonComponent("kube-system/kube-dns")},
				Refused:  map[string]int{RuleTrusted: 1},
				Computed: []string{"coredns-1", "helper"},
			},
		},
		{
			name:      "Strict: the pods of a spent PDB are dropped",
			preemptor: userPreemptor,
			victims:   []string{"db-1", "web-1"},
			want: prefiltered{
				Kept:     []string{"web-1"},
				Reasons:  []string{reasonPDB("shop", "db")},
				Refused:  map[string]int{RulePDB: 1},
				Computed: []string{"db-1", "web-1"},
			},
		},
		{
			name:       "BestEffort: a spent PDB drops nothing",
			bestEffort: true,
			preemptor:  userPreemptor,
			victims:    []string{"db-1", "web-1"},
			want: prefiltered{
				Kept:     []string{"db-1", "web-1"},
				Refused:  map[string]int{},
				Computed: []string{"db-1", "web-1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := g.attempt(t, ctx, tt.preemptor, tt.bestEffort)
			reasons := reasonSet{}
			kept := s.prefilter(g.domainVictims(t, tt.victims...), reasons)
			got := prefiltered{Refused: s.countRefusals()}
			for _, dv := range kept {
				for _, pi := range dv.Pods() {
					got.Kept = append(got.Kept, pi.GetPod().Name)
				}
			}
			if len(reasons) > 0 {
				got.Reasons = reasons.sorted()
			}
			for uid := range s.victims {
				got.Computed = append(got.Computed, g.nameOf(uid))
			}
			slices.Sort(got.Computed)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("prefilter (-want +got):\n%s", diff)
			}
		})
	}
}

// nameOf is the name of guardCluster's pod with the UID.
func (g *guardEnvs) nameOf(uid types.UID) string {
	for name, p := range g.pods {
		if p.UID == uid {
			return name
		}
	}
	return string(uid)
}

// TestProtections: why a pod can never be this preemptor's victim, whatever
// else is taken with it: its static protections (mirror pod, rule 3)
// first, then, when it is available, a spent group budget and (Strict) a
// spent binding PDB.
func TestProtections(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g := newGuardEnvs(t, ctx)
	tests := []struct {
		name       string
		bestEffort bool
		preemptor  *v1.Pod
		pod        string
		want       []refusal
	}{
		{name: "a mirror pod", preemptor: componentPreemptor, pod: "kube-apiserver-cp-1", want: []refusal{spare("kube-apiserver-cp-1", RuleMirror, ReasonMirror)}},
		{name: "a mirror pod, for a tenant's pod", preemptor: vipPreemptor, pod: "kube-apiserver-cp-1", want: []refusal{spare("kube-apiserver-cp-1", RuleMirror, ReasonMirror)}},
		{name: "a trusted pod, for a tenant's pod", preemptor: vipPreemptor, pod: "helper", want: []refusal{spare("helper", RuleTrusted, reasonTrusted("kube-system"))}},
		{name: "a trusted pod, for a component", preemptor: componentPreemptor, pod: "helper"},
		{name: "a component, for a trusted pod that is none", preemptor: plainTrustedPreemptor, pod: "coredns-1", want: []refusal{spare("coredns-1", RuleTrusted, reasonComponent("kube-system/kube-dns"))}},
		{name: "a component, for a component", preemptor: componentPreemptor, pod: "coredns-1"},
		{name: "the last available replica", preemptor: componentPreemptor, pod: "ks-1", want: []refusal{spare("ks-1", RuleMinAvailable, ksLastReplica)}},
		{
			name:      "the last available replica, for a tenant's pod: rule 3 first",
			preemptor: vipPreemptor,
			pod:       "ks-1",
			want:      []refusal{spare("ks-1", RuleTrusted, reasonTrusted("kube-system")), spare("ks-1", RuleMinAvailable, ksLastReplica)},
		},
		{name: "an unavailable member of a spent group", preemptor: componentPreemptor, pod: "ks-2"},
		{name: "a member of a group with budget left", preemptor: componentPreemptor, pod: "etcd-0"},
		{name: "Strict: a spent binding PDB", preemptor: userPreemptor, pod: "db-1", want: []refusal{spare("db-1", RulePDB, reasonPDB("shop", "db"))}},
		{name: "Strict: one of two PDBs spent", preemptor: userPreemptor, pod: "api-1", want: []refusal{spare("api-1", RulePDB, reasonPDB("shop", "api-a"))}},
		{name: "Strict: a spent PDB that does not bind the preemptor", preemptor: componentPreemptor, pod: "db-1"},
		{name: "Strict: a PDB with allowance left", preemptor: userPreemptor, pod: "web-1"},
		{name: "BestEffort: a spent PDB", bestEffort: true, preemptor: userPreemptor, pod: "db-1"},
		{name: "a pod in no budget", preemptor: userPreemptor, pod: "low"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := g.attempt(t, ctx, tt.preemptor, tt.bestEffort)
			if diff := cmp.Diff(tt.want, s.protections(g.pods[tt.pod]), cmpRefusal); diff != "" {
				t.Errorf("protections (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBudgets: the PodDisruptionBudgets covering a victim, each counted
// once per attempt from the pods the budget index says it covers: its
// healthy pods (available now), the pods lost but still counted healthy by
// the disruption controller (marked by a disruption, or chosen by a
// preemption in flight), and the allowance they leave. The pods the
// eviction API already processed (DisruptedPods) are out of a budget's
// count, and the budget is none of theirs.
func TestBudgets(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dead := node("w-dead", "10")
	dead.Status.Conditions = []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionUnknown}}
	nodes := []*v1.Node{node("w-1", "10"), dead}
	web := func(name string) *st.PodWrapper {
		return running("default", name, "w-1", userLow, "1", 1).Label("app", "web")
	}
	pending := web("w-pending").Obj()
	pending.Spec.NodeName = ""
	inFlight := web("w-inflight").Obj()
	pods := []*v1.Pod{
		web("w-ready-1").Obj(), web("w-ready-2").Obj(),
		disruptionTarget(web("w-marked")).Obj(),
		inFlight,
		web("w-terminating").Terminating().Obj(),
		notReady("default", "w-notready", "w-1", userLow, "1", 1).Label("app", "web").Obj(),
		web("w-disrupted").Obj(),
		pending,
		running("default", "w-on-dead-node", "w-dead", userLow, "1", 1).Label("app", "web").Obj(),
		running("default", "low", "w-1", userLow, "1", 1).Obj(),
	}
	// web allows 3 by its status, w-disrupted already evicted through it;
	// floor wants 3 healthy pods.
	webPDB := pdb("default", "web", 3, "app", "web")
	webPDB.Status.DisruptedPods = map[string]metav1.Time{"w-disrupted": metav1.NewTime(epoch)}
	floorPDB := pdb("default", "floor", 5, "app", "web")
	floorPDB.Status.DesiredHealthy = 3
	e := newEnv(t, ctx, nil, nil, false, nodes, pods, []*policyv1.PodDisruptionBudget{webPDB, floorPDB}, nil)
	// The victim an earlier attempt chose (PostFilter records it).
	e.pl.inFlight.add([]*v1.Pod{inFlight})
	byName := map[string]*v1.Pod{}
	for _, p := range pods {
		byName[p.Name] = p
	}

	// budget is what an attempt counted of a budget, and whether it binds
	// the preemptor.
	type budget struct {
		PDB                           string
		Binds                         bool
		Healthy, LostCounted, Allowed int
		// UpstreamAllowed is the allowance upstream's selection gets.
		UpstreamAllowed int32
	}
	// web: healthy w-ready-1, w-ready-2 (w-disrupted is out); lost but
	// counted w-marked, w-inflight; min(3-2, 2-0) = 1.
	// floor: w-disrupted is healthy there; min(5-2, 3-3) = 0.
	web1 := budget{PDB: "default/web", Binds: true, Healthy: 2, LostCounted: 2, Allowed: 1, UpstreamAllowed: 1}
	floor := budget{PDB: "default/floor", Binds: true, Healthy: 3, LostCounted: 2, Allowed: 0, UpstreamAllowed: 0}
	soft := func(b budget) budget { b.Binds = false; return b }
	tests := []struct {
		name      string
		preemptor *v1.Pod
		pod       string
		want      []budget
	}{
		{name: "a healthy pod: both its budgets", preemptor: userPreemptor, pod: "w-ready-1", want: []budget{floor, web1}},
		{name: "an unhealthy pod has the same budgets", preemptor: userPreemptor, pod: "w-notready", want: []budget{floor, web1}},
		{name: "a pod the eviction API processed is out of that budget", preemptor: userPreemptor, pod: "w-disrupted", want: []budget{floor}},
		{name: "budgets that do not bind the preemptor", preemptor: componentPreemptor, pod: "w-ready-1", want: []budget{soft(floor), soft(web1)}},
		{name: "a pod no budget covers", preemptor: userPreemptor, pod: "low"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := e.attempt(t, ctx, tt.preemptor)
			v := s.victim(byName[tt.pod])
			var got []budget
			for _, bs := range []struct {
				binds bool
				of    []*pdbBudget
			}{{true, v.pdbs}, {false, v.softPDBs}} {
				for _, b := range bs.of {
					got = append(got, budget{PDB: b.pdb.Namespace + "/" + b.pdb.Name, Binds: bs.binds, Healthy: b.healthy,
						LostCounted: b.lostCounted, Allowed: b.allowed, UpstreamAllowed: b.upstream.Status.DisruptionsAllowed})
				}
			}
			slices.SortFunc(got, func(a, b budget) int { return strings.Compare(a.PDB, b.PDB) })
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("budgets (-want +got):\n%s", diff)
			}
		})
	}
	// One count per budget and attempt, shared by its victims.
	s := e.attempt(t, ctx, userPreemptor)
	a, b := s.victim(byName["w-ready-1"]), s.victim(byName["w-ready-2"])
	require.Len(t, a.pdbs, 2)
	require.ElementsMatch(t, a.pdbs, b.pdbs, "the budgets of two pods they both cover")
}

// TestGroupBudgets: the budget of a victim's disruption-controlled group,
// counted once per attempt over the members the budget index has (bound or
// pending), split by owner as policy.DisruptionGroups splits them, mirror
// pods left out; the available members are Ready, not lost, on a node of
// the snapshot that is up.
func TestGroupBudgets(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dead := node("cp-dead", "10")
	dead.Status.Conditions = []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionUnknown}}
	nodes := []*v1.Node{node("cp-1", "10"), node("cp-2", "10"), node("cp-3", "10"), dead}
	etcdEvents := func(w *st.PodWrapper) *v1.Pod {
		return ownedBy(w.Label("component", "etcd"), "etcd-events", "StatefulSet").Obj()
	}
	kcm := func(w *st.PodWrapper) *st.PodWrapper { return w.Label("component", "kube-controller-manager") }
	pendingKCM := kcm(running("kube-system", "kcm-2", "cp-1", system, "1", 1)).Obj()
	pendingKCM.Spec.NodeName = ""
	pods := append(etcdMembers("etcd-main", 3, "cp-1", "cp-2", "cp-3"),
		etcdEvents(running("kube-system", "etcd-events-0", "cp-1", system, "1", 1)),
		etcdEvents(running("kube-system", "etcd-events-1", "cp-2", system, "1", 1)),
		etcdEvents(notReady("kube-system", "etcd-events-2", "cp-3", system, "1", 1)),
		mirrorOf(kubeScheduler("kube-scheduler-cp-1", "cp-1", system)).Obj(),
		mirrorOf(kubeScheduler("kube-scheduler-cp-2", "cp-2", system)).Obj(),
		kubeScheduler("ks-extra", "cp-3", system).Obj(),
		kcm(running("kube-system", "kcm-1", "cp-1", system, "1", 1)).Obj(),
		pendingKCM,
		disruptionTarget(kcm(running("kube-system", "kcm-3", "cp-2", system, "1", 1))).Obj(),
		kcm(running("kube-system", "kcm-4", "cp-dead", system, "1", 1)).Obj(),
		running("kube-system", "helper", "cp-3", system, "1", 1).Label("app", "helper").Obj(),
	)
	controllers := []runtime.Object{statefulSet("kube-system", "etcd-main", 3), statefulSet("kube-system", "etcd-events", 5)}
	e := newEnv(t, ctx, nil, nil, false, nodes, pods, nil, controllers)
	byName := map[string]*v1.Pod{}
	for _, p := range pods {
		byName[p.Name] = p
	}
	type group struct {
		Key                                    string
		Members, Size, MinAvailable, Available int
	}
	etcdMain := &group{Key: "kube-system/etcd (StatefulSet etcd-main)", Members: 3, Size: 3, MinAvailable: 2, Available: 3}
	// Two of five desired members exist no more: the quorum of 5.
	etcdEventsGroup := &group{Key: "kube-system/etcd (StatefulSet etcd-events)", Members: 3, Size: 5, MinAvailable: 3, Available: 2}
	// kcm-1 available; kcm-2 pending, kcm-3 lost, kcm-4 on a dead node.
	kcmGroup := &group{Key: "kube-system/kube-controller-manager", Members: 4, Size: 4, MinAvailable: 1, Available: 1}
	tests := []struct {
		pod  string
		want *group
		// sameAs is a pod whose victim shares the group's budget.
		sameAs string
	}{
		{pod: "etcd-main-0", want: etcdMain, sameAs: "etcd-main-2"},
		{pod: "etcd-events-1", want: etcdEventsGroup, sameAs: "etcd-events-2"},
		{pod: "kube-scheduler-cp-1"},
		{pod: "ks-extra", want: &group{Key: "kube-system/kube-scheduler", Members: 1, Size: 1, MinAvailable: 1, Available: 1}},
		{pod: "kcm-1", want: kcmGroup, sameAs: "kcm-4"},
		{pod: "kcm-2", want: kcmGroup, sameAs: "kcm-3"},
		{pod: "helper"},
	}
	for _, tt := range tests {
		t.Run(tt.pod, func(t *testing.T) {
			s := e.attempt(t, ctx, componentPreemptor)
			var got *group
			if g := s.groupOf(byName[tt.pod]); g != nil {
				got = &group{Key: g.Key, Members: g.Members, Size: g.Size(), MinAvailable: g.MinAvailable(), Available: g.available}
				if tt.sameAs != "" && s.groupOf(byName[tt.sameAs]) != g {
					t.Errorf("%s and %s have a budget each, want one", tt.pod, tt.sameAs)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("group budget (-want +got):\n%s", diff)
			}
		})
	}
}
