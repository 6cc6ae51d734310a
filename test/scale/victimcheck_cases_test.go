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

package scale

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/app"
)

// TestCheckVictims: the benchmark's guarantee check finds each kind of
// broken guarantee, and nothing where a budget allowed the victims (the
// PreemptionDefault smoke run shows it on a real scheduler's victims).
func TestCheckVictims(t *testing.T) {
	policies, err := app.LoadPolicies(haSchedulerConfig)
	require.NoError(t, err)
	_, p, err := policies.Compile("scale", "default-scheduler")
	require.NoError(t, err)

	pod := func(ns, name, labelKey, labelValue string, ready bool) *v1.Pod {
		w := st.MakePod().Namespace(ns).Name(name).UID(ns+"/"+name).Node("worker-0").Label(labelKey, labelValue)
		if ready {
			w = w.Condition(v1.PodReady, v1.ConditionTrue, "")
		}
		return w.Obj()
	}
	user := func(name, app string) *v1.Pod { return pod(userNamespace, name, "app", app, true) }
	component := func(name, c string) *v1.Pod { return pod(cpNamespace, name, "component", c, true) }
	maxUnavailable := func(name, app string, n int) *policyv1.PodDisruptionBudget {
		return &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Namespace: userNamespace, Name: name},
			Spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: new(intstr.FromInt32(int32(n))),
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}}}}
	}
	minAvailable := func(name, app string, n int) *policyv1.PodDisruptionBudget {
		b := maxUnavailable(name, app, 0)
		b.Spec.MaxUnavailable, b.Spec.MinAvailable = nil, new(intstr.FromInt32(int32(n)))
		return b
	}
	userPreemptor := st.MakePod().Namespace(userNamespace).Name("preemptor").Label("app", "preemptor").Obj()
	componentPreemptor := st.MakePod().Namespace(cpNamespace).Name("apiserver").Label("component", "kube-apiserver").Obj()

	tests := []struct {
		name           string
		pods           []*v1.Pod
		pdbs           []*policyv1.PodDisruptionBudget
		taken          []string
		preemptor      *v1.Pod
		wantVictims    []string
		wantViolations []violation
	}{
		{
			name:        "user pods without a budget",
			pods:        []*v1.Pod{user("a", "web"), user("b", "web"), user("c", "db")},
			taken:       []string{"a", "c"},
			preemptor:   userPreemptor,
			wantVictims: []string{"user/a", "user/c"},
		},
		{
			name:           "a trusted pod that is no component, taken by a user's preemptor",
			pods:           []*v1.Pod{pod(cpNamespace, "mon", "app", "monitoring", true), user("a", "web")},
			taken:          []string{"mon"},
			preemptor:      userPreemptor,
			wantVictims:    []string{"cp-system/mon"},
			wantViolations: []violation{{rule: "trusted", subject: "cp-system/mon", count: 1, victims: []string{"cp-system/mon"}, detail: "a pod of trusted namespace cp-system taken by a preemptor of namespace user"}},
		},
		{
			name:        "the last available replica of a component, taken by a user's preemptor",
			pods:        []*v1.Pod{component("s1", "kube-scheduler"), component("s2", "kube-scheduler")},
			taken:       []string{"s1", "s2"},
			preemptor:   userPreemptor,
			wantVictims: []string{"cp-system/s1", "cp-system/s2"},
			wantViolations: []violation{
				{rule: "trusted", subject: "cp-system/s1", count: 1, victims: []string{"cp-system/s1"}, detail: "component kube-scheduler, a pod of trusted namespace cp-system taken by a preemptor of namespace user"},
				{rule: "trusted", subject: "cp-system/s2", count: 1, victims: []string{"cp-system/s2"}, detail: "component kube-scheduler, a pod of trusted namespace cp-system taken by a preemptor of namespace user"},
				{rule: "min-available", subject: "cp-system/kube-scheduler", count: 1, victims: []string{"cp-system/s1", "cp-system/s2"}, detail: "0 of 2 replicas available after the phase, must keep 1"},
			},
		},
		{
			name:        "one etcd member of three, taken by a component: the quorum holds",
			pods:        []*v1.Pod{component("e1", "etcd"), component("e2", "etcd"), component("e3", "etcd")},
			taken:       []string{"e2"},
			preemptor:   componentPreemptor,
			wantVictims: []string{"cp-system/e2"},
		},
		{
			name:        "two etcd members of three: the quorum is lost",
			pods:        []*v1.Pod{component("e1", "etcd"), component("e2", "etcd"), component("e3", "etcd")},
			taken:       []string{"e1", "e3"},
			preemptor:   componentPreemptor,
			wantVictims: []string{"cp-system/e1", "cp-system/e3"},
			wantViolations: []violation{{rule: "min-available", subject: "cp-system/etcd", count: 1, victims: []string{"cp-system/e1", "cp-system/e3"},
				detail: "1 of 3 replicas available after the phase, must keep 2"}},
		},
		{
			name:        "a member that was not available costs its group nothing",
			pods:        []*v1.Pod{component("s1", "kube-scheduler"), pod(cpNamespace, "s2", "component", "kube-scheduler", false)},
			taken:       []string{"s2"},
			preemptor:   componentPreemptor,
			wantVictims: []string{"cp-system/s2"},
		},
		{
			name:        "budgets: maxUnavailable 1 with two taken, minAvailable all with one taken, maxUnavailable 1 with one taken",
			pods:        []*v1.Pod{user("a1", "a"), user("a2", "a"), user("a3", "a"), user("b1", "b"), user("b2", "b"), user("c1", "c"), user("c2", "c")},
			pdbs:        []*policyv1.PodDisruptionBudget{maxUnavailable("pdb-a", "a", 1), minAvailable("pdb-b", "b", 2), maxUnavailable("pdb-c", "c", 1)},
			taken:       []string{"a1", "a3", "b2", "c1"},
			preemptor:   userPreemptor,
			wantVictims: []string{"user/a1", "user/a3", "user/b2", "user/c1"},
			wantViolations: []violation{
				{rule: "pdb", subject: "PodDisruptionBudget user/pdb-a", count: 1, victims: []string{"user/a1", "user/a3"}, detail: "1 of 3 pods healthy after the phase, must keep 2"},
				{rule: "pdb", subject: "PodDisruptionBudget user/pdb-b", count: 1, victims: []string{"user/b2"}, detail: "1 of 2 pods healthy after the phase, must keep 2"},
			},
		},
		{
			name:        "a tenant's budget does not bind a component's preemptor",
			pods:        []*v1.Pod{user("b1", "b"), user("b2", "b")},
			pdbs:        []*policyv1.PodDisruptionBudget{minAvailable("pdb-b", "b", 2)},
			taken:       []string{"b1"},
			preemptor:   componentPreemptor,
			wantVictims: []string{"user/b1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := &clusterState{nodes: map[string]*v1.Node{"worker-0": st.MakeNode().Name("worker-0").Obj()}, pods: tc.pods, pdbs: tc.pdbs}
			survivors := map[types.UID]bool{}
			for _, pod := range tc.pods {
				survivors[pod.UID] = true
			}
			for _, name := range tc.taken {
				found := false
				for _, pod := range tc.pods {
					if pod.Name == name {
						delete(survivors, pod.UID)
						found = true
					}
				}
				require.True(t, found, "no pod %s in the test case", name)
			}
			victims, violations, err := checkVictims(p, before, survivors, tc.preemptor)
			require.NoError(t, err)
			var gotVictims []string
			for _, v := range victims {
				gotVictims = append(gotVictims, podKey(v))
			}
			if diff := cmp.Diff(tc.wantVictims, gotVictims); diff != "" {
				t.Errorf("victims (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantViolations, violations, cmp.AllowUnexported(violation{})); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDesiredHealthy: the budgets' desired healthy pods as the disruption
// controller computes them (percentages rounded up).
func TestDesiredHealthy(t *testing.T) {
	pct := func(s string) *intstr.IntOrString { return new(intstr.FromString(s)) }
	num := func(n int32) *intstr.IntOrString { return new(intstr.FromInt32(n)) }
	for _, tc := range []struct {
		name     string
		spec     policyv1.PodDisruptionBudgetSpec
		expected int
		want     int
	}{
		{name: "minAvailable 2", spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: num(2)}, expected: 3, want: 2},
		{name: "minAvailable 50% of 3", spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: pct("50%")}, expected: 3, want: 2},
		{name: "maxUnavailable 1 of 10", spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: num(1)}, expected: 10, want: 9},
		{name: "maxUnavailable 50% of 3", spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: pct("50%")}, expected: 3, want: 1},
		{name: "maxUnavailable 5 of 3", spec: policyv1.PodDisruptionBudgetSpec{MaxUnavailable: num(5)}, expected: 3, want: 0},
		{name: "neither", expected: 3, want: 0},
	} {
		got, err := desiredHealthy(&policyv1.PodDisruptionBudget{Spec: tc.spec}, tc.expected)
		require.NoError(t, err, tc.name)
		if got != tc.want {
			t.Errorf("%s: desiredHealthy = %d, want %d", tc.name, got, tc.want)
		}
	}
}
