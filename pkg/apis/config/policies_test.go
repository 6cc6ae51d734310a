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

package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy/policytest"
)

// TestPoliciesFor: a profile gets the policy loaded for it; a profile
// without one gets the default policy, a fresh value each time.
func TestPoliciesFor(t *testing.T) {
	compact := defaultPolicy()
	compact.AllowUserWorkloadsOnControlPlane = true
	ps := Policies{"ha": &compact}

	require.Same(t, &compact, ps.For("ha"))
	for _, ps := range []Policies{ps, nil} {
		got := ps.For("default-scheduler")
		if diff := cmp.Diff(ptr.To(defaultPolicy()), got, policytest.Compare); diff != "" {
			t.Errorf("policy of a profile without HAPolicy (-want +got):\n%s", diff)
		}
		got.Levels[0] = "changed"
		if diff := cmp.Diff(ptr.To(defaultPolicy()), ps.For("default-scheduler"), policytest.Compare); diff != "" {
			t.Errorf("a default policy changed through another (-want +got):\n%s", diff)
		}
	}
	require.Len(t, ps, 1, "For must not add the profiles it is asked about")
}

// TestPolicyArgsPolicy: the policy built from args carries every field,
// the levels included, and shares no slice with the args.
func TestPolicyArgsPolicy(t *testing.T) {
	a := &PolicyArgs{
		TrustedNamespaces: []string{"kube-system", "vault"},
		Components: []ComponentArgs{{
			Name:      "vault",
			Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "vault"}}},
			RuleArgs:  RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{Quorum: true}},
		}},
		AllowUserWorkloadsOnControlPlane: true,
		Levels:                           []string{"topology.kubernetes.io/region", "kubernetes.io/hostname"},
		RequiredLevels:                   []string{"kubernetes.io/hostname"},
	}
	SetDefaultsPolicyArgs(a)
	got, err := a.Policy()
	require.NoError(t, err)
	want := &policy.Policy{
		TrustedNamespaces: sets.New("kube-system", "vault"),
		Components: []policy.Component{{
			Name:      "vault",
			Selectors: []labels.Selector{labels.SelectorFromSet(labels.Set{"app": "vault"})},
			Rule:      policy.Rule{Placement: policy.PlaceControlPlane, Spread: policy.SpreadRequired, Disruption: policy.Disruption{Quorum: true}},
		}},
		OtherTrusted:                     policy.DefaultOtherTrusted(),
		UserWorkloads:                    policy.DefaultUserWorkloads(),
		AllowUserWorkloadsOnControlPlane: true,
		Levels:                           []string{"topology.kubernetes.io/region", "kubernetes.io/hostname"},
		RequiredLevels:                   []string{"kubernetes.io/hostname"},
	}
	if diff := cmp.Diff(want, got, policytest.Compare); diff != "" {
		t.Errorf("policy (-want +got):\n%s", diff)
	}
	a.Levels[0], a.RequiredLevels[0] = "changed", "changed"
	if diff := cmp.Diff(want, got, policytest.Compare); diff != "" {
		t.Errorf("policy changed through its args (-want +got):\n%s", diff)
	}
}
