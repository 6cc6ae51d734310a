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
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/cyclestate"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

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
