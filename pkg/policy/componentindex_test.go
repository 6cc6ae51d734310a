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

package policy

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// selector compiles a label selector written as matchLabels and
// matchExpressions (key in/notin/exists values).
func selector(t *testing.T, s metav1.LabelSelector) labels.Selector {
	t.Helper()
	sel, err := metav1.LabelSelectorAsSelector(&s)
	require.NoError(t, err)
	return sel
}

// TestComponentIndexFindsTheFirstMatch: with the index, Classify finds the
// component the linear scan in policy order finds, for pods matching
// none, one, several (the earlier wins, whichever key it is filed under)
// and multi-label selectors; a selector that is no set of equalities
// turns the index off.
func TestComponentIndexFindsTheFirstMatch(t *testing.T) {
	eq := func(kv ...string) metav1.LabelSelector {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return metav1.LabelSelector{MatchLabels: m}
	}
	in := func(key string, values ...string) metav1.LabelSelector {
		return metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: metav1.LabelSelectorOpIn, Values: values}}}
	}
	components := func(sels ...[]metav1.LabelSelector) []Component {
		var out []Component
		for i, ss := range sels {
			c := Component{Name: fmt.Sprintf("c%d", i), Rule: ruleAnyPref}
			for _, s := range ss {
				c.Selectors = append(c.Selectors, selector(t, s))
			}
			out = append(out, c)
		}
		return out
	}
	pods := []*v1.Pod{
		sysPod("none"),
		sysPod("other", "app", "other"),
		sysPod("etcd", "component", "etcd"),
		sysPod("etcd-by-app", "app", "etcd"),
		sysPod("both", "app", "dns", "component", "etcd"),
		sysPod("tier-only", "tier", "control-plane"),
		sysPod("scheduler", "component", "kube-scheduler", "tier", "control-plane"),
		sysPod("scheduler-other-tier", "component", "kube-scheduler", "tier", "node"),
	}
	tests := []struct {
		name       string
		components []Component
		indexed    bool
	}{
		{name: "the shipped components", components: Default().Components, indexed: true},
		{name: "an earlier component filed under another key wins", components: components(
			[]metav1.LabelSelector{eq("app", "dns")},
			[]metav1.LabelSelector{eq("component", "etcd"), eq("app", "etcd")},
		), indexed: true},
		{name: "a later component filed under the key looked at first loses", components: components(
			[]metav1.LabelSelector{eq("component", "etcd")},
			[]metav1.LabelSelector{eq("app", "dns")},
		), indexed: true},
		{name: "multi-label selectors", components: components(
			[]metav1.LabelSelector{eq("component", "kube-scheduler", "tier", "control-plane")},
			[]metav1.LabelSelector{eq("tier", "control-plane")},
			[]metav1.LabelSelector{eq("component", "kube-scheduler")},
		), indexed: true},
		{name: "in with one value is an equality", components: components(
			[]metav1.LabelSelector{in("component", "etcd")},
		), indexed: true},
		{name: "in with two values turns the index off", components: components(
			[]metav1.LabelSelector{in("component", "etcd", "kube-scheduler")},
		)},
		{name: "an empty selector turns the index off", components: components(
			[]metav1.LabelSelector{eq("app", "dns")},
			[]metav1.LabelSelector{{}},
		)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			linear := &Policy{TrustedNamespaces: Default().TrustedNamespaces, Components: tt.components, OtherTrusted: ruleAnyNone}
			indexed := *linear
			indexed.IndexComponents()
			require.Equal(t, tt.indexed, indexed.components != nil, "index built")
			for _, pod := range pods {
				if diff := cmp.Diff(linear.Classify(pod), indexed.Classify(pod)); diff != "" {
					t.Errorf("pod %s: indexed Classify differs from the linear scan (-linear +indexed):\n%s", pod.Name, diff)
				}
			}
		})
	}
}

// TestComponentIndexFollowsTheComponents: a component prepended or
// appended after IndexComponents is matched as the linear scan matches it:
// the index is not used for components it was not built from.
func TestComponentIndexFollowsTheComponents(t *testing.T) {
	first := CompileComponent(ComponentSpec{Name: "ingress", MatchLabels: []map[string]string{{"component": "etcd"}}, Rule: ruleAnyPref})
	pod := sysPod("etcd", "component", "etcd")

	prepended := Default()
	prepended.Components = append([]Component{first}, prepended.Components...)
	if diff := cmp.Diff("ingress", prepended.Classify(pod).Component); diff != "" {
		t.Errorf("prepended component (-want +got):\n%s", diff)
	}

	appended := Default()
	appended.Components = append(appended.Components, CompileComponent(ComponentSpec{Name: "ingress", MatchLabels: []map[string]string{{"app": "late"}}, Rule: ruleAnyPref}))
	if diff := cmp.Diff("ingress", appended.Classify(sysPod("late", "app", "late")).Component); diff != "" {
		t.Errorf("appended component (-want +got):\n%s", diff)
	}
}
